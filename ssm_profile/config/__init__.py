"""Stage 1: a stack file (or the config ``pulumi up`` hands the program) -> validated settings.

``stackfile`` reads ``Pulumi.yaml`` and ``Pulumi.STACK.yaml`` as the Pulumi CLI does;
``keys`` declares every ``ssm-profile:`` key once; ``load`` checks them into the read-only
:class:`Settings` of ``settings``.
"""

from .keys import KEYS, KNOWN_KEYS, Key
from .load import load_settings
from .reader import NAMESPACE, k
from .settings import MODES, AcceptedFinding, Activation, Bucket, Settings

__all__ = [
    "KEYS",
    "KNOWN_KEYS",
    "MODES",
    "NAMESPACE",
    "AcceptedFinding",
    "Activation",
    "Bucket",
    "Key",
    "Settings",
    "k",
    "load_settings",
]
