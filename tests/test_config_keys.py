"""Every key of docs/configuration.md changes what gets registered (or is rejected: see
test_settings.py). Each case sets one key on top of a base stack and checks the difference."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from helpers import (
    ACCOUNT,
    ACTIVATION,
    HARMLESS_MANAGED,
    POLICY,
    PROFILE,
    ROLE,
    SERVICE_SETTING,
    attached,
    grants,
    one,
    resources,
    statements,
)

from ssm_profile.config import KNOWN_KEYS
from ssm_profile.errors import ConfigError
from ssm_profile.offline.plan import Plan

Check = Callable[[Plan], None]
EXISTING = {"mode": "existing-role", "existingRoleName": "WebServers"}


def _role(plan: Plan) -> dict[str, Any]:
    return one(plan, ROLE)["inputs"]


def check_mode(plan: Plan) -> None:
    assert resources(plan, SERVICE_SETTING) and not resources(plan, PROFILE)


def check_role_name(plan: Plan) -> None:
    assert _role(plan)["name"] == "AppServers"
    assert one(plan, PROFILE)["inputs"] == {"name": "AppServers", "path": "/", "role": "AppServers"}
    assert plan.outputs["roleArn"] == f"arn:aws:iam::{ACCOUNT}:role/AppServers"


def check_instance_profile_name(plan: Plan) -> None:
    assert one(plan, PROFILE)["inputs"]["name"] == "AppServersProfile"
    assert _role(plan)["name"] == "SSMInstanceProfile-test"


def check_description(plan: Plan) -> None:
    assert _role(plan)["description"] == "Role of the web tier"


def check_default_description(plan: Plan) -> None:
    assert _role(plan)["description"] == (
        "Systems Manager instance role of the test stack (ssm-profile), managed by Pulumi"
    )


def check_custom_policy_name(plan: Plan) -> None:
    assert one(plan, POLICY)["inputs"]["name"] == "SSMInstanceProfileS3Policy"
    assert plan.outputs["customPolicyArns"] == [
        f"arn:aws:iam::{ACCOUNT}:policy/SSMInstanceProfileS3Policy"
    ]


def check_custom_policy_description(plan: Plan) -> None:
    assert one(plan, POLICY)["inputs"]["description"] == "Made in the console"
    assert _role(plan)["description"].startswith("Systems Manager instance role")


def check_default_custom_policy(plan: Plan) -> None:
    inputs = one(plan, POLICY)["inputs"]
    assert inputs["name"] == "SSMInstanceProfileS3Policy-test"
    assert inputs["description"] == (
        "S3 and plugin permissions of the test SSM instance role (part 1)"
    )


def check_path(plan: Plan) -> None:
    assert _role(plan)["path"] == "/platform/ssm/"
    assert one(plan, PROFILE)["inputs"]["path"] == "/platform/ssm/"
    assert one(plan, POLICY)["inputs"]["path"] == "/platform/ssm/"
    assert plan.outputs["customPolicyArns"] == [
        f"arn:aws:iam::{ACCOUNT}:policy/platform/ssm/SSMInstanceProfileS3Policy-test"
    ]


def check_permissions_boundary(plan: Plan) -> None:
    assert _role(plan)["permissionsBoundary"] == "arn:aws:iam::111122223333:policy/Boundary"
    assert "arn:aws:iam::111122223333:policy/Boundary" not in attached(plan)


def check_tags(plan: Plan) -> None:
    tagged = {r["type"] for r in plan.resources if r["inputs"].get("tags")}
    assert tagged == {ROLE, POLICY, PROFILE}
    for resource in plan.resources:
        if resource["type"] in tagged:
            assert resource["inputs"]["tags"] == {"team": "platform", "cost-center": "4711"}


def check_tags_on_activation(plan: Plan) -> None:
    assert one(plan, ACTIVATION)["inputs"]["tags"] == {"team": "platform"}


def check_regions(plan: Plan) -> None:
    assert [s["Sid"] for s in statements(plan)] == [
        "SSMAgentBucketsEuWest1",
        "SSMAgentBucketsEuCentral1",
    ]


def check_default_region(plan: Plan) -> None:
    assert [s["Sid"] for s in statements(plan)] == ["SSMAgentBucketsUsEast2"]


def check_vpc_endpoints(plan: Plan) -> None:
    assert {s["Sid"] for s in statements(plan)} == {"SSMAgentBucketsUsEast2"}


def check_aws_buckets(plan: Plan) -> None:
    assert grants(plan) == {
        ("s3:GetObject", "arn:aws:s3:::aws-patchmanager-macos-us-east-2-552881074/*"),
        ("s3:GetObject", "arn:aws:s3:::patch-baseline-snapshot-us-east-2/*"),
    }


def check_core_policy(plan: Plan) -> None:
    assert attached(plan) == ["arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"]


def check_parameter_paths(plan: Plan) -> None:
    assert grants(plan) == {
        (action, f"arn:aws:ssm:us-east-2:{ACCOUNT}:parameter/app/prod/*")
        for action in ("ssm:GetParameter", "ssm:GetParameters")
    }


def check_buckets(plan: Plan) -> None:
    assert grants(plan) == {
        ("s3:GetObject", "arn:aws:s3:::team-output/*"),
        ("s3:PutObject", "arn:aws:s3:::team-output/*"),
    }


def check_directory_service(plan: Plan) -> None:
    assert "arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess" in attached(plan)


def check_cloud_watch_agent(plan: Plan) -> None:
    assert "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" in attached(plan)


def check_managed_policies(plan: Plan) -> None:
    assert attached(plan) == [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/AmazonSSMPatchAssociation",
        "arn:aws:iam::111122223333:policy/team/Extra",
    ]


def check_existing_role_name(plan: Plan) -> None:
    assert not resources(plan, ROLE)
    assert plan.outputs["roleName"] == "WebServers"


def check_create_instance_profile(plan: Plan) -> None:
    assert not resources(plan, PROFILE)


def check_max_managed_policies(plan: Plan) -> None:
    assert len(attached(plan)) == 11


def check_protect(plan: Plan) -> None:
    assert {r["type"] for r in plan.resources if r["options"]["protect"]} == {ROLE, PROFILE}


def check_activation(plan: Plan) -> None:
    assert one(plan, ACTIVATION)["inputs"]["registrationLimit"] == 7


def key_case(key: str, value: Any, check: Check, base: dict[str, Any] | None = None) -> Any:
    return pytest.param(key, value, base or {}, check, id=key)


KEY_CASES = [
    key_case("mode", "default-host-management", check_mode),
    key_case("roleName", "AppServers", check_role_name),
    key_case("instanceProfileName", "AppServersProfile", check_instance_profile_name),
    key_case("description", "Role of the web tier", check_description),
    key_case(
        "customPolicyName",
        "SSMInstanceProfileS3Policy",
        check_custom_policy_name,
        {"buckets": ["logs"]},
    ),
    key_case(
        "customPolicyDescription",
        "Made in the console",
        check_custom_policy_description,
        {"buckets": ["logs"]},
    ),
    key_case("path", "/platform/ssm/", check_path, {"buckets": ["logs"]}),
    key_case(
        "permissionsBoundary",
        "arn:aws:iam::111122223333:policy/Boundary",
        check_permissions_boundary,
    ),
    key_case(
        "tags", {"team": "platform", "cost-center": "4711"}, check_tags, {"buckets": ["logs"]}
    ),
    key_case("regions", ["eu-west-1", "eu-central-1"], check_regions, {"vpcEndpoints": True}),
    key_case("vpcEndpoints", True, check_vpc_endpoints),
    key_case("awsBuckets", ["patching-macos"], check_aws_buckets, {"vpcEndpoints": True}),
    key_case("buckets", ["team-output"], check_buckets),
    key_case("corePolicy", "default-host", check_core_policy),
    key_case(
        "parameterPaths", ["/app/prod/"], check_parameter_paths, {"corePolicy": "default-host"}
    ),
    key_case("directoryService", True, check_directory_service),
    key_case("cloudWatchAgent", True, check_cloud_watch_agent),
    key_case(
        "managedPolicies",
        ["AmazonSSMPatchAssociation", "arn:aws:iam::111122223333:policy/team/Extra"],
        check_managed_policies,
    ),
    key_case(
        "existingRoleName",
        "WebServers",
        check_existing_role_name,
        {"mode": "existing-role", "createInstanceProfile": True},
    ),
    key_case("createInstanceProfile", False, check_create_instance_profile),
    key_case(
        "maxManagedPolicies",
        11,
        check_max_managed_policies,
        {"managedPolicies": list(HARMLESS_MANAGED[:10])},
    ),
    key_case("protect", True, check_protect),
    key_case("activation", {"registrationLimit": 7}, check_activation, {"mode": "hybrid"}),
]
# Keys without which the base stack is rejected (what the error says).
NEEDED_BY_BASE = {
    "existingRoleName": "is required in existing-role mode",
    "maxManagedPolicies": "needs 11 managed policies",
}
# Keys whose effect is tested elsewhere, and where.
ELSEWHERE = {
    "plugins": "docs/plugins.md, with the plugin system",
    "pluginConfig": "rejected unless its plugin is listed: test_settings.py",
    "acceptFindings": "accepts a finding of a plugin statement: test_accept_findings.py",
}


def test_every_known_key_has_a_case():
    assert {p.id for p in KEY_CASES} | set(ELSEWHERE) == set(KNOWN_KEYS)


def _registered(plan: Plan) -> str:
    """Everything registered, with the resource options the plan records."""
    return json.dumps([plan.resources, plan.outputs], sort_keys=True)


@pytest.mark.parametrize(("key", "value", "base", "check"), KEY_CASES)
def test_key_changes_what_is_registered(plan_stack, key, value, base, check):
    with_key = plan_stack({**base, key: value})
    check(with_key)
    if key in NEEDED_BY_BASE:
        with pytest.raises(ConfigError, match=NEEDED_BY_BASE[key]):
            plan_stack(base)
    else:
        assert _registered(with_key) != _registered(plan_stack(base))


def test_defaults_when_keys_are_unset(plan_stack):
    plan = plan_stack({"vpcEndpoints": True})
    check_default_description(plan)
    check_default_region(plan)
    check_default_custom_policy(plan)
    assert _role(plan)["name"] == "SSMInstanceProfile-test"
    assert _role(plan)["path"] == "/"
    assert "permissionsBoundary" not in _role(plan) and "tags" not in _role(plan)
    assert not any(r["options"]["protect"] for r in plan.resources)


def test_hybrid_activation_carries_the_tags(plan_stack):
    check_tags_on_activation(
        plan_stack(
            {"mode": "hybrid", "tags": {"team": "platform"}, "activation": {"registrationLimit": 1}}
        )
    )


def test_example_stacks_use_their_keys(plan_stack):
    """The prod example exercises the keys the spec asks of it."""
    from helpers import REPO

    from ssm_profile.config.stackfile import load_stack
    from ssm_profile.offline.plan import run_program

    prod = run_program(load_stack("prod", None, REPO))
    assert _role(prod)["path"] == "/ssm/"
    assert len([s for s in statements(prod) if s["Sid"].startswith("SSMAgentBuckets")]) == 3
    assert ("s3:PutObjectAcl", "arn:aws:s3:::prod-central-ssm-output/*") in grants(prod)
    assert {r["type"] for r in prod.resources if r["options"]["protect"]} == {ROLE, PROFILE}
    assert _role(prod)["permissionsBoundary"].startswith("arn:aws:iam::")


def test_an_empty_custom_policy_description_registers_none(plan_stack):
    plan = plan_stack({"buckets": ["logs"], "customPolicyDescription": ""})
    assert "description" not in one(plan, POLICY)["inputs"]


def test_packed_parts_take_their_names_from_the_first_and_keep_derived_descriptions(plan_stack):
    buckets = [{"name": f"team-{i:03d}-output-bucket", "prefix": "x" * 40} for i in range(120)]
    plan = plan_stack(
        {
            "buckets": buckets,
            "maxManagedPolicies": 5,
            "customPolicyName": "Console",
            "customPolicyDescription": "Made by hand",
        }
    )
    policies = [r["inputs"] for r in resources(plan, POLICY)]
    assert [p["name"] for p in policies] == ["Console"] + [
        f"Console-{n}" for n in range(2, len(policies) + 1)
    ]
    assert [p["description"] for p in policies] == ["Made by hand"] + [
        f"S3 and plugin permissions of the test SSM instance role (part {n})"
        for n in range(2, len(policies) + 1)
    ]
    assert len(policies) > 1
