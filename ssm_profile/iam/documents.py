"""The stack's own IAM documents: trust policies, the guide's S3 statements and the AWS
managed policies it attaches (pure functions of the settings, no Pulumi)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..aws.buckets import Gap, Selection, grant
from ..aws.managed import CLOUDWATCH_AGENT_POLICY, CORE_POLICIES, DIRECTORY_SERVICE_POLICY
from ..aws.partitions import Partition
from ..config.reader import k
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


def hybrid_trust_policy(
    partition: Partition, regions: Sequence[str], account_id: str
) -> dict[str, Any]:
    """Trust policy of the hybrid service role, with the confused-deputy conditions: SSM in
    exactly these Regions (one ARN as a string, several as a list, any of which matches)."""
    arns = [partition.arn("ssm", region, account_id, "*") for region in regions]
    return _trust(
        partition.service_principal("ssm"),
        {
            "StringEquals": {"aws:SourceAccount": account_id},
            "ArnLike": {"aws:SourceArn": arns[0] if len(arns) == 1 else arns},
        },
    )


def dhmc_trust_policy(partition: Partition) -> dict[str, Any]:
    """Trust policy of the Default Host Management Configuration role."""
    return _trust(partition.service_principal("ssm"))


def trust_policy(settings: Settings, account_id: str) -> dict[str, Any] | None:
    """The trust policy for the stack's mode, or ``None`` when no role is created."""
    if settings.mode == "ec2":
        return ec2_trust_policy(settings.partition)
    if settings.mode == "hybrid":
        return hybrid_trust_policy(settings.partition, settings.regions, account_id)
    if settings.mode == "default-host-management":
        return dhmc_trust_policy(settings.partition)
    return None


# --- managed policies -----------------------------------------------------------------------


def builtin_managed_policy_arns(settings: Settings) -> tuple[str, ...]:
    """AWS managed policies the guide attaches for these settings, then ``managedPolicies``.
    The core is ``AmazonSSMManagedInstanceCore``, or with ``corePolicy: default-host`` (always
    in default-host-management mode) ``AmazonSSMManagedEC2InstanceDefaultPolicy``."""
    p = settings.partition
    names = [CORE_POLICIES[settings.core_policy]]
    if settings.directory_service:
        names.append(DIRECTORY_SERVICE_POLICY)
    if settings.cloud_watch_agent:
        names.append(CLOUDWATCH_AGENT_POLICY)
    return tuple(p.managed_policy_arn(n) for n in names) + settings.managed_policies


# --- S3 statements (guide Task 1) -----------------------------------------------------------


