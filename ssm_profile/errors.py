"""Errors that stop a run before anything is registered.

Every error carries a one-line cause that names the config key, plugin or statement at fault.
The command line prints it as ``error: <cause>`` and exits 2; under ``pulumi up`` it becomes a
``pulumi.RunError`` (no traceback, nothing registered).
"""

from __future__ import annotations


class SsmProfileError(Exception):
    """Base class: ``str(error)`` is the one-line cause shown to the user."""


class ConfigError(SsmProfileError):
    """A stack configuration value is missing, malformed or not allowed."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"{key}: {message}")


class PolicyError(SsmProfileError):
    """The policies a stack would deploy break an IAM limit or rule."""


class PluginError(SsmProfileError):
    """A plugin failed to load, raised, returned malformed data or vetoed the deployment."""

    def __init__(self, plugin: str, hook: str | None, message: str, sid: str | None = None) -> None:
        self.plugin = plugin
        self.hook = hook
        self.sid = sid
        where = f'plugin "{plugin}"'
        if hook:
            where += f" ({hook})"
        if sid:
            where += f" statement {sid}"
        super().__init__(f"{where}: {message}")
