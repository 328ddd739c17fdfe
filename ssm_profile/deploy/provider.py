"""The component provider: :class:`~.component.InstanceProfile` for Pulumi programs in every
language (TypeScript, Go, C#, Java, YAML, ...).

``provider/__main__.py`` (next to ``provider/PulumiPlugin.yaml``) calls :func:`main` when
Pulumi runs the folder as a plugin. Pulumi's analyzer infers the package schema from the
component's annotations and docstrings: the inputs from ``InstanceProfileArgs``, the outputs
from the component's typed attributes; ``pulumi package add`` generates each language's SDK
from it.
"""

from __future__ import annotations

from .. import __version__
from .component import InstanceProfile

PACKAGE = "ssm-profile"  # the package name: type token ssm-profile:index:InstanceProfile
COMPONENTS = [InstanceProfile]


def main() -> None:
    """Serve the components to the Pulumi engine (arguments: the engine's, from argv)."""
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(COMPONENTS, PACKAGE, version=__version__)
