"""IAM policy documents: pure functions from settings to JSON (no Pulumi).

A :class:`Statement` is a normalised value object (sorted, de-duplicated actions and
resources); :func:`render` is the one place JSON is produced, with a fixed key order, so the
same stack always renders the same bytes. :func:`pack` splits statements into as few managed
policies as IAM's 6,144-character limit allows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import StatementSizeError
from .partitions import Partition
from .settings import Bucket, Settings, freeze

VERSION = "2012-10-17"
POLICY_SIZE_LIMIT = 6144
TRUST_POLICY_SIZE_LIMIT = 2048

CORE_POLICY = "AmazonSSMManagedInstanceCore"
DHMC_POLICY = "AmazonSSMManagedEC2InstanceDefaultPolicy"
DIRECTORY_SERVICE_POLICY = "AmazonSSMDirectoryServiceAccess"
CLOUDWATCH_AGENT_POLICY = "CloudWatchAgentServerPolicy"

# Region exceptions from GUIDE.md ("Facts from current AWS documentation").
_DISTRIBUTOR_INSTEAD_OF_BIRDWATCHER = frozenset({"af-south-1", "eu-south-1"})
_PATCH_SNAPSHOT_SUFFIX = {
    "af-south-1": "tbxdb5b9",
    "me-south-1": "uduvl7q8",
    "ap-south-2": "50209442",
    "ap-southeast-3": "be0a3174",
    "ap-southeast-4": "dc6f76ce",
    "eu-south-2": "df2c9d70",
}


def _canonical(value: Any) -> Any:
    """Plain JSON data with every mapping's keys sorted (for conditions)."""
    if isinstance(value, Mapping):
        return {key: _canonical(value[key]) for key in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return value


def _one_or_many(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


@dataclass(frozen=True)
class Statement:
    """One IAM policy statement, normalised: actions and resources sorted and unique."""

    sid: str
    actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    effect: str = "Allow"
    not_actions: tuple[str, ...] = ()
    not_resources: tuple[str, ...] = ()
    condition: Mapping[str, Any] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in ("actions", "resources", "not_actions", "not_resources"):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))
        if self.condition is not None:
            object.__setattr__(self, "condition", freeze(_canonical(self.condition)))

    def to_json(self) -> dict[str, Any]:
        """The statement as IAM JSON, keys in a fixed order; single values as plain strings."""
        data: dict[str, Any] = {"Sid": self.sid, "Effect": self.effect}
        if self.actions:
            data["Action"] = _one_or_many(self.actions)
        if self.not_actions:
            data["NotAction"] = _one_or_many(self.not_actions)
        if self.resources:
            data["Resource"] = _one_or_many(self.resources)
        if self.not_resources:
            data["NotResource"] = _one_or_many(self.not_resources)
        if self.condition is not None:
            data["Condition"] = _canonical(self.condition)
        return data

    @property
    def size(self) -> int:
        """Characters IAM counts for this statement (whitespace excluded)."""
        return json_size(self.to_json())


