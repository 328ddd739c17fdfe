"""The plan-time least-privilege gate for ONE statement a plugin returns (pure, no Pulumi).

:func:`statement_findings` judges a statement's actions and resources against parliament's
action database (:mod:`ssm_profile.iam.actions`). Every action must exist, and an ``Allow``
statement must stay least-privilege. Each finding has a code (:mod:`ssm_profile.iam.findings`).
docs/guardrails.md says what the gate does and does not catch.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from . import wording
from .actions import Action, credentials_exposure_actions, expand_action
from .actions import privilege_escalation_methods as escalation
from .findings import BUCKET_WILDCARD, Finding
from .rules import VARIABLE, action_problem, allow_with_not_problem
from .s3arns import s3_access_point_wildcard, s3_bucket_arn, s3_bucket_wildcard
from .s3arns import wild as _wild

STRUCTURE = "STRUCTURE"  # what the parser refuses too: never acceptable


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


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


def _only_wildcards(text: str) -> bool:
    return _wild(text) and not text.strip("*?/:")


def statement_findings(statement: Mapping[str, Any]) -> list[Finding]:
    """Findings of ONE IAM statement by parliament's action database; ``[]`` means none.

    Every ``Action``/``NotAction`` must exist; a wildcard (``logs:Describe*``) must match at
    least one action. An ``Allow`` statement must also stay least-privilege. It must not
    contain:

    - a service-wide action pattern (``iam:*``, ``s3:*``): name the actions;
    - an action that manages permissions (parliament's access level ``Permissions
      management``, and ``iam:PassRole``), that allows privilege escalation, or that returns
      credentials (parliament's community auditors: ``iam:CreateAccessKey``,
      ``lambda:UpdateFunctionCode``, ``sts:AssumeRole``, ...);
    - an S3 ARN with a wildcard in the bucket name (the guide forbids it);
    - for actions with resource-level permissions: ``"*"``, an ARN as broad
      (``arn:aws:s3:::*``), ``NotResource``, a wildcard in the ARN's Region or account, or
      a resource id that is only a wildcard after its resource type (``key/*``, ``role/*``,
      ``function:*``, ``secret:*``);
    - ``NotAction`` or ``NotResource`` (:mod:`ssm_profile.iam.rules`).

    ``Deny`` statements may be as broad as they like: they only narrow. But no statement may
    name the action ``"*"`` or a wildcard service prefix.
    """
    sid = statement.get("Sid")
    sids = (sid,) if isinstance(sid, str) else ()
    allow = statement.get("Effect") == "Allow"
    findings = []
    structure = allow_with_not_problem(statement)
    if structure:
        findings.append(Finding(STRUCTURE, structure, sids))
    resources = _strings(statement.get("Resource"))
    for resource in resources:
        found = s3_bucket_arn(resource)
        if found is not None and (found[1] or found[2]):
            findings.append(Finding(STRUCTURE, wording.s3_region_or_account(resource), sids))
    if allow:
        findings += [
            Finding(BUCKET_WILDCARD, wording.bucket_wildcard(r), sids, r)
            for r in resources
            if s3_bucket_wildcard(r)
        ]
        findings += [
            Finding(BUCKET_WILDCARD, wording.access_point_wildcard(r), sids, r)
            for r in resources
            if s3_access_point_wildcard(r)
        ]
    expanded = _expand(statement, allow, sids, findings)
    if allow:
        findings += _dangerous_actions(expanded, sids)
        findings += _broad_resources(statement, resources, expanded, sids)
    return findings


def statement_problems(statement: Mapping[str, Any]) -> list[str]:
    """The messages of :func:`statement_findings`."""
    return [f.message for f in statement_findings(statement)]


def _expand(
    statement: Mapping[str, Any], allow: bool, sids: tuple[str, ...], findings: list[Finding]
) -> dict[str, tuple[Action, ...]]:
    """Each ``Action`` pattern -> the database actions it names. What is wrong with the
    actions (syntax, unknown actions, service-wide patterns in an ``Allow``) is appended to
    ``findings``."""
    expanded: dict[str, tuple[Action, ...]] = {}
    for key in ("Action", "NotAction"):
        for action in _strings(statement.get(key)):
            problem = action_problem(action)
            if problem:
                findings.append(Finding(STRUCTURE, problem, sids))
                continue
            if allow and key == "Action" and service_wide(action):
                # Judged on: accepting this finding must not let the actions the pattern
                # names through unjudged (iam:* manages permissions, s3:* on * is every bucket).
                message = wording.service_wide(action)
                findings.append(Finding("SERVICE_WIDE_ACTION", message, sids, action))
            try:
                found = expand_action(action)
            except ValueError:
                message = f"action {action!r} is not of the form service:Action"
                findings.append(Finding(STRUCTURE, message, sids))
                continue
            if not found:
                findings.append(Finding("UNKNOWN_ACTION", wording.unknown(action), sids, action))
            elif key == "Action":
                expanded[action] = found
    return expanded


@functools.cache
def _single_action_escalations() -> frozenset[str]:
    """The actions that escalate privileges alone (a method of one action)."""
    return frozenset(names[0] for names in escalation().values() if len(names) == 1)


def _dangerous_actions(
    expanded: Mapping[str, tuple[Action, ...]], sids: tuple[str, ...]
) -> list[Finding]:
    """Actions that manage permissions, escalate privileges or return credentials."""
    findings = []
    methods = escalation()
    credentials = credentials_exposure_actions()
    for pattern, actions in expanded.items():
        managing = [a for a in actions if a.manages_permissions]
        if managing:
            message = wording.manages_permissions(pattern, managing)
            findings.append(Finding("PERMISSIONS_MANAGEMENT", message, sids, pattern))
        escalating = [a for a in actions if str(a).lower() in _single_action_escalations()]
        if escalating:
            message = wording.escalates(pattern, escalating)
            findings.append(Finding("PRIVILEGE_ESCALATION", message, sids, pattern))
        exposing = [a for a in actions if str(a).lower() in credentials]
        if exposing:
            message = wording.exposes_credentials(pattern, exposing)
            findings.append(Finding("CREDENTIALS_EXPOSURE", message, sids, pattern))
    every = {str(a).lower() for actions in expanded.values() for a in actions}
    for method, names in methods.items():
        if len(names) > 1 and set(names) <= every:
            message = wording.combination(method)
            findings.append(Finding("PRIVILEGE_ESCALATION", message, sids, method))
    return findings


def _broad_resources(
    statement: Mapping[str, Any],
    resources: Sequence[str],
    expanded: Mapping[str, tuple[Action, ...]],
    sids: tuple[str, ...],
) -> list[Finding]:
    """Resource-level actions granted on more than the resources they name."""
    findings = []
    offending = {p: [a for a in actions if a.resource_level] for p, actions in expanded.items()}
    offending = {p: actions for p, actions in offending.items() if actions}
    if not offending:
        return findings
    if "NotResource" in statement:
        where = "NotResource"
    else:
        broad = [r for r in resources if as_broad_as_star(r)]
        where = "" if not broad else '"*"' if broad[0] == "*" else f'{broad[0]} (as broad as "*")'
    if where:
        for pattern, actions in offending.items():
            message = wording.broad(pattern, actions, where)
            findings.append(Finding("RESOURCE_WILDCARD", message, sids, pattern))
            bucket_rule = any(s3_bucket_wildcard(r) for r in resources)  # said already
            if (
                any(a.service == "s3" for a in actions)
                and where != "NotResource"
                and not bucket_rule
            ):
                message = wording.every_bucket(pattern, where)
                findings.append(Finding(BUCKET_WILDCARD, message, sids, pattern))
    first = next(iter(offending))
    for resource in resources:
        parts = resource.split(":", 5)
        if len(parts) < 6 or as_broad_as_star(resource):
            continue
        if _wild(parts[3]):
            message = wording.wildcard_field(resource, "Region", first, "context.regions")
            findings.append(Finding("REGION_WILDCARD", message, sids, resource))
        if _wild(parts[4]):
            message = wording.wildcard_field(resource, "account", first, "context.account_id")
            findings.append(Finding("ACCOUNT_WILDCARD", message, sids, resource))
        every = _every_of_its_type(parts[2], parts[5], offending)
        if every is not None:
            type_name, pattern = every
            message = wording.every_resource(resource, type_name, pattern)
            findings.append(Finding("RESOURCE_ID_WILDCARD", message, sids, resource))
    return findings


# A wildcard in a resource id must follow a literal prefix of at least this many characters
# that the stack chose (secret:db-*, function:acme-*): ???*, *-?????? or a*, which name
# (nearly) every resource of the type, do not pass.
MIN_CHOSEN_PREFIX = 3
# In an id that AWS assigns (i-0abc..., key UUIDs: template variables named ...Id), any
# wildcard spans ids nobody chose; the secret's "SecretId" is its name.
_NAMED_IDS = frozenset({"SecretId"})


def _names_any(part: str, template: str, service: str = "") -> bool:
    """Whether the resource part, with IAM's wildcards, names any resource of the type that
    ``template`` (AWS's ARN template of its resource part) describes."""
    variables = VARIABLE.findall(template)
    wild = next((i for i, c in enumerate(part) if c in "*?"), None)
    if not variables or wild is None:
        return False
    head, literal = template.split("${", 1)[0], part[:wild]
    if not head and service == "s3":  # ${BucketName}/...: the bucket-name rule judges it
        return False
    if len(literal) < len(head):  # a wildcard in the type itself (k*, ke?/...)
        return head.startswith(literal)
    if not literal.startswith(head):
        return False  # a resource of another type
    chosen = literal[len(head) :]
    generated = len(variables) == 1 and variables[0].endswith("Id")
    if generated and variables[0] not in _NAMED_IDS:
        return True
    return len(chosen) < MIN_CHOSEN_PREFIX


def _every_of_its_type(
    service: str, part: str, offending: Mapping[str, Sequence[Action]]
) -> tuple[str, str] | None:
    """``(resource type, action pattern)`` if the resource part names any resource of a type
    the action is granted on (:func:`_names_any`)."""
    for action_pattern, actions in offending.items():
        for action in actions:
            for type_name, arn_service, template in action.arn_templates:
                if arn_service == service and _names_any(part, template, service):
                    return type_name, action_pattern
    return None
