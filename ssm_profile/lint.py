"""IAM policy linting with parliament, AWS's IAM action database on PyPI (pure, no Pulumi).

- :func:`lint_document`: parliament's findings for a whole policy document (used by the
  tests on every policy the program renders).
- :func:`statement_problems`: the plan-time gate for ONE statement a plugin returns: every
  action must exist, and an ``Allow`` statement must be least-privilege (no service-wide
  actions, no permissions management, no wildcard bucket names, ``"*"`` only for actions
  without resource-level permissions).
- :func:`managed_policy_problem`: the gate for AWS managed policies a stack attaches through
  ``ssm-profile:managedPolicies`` or a plugin: administrator, power-user and ``*FullAccess``
  policies are refused (a rule on the policy name, no database).

parliament is imported lazily: its database is a 10 MB JSON file, so a stack without plugin
statements never loads it. :func:`statement_problems` reads a compact index of that database
(service, action, access level, resource-level support) which is derived from parliament the
first time and cached per parliament version, so a plan with plugins pays milliseconds for it.
"""

from __future__ import annotations

import difflib
import functools
import importlib.util
import json
import os
import re
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PERMISSIONS_MANAGEMENT = "Permissions management"
# Also refused in plugin statements although AWS's reference files it as "Write": passing a
# role to a service hands over that role's permissions (parliament's permissions-management
# and privilege-escalation auditors both flag it).
_ALSO_MANAGES_PERMISSIONS = frozenset({"iam:passrole"})

# parliament findings we do not report, and why (see the README section Guardrails):
# - PERMISSIONS_MANAGEMENT_ACTIONS (community auditor) for s3:PutObjectAcl only: the guide
#   requires s3:PutObjectAcl for own buckets written cross-account; the program grants it
#   only for buckets declared `crossAccount: true`, and the policy pack enforces exactly that.
_TOLERATED_PERMISSIONS_MANAGEMENT = frozenset({"s3:putobjectacl"})

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


# --- the action index --------------------------------------------------------------------


def _import_parliament() -> Any:
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
    index = build_index(_import_parliament().iam_definition)
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


# --- one plugin statement -----------------------------------------------------------------


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def _unknown(action: str) -> str:
    service, _, name = action.partition(":")
    known = action_index().get(service.lower())
    if known is None and "*" not in service and "?" not in service:
        return f"action {action} is unknown: parliament's IAM database has no service {service!r}"
    if "*" in action or "?" in action:
        return f"action {action} matches no action in parliament's IAM database"
    hint = ""
    if known:
        names = {row[0].lower(): f"{service.lower()}:{row[0]}" for row in known}
        close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.75)
        hint = f"; did you mean {names[close[0]]}?" if close else ""
    return f"action {action} is unknown: not in parliament's IAM database{hint}"


def _unique_names(actions: Iterable[Action]) -> list[str]:
    """``service:Action`` names, each once (parliament may list an action in two rows that
    differ in access level or resource types)."""
    names: dict[str, str] = {}
    for action in actions:
        names.setdefault(str(action).lower(), str(action))
    return list(names.values())


def _about(pattern: str, actions: Sequence[Action], one: str, many: str) -> str:
    """``action X <one>`` or ``action X* matches A, B, C and N more, which <one|many>``."""
    unique = _unique_names(actions)
    if len(unique) == 1 and unique[0].lower() == pattern.lower():
        return f"action {unique[0]} {one}"
    names = ", ".join(unique[:3])
    more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
    return f"action {pattern} matches {names}{more}, which {one if len(unique) == 1 else many}"


def _broad(pattern: str, offending: Sequence[Action], where: str) -> str:
    return _about(
        pattern,
        offending,
        f"supports resource-level permissions; grant it on specific ARNs, not {where}",
        f"support resource-level permissions; grant them on specific ARNs, not {where}",
    )


def _manages_permissions(pattern: str, managing: Sequence[Action]) -> str:
    return _about(
        pattern,
        managing,
        "manages permissions; an instance role must not change policies, grants or ACLs or "
        "pass roles: remove it",
        "manage permissions; an instance role must not change policies, grants or ACLs or "
        "pass roles: remove them",
    )


def service_wide(action: str) -> bool:
    """``iam:*``, ``s3:*``, ``*:Get*``: a pattern that names no action, only services."""
    service, _, name = action.partition(":")
    if "*" in service or "?" in service:
        return True
    return "*" in name and not name.strip("*?")


def as_broad_as_star(resource: str) -> bool:
    """``"*"`` and ARNs whose resource part is only wildcards (``arn:aws:s3:::*``,
    ``arn:aws:iam::*:*``): they match every resource of the service, as ``"*"`` does."""
    if resource == "*":
        return True
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return False
    return "*" in parts[5] and not parts[5].strip("*?/:")


def s3_bucket_wildcard(resource: str) -> bool:
    """An S3 bucket or object ARN with ``*`` or ``?`` in the bucket name
    (``arn:aws:s3:::aws-ssm-*/*``)."""
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "s3" or parts[3] or parts[4]:
        return False
    bucket = parts[5].split("/", 1)[0]
    return "*" in bucket or "?" in bucket


