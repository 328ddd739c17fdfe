"""The component under plain Pulumi mocks (docs/design.md): typed arguments in, typed
outputs asserted with ``@pulumi.runtime.test``, mocks set before anything is built, runtime
settings restored."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pulumi
import pytest
from helpers import ACCOUNT, PROFILE, REPO, ROLE, one, resources

from ssm_profile import InstanceProfile, InstanceProfileArgs, InstanceProfileError
from ssm_profile.blueprint import build_blueprint
from ssm_profile.config import load_settings
from ssm_profile.deploy import program

# The typed outputs of the component, attribute -> the stack output of the same value.
TYPED = {
    "role_name": "roleName",
    "role_arn": "roleArn",
    "instance_profile_name": "instanceProfileName",
    "instance_profile_arn": "instanceProfileArn",
    "managed_policy_arns": "managedPolicyArns",
    "custom_policy_arns": "customPolicyArns",
    "activation_id": "activationId",
    "activation_code": "activationCode",
    "service_setting_id": "serviceSettingId",
    "s3_endpoint_policy": "s3EndpointPolicy",
    "activation_ids": "activationIds",
    "activation_codes": "activationCodes",
    "service_setting_ids": "serviceSettingIds",
}


def _args(**values: Any) -> InstanceProfileArgs:
    """Arguments in the Region of the ``mocked`` fixture, which sets no ``aws:region``."""
    return InstanceProfileArgs(region="eu-west-1", **values)  # type: ignore[typeddict-item]


def _settings(**values: str):
    raw = {"aws:region": "eu-west-1", **{f"ssm-profile:{k}": v for k, v in values.items()}}
    return load_settings(raw, "ssm-profile", "unit")


@pulumi.runtime.test
def _typed_outputs_of(args: InstanceProfileArgs, check) -> pulumi.Output[Any]:
    """The component's typed outputs that are set, and its stack outputs, resolved."""
    component = InstanceProfile("ssm-profile", args)
    names = [n for n in TYPED if getattr(component, n) is not None]
    assert all(isinstance(getattr(component, n), pulumi.Output) for n in names)
    keys = sorted(component.outputs)
    return pulumi.Output.all(
        pulumi.Output.all(*[getattr(component, n) for n in names]),
        pulumi.Output.all(*[component.outputs[k] for k in keys]),
    ).apply(
        lambda got: check(
            dict(zip(names, got[0], strict=True)), dict(zip(keys, got[1], strict=True))
        )
    )


def test_component_outputs_are_the_mocked_arns(mocked):
    args = _args(path="/ssm/", vpc_endpoints=True, directory_service=True)
    blueprint = build_blueprint(
        _settings(path="/ssm/", vpcEndpoints="true", directoryService="true"), ACCOUNT
    )
    typed: dict[str, Any] = {}
    exported: dict[str, Any] = {}
    _typed_outputs_of(args, lambda t, e: (typed.update(t), exported.update(e)))
    assert typed == {
        "role_name": "SSMInstanceProfile-unit",
        "role_arn": f"arn:aws:iam::{ACCOUNT}:role/ssm/SSMInstanceProfile-unit",
        "managed_policy_arns": [
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess",
        ],
        "custom_policy_arns": [
            f"arn:aws:iam::{ACCOUNT}:policy/ssm/SSMInstanceProfileS3Policy-unit"
        ],
        "instance_profile_name": "SSMInstanceProfile-unit",
        "instance_profile_arn": (
            f"arn:aws:iam::{ACCOUNT}:instance-profile/ssm/SSMInstanceProfile-unit"
        ),
        "s3_endpoint_policy": blueprint.endpoint_policy,
    }
    assert blueprint.endpoint_policy is not None
    assert exported == {
        "mode": "ec2",
        "plugins": [],
        **{TYPED[name]: value for name, value in typed.items()},
    }


