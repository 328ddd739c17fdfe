"""Partitions (docs/aws-facts.md): every partition botocore knows plans in every mode, with that
partition's ARNs and the principals trusted there, and the data file keeps up with botocore."""

from __future__ import annotations

import json

import botocore
import botocore.loaders
import pytest
from helpers import (
    ACCOUNT,
    ACTIVATION,
    PROFILE,
    ROLE,
    SERVICE_SETTING,
    as_list,
    attached,
    grants,
    one,
    statements,
)

from ssm_profile.aws import refresh_partitions
from ssm_profile.aws.partitions import ALL_REGIONS, PARTITIONS, SERVICE_PRINCIPALS, partition_of

# (aws:region, partition, EC2 service principal): one Region of each partition, and the aws
# Regions that botocore's endpoints.json does not list.
PARTITION_CASES = [
    pytest.param("us-east-2", "aws", "ec2.amazonaws.com", id="aws"),
    pytest.param("me-west-1", "aws", "ec2.amazonaws.com", id="aws-me-west-1"),
    pytest.param("sa-west-1", "aws", "ec2.amazonaws.com", id="aws-sa-west-1"),
    pytest.param("cn-north-1", "aws-cn", "ec2.amazonaws.com.cn", id="aws-cn"),
    pytest.param("us-gov-west-1", "aws-us-gov", "ec2.amazonaws.com", id="aws-us-gov"),
    pytest.param("eusc-de-east-1", "aws-eusc", "ec2.amazonaws.com", id="aws-eusc"),
    pytest.param("us-iso-east-1", "aws-iso", "ec2.amazonaws.com", id="aws-iso"),
    pytest.param("us-isob-east-1", "aws-iso-b", "ec2.amazonaws.com", id="aws-iso-b"),
    pytest.param("eu-isoe-west-1", "aws-iso-e", "ec2.amazonaws.com", id="aws-iso-e"),
    pytest.param("us-isof-south-1", "aws-iso-f", "ec2.amazonaws.com", id="aws-iso-f"),
]


def test_the_cases_cover_every_partition():
    assert {p.values[1] for p in PARTITION_CASES} == set(PARTITIONS)


def trust_statement(plan) -> dict:
    return json.loads(one(plan, ROLE)["inputs"]["assumeRolePolicy"])["Statement"][0]


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
    assert trust_statement(plan)["Principal"] == {"Service": principal}
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
    endpoint = json.loads(plan.outputs["s3EndpointPolicy"])
    assert {r for s in endpoint["Statement"] for r in as_list(s["Resource"])} == resources_granted


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_existing_role_attaches_in_the_partition(plan_stack, region, partition, principal):
    plan = plan_stack(
        {"mode": "existing-role", "existingRoleName": "WebServers", "buckets": ["out"]},
        region=region,
    )
    assert attached(plan) == [
        f"arn:{partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
        f"arn:{partition}:iam::{ACCOUNT}:policy/SSMInstanceProfileS3Policy-test",
    ]


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_hybrid_trusts_ssm_with_the_partitions_source_arn(plan_stack, region, partition, principal):
    plan = plan_stack(
        {"mode": "hybrid", "activation": {"registrationLimit": 2}},
        region=region,
        account_id="444455556666",
    )
    statement = trust_statement(plan)
    assert statement["Principal"] == {"Service": "ssm.amazonaws.com"}
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:{partition}:ssm:{region}:444455556666:*"},
        "StringEquals": {"aws:SourceAccount": "444455556666"},
    }
    assert (
        plan.outputs["roleArn"] == f"arn:{partition}:iam::444455556666:role/SSMInstanceProfile-test"
    )
    assert one(plan, ACTIVATION)["inputs"]["iamRole"] == "SSMInstanceProfile-test"


