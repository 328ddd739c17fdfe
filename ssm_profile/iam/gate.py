"""The plan-time least-privilege gate for ONE statement a plugin returns (pure, no Pulumi).

:func:`statement_problems` judges a statement's actions and resources against parliament's
action database (:mod:`ssm_profile.iam.actions`): every action must exist, and an ``Allow``
statement must stay least-privilege. docs/guardrails.md says what it does and does not catch.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .actions import Action, action_index, expand_action
from .rules import action_problem, allow_with_not_problem


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
    - no ``NotAction`` or ``NotResource`` (:mod:`ssm_profile.iam.rules`).

    ``Deny`` statements may be as broad as they like: they only narrow; but no statement may
    name the action ``"*"`` or a wildcard service prefix. Each message names
    the action or resource, e.g. ``action kms:Decrypt supports resource-level permissions;
    grant it on specific ARNs, not "*"``. Structure (keys, Sid, ARN syntax) is the caller's to
    validate; this function judges actions and resources against the database.
    """
    problems: list[str] = []
    allow = statement.get("Effect") == "Allow"
    structure = allow_with_not_problem(statement)
    if structure:
        problems.append(structure)
    resources = _strings(statement.get("Resource"))
    if allow:
        problems += [
            f"resource {r} has a wildcard in its bucket name; the guide forbids wildcards in "
            "bucket names and Regions: list each bucket"
            for r in resources
            if s3_bucket_wildcard(r)
        ]

    found, action_problems = _expand(statement, allow)
    problems += action_problems
    if allow:
        problems += _least_privilege(statement, resources, found)
    return problems


def _expand(
    statement: Mapping[str, Any], allow: bool
) -> tuple[dict[str, tuple[Action, ...]], list[str]]:
    """Each ``Action`` pattern -> the database actions it names, and what is wrong with the
    actions (syntax, unknown actions, service-wide patterns in an ``Allow``)."""
    problems: list[str] = []
    expanded: dict[str, tuple[Action, ...]] = {}
    for key in ("Action", "NotAction"):
        for action in _strings(statement.get(key)):
            problem = action_problem(action)
            if problem:
                problems.append(problem)
                continue
            if allow and key == "Action" and service_wide(action):
                service = action.partition(":")[0]
                problems.append(
                    f"action {action} grants every {service} action; name the actions explicitly"
                )
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
    return expanded, problems


def _least_privilege(
    statement: Mapping[str, Any], resources: list[str], expanded: dict[str, tuple[Action, ...]]
) -> list[str]:
    """An ``Allow`` statement's actions that manage permissions, or that support
    resource-level permissions but are granted on ``"*"`` (or as broad)."""
    problems = []
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
