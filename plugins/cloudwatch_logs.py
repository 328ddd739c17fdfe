"""Narrow CloudWatch Logs access to named log groups (instead of CloudWatchAgentServerPolicy).

The guide allows a narrower custom policy, limited to specific log streams, in place of the
AWS managed ``CloudWatchAgentServerPolicy``. Stack config::

    ssm-profile:plugins: [plugins.cloudwatch_logs]
    ssm-profile:pluginConfig:
      plugins.cloudwatch_logs:
        logGroups: [/ssm/prod/messages, /ssm/prod/secure]
        createLogGroups: false     # optional: also allow logs:CreateLogGroup on them

Grants ``logs:CreateLogStream``, ``logs:PutLogEvents`` and ``logs:DescribeLogStreams`` on the
log groups in every Region of ``ssm-profile:regions``, in the stack's partition and account,
and vetoes a stack that also attaches ``CloudWatchAgentServerPolicy``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from plugins._config import check_known, flag, log_group
from ssm_profile import PluginContext, hookimpl

__version__ = "1.0.0"

_KEYS = ("logGroups", "createLogGroups")


def log_groups(config: Mapping[str, Any]) -> list[str]:
    """The configured log group names, validated."""
    check_known(config, _KEYS)
    groups = config.get("logGroups")
    if not isinstance(groups, Sequence) or isinstance(groups, str) or not groups:
        raise ValueError("logGroups must be a non-empty list of log group names")
    return [log_group("logGroups", group) for group in groups]


def log_group_arns(context: PluginContext, groups: Sequence[str]) -> list[str]:
    """``arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME:*`` for each group and Region."""
    return [
        context.arn("logs", f"log-group:{group}:*", region=region)
        for region in context.regions
        for group in groups
    ]


@hookimpl
def ssm_profile_statements(context: PluginContext) -> list[dict[str, Any]]:
    groups = log_groups(context.config)
    actions = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    if flag(context.config, "createLogGroups"):
        actions.append("logs:CreateLogGroup")
    return [
        {
            "Sid": "CloudWatchLogsWriteNamedGroups",
            "Effect": "Allow",
            "Action": actions,
            "Resource": log_group_arns(context, groups),
        }
    ]


@hookimpl
def ssm_profile_check(managed_policy_arns: Sequence[str]) -> list[str]:
    return [
        f"{arn} grants CloudWatch Logs on every log group; this plugin replaces it with named "
        "log groups: set ssm-profile:cloudWatchAgent to false"
        for arn in managed_policy_arns
        if arn.endswith(":policy/CloudWatchAgentServerPolicy")
    ]
