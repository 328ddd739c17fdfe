"""What a plugin hook receives: the stack's facts, read-only (pure, no Pulumi)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ..config.settings import Settings


@dataclass(frozen=True)
class PluginContext:
    """The stack's facts, handed to every hook. Frozen: plugins cannot change settings.

    ``config`` is this plugin's entry of ``ssm-profile:pluginConfig`` (``{}`` when absent).
    """

    project: str
    stack: str
    mode: str
    partition: str
    dns_suffix: str
    account_id: str
    region: str
    regions: tuple[str, ...]
    role_name: str
    settings: Settings
    config: Mapping[str, Any]

    def arn(
        self, service: str, resource: str, *, region: str | None = None, account: str | None = None
    ) -> str:
        """An ARN in the stack's partition; Region and account default to the stack's.

        ``context.arn("logs", "log-group:/ssm/sessions:*")`` ->
        ``arn:aws:logs:us-east-2:123456789012:log-group:/ssm/sessions:*``. Pass ``region=""``
        and ``account=""`` for global resources such as S3 (``context.s3_arn`` does this).
        """
        return self.settings.partition.arn(
            service,
            self.region if region is None else region,
            self.account_id if account is None else account,
            resource,
        )

    def s3_arn(self, bucket: str, key: str | None = None) -> str:
        """``arn:PARTITION:s3:::BUCKET`` or, with ``key``, ``arn:PARTITION:s3:::BUCKET/KEY``."""
        return self.settings.partition.s3_arn(bucket, key)


def make_context(settings: Settings, account_id: str, plugin: str) -> PluginContext:
    """The context one plugin sees for one stack."""
    return PluginContext(
        project=settings.project,
        stack=settings.stack,
        mode=settings.mode,
        partition=settings.partition.name,
        dns_suffix=settings.partition.dns_suffix,
        account_id=account_id,
        region=settings.region,
        regions=settings.regions,
        role_name=settings.role_name,
        settings=settings,
        config=settings.plugin_config.get(plugin, MappingProxyType({})),
    )
