"""What each mode (docs/configuration.md, "What it builds") registers, resource by resource."""

from __future__ import annotations

import json

from helpers import (
    ACCOUNT,
    ACTIVATION,
    ATTACHMENT,
    COMPONENT,
    POLICY,
    PROFILE,
    ROLE,
    SERVICE_SETTING,
    attached,
    one,
    resources,
)

CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
DHMC = "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"
CUSTOM = f"arn:aws:iam::{ACCOUNT}:policy/SSMInstanceProfileS3Policy-test"


def types(plan) -> list[str]:
    return [r["type"] for r in plan.resources]


def trust(plan) -> dict:
    return json.loads(one(plan, ROLE)["inputs"]["assumeRolePolicy"])


# --- ec2 ------------------------------------------------------------------------------------


def test_ec2_is_the_default_mode_and_builds_the_guides_role_and_profile(plan_stack):
    plan = plan_stack()
    assert types(plan) == [COMPONENT, ROLE, ATTACHMENT, PROFILE]
    role = one(plan, ROLE)["inputs"]
    assert role["name"] == "SSMInstanceProfile-test"
    assert role["path"] == "/"
    assert json.loads(role["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    assert attached(plan) == [CORE]
    assert {r["inputs"]["role"] for r in resources(plan, ATTACHMENT)} == {"SSMInstanceProfile-test"}
    assert one(plan, PROFILE)["inputs"] == {
        "name": "SSMInstanceProfile-test",
        "path": "/",
        "role": "SSMInstanceProfile-test",
    }
    assert plan.outputs == {
        "mode": "ec2",
        "roleName": "SSMInstanceProfile-test",
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/SSMInstanceProfile-test",
        "managedPolicyArns": [CORE],
        "customPolicyArns": [],
        "instanceProfileName": "SSMInstanceProfile-test",
        "instanceProfileArn": f"arn:aws:iam::{ACCOUNT}:instance-profile/SSMInstanceProfile-test",
        "plugins": [],
    }


def test_ec2_with_statements_attaches_the_custom_policy_to_the_role(plan_stack):
    plan = plan_stack({"vpcEndpoints": True})
    assert types(plan) == [COMPONENT, ROLE, POLICY, ATTACHMENT, PROFILE, ATTACHMENT]
    assert attached(plan) == [CORE, CUSTOM]
    assert plan.outputs["customPolicyArns"] == [CUSTOM]


def test_ec2_without_instance_profile(plan_stack):
    plan = plan_stack({"createInstanceProfile": False})
    assert resources(plan, PROFILE) == []
    assert resources(plan, ROLE)
    assert "instanceProfileArn" not in plan.outputs
    assert "instanceProfileName" not in plan.outputs


def test_every_child_is_parented_to_the_component(plan_stack):
    plan = plan_stack({"vpcEndpoints": True})
    for resource in plan.resources[1:]:
        assert f"::{COMPONENT}${resource['type']}::ssm-profile-" in resource["urn"]


# --- existing-role ----------------------------------------------------------------------------


def test_existing_role_creates_no_role_and_attaches_to_the_named_one(plan_stack):
    plan = plan_stack(
        {"mode": "existing-role", "existingRoleName": "WebServers", "vpcEndpoints": True}
    )
    assert types(plan) == [COMPONENT, POLICY, ATTACHMENT, ATTACHMENT]
    assert attached(plan) == [CORE, CUSTOM]
    assert {r["inputs"]["role"] for r in resources(plan, ATTACHMENT)} == {"WebServers"}
    assert resources(plan, PROFILE) == []
    assert plan.outputs["roleName"] == "WebServers"
    assert "roleArn" not in plan.outputs


def test_existing_role_attachments_are_non_exclusive(plan_stack):
    """Only RolePolicyAttachment (one policy each), never an exclusive attachment resource
    that would detach what others attached to the role."""
    plan = plan_stack({"mode": "existing-role", "existingRoleName": "WebServers"})
    assert set(types(plan)) == {COMPONENT, ATTACHMENT}


def test_existing_role_retains_only_attachments_of_policies_the_stack_does_not_own(plan_stack):
    """The stack may have attached a policy someone else had attached too: deleting the stack
    (or dropping a policy) must never detach an AWS managed policy, or one given by ARN, from a
    role the stack does not own. Its own custom policy's attachment goes with the policy (IAM
    refuses to delete a policy that is still attached)."""
    extra = "arn:aws:iam::210987654321:policy/team/WebExtra"
    plan = plan_stack(
        {
            "mode": "existing-role",
            "existingRoleName": "WebServers",
            "buckets": ["web-out"],
            "managedPolicies": ["CloudWatchAgentServerPolicy", extra],
        }
    )
    retained = {
        r["inputs"]["policyArn"]: r["options"]["retainOnDelete"]
        for r in resources(plan, ATTACHMENT)
    }
    assert retained == {
        CUSTOM: False,
        CORE: True,
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy": True,
        extra: True,
    }
    ec2 = plan_stack({"buckets": ["web-out"], "managedPolicies": [extra]})
    assert [r["options"]["retainOnDelete"] for r in resources(ec2, ATTACHMENT)] == [False] * 3


def test_existing_role_with_instance_profile(plan_stack):
    plan = plan_stack(
        {
            "mode": "existing-role",
            "existingRoleName": "WebServers",
            "createInstanceProfile": True,
            "instanceProfileName": "WebServersProfile",
        }
    )
    assert one(plan, PROFILE)["inputs"] == {
        "name": "WebServersProfile",
        "path": "/",
        "role": "WebServers",
    }
    assert plan.outputs["instanceProfileArn"] == (
        f"arn:aws:iam::{ACCOUNT}:instance-profile/WebServersProfile"
    )


def test_existing_role_profile_defaults_to_the_roles_name(plan_stack):
    plan = plan_stack(
        {"mode": "existing-role", "existingRoleName": "WebServers", "createInstanceProfile": True}
    )
    assert one(plan, PROFILE)["inputs"]["name"] == "WebServers"


def test_existing_role_explicit_no_profile(plan_stack):
    plan = plan_stack(
        {"mode": "existing-role", "existingRoleName": "WebServers", "createInstanceProfile": False}
    )
    assert resources(plan, PROFILE) == []


# --- hybrid -----------------------------------------------------------------------------------


def test_hybrid_service_role_has_the_confused_deputy_conditions(plan_stack):
    plan = plan_stack({"mode": "hybrid"}, region="eu-west-1", account_id="210987654321")
    assert types(plan) == [COMPONENT, ROLE, ATTACHMENT]
    assert trust(plan) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ssm.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": "arn:aws:ssm:eu-west-1:210987654321:*"},
                    "StringEquals": {"aws:SourceAccount": "210987654321"},
                },
            }
        ],
    }
    assert attached(plan) == [CORE]
    assert resources(plan, PROFILE) == [] and resources(plan, ACTIVATION) == []
    assert "activationId" not in plan.outputs


