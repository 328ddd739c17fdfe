"""Parsing statements that come from outside the program (plugins): pure, no Pulumi.

Turns a statement mapping into a normalised :class:`~ssm_profile.iam.statement.Statement`,
or raises :class:`StatementError` saying what is wrong. The plugin host adds which plugin
and hook returned it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..aws.names import is_sid, policy_text_problem
from ..aws.partitions import Partition
from ..errors import suggest
from .rules import VARIABLE, action_problem, allow_with_not_problem
from .statement import Statement

ALLOWED_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
_ACTION = re.compile(r"[a-z0-9-]+:[A-Za-z0-9*?]+")
_PARTITION = re.compile(r"[a-z-]+")
_SERVICE = re.compile(r"[a-z0-9-]+")

# IAM's condition operators (IAM User Guide, "IAM JSON policy elements: Condition
# operators"). Any of them may take a ForAnyValue:/ForAllValues: prefix; all but Null an
# IfExists suffix.
CONDITION_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
)
SET_OPERATOR_PREFIXES = ("ForAnyValue:", "ForAllValues:")


class StatementError(ValueError):
    """One thing wrong with one statement."""


def as_strings(value: Any, key: str) -> tuple[str, ...]:
    """A string or non-empty list of strings -> tuple; anything else is a problem."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    raise StatementError(
        f"{key} must be a string or a non-empty list of strings, "
        f"got {json.dumps(value, default=str)}"
    )


def _check_action(action: str) -> None:
    problem = action_problem(action)
    if problem:
        raise StatementError(problem)
    if not _ACTION.fullmatch(action):
        service, colon, name = action.partition(":")
        if colon and _ACTION.fullmatch(f"{service.lower()}:{name}"):
            # IAM reads either case; this project writes service prefixes as AWS documents
            # them, so that reviews and the gate compare one spelling.
            raise StatementError(
                f"{json.dumps(action)}: write the service prefix in lowercase, "
                f"{json.dumps(service.lower() + ':' + name)}"
            )
        raise StatementError(f"{json.dumps(action)} is not an action of the form service:Action")


def _check_text(value: str, where: str) -> None:
    problem = policy_text_problem(value)
    if problem:
        raise StatementError(f"{where} {problem}")


def _check_resource(resource: str, partition: Partition) -> None:
    if resource == "*":
        return
    _check_text(resource, "Resource")
    if not resource.startswith("arn:"):
        raise StatementError(f'{json.dumps(resource)} is neither an ARN nor "*"')
    parts = resource.split(":", 5)
    if (
        len(parts) < 6
        or not _PARTITION.fullmatch(parts[1])
        or not _SERVICE.fullmatch(parts[2])
        or not parts[5]
    ):
        raise StatementError(
            f"{json.dumps(resource)} is not a complete ARN: "
            "arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, with a service and a resource "
            "(build ARNs with context.arn())"
        )
    if parts[1] != partition.name:
        raise StatementError(
            f"{json.dumps(resource)} is in partition {parts[1]}; this stack deploys to "
            f"{partition.name} (build ARNs with context.arn())"
        )
    head = VARIABLE.sub("\x00", resource).split(":", 5)  # a variable may hold colons
    if any("\x00" in field for field in head[3:5]):
        raise StatementError(
            f"{json.dumps(resource)} has a policy variable outside its resource part: "
            "${aws:RequestedRegion} or ${aws:ResourceAccount} stand for whatever a request "
            "names, as wide as a wildcard; name the Region and account (context.arn())"
        )


def _check_operator(operator: Any) -> None:
    """``operator`` must be one of IAM's, with an optional set prefix and IfExists suffix."""
    text = operator if isinstance(operator, str) else ""
    base = text
    for prefix in SET_OPERATOR_PREFIXES:
        if base.startswith(prefix):
            base = base[len(prefix) :]
            break
    if ":" in base:
        raise StatementError(
            f"Condition operator {json.dumps(text)} has an unknown prefix "
            f"{json.dumps(base.split(':')[0] + ':')}; IAM's set operators are ForAnyValue: "
            "and ForAllValues:"
        )
    if base.endswith("IfExists") and base != "IfExists":
        base = base[: -len("IfExists")]
        if base == "Null":
            raise StatementError(
                f"Condition operator {json.dumps(text)}: Null takes no IfExists suffix"
            )
    if base not in CONDITION_OPERATORS:
        hint = suggest(base, CONDITION_OPERATORS)
        raise StatementError(
            f"Condition operator {json.dumps(operator, default=str)} is not an IAM condition "
            "operator (StringEquals, ArnLike, Bool, Null, ...; optionally with a ForAnyValue: "
            f"or ForAllValues: prefix and an IfExists suffix){hint}"
        )


