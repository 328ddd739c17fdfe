"""parliament's IAM action database as a compact index (pure, no Pulumi).

parliament is AWS's IAM action database on PyPI. Its database is a 10 MB JSON file, so it is
imported lazily: a stack without plugin statements never loads it. :func:`action_index` reads
a compact index of it (service, action, access level, resource-level support), derived from
parliament the first time and cached per parliament version, so a plan with plugins pays
milliseconds for it.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PERMISSIONS_MANAGEMENT = "Permissions management"
# Also treated as managing permissions although AWS's reference files it as "Write": passing
# a role to a service hands over that role's permissions (parliament's
# permissions-management and privilege-escalation auditors both flag it).
_ALSO_MANAGES_PERMISSIONS = frozenset({"iam:passrole"})

Row = tuple[str, str, bool]
ActionIndex = dict[str, list[Row]]

_ACTION_SYNTAX = re.compile(r"^([A-Za-z0-9*?-]+):([A-Za-z0-9*?]+)$")


@dataclass(frozen=True)
class Action:
    """One IAM action as parliament's database describes it."""

    service: str
    name: str
    access_level: str
    resource_level: bool  # supports resource-level permissions (has a resource type)

    @property
    def manages_permissions(self) -> bool:
        """Access level ``Permissions management``, or ``iam:PassRole``."""
        return (
            self.access_level == PERMISSIONS_MANAGEMENT
            or str(self).lower() in _ALSO_MANAGES_PERMISSIONS
        )

    def __str__(self) -> str:
        return f"{self.service}:{self.name}"


def import_parliament() -> Any:
    """``import parliament``, without the deprecation warning its pkg_resources import raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import parliament

    return parliament


def build_index(iam_definition: Iterable[Mapping[str, Any]]) -> ActionIndex:
    """Service prefix -> rows ``(action, access level, resource-level support)``, from
    parliament's ``iam_definition`` data."""
    index: dict[str, list[Row]] = {}
    for service in iam_definition:
        rows = index.setdefault(service["prefix"], [])
        for privilege in service["privileges"]:
            resource_level = any(r["resource_type"] for r in privilege["resource_types"])
            rows.append((privilege["privilege"], privilege["access_level"], resource_level))
    return index


def _cache_file() -> Path | None:
    """Where the compact index of the installed database is cached (``None``: don't cache).

    Keyed by the size and modification time of parliament's ``iam_definition.json``, found
    without importing parliament, so an upgrade or reinstall rebuilds it.
    """
    spec = importlib.util.find_spec("parliament")
    if spec is None or not spec.submodule_search_locations:
        return None
    try:
        stat = (Path(spec.submodule_search_locations[0]) / "iam_definition.json").stat()
    except OSError:
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    name = f"parliament-actions-{stat.st_size}-{stat.st_mtime_ns}.json"
    return Path(base) / "ssm-profile" / name


def _read_cache(path: Path) -> ActionIndex | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        return None
    return {
        prefix: [(n, level, bool(rl)) for n, level, rl in rows] for prefix, rows in data.items()
    }


def _write_cache(path: Path, index: ActionIndex) -> None:
    data = {
        prefix: [[n, level, int(rl)] for n, level, rl in rows] for prefix, rows in index.items()
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8"
        ) as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(handle.name, path)
    except OSError:
        pass  # a read-only home only costs the next run the full load


@functools.cache
def action_index() -> ActionIndex:
    """parliament's actions by service prefix (cached on disk per parliament version)."""
    cache = _cache_file()
    if cache is not None:
        index = _read_cache(cache)
        if index is not None:
            return index
    index = build_index(import_parliament().iam_definition)
    if cache is not None:
        _write_cache(cache, index)
    return index


def _pattern(text: str) -> re.Pattern[str]:
    """IAM's wildcard matching (``*``, ``?``), case-insensitive, as parliament expands it."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text),
        re.IGNORECASE,
    )


@functools.lru_cache(maxsize=4096)
def expand_action(action: str) -> tuple[Action, ...]:
    """Every database action ``action`` names (``logs:Describe*`` -> several); may be empty.

    Raises :class:`ValueError` if ``action`` is not of the form ``service:Action``.
    """
    match = _ACTION_SYNTAX.match(action)
    if not match:
        raise ValueError(f"{action!r} is not an action of the form service:Action")
    service, name = match.groups()
    index = action_index()
    if "*" in service or "?" in service:
        service_pattern = _pattern(service)
        services = [s for s in index if service_pattern.fullmatch(s)]
    else:
        services = [service.lower()] if service.lower() in index else []
    if "*" in name or "?" in name:
        wanted = _pattern(name)
        rows = [(s, row) for s in services for row in index[s] if wanted.fullmatch(row[0])]
    else:
        lowered = name.lower()
        rows = [(s, row) for s in services for row in index[s] if row[0].lower() == lowered]
    # parliament lists some services twice (two API versions): identical rows count once
    return tuple(dict.fromkeys(Action(s, *row) for s, row in rows))
