"""The checks of single ``ssm-profile:`` keys that the key table (:mod:`.keys`) names.

Each takes the full key, the value (given or default) and the fields read so far, and
returns the Settings field's value or raises :class:`~ssm_profile.errors.ConfigError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..aws import limits
from ..aws.managed import policy_ref_arn
from ..aws.names import (
    check_bucket_name,
    check_name,
    check_no_wildcard,
    check_region,
    is_sid,
    policy_text_problem,
)
from ..aws.naming import default_role_name
from ..errors import ConfigError, q, suggest
from ..readonly import freeze
from .reader import k
from .settings import AcceptedFinding, Activation, Bucket

_BUCKET_KEYS = ("name", "prefix", "crossAccount", "encrypted")
_ACTIVATION_KEYS = ("registrationLimit", "expirationDate", "description")
_ACCEPT_KEYS = ("sid", "finding", "reason", "subject")
_CODE = re.compile(r"[A-Z][A-Z_]{0,63}")
# A full RFC 3339 timestamp with a zone, as the SSM API wants (2030-01-31T00:00:00Z).
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})"
)

# What a check or a computed default sees: the Settings fields read so far (and project,
# stack, region, partition).
Draft = dict[str, Any]
Check = Callable[[str, Any, Draft], Any]


def one_of(choices: tuple[str, ...]) -> Check:
    def check(key: str, value: str, draft: Draft) -> str:
        if value not in choices:
            raise ConfigError(
                key, f"{q(value)} is not one of {', '.join(choices)}{suggest(value, choices)}"
            )
        return value

    return check


def name(limit: int) -> Check:
    return lambda key, value, draft: check_name(key, value, limit)


# Service-linked roles (IAM User Guide, "Using service-linked roles"): AWSServiceRoleFor...,
# under /aws-service-role/. AttachRolePolicy refuses them (UnmodifiableEntity: "service-linked
# roles are protected").
SERVICE_LINKED_ROLE_PREFIX = "awsservicerolefor"


def existing_role_name(key: str, value: Any, draft: Draft) -> str:
    name = check_name(key, value, limits.ROLE_NAME_LIMIT)
    if name.lower().startswith(SERVICE_LINKED_ROLE_PREFIX):
        raise ConfigError(
            key,
            f"{q(name)} is a service-linked role: IAM refuses to attach policies to it "
            "(UnmodifiableEntity); name a role of your own",
        )
    return name


def string_list(check: Callable[[str, Any], str]) -> Check:
    """Each item checked as ``KEY[i]``; an item listed twice is an error."""

    def check_list(key: str, items: list[Any], draft: Draft) -> tuple[str, ...]:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            value = check(f"{key}[{index}]", item)
            if value in seen:
                raise ConfigError(
                    f"{key}[{index}]", f"{q(value)} is listed twice (also at [{seen[value]}])"
                )
            seen[value] = index
        return tuple(seen)

    return check_list


def regions(key: str, items: list[Any], draft: Draft) -> tuple[str, ...]:
    if not items:
        raise ConfigError(key, "must list at least one Region (or be left unset)")
    partition = draft["partition"]
    return string_list(lambda at, value: check_region(at, value, partition))(key, items, draft)


def managed_policies(key: str, items: list[Any], draft: Draft) -> tuple[str, ...]:
    partition = draft["partition"]
    return string_list(lambda at, value: policy_ref_arn(at, value, partition))(key, items, draft)


def plugin_name(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "expected a plugin name (entry point or module path)")
    return value


def parse_bucket(key: str, item: Any) -> Bucket:
    if isinstance(item, str):
        return Bucket(check_bucket_name(key, item))
    if not isinstance(item, dict):
        raise ConfigError(key, f"expected a bucket name or an object, got {json.dumps(item)}")
    for field in item:
        if field not in _BUCKET_KEYS:
            raise ConfigError(
                f"{key}.{field}", f"unknown bucket field{suggest(field, _BUCKET_KEYS)}"
            )
    if "name" not in item:
        raise ConfigError(f"{key}.name", "is required")
    name = check_bucket_name(f"{key}.name", item["name"])
    prefix = item.get("prefix")
    if prefix is not None:
        if not isinstance(prefix, str) or not prefix:
            raise ConfigError(f"{key}.prefix", "expected a non-empty string")
        check_no_wildcard(f"{key}.prefix", prefix, "bucket prefix")
        problem = policy_text_problem(prefix)
        if problem:
            raise ConfigError(f"{key}.prefix", problem)
        if prefix.startswith("/"):
            raise ConfigError(f"{key}.prefix", f"{q(prefix)} must not begin with '/'")
    flags = {}
    for field in ("crossAccount", "encrypted"):
        value = item.get(field, False)
        if not isinstance(value, bool):
            raise ConfigError(f"{key}.{field}", f"expected true or false, got {json.dumps(value)}")
        flags[field] = value
    return Bucket(name, prefix, flags["crossAccount"], flags["encrypted"])


def buckets(key: str, items: list[Any], draft: Draft) -> tuple[Bucket, ...]:
    buckets: dict[str, Bucket] = {}
    for index, item in enumerate(items):
        bucket = parse_bucket(f"{key}[{index}]", item)
        if bucket.name in buckets:
            raise ConfigError(f"{key}[{index}]", f"bucket {q(bucket.name)} is listed twice")
        buckets[bucket.name] = bucket
    return tuple(buckets.values())


def create_instance_profile(key: str, value: bool, draft: Draft) -> bool:
    mode = draft["mode"]
    if value and mode in ("hybrid", "default-host-management"):
        raise ConfigError(key, f"{mode} mode builds no instance profile; remove this key")
    return value


def quota(key: str, value: int, draft: Draft) -> int:
    if not 1 <= value <= limits.MAX_MANAGED_POLICIES_QUOTA:
        raise ConfigError(
            key,
            f"{value} is outside IAM's quota range 1 to {limits.MAX_MANAGED_POLICIES_QUOTA}",
        )
    return value


def plugin_config(key: str, value: dict[str, Any], draft: Draft) -> Any:
    plugins = draft["plugins"]
    for name, entry in value.items():
        if name not in plugins:
            raise ConfigError(
                f"{key}.{name}",
                f"plugin {q(name)} is not listed in {k('plugins')}{suggest(name, plugins)}",
            )
        if not isinstance(entry, dict):
            raise ConfigError(f"{key}.{name}", "expected an object")
    return freeze(value)


def activation(key: str, raw: dict[str, Any], draft: Draft) -> Activation:
    for field in raw:
        if field not in _ACTIVATION_KEYS:
            raise ConfigError(f"{key}.{field}", f"unknown field{suggest(field, _ACTIVATION_KEYS)}")
    if "registrationLimit" not in raw:
        raise ConfigError(f"{key}.registrationLimit", "is required: how many servers may register")
    limit = raw["registrationLimit"]
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise ConfigError(
            f"{key}.registrationLimit", f"expected a whole number from 1 to 1000, got {q(limit)}"
        )
    expiration = raw.get("expirationDate")
    if expiration is not None:
        try:
            if not isinstance(expiration, str) or not _RFC3339.fullmatch(expiration):
                raise ValueError(expiration)
            datetime.fromisoformat(expiration.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(
                f"{key}.expirationDate",
                f"{q(expiration)} is not an RFC 3339 timestamp (e.g. 2030-01-31T00:00:00Z)",
            ) from None
    description = raw.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 256):
        raise ConfigError(f"{key}.description", "expected a string of at most 256 characters")
    return Activation(limit, expiration, description)


def description_default(draft: Draft) -> str:
    return (
        f"Systems Manager instance role of the {draft['stack']} stack ({draft['project']}), "
        "managed by Pulumi"
    )


def role_name_default(draft: Draft) -> str:
    """The existing role in existing-role mode, else ``SSMInstanceProfile-<stack>``."""
    existing = draft["existing_role_name"]
    return existing if existing is not None else default_role_name(draft["stack"])


def _accepted(key: str, item: Any) -> AcceptedFinding:
    if not isinstance(item, dict):
        raise ConfigError(key, "expected an object {sid, finding, reason}")
    for field in item:
        if field not in _ACCEPT_KEYS:
            raise ConfigError(f"{key}.{field}", f"unknown field{suggest(field, _ACCEPT_KEYS)}")
    for field in _ACCEPT_KEYS[:3]:
        if field not in item:
            raise ConfigError(f"{key}.{field}", "is required (sid, finding and reason)")
    subject = item.get("subject")
    if subject is not None and (not isinstance(subject, str) or not subject.strip()):
        raise ConfigError(
            f"{key}.subject", "expected the action, resource or method the finding names"
        )
    sid, finding, reason = item["sid"], item["finding"], item["reason"]
    if not isinstance(sid, str) or not is_sid(sid):
        raise ConfigError(
            f"{key}.sid", f"expected a statement Sid (letters and digits), got {q(sid)}"
        )
    if not isinstance(finding, str) or not _CODE.fullmatch(finding):
        raise ConfigError(
            f"{key}.finding",
            f"expected a finding code such as CREDENTIALS_EXPOSURE, got {q(finding)}",
        )
    if not isinstance(reason, str) or not reason.strip():
        raise ConfigError(f"{key}.reason", "say why the finding is accepted: a non-empty string")
    if len(reason) > 500 or any(not c.isprintable() for c in reason):
        raise ConfigError(f"{key}.reason", "must be one line of at most 500 printable characters")
    return AcceptedFinding(sid, finding, reason, subject)


def accept_findings(key: str, items: list[Any], draft: Draft) -> tuple[AcceptedFinding, ...]:
    """Each entry {sid, finding, reason} accepts one finding of one statement, once."""
    seen: dict[tuple[str, str, str | None], int] = {}
    accepted = []
    for index, item in enumerate(items):
        entry = _accepted(f"{key}[{index}]", item)
        at = seen.setdefault((entry.sid, entry.finding, entry.subject), index)
        if at != index:
            raise ConfigError(
                f"{key}[{index}]", f"accepts {entry.finding} of {entry.sid} again (also at [{at}])"
            )
        accepted.append(entry)
    return tuple(accepted)