def sid_part(text: str) -> str:
    """``us-east-2`` -> ``UsEast2``: a Sid-safe CamelCase rendering of a name."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def region_statement(partition: Partition, region: str, selection: Selection) -> Statement:
    """Guide statement 1 for one Region: ``s3:GetObject`` on the AWS-owned buckets that
    ``selection`` (``awsBuckets``) grants there."""
    names, _ = grant(selection, region)
    return Statement(
        sid=f"SSMAgentBuckets{sid_part(region)}",
        actions=("s3:GetObject",),
        resources=tuple(partition.s3_arn(b, "*") for b in names),
    )


def gap_warning(gap: Gap) -> str:
    """One line naming the Region, the feature (or preset) and the fact AWS does not give."""
    parts = []
    if gap.left_out:
        verb = "is" if len(gap.left_out) == 1 else "are"
        parts.append(
            f"AWS publishes no bucket suffix for {gap.region}, so {', '.join(gap.left_out)} "
            f"{verb} not granted and this feature cannot download from it through VPC endpoints"
        )
    if gap.unconfirmed:
        parts.append(
            f"no AWS source lists the bucket names of partition {gap.partition}; granted by "
            f"the documented pattern, unconfirmed: {', '.join(gap.unconfirmed)}"
        )
    return f"{k('awsBuckets')}: {gap.region}, {gap.group}: {'; '.join(parts)}"


def bucket_warnings(settings: Settings) -> list[str]:
    """What ``awsBuckets`` cannot grant as asked: an old preset name, and with
    ``vpcEndpoints`` each Region and feature whose bucket names AWS does not give."""
    selection = settings.aws_buckets
    warnings = []
    if selection.alias:
        warnings.append(
            f"{k('awsBuckets')}: {selection.alias} is the old name of the preset "
            f"{selection.preset}, the guide's six buckets; set {selection.preset} to keep "
            "them, or current for AWS's current list (docs/configuration.md)"
        )
    if settings.vpc_endpoints:
        for region in settings.regions:
            warnings += [gap_warning(g) for g in grant(selection, region)[1]]
    return warnings


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


def parameter_statement(settings: Settings, account_id: str) -> Statement | None:
    """``ssm:GetParameter(s)`` on ``parameterPaths`` in each Region of ``regions``: a path
    (``/app/prod/``) grants every parameter below it, a name (``/app/prod/db``) that one."""
    if not settings.parameter_paths:
        return None
    p = settings.partition
    return Statement(
        sid="SSMParameters",
        actions=("ssm:GetParameter", "ssm:GetParameters"),
        resources=tuple(
            p.arn("ssm", region, account_id, f"parameter{path}{'*' if path.endswith('/') else ''}")
            for region in settings.regions
            for path in settings.parameter_paths
        ),
    )


def s3_statements(settings: Settings) -> list[Statement]:
    """The S3 statements: one per Region (with ``vpcEndpoints``), then own buckets."""
    statements = []
    if settings.vpc_endpoints:
        for region in settings.regions:
            statement = region_statement(settings.partition, region, settings.aws_buckets)
            if statement.resources:
                statements.append(statement)
    statements += own_bucket_statements(settings.partition, settings.buckets)
    return statements


def builtin_statements(settings: Settings, account_id: str) -> list[Statement]:
    """The stack's own statements: the S3 statements, then ``parameterPaths``. Plugin
    statements follow them, sorted by Sid (docs/design.md)."""
    parameters = parameter_statement(settings, account_id)
    return s3_statements(settings) + ([parameters] if parameters else [])


# Which key makes each built-in statement (by its Sid's start) and each managed policy the
# guide attaches: a reviewer's diff names it as the statement's source.
_BUILTIN_SID_KEYS = (
    ("SSMAgentBuckets", ("regions", "awsBuckets")),
    ("OwnBuckets", ("buckets",)),
    ("SSMParameters", ("parameterPaths",)),
)
_BUILTIN_POLICY_KEYS = {
    **{name: "corePolicy" for name in CORE_POLICIES.values()},
    DIRECTORY_SERVICE_POLICY: "directoryService",
    CLOUDWATCH_AGENT_POLICY: "cloudWatchAgent",
}


def builtin_statement_source(sid: str) -> str | None:
    """The keys behind a built-in statement (``OwnBucketsReadWrite`` -> ``ssm-profile:buckets``),
    ``None`` for any other Sid. A split part (``...Part2``) has its statement's source."""
    for start, keys in _BUILTIN_SID_KEYS:
        if sid.startswith(start):
            return ", ".join(k(key) for key in keys)
    return None


def builtin_policy_source(name: str) -> str:
    """The key that attaches an AWS managed policy (by name with its path): the guide's
    policies have their own keys, any other comes from ``managedPolicies``."""
    return k(_BUILTIN_POLICY_KEYS.get(name, "managedPolicies"))


# --- the S3 gateway endpoint policy (guide case 1) -------------------------------------------


def endpoint_policy(settings: Settings) -> dict[str, Any] | None:
    """The policy of the VPC's S3 gateway endpoint, with ``vpcEndpoints``: a restrictive
    endpoint policy blocks what the role grants, so it must allow the same S3 statements,
    to any principal that uses the endpoint (``"Principal": "*"``)."""
    if not settings.vpc_endpoints:
        return None
    statements = []
    for statement in s3_statements(settings):
        data = statement.to_json()
        statements.append({"Sid": data.pop("Sid"), "Effect": data.pop("Effect"), "Principal": "*"})
        statements[-1].update(data)
    return {"Version": VERSION, "Statement": statements}