def _check_condition_value(operator: str, key: str, value: Any) -> None:
    where = f"Condition {operator}.{key}"
    values = value if isinstance(value, (list, tuple)) else [value]
    if not values:
        raise StatementError(f"{where} has an empty list of values; give at least one value")
    for v in values:
        if not isinstance(v, (str, bool, int, float)):
            raise StatementError(
                f"{where} must be a string, number, boolean or a non-empty list of them, "
                f"got {json.dumps(v, default=str)}"
            )
        if isinstance(v, float) and not math.isfinite(v):
            raise StatementError(f"{where}: {json.dumps(v)} is not a finite number")
        if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
            raise StatementError(
                f"{where}: a whole number beyond 64 bits; IAM compares 64-bit numbers"
            )
        if isinstance(v, str):
            _check_text(v, f"{where}:")


def _check_condition(condition: Any) -> Mapping[str, Any]:
    if not isinstance(condition, Mapping) or not condition:
        raise StatementError("Condition must be a non-empty mapping of operator to keys")
    for operator, block in condition.items():
        _check_operator(operator)
        if not isinstance(block, Mapping) or not block:
            raise StatementError(
                f"Condition {json.dumps(operator)} must map condition keys to values"
            )
        for key, value in block.items():
            if not isinstance(key, str) or not key:
                raise StatementError(
                    f"Condition {operator} has a key {json.dumps(key, default=str)}; "
                    "condition keys are non-empty strings"
                )
            _check_text(key, f"Condition {operator} key")
            _check_condition_value(operator, key, value)
    return condition


def sid_of(data: Any) -> str | None:
    """The statement's Sid if it has a usable one (for error messages)."""
    if isinstance(data, Mapping) and isinstance(data.get("Sid"), str):
        return data["Sid"]
    return None


def parse_statement(data: Any, partition: Partition) -> Statement:
    """Validate one statement mapping and return it normalised."""
    if not isinstance(data, Mapping):
        raise StatementError(f"expected a statement mapping, got {type(data).__name__}")
    for key in data:
        if key not in ALLOWED_KEYS:
            hint = (
                " (identity policies have no Principal)"
                if key in ("Principal", "NotPrincipal")
                else ""
            )
            raise StatementError(
                f"unknown key {json.dumps(key, default=str)}{hint}{suggest(str(key), ALLOWED_KEYS)}"
            )
    sid = data.get("Sid")
    if not isinstance(sid, str) or not is_sid(sid):
        raise StatementError(
            f"Sid must be 1 to 128 letters and digits, got {json.dumps(sid, default=str)}"
        )
    effect = data.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise StatementError(
            f'Effect must be "Allow" or "Deny", got {json.dumps(effect, default=str)}'
        )

    if ("Action" in data) == ("NotAction" in data):
        raise StatementError("needs exactly one of Action or NotAction")
    if ("Resource" in data) == ("NotResource" in data):
        raise StatementError("needs exactly one of Resource or NotResource")
    problem = allow_with_not_problem(data)
    if problem:
        raise StatementError(problem)

    action_key = "Action" if "Action" in data else "NotAction"
    actions = as_strings(data[action_key], action_key)
    for action in actions:
        _check_action(action)
    resource_key = "Resource" if "Resource" in data else "NotResource"
    resources = as_strings(data[resource_key], resource_key)
    for resource in resources:
        _check_resource(resource, partition)
    condition = _check_condition(data["Condition"]) if "Condition" in data else None

    return Statement(
        sid=sid,
        effect=effect,
        actions=actions if action_key == "Action" else (),
        not_actions=actions if action_key == "NotAction" else (),
        resources=resources if resource_key == "Resource" else (),
        not_resources=resources if resource_key == "NotResource" else (),
        condition=condition,
    )