def json_size(data: Any) -> int:
    """Characters IAM counts for a JSON value: its compact form without whitespace."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return sum(1 for c in text if not c.isspace())


def document(statements: Iterable[Statement]) -> dict[str, Any]:
    """A policy document with the given statements, in the given order."""
    return {"Version": VERSION, "Statement": [s.to_json() for s in statements]}


def render(doc: Mapping[str, Any]) -> str:
    """The one JSON serialisation used for every document: 2-space indent, stable order.

    ``NaN`` and infinities raise ``ValueError``: they are not JSON and IAM would reject them.
    """
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False)


def document_size(statements: Sequence[Statement]) -> int:
    """Characters IAM counts for a policy holding ``statements``."""
    return json_size(document(statements))


# --- trust policies -------------------------------------------------------------------------


def _trust(principal: str, condition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": principal},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = _canonical(condition)
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


def aws_owned_buckets(region: str, extended: bool = False) -> tuple[str, ...]:
    """The AWS-owned buckets SSM Agent reads in ``region``, with the guide's exceptions."""
    birdwatcher = (
        f"aws-ssm-distributor-file-{region}"
        if region in _DISTRIBUTOR_INSTEAD_OF_BIRDWATCHER
        else f"{region}-birdwatcher-prod"
    )
    snapshot = f"patch-baseline-snapshot-{region}"
    if region in _PATCH_SNAPSHOT_SUFFIX:
        snapshot += f"-{_PATCH_SNAPSHOT_SUFFIX[region]}"
    names = [
        f"aws-ssm-{region}",
        f"aws-windows-downloads-{region}",
        f"amazon-ssm-{region}",
        f"amazon-ssm-packages-{region}",
        birdwatcher,
        snapshot,
    ]
    if extended:
        names += [f"aws-ssm-document-attachments-{region}", f"aws-patchmanager-macos-{region}"]
    return tuple(names)


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
    """Statements 1 and 2 of SPEC section 4 (plugin statements are appended by the caller)."""
    statements = []
    if settings.vpc_endpoints:
        extended = settings.aws_buckets == "extended"
        statements += [region_statement(settings.partition, r, extended) for r in settings.regions]
    statements += own_bucket_statements(settings.partition, settings.buckets)
    return statements


# --- packing into managed policies ----------------------------------------------------------


_EMPTY_DOCUMENT_SIZE = document_size([])


def split_oversized(statement: Statement, limit: int = POLICY_SIZE_LIMIT) -> list[Statement]:
    """``[statement]`` if it fits a policy of ``limit`` characters alone, else its parts split
    by resources (``Sid``, ``SidPart2``, ...), each of which fits.

    Raises :class:`~ssm_profile.errors.StatementSizeError` when no split by resources fits:
    the statement has fewer than two resources, or one resource alone with its actions and
    condition is already too large.
    """
    budget = limit - _EMPTY_DOCUMENT_SIZE
    if statement.size <= budget:
        return [statement]
    too_large = (
        f"is {statement.size} characters; it cannot fit in one managed policy ({limit} characters)"
    )
    if len(statement.resources) < 2:
        has = "no Resource list" if not statement.resources else "a single resource"
        raise StatementSizeError(
            statement.sid,
            f"{too_large} and cannot be split, as it has {has}: shorten it or return "
            "several smaller statements",
        )
    parts: list[list[str]] = [[]]
    for resource in statement.resources:
        candidate = replace(statement, resources=tuple(parts[-1] + [resource]))
        if parts[-1] and candidate.size > budget:
            parts.append([resource])
        else:
            parts[-1].append(resource)
    split = [
        replace(
            statement,
            sid=statement.sid if i == 0 else f"{statement.sid}Part{i + 1}",
            resources=tuple(part),
        )
        for i, part in enumerate(parts)
    ]
    for part in split:
        if part.size > budget:
            raise StatementSizeError(
                statement.sid,
                f"{too_large}, and split by resource its part with {part.resources[0]} alone "
                f"is still {part.size} characters: shorten its actions or Condition",
            )
    return split


def pack(statements: Sequence[Statement], limit: int = POLICY_SIZE_LIMIT) -> list[list[Statement]]:
    """Pack statements into as few policy documents of at most ``limit`` characters as
    first-fit-decreasing finds; each document keeps the statements' original order.

    Deterministic: ties are broken by original position. A statement that alone exceeds a
    policy is split by resources (``Sid``, ``SidPart2``, ...).
    """
    budget = limit - _EMPTY_DOCUMENT_SIZE
    pieces = [piece for s in statements for piece in split_oversized(s, limit)]
    if document_size(pieces) <= limit:
        return [pieces] if pieces else []
    order = sorted(range(len(pieces)), key=lambda i: (-pieces[i].size, i))
    bins: list[list[int]] = []
    used: list[int] = []
    for i in order:
        cost = pieces[i].size + 1  # the comma between statements
        for b, total in enumerate(used):
            if total + cost <= budget + 1:
                bins[b].append(i)
                used[b] += cost
                break
        else:
            bins.append([i])
            used.append(cost)
    groups = sorted((sorted(b) for b in bins), key=lambda group: group[0])
    return [[pieces[i] for i in group] for group in groups]
