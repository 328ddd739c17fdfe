"""The AWS API models in botocore as the reference for what IAM and SSM accept.

- :func:`model_problems` checks parameters against an operation's input shape: lengths,
  ranges, list sizes and patterns. botocore's own client-side validation skips most of
  these. Patterns are Java regular expressions, matched as Java's ``matches()`` does (the
  whole string, ``\\w`` ASCII-only, ``\\p{L}`` Unicode), with the ``regex`` module.
- :func:`api_calls` is the list of API calls a recorded plan implies, with the parameters
  the AWS provider sends.
- :func:`iam_problems` holds IAM's rules that the models do not spell: document sizes, tag
  keys that differ only in case, reserved ``aws:`` tag values, service-role policies.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from typing import Any

import botocore.session
import regex
from helpers import ACTIVATION, ATTACHMENT, COMPONENT, POLICY, PROFILE, ROLE, SERVICE_SETTING

# IAM's limits, restated from the IAM User Guide rather than imported: an outside check.
POLICY_SIZE_LIMIT = 6144
TRUST_POLICY_SIZE_LIMIT = 2048

_JAVA_CLASSES = {"w": "A-Za-z0-9_", "d": "0-9", "s": " \\t\\n\\x0B\\f\\r"}
_JAVA_DOT = "[^\\n\\r\\u0085\\u2028\\u2029]"


def java_pattern(pattern: str) -> regex.Pattern[str]:
    """A Java regex as ``regex`` should read it: ``\\w``, ``\\d``, ``\\s`` are ASCII, and ``.``
    stops at line terminators, as in Java without flags."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in _JAVA_CLASSES:
                body = _JAVA_CLASSES[nxt]
                out.append(body if in_class else f"[{body}]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[" and not in_class:
            in_class = True
        elif c == "]" and in_class:
            in_class = False
        elif c == "." and not in_class:
            c = _JAVA_DOT
        out.append(c)
        i += 1
    return regex.compile("".join(out))


@functools.cache
def _service_model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


@functools.cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return java_pattern(pattern)


def model_problems(service: str, operation: str, params: Mapping[str, Any]) -> list[str]:
    """Constraints of the operation's input shape that ``params`` break; ``[]`` if none."""
    shape = _service_model(service).operation_model(operation).input_shape
    problems: list[str] = []

    def check(shape: Any, value: Any, where: str) -> None:
        meta = shape.metadata
        if shape.type_name == "structure":
            for name in shape.required_members:
                if name not in value:
                    problems.append(f"{where}.{name}: required")
            for name, member in shape.members.items():
                if name in value:
                    check(member, value[name], f"{where}.{name}" if where else name)
        elif shape.type_name == "list":
            if "max" in meta and len(value) > meta["max"]:
                problems.append(f"{where}: {len(value)} items, at most {meta['max']}")
            for i, item in enumerate(value):
                check(shape.member, item, f"{where}[{i}]")
        elif shape.type_name == "string":
            if not isinstance(value, str):
                problems.append(f"{where}: {value!r} is not a string")
                return
            if "max" in meta and len(value) > meta["max"]:
                problems.append(f"{where}: {len(value)} characters, at most {meta['max']}")
            if "min" in meta and len(value) < meta["min"]:
                problems.append(f"{where}: {len(value)} characters, at least {meta['min']}")
            if "pattern" in meta and not _compiled(meta["pattern"]).fullmatch(value):
                problems.append(f"{where}: {value!r} does not match {meta['pattern']}")
        elif shape.type_name in ("integer", "long"):
            if "min" in meta and value < meta["min"]:
                problems.append(f"{where}: {value} is below {meta['min']}")
            if "max" in meta and value > meta["max"]:
                problems.append(f"{where}: {value} is above {meta['max']}")

    check(shape, params, "")
    return [f"{service} {operation}: {p}" for p in problems]


def _tags(inputs: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted((inputs.get("tags") or {}).items())]


def _present(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, [])}


