"""AWS partitions and their Regions (pure data, no Pulumi).

The Region lists match botocore's ``endpoints.json``; ``tests/test_partitions.py`` checks that
they still do, so a new Region is one line here and a failing test tells you when.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Partition:
    """One AWS partition: the ARN prefix, the DNS suffix of service principals, its Regions."""

    name: str
    dns_suffix: str
    regions: tuple[str, ...]

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
        """``ec2.amazonaws.com``, or ``ec2.amazonaws.com.cn`` in China."""
        return f"{service}.{self.dns_suffix}"


PARTITIONS: dict[str, Partition] = {
    p.name: p
    for p in (
        Partition(
            "aws",
            "amazonaws.com",
            (
                "af-south-1",
                "ap-east-1",
                "ap-east-2",
                "ap-northeast-1",
                "ap-northeast-2",
                "ap-northeast-3",
                "ap-south-1",
                "ap-south-2",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-southeast-3",
                "ap-southeast-4",
                "ap-southeast-5",
                "ap-southeast-6",
                "ap-southeast-7",
                "ca-central-1",
                "ca-west-1",
                "eu-central-1",
                "eu-central-2",
                "eu-north-1",
                "eu-south-1",
                "eu-south-2",
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "il-central-1",
                "me-central-1",
                "me-south-1",
                "mx-central-1",
                "sa-east-1",
                "us-east-1",
                "us-east-2",
                "us-west-1",
                "us-west-2",
            ),
        ),
        Partition("aws-cn", "amazonaws.com.cn", ("cn-north-1", "cn-northwest-1")),
        Partition("aws-us-gov", "amazonaws.com", ("us-gov-east-1", "us-gov-west-1")),
    )
}

ALL_REGIONS: dict[str, Partition] = {r: p for p in PARTITIONS.values() for r in p.regions}


def partition_of(region: str) -> Partition | None:
    """The partition a Region belongs to, or ``None`` for an unknown Region."""
    return ALL_REGIONS.get(region)
