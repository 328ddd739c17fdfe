"""The stack's own IAM documents: trust policies, the guide's S3 statements and the AWS
managed policies it attaches (pure functions of the settings, no Pulumi)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..aws.buckets import aws_owned_buckets
from ..aws.managed import (
    CLOUDWATCH_AGENT_POLICY,
    CORE_POLICY,
    DHMC_POLICY,
    DIRECTORY_SERVICE_POLICY,
)
from ..aws.partitions import Partition
from ..config.settings import Bucket, Settings
from .statement import VERSION, Statement, canonical

# --- trust policies -------------------------------------------------------------------------


def _trust(principal: str, condition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = canonical(condition)
    return {"Version": VERSION, "Statement": [statement]}


def ec2_trust_policy(partition: Partition) -> dict[str, Any]:
    """Trust policy of the instance role: the EC2 service principal of the partition."""
    return _trust(partition.service_principal("ec2"))


def hybrid_trust_policy(partition: Partition, region: str, account_id: str) -> dict[str, Any]:
    """Trust policy of the hybrid service role, with the confused-deputy conditions."""
    return _trust(
        "ssm.amazonaws.com",
        {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": partition.arn("ssm", region, account_id, "*")},
        },
    )


def dhmc_trust_policy() -> dict[str, Any]:
    """Trust policy of the Default Host Management Configuration role."""
    return _trust("ssm.amazonaws.com")


def trust_policy(settings: Settings, account_id: str) -> dict[str, Any] | None:
    """The trust policy for the stack's mode, or ``None`` when no role is created."""
    if settings.mode == "ec2":
        return ec2_trust_policy(settings.partition)
    if settings.mode == "hybrid":
        return hybrid_trust_policy(settings.partition, settings.region, account_id)
    if settings.mode == "default-host-management":
        return dhmc_trust_policy()
    return None


# --- managed policies -----------------------------------------------------------------------


def builtin_managed_policy_arns(settings: Settings) -> tuple[str, ...]:
    """AWS managed policies the guide attaches for these settings, then ``managedPolicies``."""
    p = settings.partition
    names = [DHMC_POLICY if settings.mode == "default-host-management" else CORE_POLICY]
    if settings.directory_service:
        names.append(DIRECTORY_SERVICE_POLICY)
    if settings.cloud_watch_agent:
        names.append(CLOUDWATCH_AGENT_POLICY)
    return tuple(p.managed_policy_arn(n) for n in names) + settings.managed_policies


# --- S3 statements (guide Task 1) -----------------------------------------------------------


def sid_part(text: str) -> str:
    """``us-east-2`` -> ``UsEast2``: a Sid-safe CamelCase rendering of a name."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def region_statement(partition: Partition, region: str, extended: bool = False) -> Statement:
    """Guide statement 1 for one Region: ``s3:GetObject`` on its AWS-owned buckets."""
    return Statement(
        sid=f"SSMAgentBuckets{sid_part(region)}",
        actions=("s3:GetObject",),
        resources=tuple(partition.s3_arn(b, "*") for b in aws_owned_buckets(region, extended)),
    )


def _bucket_objects(partition: Partition, bucket: Bucket) -> str:
    return partition.s3_arn(bucket.name, f"{bucket.prefix}*" if bucket.prefix else "*")


def own_bucket_statements(partition: Partition, buckets: Sequence[Bucket]) -> list[Statement]:
    """Guide statement 2 for your own buckets, split by what each bucket needs."""
    statements = []
    if buckets:
        statements.append(
            Statement(
                sid="OwnBucketsReadWrite",
                actions=("s3:GetObject", "s3:PutObject"),
                resources=tuple(_bucket_objects(partition, b) for b in buckets),
            )
        )
    cross = [b for b in buckets if b.cross_account]
    if cross:
        statements.append(
            Statement(
                sid="OwnBucketsCrossAccountAcl",
                actions=("s3:PutObjectAcl",),
                resources=tuple(_bucket_objects(partition, b) for b in cross),
            )
        )
    encrypted = [b for b in buckets if b.encrypted]
    if encrypted:
        statements.append(
            Statement(
                sid="OwnBucketsEncryption",
                actions=("s3:GetEncryptionConfiguration",),
                resources=tuple(partition.s3_arn(b.name) for b in encrypted),
            )
        )
    return statements


def builtin_statements(settings: Settings) -> list[Statement]:
    """The stack's own statements: one per Region (with ``vpcEndpoints``), then own buckets.
    Plugin statements follow them, sorted by Sid (docs/design.md)."""
    statements = []
    if settings.vpc_endpoints:
        extended = settings.aws_buckets == "extended"
        statements += [region_statement(settings.partition, r, extended) for r in settings.regions]
    statements += own_bucket_statements(settings.partition, settings.buckets)
    return statements
