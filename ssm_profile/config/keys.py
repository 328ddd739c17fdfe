"""The ``ssm-profile:`` keys, declared once each: kind, default, check and Settings field.

:func:`ssm_profile.config.load_settings` reads them in this order; the configuration
reference (``docs/configuration.md``), the ``Pulumi.yaml`` schema and the unknown-key check
all follow this table. A default is a value, or a function of the fields read before it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..aws import limits
from ..aws.managed import policy_ref_arn
from ..aws.names import (
    check_bucket_name,
    check_name,
    check_no_wildcard,
    check_path,
    check_policy_arn,
    check_region,
    check_role_description,
    check_tags,
    default_role_name,
)
from ..errors import ConfigError, q, suggest
from ..readonly import freeze
from .reader import k
from .settings import MODES, Activation, Bucket

AWS_BUCKET_SETS = ("standard", "extended")
_BUCKET_KEYS = ("name", "prefix", "crossAccount", "encrypted")
_ACTIVATION_KEYS = ("registrationLimit", "expirationDate", "description")
# A full RFC 3339 timestamp with a zone, as the SSM API wants (2030-01-31T00:00:00Z).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# What a check or a computed default sees: the Settings fields read so far (and project,
# stack, region, partition).
Draft = dict[str, Any]
Check = Callable[[str, Any, Draft], Any]


@dataclass(frozen=True)
class Key:
    """One ``ssm-profile:`` config key."""

    name: str
    field: str  # the Settings field it fills
    kind: str  # how the raw string is read: string, boolean, integer, array, object
    default: Any  # a value, or a function of the Draft
    check: Check | None = None  # full key, value (given or default), Draft -> field value
    modes: tuple[str, ...] = MODES  # the modes in which the key may be set
    refused: str = "is only allowed in {modes} mode (this stack's mode is {mode})"
    required: str | None = None  # must be set in each of ``modes``, for this reason
    schema: dict[str, Any] | None = None  # its typed entry in Pulumi.yaml, if declared

    def default_for(self, draft: Draft) -> Any:
        return self.default(draft) if callable(self.default) else self.default


# --- checks of one key ------------------------------------------------------------------------


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(key: str, value: str, draft: Draft) -> str:
        if value not in choices:
            raise ConfigError(
                key, f"{q(value)} is not one of {', '.join(choices)}{suggest(value, choices)}"
            )
        return value

    return check


def _name(limit: int) -> Check:
    return lambda key, value, draft: check_name(key, value, limit)


def _string_list(check: Callable[[str, Any], str]) -> Check:
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


def _regions(key: str, items: list[Any], draft: Draft) -> tuple[str, ...]:
    if not items:
        raise ConfigError(key, "must list at least one Region (or be left unset)")
    partition = draft["partition"]
    return _string_list(lambda at, value: check_region(at, value, partition))(key, items, draft)


def _managed_policies(key: str, items: list[Any], draft: Draft) -> tuple[str, ...]:
    partition = draft["partition"]
    return _string_list(lambda at, value: policy_ref_arn(at, value, partition))(key, items, draft)


def _plugin_name(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "expected a plugin name (entry point or module path)")
    return value


def _parse_bucket(key: str, item: Any) -> Bucket:
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


def _buckets(key: str, items: list[Any], draft: Draft) -> tuple[Bucket, ...]:
    buckets: dict[str, Bucket] = {}
    for index, item in enumerate(items):
        bucket = _parse_bucket(f"{key}[{index}]", item)
        if bucket.name in buckets:
            raise ConfigError(f"{key}[{index}]", f"bucket {q(bucket.name)} is listed twice")
        buckets[bucket.name] = bucket
    return tuple(buckets.values())


def _create_instance_profile(key: str, value: bool, draft: Draft) -> bool:
    mode = draft["mode"]
    if value and mode in ("hybrid", "default-host-management"):
        raise ConfigError(key, f"{mode} mode builds no instance profile; remove this key")
    return value


def _quota(key: str, value: int, draft: Draft) -> int:
    if not 1 <= value <= limits.MAX_MANAGED_POLICIES_QUOTA:
        raise ConfigError(
            key,
            f"{value} is outside IAM's quota range 1 to {limits.MAX_MANAGED_POLICIES_QUOTA}",
        )
    return value


def _plugin_config(key: str, value: dict[str, Any], draft: Draft) -> Any:
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


def _activation(key: str, raw: dict[str, Any], draft: Draft) -> Activation:
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


def _default_description(draft: Draft) -> str:
    return (
        f"Systems Manager instance role of the {draft['stack']} stack ({draft['project']}), "
        "managed by Pulumi"
    )


def _default_role_name(draft: Draft) -> str:
    existing = draft["existing_role_name"]
    return existing if existing is not None else default_role_name(draft["stack"])


_ROLE_MODES = ("ec2", "hybrid", "default-host-management")
_FOR_A_NEW_ROLE = "describes a role this stack creates; existing-role mode creates none"


def _typed(kind: str, default: Any, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, **extra, "default": default, "description": description}


# --- the table --------------------------------------------------------------------------------

KEYS: tuple[Key, ...] = (
    Key(
        "mode",
        "mode",
        "string",
        "ec2",
        _one_of(MODES),
        schema=_typed("string", "ec2", "ec2 | existing-role | hybrid | default-host-management"),
    ),
    Key(
        "existingRoleName",
        "existing_role_name",
        "string",
        None,
        _name(limits.ROLE_NAME_LIMIT),
        modes=("existing-role",),
        required="the role to attach policies to",
    ),
    Key(
        "roleName",
        "role_name",
        "string",
        _default_role_name,
        _name(limits.ROLE_NAME_LIMIT),
        modes=_ROLE_MODES,
        refused=_FOR_A_NEW_ROLE,
    ),
    Key(
        "instanceProfileName",
        "instance_profile_name",
        "string",
        lambda draft: draft["role_name"],
        _name(limits.INSTANCE_PROFILE_NAME_LIMIT),
    ),
    Key(
        "description",
        "description",
        "string",
        _default_description,
        lambda key, value, draft: check_role_description(key, value),
        modes=_ROLE_MODES,
        refused=_FOR_A_NEW_ROLE,
    ),
    Key(
        "path",
        "path",
        "string",
        "/",
        lambda key, value, draft: check_path(key, value),
        schema=_typed("string", "/", "IAM path of role, instance profile and policies."),
    ),
    Key(
        "permissionsBoundary",
        "permissions_boundary",
        "string",
        None,
        lambda key, value, draft: check_policy_arn(key, value, draft["partition"]),
        modes=_ROLE_MODES,
        refused=_FOR_A_NEW_ROLE,
    ),
    Key(
        "tags",
        "tags",
        "object",
        {},
        lambda key, value, draft: freeze(check_tags(key, value)),
    ),
    Key("regions", "regions", "array", lambda draft: [draft["region"]], _regions),
    Key(
        "vpcEndpoints",
        "vpc_endpoints",
        "boolean",
        False,
        schema=_typed(
            "boolean", False, "Grant the AWS-owned SSM buckets of each Region (guide case 1)."
        ),
    ),
    Key(
        "awsBuckets",
        "aws_buckets",
        "string",
        "standard",
        _one_of(AWS_BUCKET_SETS),
        schema=_typed(
            "string",
            "standard",
            "standard | extended (adds document-attachments and macOS patching buckets)",
        ),
    ),
    Key("buckets", "buckets", "array", [], _buckets),
    Key(
        "directoryService",
        "directory_service",
        "boolean",
        False,
        schema=_typed("boolean", False, "Attach AmazonSSMDirectoryServiceAccess."),
    ),
    Key(
        "cloudWatchAgent",
        "cloud_watch_agent",
        "boolean",
        False,
        schema=_typed("boolean", False, "Attach CloudWatchAgentServerPolicy."),
    ),
    Key(
        "managedPolicies",
        "managed_policies",
        "array",
        [],
        _managed_policies,
        schema=_typed(
            "array", [], "More AWS managed policies, by name or ARN.", items={"type": "string"}
        ),
    ),
    Key(
        "createInstanceProfile",
        "create_instance_profile",
        "boolean",
        lambda draft: draft["mode"] == "ec2",
        _create_instance_profile,
    ),
    Key(
        "maxManagedPolicies",
        "max_managed_policies",
        "integer",
        limits.DEFAULT_MANAGED_POLICIES_QUOTA,
        _quota,
        schema=_typed(
            "integer",
            limits.DEFAULT_MANAGED_POLICIES_QUOTA,
            "The account's quota of managed policies per role (10 default, 20 at most).",
        ),
    ),
    Key(
        "protect",
        "protect",
        "boolean",
        False,
        schema=_typed("boolean", False, "Protect role and instance profile from deletion."),
    ),
    Key(
        "plugins",
        "plugins",
        "array",
        [],
        _string_list(_plugin_name),
        schema=_typed(
            "array",
            [],
            "Plugins to enable (entry point names or module paths).",
            items={"type": "string"},
        ),
    ),
    Key("pluginConfig", "plugin_config", "object", {}, _plugin_config),
    Key("activation", "activation", "object", None, _activation, modes=("hybrid",)),
)

KNOWN_KEYS = tuple(key.name for key in KEYS)
