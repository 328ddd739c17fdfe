"""ssm-profile: the IAM instance profile for AWS Systems Manager, as a Pulumi program.

Plugin authors need one import: ``from ssm_profile import hookimpl``. Programs that embed
the component: ``from ssm_profile import InstanceProfile, InstanceProfileArgs``.

The names below are imported on first use (PEP 562), so that commands which run no
program, such as ``python -m ssm_profile diff``, do not load pluggy or the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "AcceptedFindingArgs",
    "ActivationArgs",
    "BucketArgs",
    "InstanceProfile",
    "InstanceProfileArgs",
    "InstanceProfileError",
    "PluginContext",
    "__version__",
    "hookimpl",
]

if TYPE_CHECKING:
    from .config.args import AcceptedFindingArgs, ActivationArgs, BucketArgs, InstanceProfileArgs
    from .deploy.component import InstanceProfile, InstanceProfileError
    from .pluginhost.context import PluginContext
    from .pluginhost.hookspecs import hookimpl

# Public name -> the module that owns it (only the component's module imports Pulumi).
_LAZY = {
    "AcceptedFindingArgs": "ssm_profile.config.args",
    "ActivationArgs": "ssm_profile.config.args",
    "BucketArgs": "ssm_profile.config.args",
    "InstanceProfile": "ssm_profile.deploy.component",
    "InstanceProfileArgs": "ssm_profile.config.args",
    "InstanceProfileError": "ssm_profile.deploy.component",
    "PluginContext": "ssm_profile.pluginhost.context",
    "hookimpl": "ssm_profile.pluginhost.hookspecs",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'ssm_profile' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
