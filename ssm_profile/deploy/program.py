"""The Pulumi program: stack config -> InstanceProfileArgs -> the component.

``pulumi up`` runs it through the project's ``__main__.py``; ``python -m ssm_profile plan``
runs the very same :func:`main` under recording mocks. The component validates the
arguments (as a stack's config), runs the plugins and builds the blueprint; this program is
one caller of it, like any program that embeds it.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config

from ..config.args import InstanceProfileArgs, args_from_config
from ..errors import SsmProfileError
from .component import InstanceProfile, InstanceProfileError

COMPONENT_NAME = "ssm-profile"


def read_config() -> dict[str, str]:
    """Every config value the Pulumi engine gave this program, ``namespace:key`` -> string.

    ``pulumi.Config`` reads one key at a time; unknown-key detection needs them all, which the
    runtime keeps in the ``PULUMI_CONFIG`` environment variable or its config map.
    """
    values = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    return values


def stack_args() -> InstanceProfileArgs:
    """The component's arguments from the running stack's config."""
    return args_from_config(read_config(), pulumi.get_stack())


def main() -> dict[str, Any]:
    """Build the stack and export its outputs; raises :class:`SsmProfileError` on bad input
    before any resource is registered (the component's own error, unwrapped)."""
    try:
        component = InstanceProfile(COMPONENT_NAME, stack_args())
    except InstanceProfileError as error:
        raise error.reason from None
    for key, value in component.outputs.items():
        pulumi.export(key, value)
    return component.outputs


def run() -> None:
    """Entry point of ``__main__.py``: a bad input ends the run with its one-line cause."""
    try:
        main()
    except SsmProfileError as error:
        raise pulumi.RunError(str(error)) from None
