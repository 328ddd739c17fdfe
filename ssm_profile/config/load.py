"""Stack configuration -> validated, frozen settings (pure, no Pulumi).

Input is what a Pulumi program sees: a flat mapping of ``namespace:key`` to *strings*, exactly
as the Pulumi CLI hands config to the program and as :mod:`ssm_profile.config.stackfile`
reproduces it offline. Every rule is checked here, before any resource exists; the first
broken rule raises :class:`~ssm_profile.errors.ConfigError` naming the key. The order:
``aws:region``, unknown keys, which keys the mode allows or requires, then each key of
:data:`~ssm_profile.config.keys.KEYS` in turn, then the rules that join several keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..aws import limits
from ..aws.names import check_region, check_stack_name
from ..aws.naming import ssm_role_reference
from ..aws.partitions import ALL_REGIONS
from ..errors import ConfigError, q, suggest
from .checks import Draft
from .keys import KEYS, KNOWN_KEYS
from .reader import NAMESPACE, Reader, k
from .settings import Settings


def _no_profile_to_name(draft: Draft, reader: Reader) -> None:
    if reader.present("instanceProfileName") and not draft["create_instance_profile"]:
        raise ConfigError(
            k("instanceProfileName"), "is set but this stack creates no instance profile"
        )


def _activation_role_fits(draft: Draft, reader: Reader) -> None:
    if draft["activation"] is None:
        return
    ssm_role = ssm_role_reference(draft["path"], draft["role_name"])
    if len(ssm_role) > limits.SSM_ROLE_REFERENCE_LIMIT:
        raise ConfigError(
            k("activation"),
            f"SSM names the role {q(ssm_role)} (path and name, {len(ssm_role)} characters); "
            f"its limit is {limits.SSM_ROLE_REFERENCE_LIMIT}: shorten ssm-profile:path or "
            "ssm-profile:roleName",
        )


# Rules that join several keys, checked after every key, in this order.
CROSS_KEY_RULES: tuple[Callable[[Draft, Reader], None], ...] = (
    _no_profile_to_name,
    _activation_role_fits,
)


def _check_known_keys(raw: Mapping[str, str]) -> None:
    for full_key in sorted(raw):
        namespace, _, key = full_key.partition(":")
        if namespace == NAMESPACE and key not in KNOWN_KEYS:
            raise ConfigError(
                full_key, f"unknown key{suggest(key, KNOWN_KEYS, prefix=NAMESPACE + ':')}"
            )


def _check_mode_keys(mode: str, reader: Reader) -> None:
    """Keys the mode does not allow are errors; keys it requires must be set."""
    for key in KEYS:
        allowed = mode in key.modes
        if reader.present(key.name) and not allowed:
            modes = " or ".join(key.modes)
            raise ConfigError(k(key.name), key.refused.format(modes=modes, mode=mode))
        if key.required and allowed and not reader.string(key.name):
            raise ConfigError(k(key.name), f"is required in {mode} mode: {key.required}")


def check_frame(raw: Mapping[str, str], stack: str) -> str:
    """The checks before any key: the stack's name, ``aws:region`` (returned), unknown keys."""
    check_stack_name(stack)
    region_text = raw.get("aws:region")
    if not region_text:
        raise ConfigError("aws:region", "is required: run `pulumi config set aws:region us-east-2`")
    region = check_region("aws:region", region_text, None)
    _check_known_keys(raw)
    return region


def load_settings(raw: Mapping[str, str], project: str, stack: str) -> Settings:
    """Validate the stack's raw config and return frozen :class:`Settings`."""
    region = check_frame(raw, stack)
    reader = Reader(raw)
    draft: dict[str, Any] = {
        "project": project,
        "stack": stack,
        "region": region,
        "partition": ALL_REGIONS[region],
    }
    for key in KEYS:
        value = reader.read(key.kind, key.name)
        if value is None:
            value = key.default_for(draft)
        if value is not None and key.check is not None:
            value = key.check(k(key.name), value, draft)
        draft[key.field] = value
        if key.name == "mode":
            _check_mode_keys(value, reader)
    for rule in CROSS_KEY_RULES:
        rule(draft, reader)
    return Settings(**draft)
