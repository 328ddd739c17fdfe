"""ssm-profile: the IAM instance profile for AWS Systems Manager, as a Pulumi program.

Plugin authors need one import: ``from ssm_profile import hookimpl``.
"""

from .pluginhost.context import PluginContext
from .pluginhost.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["PluginContext", "__version__", "hookimpl"]
