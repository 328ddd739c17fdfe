"""AWS partitions and their Regions (pure data, no Pulumi).

The names, DNS suffixes and Regions come from ``partitions.json`` beside this file, generated
from botocore's ``partitions.json`` by :mod:`ssm_profile.aws.refresh_partitions`;
``tests/test_partitions.py`` fails when the installed botocore knows more. The service
principals are a fact of their own per partition (sources in docs/aws-facts.md): they are
*not* ``SERVICE.<dnsSuffix>``, which would give ``ec2.amazonaws.eu`` in aws-eusc, a principal
IAM refuses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

# The service principals of the services this project trusts, per partition.
# ec2: ec2.amazonaws.com.cn in China, ec2.amazonaws.com everywhere else (also in aws-eusc and
# the ISO partitions). ssm: ssm.amazonaws.com everywhere; in China the China docs name
# ssm.amazonaws.com.cn while CDK and Terraform use ssm.amazonaws.com, which is unresolved.
_COMMERCIAL = {"ec2": "ec2.amazonaws.com", "ssm": "ssm.amazonaws.com"}
SERVICE_PRINCIPALS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "aws": _COMMERCIAL,
        "aws-cn": {"ec2": "ec2.amazonaws.com.cn", "ssm": "ssm.amazonaws.com"},
        "aws-us-gov": _COMMERCIAL,
        "aws-eusc": _COMMERCIAL,
        "aws-iso": _COMMERCIAL,
        "aws-iso-b": _COMMERCIAL,
        "aws-iso-e": _COMMERCIAL,
        "aws-iso-f": _COMMERCIAL,
    }
)


@dataclass(frozen=True)
class Partition:
    """One AWS partition: the ARN prefix, its DNS suffix, its Regions and the service
    principals trusted there."""

    name: str
    dns_suffix: str
    regions: tuple[str, ...]
    principals: Mapping[str, str] = field(hash=False)

    def arn(self, service: str, region: str, account: str, resource: str) -> str:
        """Build ``arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE``."""
        return f"arn:{self.name}:{service}:{region}:{account}:{resource}"

    def managed_policy_arn(self, name: str) -> str:
        """ARN of an AWS managed policy in this partition (``arn:aws-cn:iam::aws:policy/NAME``)."""
        return self.arn("iam", "", "aws", f"policy/{name}")

    def s3_arn(self, bucket: str, key: str | None = None) -> str:
        """``arn:PARTITION:s3:::BUCKET``, or with ``key`` ``arn:PARTITION:s3:::BUCKET/KEY``."""
        return self.arn("s3", "", "", bucket if key is None else f"{bucket}/{key}")

    def service_principal(self, service: str) -> str:
        """The principal of ``ec2`` or ``ssm`` in this partition (``ec2.amazonaws.com``;
        ``ec2.amazonaws.com.cn`` in China)."""
        return self.principals[service]


def _load() -> dict[str, Partition]:
    data = json.loads(resources.files(__package__).joinpath("partitions.json").read_text())
    partitions = {}
    for entry in data["partitions"]:
        name = entry["name"]
        if name not in SERVICE_PRINCIPALS:
            raise RuntimeError(f"partitions.json names {name}, which has no service principals")
        partitions[name] = Partition(
            name,
            entry["dnsSuffix"],
            tuple(entry["regions"]),
            MappingProxyType(dict(SERVICE_PRINCIPALS[name])),
        )
    return partitions


PARTITIONS: Mapping[str, Partition] = MappingProxyType(_load())

ALL_REGIONS: Mapping[str, Partition] = MappingProxyType(
    {r: p for p in PARTITIONS.values() for r in p.regions}
)


def partition_of(region: str) -> Partition | None:
    """The partition a Region belongs to, or ``None`` for an unknown Region."""
    return ALL_REGIONS.get(region)
