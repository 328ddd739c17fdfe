"""The validated settings of one stack: read-only value objects (pure, no Pulumi).

:func:`ssm_profile.config.load_settings` builds them from the stack's config; plugins see
them as ``context.settings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..aws.buckets import Selection
from ..aws.partitions import Partition

MODES = ("ec2", "existing-role", "hybrid", "default-host-management")


@dataclass(frozen=True)
class Bucket:
    """One of your own buckets (guide case 2)."""

    name: str
    prefix: str | None = None
    cross_account: bool = False
    encrypted: bool = False


@dataclass(frozen=True)
class Activation:
    """An SSM hybrid activation (``hybrid`` mode only)."""

    registration_limit: int
    expiration_date: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class AcceptedFinding:
    """One finding of the least-privilege gate that the stack accepts, with its reason."""

    sid: str
    finding: str
    reason: str
    subject: str | None = None  # the action, resource or method, when the Sid has several


@dataclass(frozen=True)
class Settings:
    """Validated settings of one stack. Read-only; handed to plugins as ``context.settings``.

    Read-only all the way down (mappings are read-only proxies, lists are tuples): this
    guards against mistakes; plugins are trusted code and could get around it.
    """

    project: str
    stack: str
    region: str
    partition: Partition
    mode: str
    existing_role_name: str | None
    role_name: str
    instance_profile_name: str
    description: str
    custom_policy_name: str  # the first custom policy's; packed parts add -2, -3
    custom_policy_description: str  # the first custom policy's; "" is none
    path: str
    permissions_boundary: str | None
    tags: Mapping[str, str]
    regions: tuple[str, ...]
    vpc_endpoints: bool
    aws_buckets: Selection
    buckets: tuple[Bucket, ...]
    core_policy: str
    parameter_paths: tuple[str, ...]
    directory_service: bool
    cloud_watch_agent: bool
    managed_policies: tuple[str, ...]
    create_instance_profile: bool
    max_managed_policies: int
    protect: bool
    plugins: tuple[str, ...]
    plugin_config: Mapping[str, Mapping[str, Any]]
    activation: Activation | None
    accept_findings: tuple[AcceptedFinding, ...]