@pytest.mark.parametrize(
    ("args", "set_outputs"),
    [
        (
            {"mode": "existing-role", "existing_role_name": "WebServerRole"},
            {"role_name": "WebServerRole", "managed_policy_arns": None, "custom_policy_arns": []},
        ),
        (
            {"mode": "default-host-management"},
            {
                "role_name": "SSMInstanceProfile-unit",
                "role_arn": None,
                "managed_policy_arns": None,
                "custom_policy_arns": [],
                "service_setting_id": f"arn:aws:ssm:eu-west-1:{ACCOUNT}:servicesetting"
                "/ssm/managed-instance/default-ec2-instance-management-role",
            },
        ),
    ],
    ids=["existing-role", "default-host-management"],
)
def test_each_mode_sets_only_its_outputs(mocked, args, set_outputs):
    typed: dict[str, Any] = {}
    _typed_outputs_of(_args(**args), lambda t, e: typed.update(t))
    assert sorted(typed) == sorted(set_outputs)
    assert {k: v for k, v in typed.items() if set_outputs[k] is not None} == {
        k: v for k, v in set_outputs.items() if v is not None
    }


def test_component_activation_code_is_a_secret(mocked):
    args = _args(mode="hybrid", activation={"registration_limit": 3})
    secret: list[bool] = []

    @pulumi.runtime.test
    def build() -> pulumi.Output[Any]:
        component = InstanceProfile("ssm-profile", args)
        assert component.activation_code is component.outputs["activationCode"]
        return pulumi.Output.all(
            component.activation_code.is_secret(), component.activation_id
        ).apply(lambda values: secret.extend([values[0], bool(values[1])]))

    build()
    assert secret == [True, True]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"role_name": "bad name"}, "ssm-profile:roleName: "),
        ({"role_nme": "x"}, "ssm-profile:roleNme: unknown key"),
        ({"vpc_endpoints": "yes"}, 'ssm-profile:vpcEndpoints: expected true or false, got "yes"'),
        ({"regions": "eu-west-1"}, "ssm-profile:regions: expected an array"),
        (
            {"buckets": [{"name": "logs", "cross_acount": True}]},
            "ssm-profile:buckets[0].crossAcount: unknown bucket field",
        ),
        ({"activation": {"registration_limit": 3}}, "ssm-profile:activation: is only allowed"),
        ({"mode": "hybrid", "activation": {}}, "ssm-profile:activation.registrationLimit: is"),
        ({"region": "mars-1"}, 'aws:region: "mars-1" is not an AWS Region'),
        (
            {"plugin_config": {"acme": {}}},
            'ssm-profile:pluginConfig.acme: plugin "acme" is not listed',
        ),
    ],
    ids=lambda value: str(value)[:40],
)
def test_bad_arguments_are_one_line_errors_naming_the_stack_key(mocked, args, error):
    """Arguments are checked by the same code as a stack's config; nothing is registered."""
    _, monitor = mocked

    @pulumi.runtime.test
    def build() -> None:
        InstanceProfile("ssm-profile", {"region": "eu-west-1", **args})

    with pytest.raises(InstanceProfileError) as caught:
        build()
    assert isinstance(caught.value, pulumi.RunError)
    assert str(caught.value).startswith(error), str(caught.value)
    assert "\n" not in str(caught.value)
    assert monitor.registrations == []


def test_the_region_defaults_to_the_programs_aws_region(mocked):
    pulumi.runtime.set_all_config({"aws:region": "us-gov-west-1"})
    typed: dict[str, Any] = {}
    _typed_outputs_of(InstanceProfileArgs(), lambda t, e: typed.update(t))
    assert typed["managed_policy_arns"] == [
        "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore"
    ]


def test_without_a_region_the_error_names_aws_region(mocked):
    @pulumi.runtime.test
    def build() -> None:
        InstanceProfile("ssm-profile", InstanceProfileArgs())

    with pytest.raises(InstanceProfileError, match=r"^aws:region: is required"):
        build()


def test_arguments_that_are_not_a_mapping_are_an_error(mocked):
    @pulumi.runtime.test
    def build() -> None:
        InstanceProfile("ssm-profile", ["mode", "ec2"])  # type: ignore[arg-type]

    with pytest.raises(InstanceProfileError, match=r"^args: expected InstanceProfileArgs"):
        build()


def test_the_package_root_imports_the_arguments_without_pulumi():
    probe = (
        "import sys\n"
        "from ssm_profile import InstanceProfileArgs, BucketArgs\n"
        "assert not {m.split('.')[0] for m in sys.modules} & {'pulumi', 'pulumi_aws'}\n"
        "from ssm_profile import InstanceProfile\n"
        "assert 'pulumi_aws' in sys.modules\n"
        "print(InstanceProfile.__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, "InstanceProfile\n"), done.stderr


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
