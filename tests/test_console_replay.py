"""The console-replay fixture builds what the guide's console steps build, in an account that
boto3 reaches over HTTP at the endpoint URL (moto server), not through a mock object."""

from __future__ import annotations

import os

import boto3
from awsapi import CONSOLE_DESCRIPTION, CORE, POLICY, ROLE, TAGS, guide_policy


def test_boto3_reaches_the_server_by_the_endpoint_url_in_the_environment(aws_api):
    assert os.environ["AWS_ENDPOINT_URL"] == aws_api.url
    assert aws_api.url.startswith("http://127.0.0.1:")
    iam = boto3.client("iam")  # no endpoint given: the environment's, as for a user
    assert iam.meta.endpoint_url == aws_api.url
    assert iam.list_roles()["Roles"] == []
    assert iam.get_policy(PolicyArn=CORE)["Policy"]["PolicyName"] == "AmazonSSMManagedInstanceCore"


def test_the_replay_makes_the_guides_role_policy_and_profile(tagged_account):
    iam = tagged_account.client()
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": ["ec2.amazonaws.com"]
    }
    assert role["Description"] == CONSOLE_DESCRIPTION
    assert {t["Key"]: t["Value"] for t in role["Tags"]} == TAGS
    attached = iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]
    custom = f"arn:aws:iam::123456789012:policy/{POLICY}"
    assert sorted(p["PolicyArn"] for p in attached) == sorted([CORE, custom])
    version = iam.get_policy(PolicyArn=custom)["Policy"]["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=custom, VersionId=version)["PolicyVersion"]
    assert document["Document"] == guide_policy()
    assert "us-east-2" in document["Document"]["Statement"][0]["Resource"][0]
    profiles = iam.list_instance_profiles_for_role(RoleName=ROLE)["InstanceProfiles"]
    assert [(p["InstanceProfileName"], [r["RoleName"] for r in p["Roles"]]) for p in profiles] == [
        (ROLE, [ROLE])
    ]


def test_each_test_starts_from_an_empty_account(aws_api):
    assert aws_api.client().list_policies(Scope="Local")["Policies"] == []
