"""InstanceProfileArgs: one typed field per stack key, validated by the stack's own code."""

from __future__ import annotations

import json

import pytest
from helpers import REPO

from ssm_profile.config import KEYS, load_settings
from ssm_profile.config.args import InstanceProfileArgs, args_from_config, args_to_config
from ssm_profile.config.stackfile import list_stacks, load_stack
from ssm_profile.errors import ConfigError


def test_every_stack_key_has_an_argument():
    fields = set(InstanceProfileArgs.__annotations__)
    missing = sorted(key.name for key in KEYS if key.field not in fields)
    assert missing == [], (
        f"stack keys without a field in InstanceProfileArgs: {missing}. A key added to "
        "ssm_profile/config/keys.py needs its snake_case field (the Key's `field`), with a "
        "docstring, in ssm_profile/config/args.py"
    )
    assert fields - {key.field for key in KEYS} == {"region"}


def test_a_key_with_a_schema_entry_has_the_same_description():
    """Pulumi.yaml's description and the argument's docstring are the same words."""
    from pulumi.provider.experimental.analyzer import Analyzer

    analyzer = Analyzer("ssm-profile")
    for key in KEYS:
        if key.schema is not None:
            doc = analyzer.get_docstring(InstanceProfileArgs, key.field)
            assert doc == key.schema["description"], key.name


@pytest.mark.parametrize("name", list_stacks(REPO / "stacks"))
def test_the_example_stacks_round_trip_through_the_arguments(name):
    stack = load_stack(name, REPO / "stacks", REPO)
    args = args_from_config(stack.config, stack.stack)
    again = args_to_config(args)
    assert load_settings(again, stack.project, stack.stack) == load_settings(
        stack.config, stack.project, stack.stack
    )


def test_arguments_become_the_config_a_stack_would_have():
    args = InstanceProfileArgs(
        region="eu-west-1",
        vpc_endpoints=True,
        max_managed_policies=20,
        tags={"cost_center": "4711"},
        buckets=["logs", {"name": "out", "cross_account": True}],
        aws_buckets=["agent-updates", "patching"],
        plugins=["plugins.cloudwatch_logs"],
        plugin_config={"plugins.cloudwatch_logs": {"log_group_prefix": "/x"}},
        role_name=None,
    )
    assert args_to_config(args, "us-east-1") == {
        "aws:region": "eu-west-1",
        "ssm-profile:vpcEndpoints": "true",
        "ssm-profile:maxManagedPolicies": "20",
        # tag keys, plugin names and plugin settings are passed as they are
        "ssm-profile:tags": '{"cost_center": "4711"}',
        "ssm-profile:buckets": json.dumps(["logs", {"name": "out", "crossAccount": True}]),
        "ssm-profile:awsBuckets": '["agent-updates", "patching"]',
        "ssm-profile:plugins": '["plugins.cloudwatch_logs"]',
        "ssm-profile:pluginConfig": json.dumps(
            {"plugins.cloudwatch_logs": {"log_group_prefix": "/x"}}
        ),
    }
    assert args_to_config({}, "us-east-1") == {"aws:region": "us-east-1"}


def test_a_value_that_does_not_read_as_its_kind_is_kept_for_load_settings():
    """So that the stack's errors come in load_settings' order, with its messages."""
    raw = {
        "aws:region": "eu-west-1",
        "ssm-profile:protect": "maybe",
        "ssm-profile:mode": "hybrid",
        "ssm-profile:regions": '["eu-west-1", "eu-central-1"]',
    }
    args = args_from_config(raw, "dev")
    assert args == {
        "region": "eu-west-1",
        "mode": "hybrid",
        "protect": "maybe",
        "regions": ["eu-west-1", "eu-central-1"],
    }
    expected = r'^ssm-profile:protect: expected true or false, got "maybe"'
    with pytest.raises(ConfigError, match=expected):
        load_settings(args_to_config(args), "p", "dev")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ({}, "aws:region: is required"),
        ({"aws:region": "eu-west-1", "ssm-profile:rolename": "x"}, "ssm-profile:rolename: unknown"),
    ],
)
def test_the_checks_before_any_key_run_when_reading_a_stack(raw, error):
    with pytest.raises(ConfigError, match=f"^{error}"):
        args_from_config(raw, "dev")


@pytest.mark.parametrize(
    ("args", "key", "fragment"),
    [
        ({"tags": {"a": object()}}, "ssm-profile:tags", "not a plain value"),
        ({"role_name": "a", "roleName": "b"}, "ssm-profile:roleName", "given twice"),
        (
            {"buckets": [{"name": "b", "cross_account": True, "crossAccount": False}]},
            "ssm-profile:buckets",
            "field crossAccount given twice",
        ),
    ],
)
def test_arguments_that_no_stack_file_could_hold_name_their_key(args, key, fragment):
    """Red team: an object was a TypeError without its key; two spellings kept the last."""
    with pytest.raises(ConfigError) as caught:
        args_to_config(args, "us-east-1")
    assert str(caught.value).startswith(f"{key}: ") and fragment in str(caught.value)


def test_an_output_as_an_argument_names_its_key():
    import pulumi

    with pytest.raises(ConfigError, match=r"^ssm-profile:roleName: not a plain value"):
        args_to_config({"role_name": pulumi.Output.from_input("x")}, "us-east-1")