def test_hybrid_with_activation(plan_stack):
    plan = plan_stack(
        {
            "mode": "hybrid",
            "tags": {"team": "ops"},
            "buckets": ["onprem-output"],
            "activation": {
                "registrationLimit": 25,
                "expirationDate": "2030-01-31T00:00:00Z",
                "description": "Data centre 1",
            },
        }
    )
    activation = one(plan, ACTIVATION)
    assert activation["inputs"] == {
        "description": "Data centre 1",
        "expirationDate": "2030-01-31T00:00:00Z",
        "iamRole": "SSMInstanceProfile-test",
        "registrationLimit": 25,
        "tags": {"team": "ops"},
    }
    # Registered after every attachment: servers never register with a role lacking policies.
    order = [r["type"] for r in plan.resources]
    assert order.index(ACTIVATION) > max(i for i, t in enumerate(order) if t == ATTACHMENT)
    assert plan.outputs["activationId"]
    assert "activationCode" in plan.outputs


def test_hybrid_activation_names_the_role_with_its_path(plan_stack):
    """SSM resolves IamRole to arn:...:role/<IamRole>, so a role path belongs in it."""
    plan = plan_stack(
        {"mode": "hybrid", "path": "/on-premises/", "activation": {"registrationLimit": 2}}
    )
    assert one(plan, ROLE)["inputs"]["path"] == "/on-premises/"
    assert one(plan, ACTIVATION)["inputs"]["iamRole"] == "on-premises/SSMInstanceProfile-test"


def test_hybrid_activation_optional_fields(plan_stack):
    plan = plan_stack({"mode": "hybrid", "activation": {"registrationLimit": 1}})
    assert one(plan, ACTIVATION)["inputs"] == {
        "iamRole": "SSMInstanceProfile-test",
        "registrationLimit": 1,
    }


# --- default-host-management ------------------------------------------------------------------


def test_default_host_management_role_policy_and_service_setting(plan_stack):
    plan = plan_stack({"mode": "default-host-management"}, region="ap-southeast-2")
    assert types(plan) == [COMPONENT, ROLE, ATTACHMENT, SERVICE_SETTING]
    assert trust(plan) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ssm.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    assert attached(plan) == [DHMC]  # its own managed policy, not AmazonSSMManagedInstanceCore
    setting = one(plan, SERVICE_SETTING)["inputs"]
    assert setting == {
        "settingId": f"arn:aws:ssm:ap-southeast-2:{ACCOUNT}:servicesetting"
        "/ssm/managed-instance/default-ec2-instance-management-role",
        "settingValue": "SSMInstanceProfile-test",
    }
    assert resources(plan, PROFILE) == []
    assert plan.outputs["serviceSettingId"] == setting["settingId"]


def test_default_host_management_setting_names_the_role_with_its_path(plan_stack):
    plan = plan_stack(
        {"mode": "default-host-management", "path": "/service-role/", "roleName": "DHMCRole"}
    )
    assert one(plan, SERVICE_SETTING)["inputs"]["settingValue"] == "service-role/DHMCRole"


def test_default_host_management_keeps_the_custom_policy(plan_stack):
    plan = plan_stack({"mode": "default-host-management", "vpcEndpoints": True})
    assert attached(plan) == [DHMC, CUSTOM]
    order = types(plan)
    assert order.index(SERVICE_SETTING) > max(i for i, t in enumerate(order) if t == ATTACHMENT)
