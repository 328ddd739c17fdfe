"""The S3 gateway endpoint policy (stack output ``s3EndpointPolicy``, docs/configuration.md): it
allows exactly the S3 grants of the role's own statements, parliament finds nothing in it, and
an S3 gateway endpoint accepts it (moto's EC2, with the checks moto does not make)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from cases import ALL, config_of, plan_of
from helpers import as_list, as_parliament_reads, statements
from moto import mock_aws

from ssm_profile.aws.partitions import partition_of
from ssm_profile.iam import lint

# Restated from the Amazon VPC User Guide on purpose (the outside check of the program).
ENDPOINT_POLICY_LIMIT = 20480  # characters, whitespace included
CASES = [case for case in ALL if config_of(case)["ssm-profile:vpcEndpoints"] == "true"]
TOO_LARGE = "packed-into-several-policies"  # every aws Region and 40 own buckets


class NotEmulatedError(Exception):
    """moto cannot create the endpoint where the stack is; the message says what is missing."""


def s3_gateway_endpoint(policy: str, region: str) -> dict:
    """Create a VPC and an S3 gateway endpoint with ``policy`` in moto's EC2 and return the
    policy the endpoint holds. moto stores any ``PolicyDocument`` unchecked (even "not json"),
    so the harness checks what EC2 would: JSON, at most 20,480 characters, a Principal in
    every statement."""
    document = json.loads(policy)
    assert len(policy) <= ENDPOINT_POLICY_LIMIT, f"{len(policy)} characters"
    assert document["Version"] == "2012-10-17"
    assert all("Principal" in s for s in document["Statement"])
    partition = partition_of(region)
    assert partition is not None
    if region not in boto3.session.Session().get_available_regions("ec2", partition.name):
        raise NotEmulatedError(
            f"moto's EC2 has no Region {region} (it takes its Regions from botocore's "
            "endpoints.json)"
        )
    ec2 = boto3.client("ec2", region_name=region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    created = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=f"com.amazonaws.{region}.s3",
        VpcEndpointType="Gateway",
        PolicyDocument=policy,
    )["VpcEndpoint"]
    (held,) = ec2.describe_vpc_endpoints(VpcEndpointIds=[created["VpcEndpointId"]])["VpcEndpoints"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[created["VpcEndpointId"]])
    ec2.delete_vpc(VpcId=vpc)
    return json.loads(held["PolicyDocument"])


@pytest.fixture(scope="module")
def ec2() -> Iterator[None]:
    with mock_aws():
        yield


def s3_grants(documents: list[dict]) -> set[tuple[str, str]]:
    return {
        (action, resource)
        for s in documents
        if s["Sid"].startswith(("SSMAgentBuckets", "OwnBuckets"))
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }


def test_every_stack_with_vpc_endpoints_is_a_case():
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES)
def test_the_endpoint_policy_allows_exactly_the_roles_s3_grants(case):
    plan = plan_of(case)
    policy = json.loads(plan.outputs["s3EndpointPolicy"])
    assert sorted(s["Sid"] for s in policy["Statement"]) == sorted(
        s["Sid"] for s in statements(plan) if s["Sid"].startswith(("SSMAgent", "OwnBuckets"))
    )
    assert all(s["Effect"] == "Allow" and s["Principal"] == "*" for s in policy["Statement"])
    assert all(list(s)[:3] == ["Sid", "Effect", "Principal"] for s in policy["Statement"])
    assert s3_grants(policy["Statement"]) == s3_grants(statements(plan))


@pytest.mark.parametrize("case", CASES)
def test_parliament_finds_nothing_in_the_endpoint_policy(case):
    policy = json.loads(plan_of(case).outputs["s3EndpointPolicy"])
    region = config_of(case)["aws:region"]
    assert lint.lint_document(as_parliament_reads(policy, region)) == []


@pytest.mark.parametrize("case", CASES)
def test_an_s3_gateway_endpoint_takes_the_policy(ec2, case):
    policy = plan_of(case).outputs["s3EndpointPolicy"]
    region = config_of(case)["aws:region"]
    if case == "new-aws-regions":
        with pytest.raises(NotEmulatedError, match="moto's EC2 has no Region me-west-1"):
            s3_gateway_endpoint(policy, region)
        return
    if case == TOO_LARGE:  # the plan warns of it (the test below)
        with pytest.raises(AssertionError, match=f"{len(policy)} characters"):
            s3_gateway_endpoint(policy, region)
        return
    assert s3_gateway_endpoint(policy, region) == json.loads(policy)


def test_the_harness_refuses_what_ec2_refuses(ec2):
    policy = json.loads(plan_of("stack:prod").outputs["s3EndpointPolicy"])
    del policy["Statement"][0]["Principal"]
    with pytest.raises(AssertionError):
        s3_gateway_endpoint(json.dumps(policy), "eu-west-1")
    with pytest.raises(AssertionError, match="20481 characters"):
        s3_gateway_endpoint(json.dumps({"Version": "2012-10-17"}).ljust(20481), "eu-west-1")


def test_no_endpoint_policy_without_vpc_endpoints(plan_stack):
    plan = plan_stack({"buckets": ["logs"]})
    assert "s3EndpointPolicy" not in plan.outputs


def test_the_endpoint_policy_holds_own_buckets_without_aws_owned_ones(plan_stack):
    plan = plan_stack({"vpcEndpoints": True, "regions": ["us-east-2"], "buckets": ["logs"]})
    policy = json.loads(plan.outputs["s3EndpointPolicy"])
    assert policy["Statement"][-1] == {
        "Sid": "OwnBucketsReadWrite",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::logs/*",
    }


def test_an_endpoint_policy_too_large_for_an_endpoint_is_a_warning():
    plan = plan_of(TOO_LARGE)
    size = len(plan.outputs["s3EndpointPolicy"])
    assert size > ENDPOINT_POLICY_LIMIT
    assert plan.warnings[-1] == (
        f"the S3 endpoint policy (output s3EndpointPolicy) is {size} characters; a VPC endpoint "
        "policy holds 20480, whitespace included: split ssm-profile:regions across stacks"
    )


def test_an_endpoint_policy_within_the_limit_is_no_warning():
    assert all(
        not any("S3 endpoint policy" in w for w in plan_of(case).warnings)
        for case in CASES
        if case != TOO_LARGE
    )
