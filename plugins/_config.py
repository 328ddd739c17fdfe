"""Helpers the plugins in this folder share to validate their ``pluginConfig`` strictly.

A plugin reports bad settings by raising ``ValueError``; the host turns it into one line
naming the plugin and hook.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LOG_GROUP = re.compile(r"[A-Za-z0-9._/#-]{1,512}")


def check_known(config: Mapping[str, Any], known: tuple[str, ...]) -> None:
    """Refuse settings this plugin does not know (typos must not be silently ignored)."""
    unknown = sorted(set(config) - set(known))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(known)}")


def flag(config: Mapping[str, Any], key: str) -> bool:
    """A boolean setting, ``False`` when absent; ``"yes"`` or ``1`` is an error, not false."""
    value = config.get(key, False)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, got {value!r}")
    return value


def log_group(key: str, value: Any) -> str:
    """A CloudWatch Logs log group name (no wildcards)."""
    if not isinstance(value, str) or not _LOG_GROUP.fullmatch(value):
        raise ValueError(
            f"{key}: {value!r} is not a log group name (letters, digits, ._/#-; no wildcards)"
        )
    return value
