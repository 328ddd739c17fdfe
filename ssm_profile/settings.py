"""Stack configuration -> validated, frozen settings (pure, no Pulumi).

Input is what a Pulumi program sees: a flat mapping of ``namespace:key`` to *strings*
(booleans as ``"true"``, numbers as ``"10"``, arrays and objects as JSON), exactly as the
Pulumi CLI hands config to the program and as :mod:`ssm_profile.stackconfig` reproduces it
offline. Every rule of SPEC section 3 is checked here, before any resource exists; the first
broken rule raises :class:`~ssm_profile.errors.ConfigError` naming the key.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .errors import ConfigError
from .lint import managed_policy_problem
from .partitions import ALL_REGIONS, Partition, partition_of

NAMESPACE = "ssm-profile"
MODES = ("ec2", "existing-role", "hybrid", "default-host-management")
AWS_BUCKET_SETS = ("standard", "extended")
MAX_TAGS = 50
# The account id the offline plan and ssm_profile.testing assume (AWS's documentation example).
DEFAULT_ACCOUNT_ID = "123456789012"
QUOTA_MAX = 20

# Every key of SPEC section 3 (plus `activation`, SPEC section 2), in validation order.
KNOWN_KEYS = (
    "mode",
    "roleName",
    "instanceProfileName",
    "description",
    "path",
    "permissionsBoundary",
    "tags",
    "regions",
    "vpcEndpoints",
    "awsBuckets",
    "buckets",
    "directoryService",
    "cloudWatchAgent",
    "managedPolicies",
    "existingRoleName",
    "createInstanceProfile",
    "maxManagedPolicies",
    "protect",
    "plugins",
    "pluginConfig",
    "activation",
)

_IAM_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]+$")
_POLICY_NAME = re.compile(r"^[A-Za-z0-9+=,.@_-]+(/[A-Za-z0-9+=,.@_-]+)*$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_LIKE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_BUCKET_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_KEYS = ("name", "prefix", "crossAccount", "encrypted")
_ACTIVATION_KEYS = ("registrationLimit", "expirationDate", "description")
_TAG_CHARS = set("_.:/=+-@ ")
# IAM CreateRole's pattern for Description.
_ROLE_DESCRIPTION = re.compile(r"^[\t\n\r\u0020-\u007E\u00A1-\u00FF]*$")
# A full RFC 3339 timestamp with a zone, as the SSM API wants (2030-01-31T00:00:00Z).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def freeze(value: Any) -> Any:
    """Deep read-only copy of JSON data: dicts become mapping proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Bucket:
    """One of your own buckets (guide case 2)."""

    name: str
    prefix: str | None = None
    cross_account: bool = False
    encrypted: bool = False


@dataclass(frozen=True)
class Activation:
    """An SSM hybrid activation (``hybrid`` mode only)."""

    registration_limit: int
    expiration_date: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Settings:
    """Validated settings of one stack. Read-only; handed to plugins as ``context.settings``."""

    project: str
    stack: str
    region: str
    partition: Partition
    mode: str
    role_name: str
    instance_profile_name: str
    description: str
    path: str
    permissions_boundary: str | None
    tags: Mapping[str, str]
    regions: tuple[str, ...]
    vpc_endpoints: bool
    aws_buckets: str
    buckets: tuple[Bucket, ...]
    directory_service: bool
    cloud_watch_agent: bool
    managed_policies: tuple[str, ...]
    existing_role_name: str | None
    create_instance_profile: bool
    max_managed_policies: int
    protect: bool
    plugins: tuple[str, ...]
    plugin_config: Mapping[str, Mapping[str, Any]]
    activation: Activation | None

    @property
    def custom_policy_name(self) -> str:
        """Name of the (first) customer managed policy."""
        return f"SSMInstanceProfileS3Policy-{self.stack}"


def q(value: Any) -> str:
    """A value quoted for an error message, as JSON (``"us-east-*"``)."""
    return json.dumps(value, ensure_ascii=False)


