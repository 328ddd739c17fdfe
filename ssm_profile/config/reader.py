"""Typed reading of the raw config a Pulumi program receives: every value is a string
(booleans ``"true"``, numbers ``"10"``, arrays and objects JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError, q

NAMESPACE = "ssm-profile"


def k(key: str) -> str:
    """The full config key, ``ssm-profile:KEY``."""
    return f"{NAMESPACE}:{key}"


class Reader:
    """Typed access to the raw string config of the ``ssm-profile`` namespace.

    Each method returns ``None`` when the key is absent, else the value of its kind, or
    raises :class:`~ssm_profile.errors.ConfigError` naming the key.
    """

    def __init__(self, raw: Mapping[str, str]) -> None:
        self.raw = raw

    def present(self, key: str) -> bool:
        return k(key) in self.raw

    def _text(self, key: str) -> str | None:
        value = self.raw.get(k(key))
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

    def text(self, key: str) -> str | None:
        """A string that may be empty (``""``: the key's "none")."""
        return self._text(key)

    def boolean(self, key: str) -> bool | None:
        text = self._text(key)
        if text is None:
            return None
        if text.strip().lower() in ("true", "false"):
            return text.strip().lower() == "true"
        raise ConfigError(k(key), f"expected true or false, got {q(text)}")

    def integer(self, key: str) -> int | None:
        text = self._text(key)
        if text is None:
            return None
        try:
            return int(text.strip())
        except ValueError:
            raise ConfigError(k(key), f"expected a whole number, got {q(text)}") from None

    def _json(self, key: str, kind: type) -> Any:
        text = self._text(key)
        if text is None:
            return None
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

    def array(self, key: str) -> list[Any] | None:
        return self._json(key, list)

    def object(self, key: str) -> dict[str, Any] | None:
        return self._json(key, dict)

    def read(self, kind: str, key: str) -> Any:
        """The value of ``key`` read as ``kind`` (``string``, ``text``, ``boolean``, ``integer``,
        ``array`` or ``object``), or ``None`` when absent."""
        return getattr(self, kind)(key)
