"""Settings and plugins -> a checked blueprint: the one pure pipeline (no Pulumi).

Host contributions -> pure blueprint -> host checks. ``pulumi up``, the offline plan and
:mod:`ssm_profile.testing` all run exactly this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .blueprint import Blueprint, build_blueprint
from .config.settings import Settings
from .pluginhost.host import PluginHost


def resolve(
    settings: Settings, account_id: str, preloaded: Mapping[str, Any] | None = None
) -> Blueprint:
    """The stack's blueprint with every plugin's contributions, approved by every check.

    :param preloaded: plugin objects by name, instead of importing them (for tests).
    """
    host = PluginHost(settings, account_id, preloaded)
    blueprint = build_blueprint(settings, account_id, host.contributions())
    host.check(blueprint.statements, blueprint.managed_policy_arns)
    return blueprint
