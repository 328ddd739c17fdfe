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

from ..aws import buckets as aws_buckets_data
from ..aws import limits
from ..aws.managed import CORE_POLICIES, policy_ref_arn
from ..aws.names import (
    check_bucket_name,
    check_name,
    check_no_wildcard,
    check_parameter_path,
    check_region,
    default_role_name,
)
from ..errors import ConfigError, q, suggest
from ..readonly import freeze
from .reader import k
from .settings import Activation, Bucket

_BUCKET_KEYS = ("name", "prefix", "crossAccount", "encrypted")
_ACTIVATION_KEYS = ("registrationLimit", "expirationDate", "description")
# A full RFC 3339 timestamp with a zone, as the SSM API wants (2030-01-31T00:00:00Z).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

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


def _feature(key: str, item: Any) -> str:
    features = tuple(aws_buckets_data.FEATURES)
    if not isinstance(item, str):
        raise ConfigError(key, f"expected a feature name, got {json.dumps(item)}")
    if item in features:
        return item
    if item in aws_buckets_data.PRESETS or item in aws_buckets_data.ALIASES:
        preset = aws_buckets_data.ALIASES.get(item, item)
        raise ConfigError(
            key,
            f"{q(item)} is a preset, not a feature: set {k('awsBuckets')}: {preset}, or list "
            f"features ({', '.join(features)})",
        )
    raise ConfigError(
        key, f"{q(item)} is not a feature ({', '.join(features)}){suggest(item, features)}"
    )


def _preset(key: str, name: str) -> aws_buckets_data.Selection:
    presets, features = aws_buckets_data.PRESETS, tuple(aws_buckets_data.FEATURES)
    if name in presets:
        return aws_buckets_data.Selection.of_preset(name)
    if name in aws_buckets_data.ALIASES:
        return aws_buckets_data.Selection.of_preset(aws_buckets_data.ALIASES[name], alias=name)
    if name in features:
        raise ConfigError(key, f"{q(name)} is a feature, not a preset: write a list, [{name}]")
    raise ConfigError(
        key,
        f"{q(name)} is not a preset ({', '.join(presets)}) nor a list of features "
        f"({', '.join(features)}){suggest(name, (*presets, *features))}",
    )


def aws_buckets(key: str, text: str, draft: Draft) -> aws_buckets_data.Selection:
    """A preset's name, or a list of feature names (a YAML list reaches the program as
    JSON text, as the Pulumi CLI passes it)."""
    if not text.lstrip().startswith(("[", "{")):
        return _preset(key, text)
    try:
        items = json.loads(text)
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise ConfigError(key, f"expected a preset name or a list of features, got {q(text)}")
    if not items:
        raise ConfigError(key, "lists no feature; list at least one, or name a preset")
    features = string_list(_feature)(key, items, draft)
    return aws_buckets_data.Selection(None, features)


def core_policy_default(draft: Draft) -> str:
    """``default-host`` in default-host-management mode, else ``instance-core``."""
    return "default-host" if draft["mode"] == "default-host-management" else "instance-core"


def core_policy(key: str, value: str, draft: Draft) -> str:
    one_of(tuple(CORE_POLICIES))(key, value, draft)
    if draft["mode"] == "default-host-management" and value != "default-host":
        raise ConfigError(
            key,
            f"default-host-management mode attaches {CORE_POLICIES['default-host']}; "
            "remove this key",
        )
    return value


def parameter_paths(key: str, items: list[Any], draft: Draft) -> tuple[str, ...]:
    if items and draft["core_policy"] != "default-host":
        raise ConfigError(
            key,
            f"{CORE_POLICIES[draft['core_policy']]} already grants ssm:GetParameter and "
            f"ssm:GetParameters on every parameter; set {k('corePolicy')}: default-host to "
            "grant them only on these paths",
        )
    return string_list(check_parameter_path)(key, items, draft)


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
            if not isinstance(expiration, str) or not _RFC3339.match(expiration):
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
