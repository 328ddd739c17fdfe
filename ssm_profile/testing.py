"""Test helpers for plugin authors: run a plugin through the real validation and merge.

    from ssm_profile.testing import run_plugin

    def test_my_plugin():
        result = run_plugin("my_org.ssm_plugin", region="eu-west-1", config={"team": "db"})
        assert result.errors == []
        assert result.statement("MyOrgDatabaseLogs")["Action"] == ("logs:PutLogEvents",)

No Pulumi runtime is involved: the same code that ``pulumi up`` and the offline plan run
validates, merges, packs and checks the plugin's contributions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .aws.naming import DEFAULT_ACCOUNT_ID
from .blueprint import Blueprint
from .config import load_settings
from .errors import SsmProfileError
from .pipeline import resolve

__all__ = ["PluginRun", "run_plugin"]


@dataclass(frozen=True)
class PluginRun:
    """What a stack with the plugin would deploy, or why it would not."""

    blueprint: Blueprint | None
    errors: list[str] = field(default_factory=list)

    @property
    def statements(self) -> list[Mapping[str, Any]]:
        """Every custom policy statement (built-in and plugin), Action/Resource as tuples."""
        if self.blueprint is None:
            return []
        return [s.deployed_form() for s in self.blueprint.statements]

    def statement(self, sid: str) -> Mapping[str, Any]:
        """The statement with this Sid (``KeyError`` if there is none)."""
        for statement in self.statements:
            if statement["Sid"] == sid:
                return statement
        raise KeyError(sid)

    @property
    def managed_policy_arns(self) -> tuple[str, ...]:
        return self.blueprint.managed_policy_arns if self.blueprint else ()

    @property
    def tags(self) -> Mapping[str, str]:
        return self.blueprint.tags if self.blueprint else {}

    @property
    def policies(self) -> list[dict[str, Any]]:
        """The custom policy documents exactly as deployed (parsed JSON)."""
        if self.blueprint is None:
            return []
        return [json.loads(p.document) for p in self.blueprint.custom_policies]


def run_plugin(
    plugin: str | Any,
    *,
    region: str = "us-east-1",
    config: Mapping[str, Any] | None = None,
    stack_config: Mapping[str, Any] | None = None,
    account_id: str = DEFAULT_ACCOUNT_ID,
    stack: str = "test",
    others: Sequence[str] = (),
) -> PluginRun:
    """Run ``plugin`` (a module path, entry point name, or module object) for one stack.

    :param region: the stack's ``aws:region`` (its partition follows).
    :param config: the plugin's ``pluginConfig`` entry.
    :param stack_config: other ``ssm-profile:`` keys, e.g. ``{"mode": "hybrid"}``.
    :param others: more plugins to enable beside it (to test clashes).
    :returns: the resolved blueprint, or the errors the run stops with.
    """
    name = plugin if isinstance(plugin, str) else plugin.__name__
    preloaded = None if isinstance(plugin, str) else {name: plugin}
    raw: dict[str, str] = {"aws:region": region}
    for key, value in (stack_config or {}).items():
        raw[f"ssm-profile:{key}"] = value if isinstance(value, str) else json.dumps(value)
    raw["ssm-profile:plugins"] = json.dumps([name, *others])
    if config is not None:
        raw["ssm-profile:pluginConfig"] = json.dumps({name: dict(config)})
    try:
        settings = load_settings(raw, "ssm-profile", stack)
        return PluginRun(resolve(settings, account_id, preloaded))
    except SsmProfileError as error:
        return PluginRun(None, [str(error)])
