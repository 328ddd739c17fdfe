"""The Pulumi program: stack config -> settings -> plugins -> blueprint -> component.

``pulumi up`` runs it through the project's ``__main__.py``; ``python -m ssm_profile plan``
runs the very same :func:`main` under recording mocks. There is no other path.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import config as runtime_config

from ..config import Settings, load_settings
from ..errors import SsmProfileError
from ..pipeline import resolve
from .component import SsmInstanceProfile

COMPONENT_NAME = "ssm-profile"


def read_config() -> dict[str, str]:
    """Every config value the Pulumi engine gave this program, ``namespace:key`` -> string.

    ``pulumi.Config`` reads one key at a time; unknown-key detection needs them all, which the
    runtime keeps in the ``PULUMI_CONFIG`` environment variable or its config map.
    """
    values = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    return values


def load() -> Settings:
    """Validated settings of the running stack."""
    return load_settings(read_config(), pulumi.get_project(), pulumi.get_stack())


def main() -> dict[str, Any]:
    """Build the stack and export its outputs; raises :class:`SsmProfileError` on bad input
    before any resource is registered."""
    settings = load()
    account_id = aws.get_caller_identity().account_id
    blueprint = resolve(settings, account_id)
    for warning in blueprint.warnings:
        pulumi.log.warn(warning)  # `pulumi up` prints it; the offline plan records it
    component = SsmInstanceProfile(COMPONENT_NAME, blueprint)
    for key, value in component.outputs.items():
        pulumi.export(key, value)
    return component.outputs


def run() -> None:
    """Entry point of ``__main__.py``: a bad input ends the run with its one-line cause."""
    try:
        main()
    except SsmProfileError as error:
        raise pulumi.RunError(str(error)) from None