@pytest.mark.parametrize(("region", "partition", "principal"), PARTITION_CASES)
def test_default_host_management_uses_the_partition(plan_stack, region, partition, principal):
    plan = plan_stack({"mode": "default-host-management"}, region=region)
    assert trust_statement(plan)["Principal"] == {"Service": "ssm.amazonaws.com"}
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
    arn = f"arn:{partition}:iam::aws:policy/service-role/CloudWatchEventsInvocationAccess"
    boundary = f"arn:{partition}:iam::{ACCOUNT}:policy/Boundary"
    plan = plan_stack({"managedPolicies": [arn], "permissionsBoundary": boundary}, region=region)
    assert arn in attached(plan)
    assert one(plan, ROLE)["inputs"]["permissionsBoundary"] == boundary


def test_an_aws_arn_is_refused_in_aws_eusc(resolve_stack):
    from helpers import error_of

    arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    assert error_of(resolve_stack, {"managedPolicies": [arn]}, region="eusc-de-east-1") == (
        f'ssm-profile:managedPolicies[0]: "{arn}" is in partition aws; this stack is in aws-eusc'
    )


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
    assert partition_of("eusc-de-east-1") is PARTITIONS["aws-eusc"]
    assert partition_of("me-west-1") is PARTITIONS["aws"]
    assert partition_of("eu-west-9") is None
    assert partition_of("aws-global") is None  # botocore's pseudo-Region, not a Region
    assert PARTITIONS["aws-cn"].managed_policy_arn("X") == "arn:aws-cn:iam::aws:policy/X"


def test_service_principals_are_a_fact_of_each_partition_not_the_dns_suffix():
    assert set(SERVICE_PRINCIPALS) == set(PARTITIONS)
    ec2 = {name: p.service_principal("ec2") for name, p in PARTITIONS.items()}
    assert ec2 == {name: "ec2.amazonaws.com" for name in PARTITIONS} | {
        "aws-cn": "ec2.amazonaws.com.cn"
    }
    assert {p.service_principal("ssm") for p in PARTITIONS.values()} == {"ssm.amazonaws.com"}
    assert PARTITIONS["aws-eusc"].dns_suffix == "amazonaws.eu"


# --- the data file and botocore --------------------------------------------------------------


def botocore_partitions() -> dict[str, dict]:
    data = botocore.loaders.Loader().load_data("partitions")
    return {p["id"]: p for p in data["partitions"]}


def test_botocore_knows_no_partition_or_region_the_data_file_lacks():
    """After a botocore bump this fails for a new Region or partition: run
    ``python -m ssm_profile.aws.refresh_partitions`` and add the partition's principals."""
    for name, entry in botocore_partitions().items():
        assert name in PARTITIONS, f"botocore knows partition {name}"
        regions = refresh_partitions.build({"partitions": [entry]}, "")["partitions"][0]["regions"]
        missing = set(regions) - set(PARTITIONS[name].regions)
        assert not missing, f"botocore knows Regions of {name} the data file lacks: {missing}"
        assert PARTITIONS[name].dns_suffix == entry["outputs"]["dnsSuffix"], name


def test_the_data_file_is_what_the_generator_makes_of_the_installed_botocore():
    written = json.loads(refresh_partitions.DATA_FILE.read_text(encoding="utf-8"))
    assert written == refresh_partitions.from_installed_botocore()
    assert written["source"] == f"botocore {botocore.__version__}, botocore/data/partitions.json"


def test_the_generator_drops_pseudo_regions_and_keeps_new_ones():
    entry = {
        "id": "aws-new",
        "regionRegex": "^new\\-\\w+\\-\\d+$",
        "regions": {"aws-new-global": {}, "new-north-1": {}, "new-east-1": {}},
        "outputs": {"dnsSuffix": "example.new"},
    }
    assert refresh_partitions.build({"partitions": [entry]}, "9.9") == {
        "source": "botocore 9.9, botocore/data/partitions.json",
        "partitions": [
            {
                "name": "aws-new",
                "dnsSuffix": "example.new",
                "regions": ["new-east-1", "new-north-1"],
            }
        ],
    }


def test_regions_are_unique_across_partitions():
    assert len(ALL_REGIONS) == sum(len(p.regions) for p in PARTITIONS.values())
    assert {"me-west-1", "sa-west-1"} <= set(PARTITIONS["aws"].regions)
