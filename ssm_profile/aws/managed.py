"""AWS managed policies: the ones the guide attaches, and the ones too broad to attach."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ConfigError
from .names import check_managed_policy_name, check_policy_arn
from .partitions import Partition

CORE_POLICY = "AmazonSSMManagedInstanceCore"
DHMC_POLICY = "AmazonSSMManagedEC2InstanceDefaultPolicy"
DIRECTORY_SERVICE_POLICY = "AmazonSSMDirectoryServiceAccess"
CLOUDWATCH_AGENT_POLICY = "CloudWatchAgentServerPolicy"
# ssm-profile:corePolicy -> the AWS managed policy attached as the core. default-host: the same
# actions as AmazonSSMManagedInstanceCore without ssm:GetParameter(s) on "*" (docs/aws-facts.md).
CORE_POLICIES = {"instance-core": CORE_POLICY, "default-host": DHMC_POLICY}

_AWS_MANAGED_POLICY = re.compile(r"arn:[a-z-]+:iam::aws:policy/(?:.*/)?([^/]+)")


def managed_policy_problem(arn: str) -> str | None:
    """Why an AWS managed policy is too broad for an instance profile, or ``None``.

    A small, explicit rule on the policy name: ``AdministratorAccess`` (and its
    ``AdministratorAccess-*`` variants), ``PowerUserAccess``, and any policy whose name
    contains ``FullAccess`` (``IAMFullAccess``, ``AmazonS3FullAccess``,
    ``AmazonSSMFullAccess``, ...). Customer managed policies (an account id instead of
    ``aws``) are the account's own and are not judged.
    """
    match = _AWS_MANAGED_POLICY.fullmatch(arn)
    if not match:
        return None
    name = match.group(1)
    if name == "AdministratorAccess" or name.startswith("AdministratorAccess-"):
        grants = "administrator access"
    elif name == "PowerUserAccess":
        grants = "every action outside IAM and Organizations"
    elif "FullAccess" in name:
        grants = "full access to a whole service"
    else:
        return None
    return (
        f"{arn} grants {grants}; an instance profile must stay least-privilege: attach a "
        "narrower AWS managed policy or grant the actions the instances need in statements"
    )


# The policies of service-linked roles: IAM attaches them to that service's own role only.
_SERVICE_LINKED = ":iam::aws:policy/aws-service-role/"


def permissions_boundary_arn(key: str, value: Any, partition: Partition) -> str:
    """A permissions boundary's ARN, in the stack's partition; never a service-linked role's
    policy (PutRolePermissionsBoundary: PolicyNotAttachable). Its content is not judged: a
    boundary only limits. That an AWS managed one exists is the blueprint's check, which
    has the data of AWS's policies."""
    arn = check_policy_arn(key, value, partition)
    if _SERVICE_LINKED in arn:
        raise ConfigError(
            key,
            f"{arn} is the policy of a service-linked role: IAM does not take it as a "
            "boundary (PolicyNotAttachable); choose another policy",
        )
    return arn


def policy_ref_arn(key: str, value: Any, partition: Partition) -> str:
    """A managed policy to attach, by name or ARN -> its ARN in the stack's partition.

    Over-broad AWS managed policies (:func:`managed_policy_problem`) are refused.
    """
    if not isinstance(value, str):
        raise ConfigError(key, f"expected a policy name or ARN, got {json.dumps(value)}")
    if value.startswith("arn:"):
        arn = check_policy_arn(key, value, partition)
    else:
        arn = partition.managed_policy_arn(check_managed_policy_name(key, value))
    if _SERVICE_LINKED in arn:
        raise ConfigError(
            key,
            f"{arn} is the policy of a service-linked role: IAM attaches it to that service's "
            "own role only (PolicyNotAttachableException); choose another policy",
        )
    problem = managed_policy_problem(arn)
    if problem:
        raise ConfigError(key, problem)
    return arn
