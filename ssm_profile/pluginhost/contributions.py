"""What the plugins of one stack contribute, each item attributed to its plugin (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..iam.findings import Accepted
from ..iam.statement import Statement


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Contributions:
    """Plugin statements, managed policies and tags (empty without plugins).

    ``owners`` maps each statement's Sid to the plugin that returned it, so that a later
    stage (packing, the built-in Sids) can name the plugin at fault; ``sources`` describes
    every enabled plugin for the stack's outputs; ``accepted`` holds the gate's findings
    that ``ssm-profile:acceptFindings`` accepts.
    """

    statements: tuple[Statement, ...] = ()
    owners: Mapping[str, str] = field(default_factory=_empty)
    managed_policy_arns: tuple[str, ...] = ()
    policy_owners: Mapping[str, str] = field(default_factory=_empty)  # ARN -> plugin
    tags: Mapping[str, str] = field(default_factory=_empty)
    sources: tuple[Mapping[str, Any], ...] = ()
    accepted: tuple[Accepted, ...] = ()  # gate findings the stack accepts
