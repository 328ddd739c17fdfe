"""The checks of the keys that choose AWS features: ``awsBuckets``, ``corePolicy`` and
``parameterPaths`` (named by the key table, :mod:`.keys`)."""

from __future__ import annotations

import json
from typing import Any

from ..aws import buckets as aws_buckets_data
from ..aws.managed import CORE_POLICIES
from ..aws.names import check_parameter_path
from ..errors import ConfigError, q, suggest
from .checks import Draft, one_of, string_list
from .reader import k


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
