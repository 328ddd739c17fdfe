"""An IAM policy statement as a value object, and the one JSON serialisation (pure, no Pulumi).

A :class:`Statement` is normalised (sorted, de-duplicated actions and resources, conditions
with sorted keys); :func:`render` is the one place a document becomes JSON text, with a fixed
key order, so the same stack always renders the same bytes.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..readonly import freeze

VERSION = "2012-10-17"
# Statement keys whose value is a string or a list of strings.
LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")


def canonical(value: Any) -> Any:
    """Plain JSON data with every mapping's keys sorted (for conditions)."""
    if isinstance(value, Mapping):
        return {key: canonical(value[key]) for key in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    return value


def _one_or_many(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


@dataclass(frozen=True)
class Statement:
    """One IAM policy statement, normalised: actions and resources sorted and unique."""

    sid: str
    actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    effect: str = "Allow"
    not_actions: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    condition: Mapping[str, Any] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("actions", "resources", "not_actions", "not_resources"):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))
        if self.condition is not None:
            object.__setattr__(self, "condition", freeze(canonical(self.condition)))

    def to_json(self) -> dict[str, Any]:
        """The statement as IAM JSON, keys in a fixed order; single values as plain strings."""
        data: dict[str, Any] = {"Sid": self.sid, "Effect": self.effect}
        if self.actions:
            data["Action"] = _one_or_many(self.actions)
        if self.not_actions:
            data["NotAction"] = _one_or_many(self.not_actions)
        if self.resources:
            data["Resource"] = _one_or_many(self.resources)
        if self.not_resources:
            data["NotResource"] = _one_or_many(self.not_resources)
        if self.condition is not None:
            data["Condition"] = canonical(self.condition)
        return data

    @functools.cached_property
    def size(self) -> int:
        """Characters IAM counts for this statement (whitespace excluded)."""
        return json_size(self.to_json())

    def deployed_form(self) -> Mapping[str, Any]:
        """The statement as deployed, read-only, with list-valued keys always tuples (what
        ``ssm_profile_check`` hooks and ``ssm_profile.testing`` see)."""
        data = self.to_json()
        for key in LIST_KEYS:
            if isinstance(data.get(key), str):
                data[key] = (data[key],)
        return freeze(data)


# The whitespace IAM does not count: ASCII's. Java's notion of whitespace, which IAM's is
# built on, leaves out U+00A0 and U+0085, which Python's \s counts.
_SPACE = re.compile(r"[ \t\n\r\f\v]")


def text_size(text: str) -> int:
    """Characters IAM counts in a document's text: all but ASCII whitespace."""
    return len(text) - len(_SPACE.findall(text))


def json_size(data: Any) -> int:
    """Characters IAM counts for a JSON value: its compact form without whitespace."""
    return text_size(json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False))


def document(statements: Iterable[Statement]) -> dict[str, Any]:
    """A policy document with the given statements, in the given order."""
    return {"Version": VERSION, "Statement": [s.to_json() for s in statements]}


def render(doc: Mapping[str, Any]) -> str:
    """The one JSON serialisation used for every document: 2-space indent, stable order.

    ``NaN`` and infinities raise ``ValueError``: they are not JSON and IAM would reject them.
    """
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)
