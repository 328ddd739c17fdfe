"""Policy documents read as grants: one effect, action and resource (with its condition)
each, whatever the statements' layout (pure).

The guide's console policy and the stack's policy grant the same in different layouts (no
Sids, ``s3:PutObjectAcl`` in the bucket's statement or in its own). :func:`canonical` writes
any document in one layout, one statement per resource with its actions sorted, so that the
diff engine (:mod:`ssm_profile.offline.diff`) compares grants, statement by statement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# A statement with any of these cannot be cut into single grants; it is compared whole.
_WHOLE = ("NotAction", "NotResource", "Principal", "NotPrincipal")


@dataclass(frozen=True, order=True)
class Grant:
    effect: str
    action: str
    resource: str
    condition: str = ""  # the statement's Condition as sorted JSON, "" for none

    def __str__(self) -> str:
        text = f"{self.action} on {self.resource}"
        if self.effect != "Allow":
            text = f"{self.effect} {text}"
        return f"{text} if {self.condition}" if self.condition else text


def statements(document: Any) -> list[Any]:
    """The statements of a document (one or a list)."""
    if not isinstance(document, Mapping):
        return []
    found = document.get("Statement", [])
    return list(found) if isinstance(found, list) else [found]


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def expand(statement: Any) -> tuple[Grant, ...] | None:
    """The statement's grants, or ``None`` if it cannot be cut into grants."""
    if not isinstance(statement, Mapping) or any(k in statement for k in _WHOLE):
        return None
    if "Action" not in statement or "Resource" not in statement:
        return None
    condition = statement.get("Condition")
    condition_text = json.dumps(condition, sort_keys=True) if condition else ""
    effect = str(statement.get("Effect", ""))
    return tuple(
        sorted(
            {
                Grant(effect, str(a), str(r), condition_text)
                for a in _values(statement["Action"])
                for r in _values(statement["Resource"])
            }
        )
    )


def canonical(document: Any) -> str:
    """``document`` as JSON in one layout: a statement per effect, resource and condition,
    named by them (``Sid``: the resource), actions sorted; statements that cannot be cut
    into grants are kept whole, after the others."""
    groups: dict[tuple[str, str, str], set[str]] = {}
    whole = []
    for statement in statements(document):
        grants = expand(statement)
        if grants is None:
            whole.append(statement)
            continue
        for g in grants:
            groups.setdefault((g.resource, g.effect, g.condition), set()).add(g.action)
    out = []
    for (resource, effect, condition), actions in sorted(groups.items()):
        sid = resource if effect == "Allow" and not condition else f"{effect} {resource}"
        if condition:
            sid += f" if {condition}"
        entry: dict[str, Any] = {"Sid": sid, "Effect": effect, "Action": sorted(actions)}
        entry["Resource"] = resource
        if condition:
            entry["Condition"] = json.loads(condition)
        out.append(entry)
    head = (
        {k: v for k, v in document.items() if k != "Statement"}
        if isinstance(document, Mapping)
        else {}
    )
    return json.dumps({**head, "Statement": out + whole}, indent=2, sort_keys=False)


def _normal(statement: Any) -> str:
    if not isinstance(statement, Mapping):
        return json.dumps(statement, sort_keys=True)
    fields = {
        k: sorted(map(str, _values(v)))
        if k in ("Action", "Resource", "NotAction", "NotResource")
        else v
        for k, v in statement.items()
    }
    return json.dumps(fields, sort_keys=True)


def same_layout(one: Any, other: Any) -> bool:
    """The same statements (order of statements and of their values aside)."""
    return sorted(map(_normal, statements(one))) == sorted(map(_normal, statements(other)))
