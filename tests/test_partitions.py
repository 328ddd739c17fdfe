"""Partitions (aws, aws-cn, aws-us-gov): every ARN and principal follows the stack's Region."""

from __future__ import annotations

import json

import botocore.loaders
import pytest
from helpers import (
    ACCOUNT,
    PROFILE,
    ROLE,
    SERVICE_SETTING,
    attached,
    grants,
    one,
    statements,
)

from ssm_profile.aws.partitions import ALL_REGIONS, PARTITIONS, partition_of

# (aws:region, partition, EC2 service principal)
PARTITION_CASES = [
    pytest.param("us-east-2", "aws", "ec2.amazonaws.com", id="aws"),
    pytest.param("cn-north-1", "aws-cn", "ec2.amazonaws.com.cn", id="aws-cn"),
    pytest.param("us-gov-west-1", "aws-us-gov", "ec2.amazonaws.com", id="aws-us-gov"),
]


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_ec2_role_profile_and_policies_use_the_partition(plan_stack, region, partition, principal):
    plan = plan_stack(
        {
            "path": "/ssm/",
            "vpcEndpoints": True,
            "buckets": [{"name": "my-output", "crossAccount": True, "encrypted": True}],
            "directoryService": True,
            "cloudWatchAgent": True,
            "managedPolicies": ["AmazonSSMPatchAssociation"],
        },
        region=region,
    )
    role = one(plan, ROLE)["inputs"]
    assert json.loads(role["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": principal
    }
    iam = f"arn:{partition}:iam::"
    assert attached(plan) == [
        f"{iam}aws:policy/AmazonSSMManagedInstanceCore",
        f"{iam}aws:policy/AmazonSSMDirectoryServiceAccess",
        f"{iam}aws:policy/CloudWatchAgentServerPolicy",
        f"{iam}aws:policy/AmazonSSMPatchAssociation",
        f"{iam}{ACCOUNT}:policy/ssm/SSMInstanceProfileS3Policy-test",
    ]
    resources_granted = {resource for _, resource in grants(plan)}
    assert all(r.startswith(f"arn:{partition}:s3:::") for r in resources_granted)
    assert f"arn:{partition}:s3:::aws-ssm-{region}/*" in resources_granted
    assert f"arn:{partition}:s3:::my-output" in resources_granted
    assert plan.outputs["roleArn"] == f"{iam}{ACCOUNT}:role/ssm/SSMInstanceProfile-test"
    assert plan.outputs["instanceProfileArn"] == (
        f"{iam}{ACCOUNT}:instance-profile/ssm/SSMInstanceProfile-test"
    )
    assert plan.outputs["customPolicyArns"] == [
        f"{iam}{ACCOUNT}:policy/ssm/SSMInstanceProfileS3Policy-test"
    ]
    assert one(plan, PROFILE)["inputs"]["role"] == "SSMInstanceProfile-test"


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_hybrid_source_arn_uses_the_partition(plan_stack, region, partition, principal):
    plan = plan_stack({"mode": "hybrid"}, region=region, account_id="444455556666")
    condition = json.loads(one(plan, ROLE)["inputs"]["assumeRolePolicy"])["Statement"][0][
        "Condition"
    ]
    assert condition == {
        "ArnLike": {"aws:SourceArn": f"arn:{partition}:ssm:{region}:444455556666:*"},
        "StringEquals": {"aws:SourceAccount": "444455556666"},
    }
    assert (
        plan.outputs["roleArn"] == f"arn:{partition}:iam::444455556666:role/SSMInstanceProfile-test"
    )


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_default_host_management_uses_the_partition(plan_stack, region, partition, principal):
    plan = plan_stack({"mode": "default-host-management"}, region=region)
    assert attached(plan) == [
        f"arn:{partition}:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"
    ]
    assert one(plan, SERVICE_SETTING)["inputs"]["settingId"].startswith(
        f"arn:{partition}:ssm:{region}:{ACCOUNT}:servicesetting/"
    )


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_managed_policy_arns_in_the_stacks_partition_are_accepted(
    plan_stack, region, partition, principal
):
    arn = f"arn:{partition}:iam::aws:policy/service-role/AmazonEC2RoleforSSM"
    boundary = f"arn:{partition}:iam::{ACCOUNT}:policy/Boundary"
    plan = plan_stack({"managedPolicies": [arn], "permissionsBoundary": boundary}, region=region)
    assert arn in attached(plan)
    assert one(plan, ROLE)["inputs"]["permissionsBoundary"] == boundary


def test_every_region_of_a_partition_plans_in_that_partition(plan_stack):
    """Each partition's Regions, all at once in one stack, one statement each."""
    for partition in PARTITIONS.values():
        first, *_ = partition.regions
        plan = plan_stack(
            {"vpcEndpoints": True, "regions": list(partition.regions), "maxManagedPolicies": 20},
            region=first,
        )
        sids = [s["Sid"] for s in statements(plan)]
        assert len(sids) == len(partition.regions)
        assert {r.split(":")[1] for _, r in grants(plan)} == {partition.name}


def test_partition_of():
    assert partition_of("cn-northwest-1") is PARTITIONS["aws-cn"]
    assert partition_of("us-gov-east-1") is PARTITIONS["aws-us-gov"]
    assert partition_of("eu-west-1") is PARTITIONS["aws"]
    assert partition_of("eu-west-9") is None
    assert PARTITIONS["aws-cn"].managed_policy_arn("X") == "arn:aws-cn:iam::aws:policy/X"
    assert PARTITIONS["aws-cn"].service_principal("ec2") == "ec2.amazonaws.com.cn"


def test_region_lists_match_botocore_endpoints():
    """A Region AWS adds (or a partition's DNS suffix) shows up here after a botocore bump."""
    endpoints = botocore.loaders.Loader().load_data("endpoints")
    known = {p["partition"]: p for p in endpoints["partitions"] if p["partition"] in PARTITIONS}
    assert set(known) == set(PARTITIONS)
    for name, partition in PARTITIONS.items():
        assert sorted(partition.regions) == sorted(known[name]["regions"]), name
        assert partition.dns_suffix == known[name]["dnsSuffix"], name
    assert len(ALL_REGIONS) == sum(len(p.regions) for p in PARTITIONS.values())
