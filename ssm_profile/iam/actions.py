"""AWS's IAM actions, as parliament's database describes them (pure, no Pulumi).

The data is a file shipped with the package, ``parliament_actions.json``, generated from
parliament by :mod:`ssm_profile.iam.actiondata` and checked against the installed parliament
by ``tests/test_actions.py``. A plan therefore never imports parliament (a 10 MB database)
and never builds or caches anything at first use. It reads the file once, only when a stack
has plugin statements, and decodes only the services it looks up (:mod:`.linedata`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import linedata
from .actiondata import DATA_FILE

PERMISSIONS_MANAGEMENT = "Permissions management"
# Also treated as managing permissions although AWS's reference files it as "Write": passing
# a role to a service hands over that role's permissions (parliament's
# permissions-management and privilege-escalation auditors both flag it).
_ALSO_MANAGES_PERMISSIONS = frozenset({"iam:passrole"})

_ACTION_SYNTAX = re.compile(r"([A-Za-z0-9*?-]+):([A-Za-z0-9*?]+)")


@dataclass(frozen=True)
class Action:
    """One IAM action as parliament's database describes it."""

    service: str
    name: str
    access_level: str
    resource_types: tuple[str, ...]  # the resource types it can be granted on

    @property
    def resource_level(self) -> bool:
        """Supports resource-level permissions (has a resource type)."""
        return bool(self.resource_types)

    @property
    def manages_permissions(self) -> bool:
        """Access level ``Permissions management``, or ``iam:PassRole``."""
        return (
            self.access_level == PERMISSIONS_MANAGEMENT
            or str(self).lower() in _ALSO_MANAGES_PERMISSIONS
        )

    @property
    def arn_templates(self) -> tuple[tuple[str, str, str], ...]:
        """``(resource type, ARN service, template of the resource part)`` of each resource
        type, as AWS documents them: ``secretsmanager:GetSecretValue`` ->
        ``(("secret", "secretsmanager", "secret:${SecretId}"),)``."""
        known = _data()["services"][self.service]["resources"]
        return tuple((t, *known[t]) for t in self.resource_types if t in known)

    def __str__(self) -> str:
        return f"{self.service}:{self.name}"


@functools.cache
def _data() -> Mapping[str, Any]:
    head, services = linedata.read(DATA_FILE, "services")
    return {**head, "services": services}


def services() -> Mapping[str, Any]:
    """Service prefix -> ``{"resources": ..., "actions": [[name, access level, types]]}``."""
    return _data()["services"]


@functools.cache
def privilege_escalation_methods() -> Mapping[str, tuple[str, ...]]:
    """Privilege-escalation methods, parliament's and the supplement's: name -> the actions
    that together allow it (lowercase ``service:action``)."""
    methods = {**_data()["privilege_escalation"], **_data()["supplement"]["privilege_escalation"]}
    return {name: tuple(actions) for name, actions in methods.items()}


@functools.cache
def credentials_exposure_actions() -> frozenset[str]:
    """Actions that can return credentials to the caller (lowercase): parliament's list and
    the supplement's (:data:`ssm_profile.iam.actiondata.SUPPLEMENT`)."""
    data = _data()
    return frozenset(data["credentials_exposure"] + data["supplement"]["credentials_exposure"])


def supplemented(names: set[str]) -> bool:
    """Whether any of these lowercase actions or method names is the supplement's rather
    than parliament's (so that a message names its real source)."""
    supplement = _data()["supplement"]
    return bool(
        names & set(supplement["credentials_exposure"])
        or names & set(supplement["privilege_escalation"])
    )


def data_source() -> str:
    """Which parliament the data was generated from (``parliament 1.6.4``)."""
    return _data()["source"]


def _pattern(text: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """IAM's wildcard matching (``*``, ``?``), case-insensitive, as parliament expands it."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text),
        flags | re.DOTALL,
    )


@functools.lru_cache(maxsize=4096)
def resource_pattern(resource: str) -> re.Pattern[str]:
    """An ARN with IAM's wildcards as a pattern (ARNs compare case-sensitively)."""
    return _pattern(resource, 0)


@functools.lru_cache(maxsize=4096)
def expand_action(action: str) -> tuple[Action, ...]:
    """Every database action ``action`` names (``logs:Describe*`` -> several); may be empty.

    Raises :class:`ValueError` if ``action`` is not of the form ``service:Action``.
    """
    match = _ACTION_SYNTAX.fullmatch(action)
    if not match:
        raise ValueError(f"{action!r} is not an action of the form service:Action")
    service, name = match.groups()
    index = services()
    if "*" in service or "?" in service:
        service_pattern = _pattern(service)
        matched = [s for s in index if service_pattern.fullmatch(s)]
    else:
        matched = [service.lower()] if service.lower() in index else []
    if "*" in name or "?" in name:
        wanted = _pattern(name)
        rows = [(s, r) for s in matched for r in index[s]["actions"] if wanted.fullmatch(r[0])]
    else:
        lowered = name.lower()
        rows = [(s, r) for s in matched for r in index[s]["actions"] if r[0].lower() == lowered]
    # parliament lists some services twice (two API versions): identical rows count once
    return tuple(dict.fromkeys(Action(s, r[0], r[1], tuple(r[2])) for s, r in rows))