def statement_problems(statement: Mapping[str, Any]) -> list[str]:
    """Problems of ONE IAM statement by parliament's action database; ``[]`` means none.

    Every ``Action``/``NotAction`` must exist; a wildcard (``logs:Describe*``) must match at
    least one action. An ``Allow`` statement must also stay least-privilege:

    - no service-wide action pattern (``iam:*``, ``s3:*``, ``*:Get*``): name the actions;
    - no action that manages permissions: parliament's access level ``Permissions
      management`` (``iam:PutRolePolicy``, ``s3:PutBucketPolicy``, ``kms:CreateGrant``), and
      ``iam:PassRole``;
    - no S3 ARN with a wildcard in the bucket name (the guide forbids it);
    - ``Resource: "*"``, an ARN as broad (``arn:aws:s3:::*``) or a ``NotResource`` only for
      actions without resource-level permissions (``logs:DescribeLogGroups``), whatever their
      access level;
    - no ``NotAction``.

    ``Deny`` statements may be as broad as they like: they only narrow. Each message names
    the action or resource, e.g. ``action kms:Decrypt supports resource-level permissions;
    grant it on specific ARNs, not "*"``. Structure (keys, Sid, ARN syntax) is the caller's to
    validate; this function judges actions and resources against the database.
    """
    problems: list[str] = []
    allow = statement.get("Effect") == "Allow"
    if allow and "NotAction" in statement:
        problems.append("NotAction with Allow grants every action not listed; list the actions")
    resources = _strings(statement.get("Resource"))
    if allow:
        problems += [
            f"resource {r} has a wildcard in its bucket name; the guide forbids wildcards in "
            "bucket names and Regions: list each bucket"
            for r in resources
            if s3_bucket_wildcard(r)
        ]

    expanded: dict[str, tuple[Action, ...]] = {}
    for key in ("Action", "NotAction"):
        for action in _strings(statement.get(key)):
            if action in ("*", "*:*"):
                problems.append(f'action "{action}" grants every action of every service')
                continue
            if allow and key == "Action" and service_wide(action):
                service = action.partition(":")[0]
                scope = (
                    "actions of every service"
                    if "*" in service or "?" in service
                    else f"every {service} action"
                )
                problems.append(f"action {action} grants {scope}; name the actions explicitly")
                continue
            try:
                found = expand_action(action)
            except ValueError:
                problems.append(f"action {action!r} is not of the form service:Action")
                continue
            if not found:
                problems.append(_unknown(action))
            elif key == "Action":
                expanded[action] = found

    if not allow:
        return problems
    if "NotResource" in statement:
        where = "NotResource"
    else:
        broad = [r for r in resources if as_broad_as_star(r)]
        where = "" if not broad else '"*"' if broad[0] == "*" else f'{broad[0]} (as broad as "*")'
    for pattern, actions in expanded.items():
        managing = [a for a in actions if a.manages_permissions]
        if managing:
            problems.append(_manages_permissions(pattern, managing))
        offending = [a for a in actions if a.resource_level]
        if where and offending:
            problems.append(_broad(pattern, offending, where))
    return problems


# --- AWS managed policies ---------------------------------------------------------------------

_AWS_MANAGED_POLICY = re.compile(r"^arn:[a-z-]+:iam::aws:policy/(?:.*/)?([^/]+)$")


def managed_policy_problem(arn: str) -> str | None:
    """Why an AWS managed policy is too broad for an instance profile, or ``None``.

    A small, explicit rule on the policy name: ``AdministratorAccess`` (and its
    ``AdministratorAccess-*`` variants), ``PowerUserAccess``, and any policy whose name
    contains ``FullAccess`` (``IAMFullAccess``, ``AmazonS3FullAccess``,
    ``AmazonSSMFullAccess``, ...). Customer managed policies (an account id instead of
    ``aws``) are the account's own and are not judged.
    """
    match = _AWS_MANAGED_POLICY.match(arn)
    if not match:
        return None
    name = match.group(1)
    if name == "AdministratorAccess" or name.startswith("AdministratorAccess-"):
        grants = "administrator access"
    elif name == "PowerUserAccess":
        grants = "every action outside IAM and Organizations"
    elif "FullAccess" in name:
        grants = "full access to a whole service"
    else:
        return None
    return (
        f"{arn} grants {grants}; an instance profile must stay least-privilege: attach a "
        "narrower AWS managed policy or grant the actions the instances need in statements"
    )


# --- whole documents ------------------------------------------------------------------------


@functools.cache
def _parliament_with_community_config() -> Any:
    parliament = _import_parliament()
    overrides = Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"
    parliament.override_config(str(overrides))
    return parliament


def _tolerated(issue: str, location: Mapping[str, Any]) -> bool:
    if issue == "PERMISSIONS_MANAGEMENT_ACTIONS":
        return set(location.get("actions", ())) <= _TOLERATED_PERMISSIONS_MANAGEMENT
    return False


def lint_document(document: Mapping[str, Any]) -> list[str]:
    """parliament's findings for a policy document, one line each; ``[]`` means clean.

    Runs parliament's own checks and its community auditors (privilege escalation,
    credentials exposure, permissions management, NotResource with Allow, ...). The one
    finding not reported is ``PERMISSIONS_MANAGEMENT_ACTIONS`` for ``s3:PutObjectAcl`` alone,
    which the guide requires for buckets declared cross-account.
    """
    parliament = _parliament_with_community_config()
    policy = parliament.analyze_policy_string(
        json.dumps(document), ignore_private_auditors=True, include_community_auditors=True
    )
    sids = {id(f): stmt.sid for stmt in policy.statements for f in stmt.findings}
    problems = []
    for finding in policy.findings:
        parliament.enhance_finding(finding)
        location = finding.location if isinstance(finding.location, Mapping) else {}
        if _tolerated(finding.issue, location):
            continue
        text = f"{finding.issue} ({finding.severity}): {finding.title.strip()}"
        if sids.get(id(finding)):
            text += f" in statement {sids[id(finding)]}"
        if finding.detail:
            text += f": {finding.detail}"
        elif location.get("actions"):
            text += f": {', '.join(sorted(location['actions']))}"
        problems.append(text)
    return problems
