"""The component under plain Pulumi mocks (docs/design.md): outputs asserted with
``@pulumi.runtime.test``, mocks set before anything is built, runtime settings restored."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from helpers import ACCOUNT, PROFILE, ROLE, one, resources

from ssm_profile.blueprint import build_blueprint
from ssm_profile.config import load_settings
from ssm_profile.deploy import program
from ssm_profile.deploy.component import SsmInstanceProfile


def _settings(**values: str):
    raw = {"aws:region": "eu-west-1", **{f"ssm-profile:{k}": v for k, v in values.items()}}
    return load_settings(raw, "ssm-profile", "unit")


@pulumi.runtime.test
def _outputs_of(blueprint, check) -> pulumi.Output[Any]:
    component = SsmInstanceProfile("ssm-profile", blueprint)
    outputs = component.outputs
    keys = sorted(outputs)
    return pulumi.Output.all(*[outputs[k] for k in keys]).apply(
        lambda values: check(dict(zip(keys, values, strict=True)))
    )


def test_component_outputs_are_the_mocked_arns(mocked):
    settings = _settings(path="/ssm/", vpcEndpoints="true", directoryService="true")
    blueprint = build_blueprint(settings, ACCOUNT)
    seen: dict[str, Any] = {}
    _outputs_of(blueprint, seen.update)
    assert seen == {
        "mode": "ec2",
        "roleName": "SSMInstanceProfile-unit",
        "roleArn": f"arn:aws:iam::{ACCOUNT}:role/ssm/SSMInstanceProfile-unit",
        "managedPolicyArns": [
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess",
        ],
        "customPolicyArns": [f"arn:aws:iam::{ACCOUNT}:policy/ssm/SSMInstanceProfileS3Policy-unit"],
        "instanceProfileName": "SSMInstanceProfile-unit",
        "instanceProfileArn": (
            f"arn:aws:iam::{ACCOUNT}:instance-profile/ssm/SSMInstanceProfile-unit"
        ),
        "plugins": [],
        "s3EndpointPolicy": blueprint.endpoint_policy,
    }
    assert blueprint.endpoint_policy is not None


def test_component_activation_code_is_a_secret(mocked):
    settings = _settings(mode="hybrid", activation='{"registrationLimit": 3}')
    blueprint = build_blueprint(settings, ACCOUNT)
    secret: list[bool] = []

    @pulumi.runtime.test
    def build() -> pulumi.Output[Any]:
        component = SsmInstanceProfile("ssm-profile", blueprint)
        code = component.outputs["activationCode"]
        return pulumi.Output.all(code.is_secret(), component.outputs["activationId"]).apply(
            lambda values: secret.extend([values[0], bool(values[1])])
        )

    build()
    assert secret == [True, True]


def test_the_mocks_refuse_invokes_they_do_not_know(mocked):
    @pulumi.runtime.test
    def invoke() -> None:
        pulumi.runtime.invoke("aws:s3/getBucket:getBucket", {"bucket": "x"})

    with pytest.raises(Exception, match="cannot answer invoke aws:s3/getBucket:getBucket"):
        invoke()


def test_under_pulumi_up_a_bad_stack_is_a_run_error_and_registers_nothing(mocked):
    """`__main__.py` calls program.run(): the engine shows RunError's text without a traceback."""
    _, monitor = mocked
    pulumi.runtime.set_all_config({"aws:region": "eu-west-1", "ssm-profile:regions": '["eu-*"]'})

    @pulumi.runtime.test
    def up() -> None:
        program.run()

    with pytest.raises(pulumi.RunError) as caught:
        up()
    assert str(caught.value).startswith('ssm-profile:regions[0]: "eu-*": wildcards')
    assert monitor.registrations == []


def test_under_pulumi_up_a_good_stack_registers_the_component(mocked):
    _, monitor = mocked
    pulumi.runtime.set_all_config({"aws:region": "eu-west-1", "ssm-profile:protect": "true"})

    @pulumi.runtime.test
    def up() -> None:
        program.run()

    up()
    assert [r["type"] for r in monitor.registrations][:2] == [
        "ssm-profile:index:InstanceProfile",
        "aws:iam/role:Role",
    ]


def test_protect_marks_role_and_instance_profile_only(plan_stack):
    plan = plan_stack({"protect": True, "buckets": ["logs"]})
    protected = {r["type"] for r in plan.resources if r["options"]["protect"]}
    assert protected == {ROLE, PROFILE}
    unprotected = plan_stack({"buckets": ["logs"]})
    assert not any(r["options"]["protect"] for r in unprotected.resources)
    assert one(plan, ROLE)["inputs"] == one(unprotected, ROLE)["inputs"]
    assert resources(plan, PROFILE)
