"""Every Region in one stack: a DHMC service setting, or a hybrid activation, per Region of
``ssm-profile:regions`` (pulumi-aws v7's ``region`` argument), one role for all of them, the
hybrid trust policy's ``aws:SourceArn`` on exactly those Regions; checked by the emulator."""

from __future__ import annotations

import inspect
import json

import pulumi_aws as aws
import pytest
from emulator import IamEmulator
from helpers import ACCOUNT, ACTIVATION, ROLE, SERVICE_SETTING, one, resources

SETTING = "servicesetting/ssm/managed-instance/default-ec2-instance-management-role"
THREE = ["us-east-1", "eu-west-1", "ap-southeast-2"]


@pytest.fixture(scope="module")
def emulator():
    emulator = IamEmulator()
    yield emulator
    emulator.close()


@pytest.mark.parametrize("resource", [aws.ssm.ServiceSetting, aws.ssm.Activation])
def test_the_installed_pulumi_aws_takes_a_region_per_resource(resource):
    assert "region" in inspect.signature(resource._internal_init).parameters


def test_dhmc_with_three_regions_plans_three_settings_naming_one_role(plan_stack, emulator):
    plan = plan_stack({"mode": "default-host-management", "regions": THREE}, region="us-east-1")
    role = one(plan, ROLE)["inputs"]["name"]
    settings = resources(plan, SERVICE_SETTING)
    assert [(s["name"], s["inputs"]) for s in settings] == [
        (
            "ssm-profile-default-host-management",  # the stack's Region: as a one-Region stack
            {"settingId": f"arn:aws:ssm:us-east-1:{ACCOUNT}:{SETTING}", "settingValue": role},
        ),
        (
            "ssm-profile-default-host-management-eu-west-1",
            {
                "region": "eu-west-1",
                "settingId": f"arn:aws:ssm:eu-west-1:{ACCOUNT}:{SETTING}",
                "settingValue": role,
            },
        ),
        (
            "ssm-profile-default-host-management-ap-southeast-2",
            {
                "region": "ap-southeast-2",
                "settingId": f"arn:aws:ssm:ap-southeast-2:{ACCOUNT}:{SETTING}",
                "settingValue": role,
            },
        ),
    ]
    assert plan.outputs["serviceSettingId"] == f"arn:aws:ssm:us-east-1:{ACCOUNT}:{SETTING}"
    assert plan.outputs["serviceSettingIds"] == {
        r: f"arn:aws:ssm:{r}:{ACCOUNT}:{SETTING}" for r in THREE
    }
    with emulator.deployed(plan, "us-east-1") as deployment:
        assert list(deployment.roles) == [role]
        assert len(deployment.skipped) == 3


def test_hybrid_trust_covers_exactly_its_regions_with_an_activation_each(plan_stack, emulator):
    regions = ["eu-west-1", "eu-central-1"]
    plan = plan_stack(
        {"mode": "hybrid", "regions": regions, "activation": {"registrationLimit": 4}},
        region="eu-west-1",
    )
    trust = json.loads(one(plan, ROLE)["inputs"]["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": [f"arn:aws:ssm:{r}:{ACCOUNT}:*" for r in regions]},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }
    activations = resources(plan, ACTIVATION)
    assert [(a["name"], a["inputs"].get("region")) for a in activations] == [
        ("ssm-profile-activation", None),
        ("ssm-profile-activation-eu-central-1", "eu-central-1"),
    ]
    role = one(plan, ROLE)["inputs"]["name"]
    assert {a["inputs"]["iamRole"] for a in activations} == {role}
    assert set(plan.outputs["activationIds"]) == set(regions)
    assert plan.outputs["activationId"] == plan.outputs["activationIds"]["eu-west-1"]
    with emulator.deployed(plan, "eu-west-1") as deployment:
        assert deployment.roles[role]["AssumeRolePolicyDocument"] == trust
        assert len(deployment.skipped) == 2


def test_regions_without_the_stacks_own_name_each_setting_by_its_region(plan_stack):
    plan = plan_stack({"mode": "default-host-management", "regions": ["eu-west-1"]})
    (setting,) = resources(plan, SERVICE_SETTING)
    assert setting["name"] == "ssm-profile-default-host-management-eu-west-1"
    assert setting["inputs"]["region"] == "eu-west-1"
    assert "serviceSettingId" not in plan.outputs
    assert plan.outputs["serviceSettingIds"] == {
        "eu-west-1": f"arn:aws:ssm:eu-west-1:{ACCOUNT}:{SETTING}"
    }


@pytest.mark.parametrize(
    "config",
    [
        {"mode": "default-host-management"},
        {"mode": "hybrid", "activation": {"registrationLimit": 2}},
    ],
    ids=["dhmc", "hybrid"],
)
def test_a_one_region_stack_registers_what_it_always_did(plan_stack, config):
    plan = plan_stack(config, region="eu-west-1")
    regional = resources(plan, SERVICE_SETTING) + resources(plan, ACTIVATION)
    assert [r["name"] for r in regional] == [
        "ssm-profile-default-host-management"
        if config["mode"] == "default-host-management"
        else "ssm-profile-activation"
    ]
    assert "region" not in regional[0]["inputs"]
    assert not {"serviceSettingIds", "activationIds", "activationCodes"} & set(plan.outputs)
    trust = json.loads(one(plan, ROLE)["inputs"]["assumeRolePolicy"])
    source = trust["Statement"][0].get("Condition", {}).get("ArnLike", {}).get("aws:SourceArn")
    assert source in (None, f"arn:aws:ssm:eu-west-1:{ACCOUNT}:*")


def test_the_emulator_refuses_a_setting_created_outside_its_region(plan_stack, emulator):
    from api_model import EmulatorError

    plan = plan_stack({"mode": "default-host-management", "regions": THREE}, region="us-east-1")
    resources(plan, SERVICE_SETTING)[1]["inputs"]["region"] = "us-west-2"
    with (
        pytest.raises(EmulatorError, match="is not in us-west-2"),
        emulator.deployed(plan, "us-east-1"),
    ):
        pass