def suggest(word: str, choices: tuple[str, ...] | list[str], prefix: str = "") -> str:
    """``'; did you mean X?'`` for the closest choice, or ``''``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close and choices:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"; did you mean {prefix}{close[0]}?" if close else ""


class _Reader:
    """Typed access to the raw string config of the ``ssm-profile`` namespace."""

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw = raw

    def present(self, key: str) -> bool:
        return f"{NAMESPACE}:{key}" in self.raw

    def _text(self, key: str) -> str | None:
        value = self.raw.get(f"{NAMESPACE}:{key}")
        if value is None:
            return None
        if not isinstance(value, str):
            value = json.dumps(value)
        return value

    def string(self, key: str) -> str | None:
        text = self._text(key)
        if text is not None and not text.strip():
            raise ConfigError(k(key), "is empty; remove the key to use the default")
        return text

    def boolean(self, key: str, default: bool) -> bool:
        text = self._text(key)
        if text is None:
            return default
        if text.strip().lower() in ("true", "false"):
            return text.strip().lower() == "true"
        raise ConfigError(k(key), f"expected true or false, got {q(text)}")

    def integer(self, key: str, default: int) -> int:
        text = self._text(key)
        if text is None:
            return default
        try:
            return int(text.strip())
        except ValueError:
            raise ConfigError(k(key), f"expected a whole number, got {q(text)}") from None

    def json(self, key: str, kind: type, default: Any) -> Any:
        text = self._text(key)
        if text is None:
            return default
        what = "an array" if kind is list else "an object"
        try:
            value = json.loads(text)
        except ValueError:
            raise ConfigError(
                k(key),
                f"expected {what} (YAML list/map in the stack file, or JSON with "
                f"`pulumi config set --path`), got {q(text)}",
            ) from None
        if not isinstance(value, kind):
            raise ConfigError(k(key), f"expected {what}, got {q(text)}")
        return value


def k(key: str) -> str:
    """The full config key, ``ssm-profile:KEY``."""
    return f"{NAMESPACE}:{key}"


def _check_name(key: str, value: str, limit: int, pattern: re.Pattern[str] = _IAM_NAME) -> str:
    if not value:
        raise ConfigError(key, "must not be empty")
    if len(value) > limit:
        raise ConfigError(key, f"{q(value)} is {len(value)} characters long; IAM allows {limit}")
    if not pattern.match(value):
        raise ConfigError(
            key, f"{q(value)} may contain only letters, digits and the characters +=,.@_-"
        )
    return value


def _check_no_wildcard(key: str, value: str, what: str) -> None:
    if "*" in value or "?" in value:
        raise ConfigError(
            key,
            f"{q(value)}: wildcards are not allowed in a {what} (the guide forbids them: "
            "a wildcard can grant buckets you did not mean to); list each one explicitly",
        )


def _check_region(key: str, value: Any, partition: Partition | None) -> str:
    if not isinstance(value, str):
        raise ConfigError(key, f"expected a Region identifier string, got {json.dumps(value)}")
    _check_no_wildcard(key, value, "Region")
    owner = partition_of(value)
    if owner is None:
        choices = list(partition.regions) if partition else list(ALL_REGIONS)
        raise ConfigError(key, f"{q(value)} is not an AWS Region{suggest(value, choices)}")
    if partition is not None and owner is not partition:
        raise ConfigError(
            key,
            f"{q(value)} is in partition {owner.name}, but the stack's aws:region is in "
            f"{partition.name}; one stack deploys to one partition",
        )
    return value


def check_bucket_name(key: str, name: Any) -> str:
    """Apply S3's bucket naming rules (and the guide's no-wildcard rule) to ``name``."""
    if not isinstance(name, str):
        raise ConfigError(key, f"expected a bucket name string, got {json.dumps(name)}")
    _check_no_wildcard(key, name, "bucket name")
    problem = None
    if not 3 <= len(name) <= 63:
        problem = "must be 3 to 63 characters long"
    elif not _BUCKET.match(name):
        problem = (
            "may contain only lowercase letters, digits, dots and hyphens, and must begin "
            "and end with a letter or digit"
        )
    elif ".." in name:
        problem = "must not contain two adjacent dots"
    elif _IP_LIKE.match(name):
        problem = "must not be formatted as an IP address"
    elif name.startswith(_BUCKET_BAD_PREFIXES) or name.endswith(_BUCKET_BAD_SUFFIXES):
        problem = "uses a prefix or suffix that S3 reserves"
    if problem:
        raise ConfigError(key, f"{q(name)} is not a valid S3 bucket name: {problem}")
    return name


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
        _check_no_wildcard(f"{key}.prefix", prefix, "bucket prefix")
        if prefix.startswith("/"):
            raise ConfigError(f"{key}.prefix", f"{q(prefix)} must not begin with '/'")
    flags = {}
    for field in ("crossAccount", "encrypted"):
        value = item.get(field, False)
        if not isinstance(value, bool):
            raise ConfigError(f"{key}.{field}", f"expected true or false, got {json.dumps(value)}")
        flags[field] = value
    return Bucket(name, prefix, flags["crossAccount"], flags["encrypted"])


def check_tags(key: str, tags: dict[str, Any]) -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise ConfigError(key, f"{len(tags)} tags; IAM allows {MAX_TAGS} per resource")
    for name, value in tags.items():
        if not isinstance(name, str):
            raise ConfigError(
                key, f"tag key {name!r} is {type(name).__name__}; tag keys are strings"
            )
        where = f"{key}.{name}"
        if not 1 <= len(name) <= 128:
            raise ConfigError(where, "tag keys must be 1 to 128 characters long")
        if name.lower().startswith("aws:"):
            raise ConfigError(where, "tag keys beginning with 'aws:' are reserved for AWS")
        if not isinstance(value, str):
            raise ConfigError(
                where, f"tag values must be strings, got {json.dumps(value, default=repr)}"
            )
        if len(value) > 256:
            raise ConfigError(where, "tag values may be at most 256 characters long")
        for text in (name, value):
            if any(not (c.isalnum() or c in _TAG_CHARS) for c in text):
                raise ConfigError(
                    where, f"{q(text)}: tags may contain letters, digits, spaces and _.:/=+-@"
                )
    return dict(tags)


def _parse_path(key: str, path: str) -> str:
    if not 1 <= len(path) <= 512:
        raise ConfigError(key, "IAM paths are 1 to 512 characters long")
    if not (path.startswith("/") and path.endswith("/")):
        raise ConfigError(key, f"{q(path)} must begin and end with '/' (e.g. /ssm/)")
    if "//" in path or any(not 0x21 <= ord(c) <= 0x7E for c in path):
        raise ConfigError(
            key, f"{q(path)}: use printable ASCII segments separated by single slashes"
        )
    return path


def policy_ref_arn(key: str, value: Any, partition: Partition) -> str:
    """A managed policy to attach, by name or ARN -> its ARN in the stack's partition.

    Over-broad AWS managed policies (:func:`~ssm_profile.lint.managed_policy_problem`) are
    refused.
    """
    if not isinstance(value, str):
        raise ConfigError(key, f"expected a policy name or ARN, got {json.dumps(value)}")
    if value.startswith("arn:"):
        arn = check_policy_arn(key, value, partition)
    else:
        _check_name(key, value, 128, _POLICY_NAME)
        arn = partition.managed_policy_arn(value)
    problem = managed_policy_problem(arn)
    if problem:
        raise ConfigError(key, problem)
    return arn


def check_policy_arn(key: str, arn: str, partition: Partition) -> str:
    """Reject a policy ARN that is malformed or belongs to another partition."""
    match = re.match(r"^arn:([a-z-]+):iam::(aws|\d{12}):policy/(.+)$", arn)
    if not match:
        raise ConfigError(key, f"{q(arn)} is not an IAM policy ARN (arn:{partition.name}:iam::…)")
    if match.group(1) != partition.name:
        raise ConfigError(
            key, f"{q(arn)} is in partition {match.group(1)}; this stack is in {partition.name}"
        )
    _check_name(key, match.group(3).rsplit("/", 1)[-1], 128)
    return arn


def _parse_activation(raw: Any) -> Activation:
    key = k("activation")
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


def _string_list(key: str, items: list[Any], check: Callable[[str, Any], str]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        value = check(f"{key}[{index}]", item)
        if value in seen:
            raise ConfigError(
                f"{key}[{index}]", f"{q(value)} is listed twice (also at [{seen[value]}])"
            )
        seen[value] = index
    return tuple(seen)


def load_settings(raw: Mapping[str, str], project: str, stack: str) -> Settings:
    """Validate the stack's raw config and return frozen :class:`Settings`."""
    region_text = raw.get("aws:region")
    if not region_text:
        raise ConfigError("aws:region", "is required: run `pulumi config set aws:region us-east-2`")
    region = _check_region("aws:region", region_text, None)
    partition = ALL_REGIONS[region]

    for full_key in sorted(raw):
        namespace, _, key = full_key.partition(":")
        if namespace == NAMESPACE and key not in KNOWN_KEYS:
            raise ConfigError(
                full_key, f"unknown key{suggest(key, KNOWN_KEYS, prefix=NAMESPACE + ':')}"
            )

    r = _Reader(raw)
    mode = r.string("mode") or "ec2"
    if mode not in MODES:
        raise ConfigError(
            k("mode"), f"{q(mode)} is not one of {', '.join(MODES)}{suggest(mode, MODES)}"
        )

    if mode == "existing-role":
        for key in ("roleName", "description", "permissionsBoundary"):
            if r.present(key):
                raise ConfigError(
                    k(key), "describes a role this stack creates; existing-role mode creates none"
                )
        existing = r.string("existingRoleName")
        if not existing:
            raise ConfigError(
                k("existingRoleName"),
                "is required in existing-role mode: the role to attach policies to",
            )
        role_name = _check_name(k("existingRoleName"), existing, 64)
    else:
        if r.present("existingRoleName"):
            raise ConfigError(
                k("existingRoleName"),
                f"is only allowed in existing-role mode (this stack's mode is {mode})",
            )
        existing = None
        role_name = _check_name(
            k("roleName"), r.string("roleName") or f"SSMInstanceProfile-{stack}", 64
        )
    profile_name = _check_name(
        k("instanceProfileName"), r.string("instanceProfileName") or role_name, 128
    )
    description = r.string("description")
    if description is None:
        description = (
            f"Systems Manager instance role of the {stack} stack ({project}), managed by Pulumi"
        )
    if len(description) > 1000 or not _ROLE_DESCRIPTION.match(description):
        raise ConfigError(
            k("description"),
            "IAM role descriptions are at most 1000 characters of printable Latin-1 "
            "(letters with accents are fine; other scripts and emoji are not)",
        )
    path = _parse_path(k("path"), r.string("path") or "/")

    boundary = r.string("permissionsBoundary")
    if boundary is not None:
        check_policy_arn(k("permissionsBoundary"), boundary, partition)

    tags = check_tags(k("tags"), r.json("tags", dict, {}))

    regions_raw = r.json("regions", list, [region])
    if not regions_raw:
        raise ConfigError(k("regions"), "must list at least one Region (or be left unset)")
    regions = _string_list(
        k("regions"), regions_raw, lambda key, v: _check_region(key, v, partition)
    )

    vpc_endpoints = r.boolean("vpcEndpoints", False)
    aws_buckets = r.string("awsBuckets") or "standard"
    if aws_buckets not in AWS_BUCKET_SETS:
        raise ConfigError(
            k("awsBuckets"),
            f"{q(aws_buckets)} is not one of standard, extended"
            + suggest(aws_buckets, AWS_BUCKET_SETS),
        )

    buckets: list[Bucket] = []
    for index, item in enumerate(r.json("buckets", list, [])):
        bucket = _parse_bucket(f"{k('buckets')}[{index}]", item)
        if any(b.name == bucket.name for b in buckets):
            raise ConfigError(
                f"{k('buckets')}[{index}]", f"bucket {q(bucket.name)} is listed twice"
            )
        buckets.append(bucket)

    directory_service = r.boolean("directoryService", False)
    cloud_watch_agent = r.boolean("cloudWatchAgent", False)
    managed = _string_list(
        k("managedPolicies"),
        r.json("managedPolicies", list, []),
        lambda key, v: policy_ref_arn(key, v, partition),
    )

    create_profile = r.boolean("createInstanceProfile", mode == "ec2")
    if create_profile and mode in ("hybrid", "default-host-management"):
        raise ConfigError(
            k("createInstanceProfile"), f"{mode} mode builds no instance profile; remove this key"
        )
    if r.present("instanceProfileName") and not create_profile:
        raise ConfigError(
            k("instanceProfileName"), "is set but this stack creates no instance profile"
        )

    max_policies = r.integer("maxManagedPolicies", 10)
    if not 1 <= max_policies <= QUOTA_MAX:
        raise ConfigError(
            k("maxManagedPolicies"), f"{max_policies} is outside IAM's quota range 1 to {QUOTA_MAX}"
        )
    protect = r.boolean("protect", False)

    def plugin_name(key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(key, "expected a plugin name (entry point or module path)")
        return value

    plugins = _string_list(k("plugins"), r.json("plugins", list, []), plugin_name)
    plugin_config = r.json("pluginConfig", dict, {})
    for name, value in plugin_config.items():
        if name not in plugins:
            raise ConfigError(
                f"{k('pluginConfig')}.{name}",
                f"plugin {q(name)} is not listed in {k('plugins')}{suggest(name, plugins)}",
            )
        if not isinstance(value, dict):
            raise ConfigError(f"{k('pluginConfig')}.{name}", "expected an object")

    activation_raw = r.json("activation", dict, None)
    activation = None
    if activation_raw is not None:
        if mode != "hybrid":
            raise ConfigError(
                k("activation"), f"is only allowed in hybrid mode (this stack's mode is {mode})"
            )
        activation = _parse_activation(activation_raw)
        ssm_role = path.lstrip("/") + role_name
        if len(ssm_role) > 64:
            raise ConfigError(
                k("activation"),
                f"SSM names the role {q(ssm_role)} (path and name, {len(ssm_role)} characters); "
                "its limit is 64: shorten ssm-profile:path or ssm-profile:roleName",
            )

    return Settings(
        project=project,
        stack=stack,
        region=region,
        partition=partition,
        mode=mode,
        role_name=role_name,
        instance_profile_name=profile_name,
        description=description,
        path=path,
        permissions_boundary=boundary,
        tags=freeze(tags),
        regions=regions,
        vpc_endpoints=vpc_endpoints,
        aws_buckets=aws_buckets,
        buckets=tuple(buckets),
        directory_service=directory_service,
        cloud_watch_agent=cloud_watch_agent,
        managed_policies=managed,
        existing_role_name=existing,
        create_instance_profile=create_profile,
        max_managed_policies=max_policies,
        protect=protect,
        plugins=plugins,
        plugin_config=freeze(plugin_config),
        activation=activation,
    )
