"""Plugin seam (SPEC section 5): collects plugin contributions for the blueprint."""

from __future__ import annotations

from .blueprint import CheckHook, Contributions
from .errors import ConfigError
from .settings import Settings, k


def collect(settings: Settings, account_id: str) -> tuple[Contributions, CheckHook | None]:
    """Contributions of the plugins enabled in ``settings`` (none yet)."""
    if settings.plugins:
        raise ConfigError(k("plugins"), "plugins are not supported yet")
    return Contributions(), None