def api_calls(resources: list[dict[str, Any]]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(service, operation, params)`` for each call the AWS provider makes to create the
    recorded resources (tags are also sent by TagRole/TagPolicy on update: checked alike)."""
    for resource in resources:
        typ, inputs = resource["type"], resource["inputs"]
        if typ == COMPONENT:
            continue
        if typ == ROLE:
            yield (
                "iam",
                "CreateRole",
                _present(
                    {
                        "RoleName": inputs["name"],
                        "Path": inputs.get("path"),
                        "Description": inputs.get("description"),
                        "AssumeRolePolicyDocument": inputs["assumeRolePolicy"],
                        "PermissionsBoundary": inputs.get("permissionsBoundary"),
                        "Tags": _tags(inputs) or None,
                    }
                ),
            )
            if inputs.get("tags"):
                yield "iam", "TagRole", {"RoleName": inputs["name"], "Tags": _tags(inputs)}
        elif typ == POLICY:
            yield (
                "iam",
                "CreatePolicy",
                _present(
                    {
                        "PolicyName": inputs["name"],
                        "Path": inputs.get("path"),
                        "PolicyDocument": inputs["policy"],
                        "Description": inputs.get("description"),
                        "Tags": _tags(inputs) or None,
                    }
                ),
            )
        elif typ == ATTACHMENT:
            yield (
                "iam",
                "AttachRolePolicy",
                {
                    "RoleName": inputs["role"],
                    "PolicyArn": inputs["policyArn"],
                },
            )
        elif typ == PROFILE:
            yield (
                "iam",
                "CreateInstanceProfile",
                _present(
                    {
                        "InstanceProfileName": inputs["name"],
                        "Path": inputs.get("path"),
                        "Tags": _tags(inputs) or None,
                    }
                ),
            )
            yield (
                "iam",
                "AddRoleToInstanceProfile",
                {
                    "InstanceProfileName": inputs["name"],
                    "RoleName": inputs["role"],
                },
            )
        elif typ == ACTIVATION:
            yield (
                "ssm",
                "CreateActivation",
                _present(
                    {
                        "IamRole": inputs["iamRole"],
                        "RegistrationLimit": inputs.get("registrationLimit"),
                        "Description": inputs.get("description"),
                        "Tags": _tags(inputs) or None,
                    }
                ),
            )
        elif typ == SERVICE_SETTING:
            yield (
                "ssm",
                "UpdateServiceSetting",
                {
                    "SettingId": inputs["settingId"],
                    "SettingValue": inputs["settingValue"],
                },
            )
        else:
            raise AssertionError(f"no API calls known for {typ}")


# CreatePolicy's Path and PolicyName: what a policy ARN's path and name must be.
_POLICY_PATH = java_pattern(r"((/[A-Za-z0-9\.,\+@=_-]+)*)/")
_POLICY_NAME = java_pattern(r"[\w+=,.@-]+")


def policy_arn_problem(arn: str) -> str | None:
    """A policy ARN IAM can resolve: ``arn:P:iam::ACCOUNT:policy/PATH/NAME``."""
    _, _, rest = arn.partition(":policy/")
    path, _, name = ("/" + rest).rpartition("/")
    if not _POLICY_PATH.fullmatch(path + "/") or not _POLICY_NAME.fullmatch(name):
        return f"{arn}: not a valid policy path and name ({path}/ {name})"
    return None


def _size(document: str) -> int:
    return sum(1 for c in document if c not in " \t\n\r\f\v")


def iam_problems(resources: list[dict[str, Any]]) -> list[str]:
    """IAM's rules beyond the models (IAM User Guide: quotas, tagging, service-linked roles)."""
    problems = []
    for resource in resources:
        typ, inputs, name = resource["type"], resource["inputs"], resource["name"]
        tags = inputs.get("tags") or {}
        lowered = [k.lower() for k in tags]
        if len(set(lowered)) != len(lowered):
            problems.append(f"{name}: tag keys differ only in case: {sorted(tags)}")
        problems += [
            f"{name}: tag {k}={v!r}: keys and values may not begin with aws:"
            for k, v in tags.items()
            if k.lower().startswith("aws:") or v.lower().startswith("aws:")
        ]
        if typ == POLICY and _size(inputs["policy"]) > POLICY_SIZE_LIMIT:
            problems.append(f"{name}: policy of {_size(inputs['policy'])} characters")
        if typ == ROLE and _size(inputs["assumeRolePolicy"]) > TRUST_POLICY_SIZE_LIMIT:
            problems.append(f"{name}: trust policy over {TRUST_POLICY_SIZE_LIMIT} characters")
        if typ == ATTACHMENT and ":policy/aws-service-role/" in inputs["policyArn"]:
            problems.append(f"{name}: {inputs['policyArn']} attaches only to its service role")
        for key in ("policyArn", "permissionsBoundary"):
            if isinstance(inputs.get(key), str) and (problem := policy_arn_problem(inputs[key])):
                problems.append(f"{name}: {problem}")
        if typ == POLICY:
            json.loads(inputs["policy"])  # a document IAM can parse
    return problems
