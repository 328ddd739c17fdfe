"""What plugins contribute reaches the stack: statements join the custom policy, managed
policies and tags reach every resource, checks see the final policies (docs/plugins.md)."""

from __future__ import annotations

import json
import sys

import pytest
from helpers import (
    ATTACHMENT,
    POLICY,
    PROFILE,
    ROLE,
    STATEMENT,
    attached,
    error_of,
    one,
    resources,
    statements,
    statements_plugin,
)

from ssm_profile.cli import main as cli
from ssm_profile.testing import run_plugin


def test_actions_without_resource_level_permissions_may_use_a_wildcard_resource(
    plan_stack, plugin_dir
):
    name = statements_plugin(
        plugin_dir,
        "acme_list",
        json.dumps(
            [
                {
                    "Sid": "List",
                    "Effect": "Allow",
                    "Action": "logs:DescribeLogGroups",
                    "Resource": "*",
                }
            ]
        ),
    )
    assert [s["Sid"] for s in statements(plan_stack({"plugins": [name]}))] == ["List"]


def test_plugin_statement_joins_the_custom_policy_after_the_builtin_ones(plan_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_params", json.dumps([STATEMENT]))
    plan = plan_stack({"vpcEndpoints": True, "plugins": [name]})
    sids = [s["Sid"] for s in statements(plan)]
    assert sids == ["SSMAgentBucketsUsEast2", "AcmeParameters"]
    assert statements(plan)[-1] == STATEMENT


def test_plugin_statement_alone_creates_the_custom_policy(plan_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_only", json.dumps([STATEMENT]))
    plan = plan_stack({"plugins": [name]})
    assert [s["Sid"] for s in statements(plan)] == ["AcmeParameters"]
    assert len(resources(plan, POLICY)) == 1


def test_context_carries_the_stack_facts_and_the_plugins_config(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_context",
        """
        import json
        SEEN = []

        @hookimpl
        def ssm_profile_statements(context):
            SEEN.append(context)
            return []
        """,
    )
    plan_stack(
        {
            "plugins": [name],
            "regions": ["cn-north-1", "cn-northwest-1"],
            "pluginConfig": {name: {"team": "db", "levels": [1, 2]}},
        },
        region="cn-north-1",
    )
    context = sys.modules[name].SEEN[0]
    assert (context.project, context.stack, context.mode) == ("ssm-profile", "test", "ec2")
    assert (context.partition, context.dns_suffix) == ("aws-cn", "amazonaws.com.cn")
    assert (context.account_id, context.region) == ("123456789012", "cn-north-1")
    assert context.regions == ("cn-north-1", "cn-northwest-1")
    assert context.role_name == "SSMInstanceProfile-test"
    assert context.config == {"team": "db", "levels": (1, 2)}
    assert context.arn("logs", "log-group:x:*") == (
        "arn:aws-cn:logs:cn-north-1:123456789012:log-group:x:*"
    )
    assert context.s3_arn("b", "k/*") == "arn:aws-cn:s3:::b/k/*"
    with pytest.raises(TypeError):
        context.config["team"] = "web"  # read-only
    with pytest.raises(AttributeError):
        context.stack = "prod"  # frozen


def test_context_config_is_read_only_all_the_way_down(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_frozen",
        """
        SEEN = []

        @hookimpl
        def ssm_profile_tags(context):
            SEEN.append(context.config)
        """,
    )
    config = {"groups": ["/a", "/b"], "owner": {"team": "db", "ids": [1]}}
    plan_stack({"plugins": [name], "pluginConfig": {name: config}})
    (seen,) = sys.modules[name].SEEN
    assert seen["groups"] == ("/a", "/b") and seen["owner"]["ids"] == (1,)
    with pytest.raises(TypeError):
        seen["owner"]["team"] = "web"
    with pytest.raises(AttributeError):
        seen["groups"].append("/c")  # a tuple
    assert dict(seen) == {"groups": ("/a", "/b"), "owner": seen["owner"]}


def test_context_config_is_empty_without_plugin_config(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_noconfig",
        """
        SEEN = []

        @hookimpl
        def ssm_profile_tags(context):
            SEEN.append(dict(context.config))
        """,
    )
    plan_stack({"plugins": [name]})
    assert sys.modules[name].SEEN == [{}]


def test_plugin_managed_policies_and_tags_reach_every_resource(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_tags",
        """
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["AmazonSSMPatchAssociation"]

        @hookimpl
        def ssm_profile_tags(context):
            return {"cost-center": "42"}
        """,
    )
    plan = plan_stack({"plugins": [name], "buckets": ["acme-out"], "tags": {"env": "dev"}})
    assert "arn:aws:iam::aws:policy/AmazonSSMPatchAssociation" in attached(plan)
    for token in (ROLE, POLICY, PROFILE):
        assert one(plan, token)["inputs"]["tags"] == {"cost-center": "42", "env": "dev"}


def test_plugin_managed_policy_counts_against_the_quota(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_quota",
        """
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["AmazonSSMPatchAssociation"]
        """,
    )
    message = error_of(resolve_stack, {"plugins": [name], "maxManagedPolicies": 1})
    assert message.startswith("ssm-profile:maxManagedPolicies: this stack needs 2")


def test_shuffling_plugins_changes_no_byte_of_the_plan(tmp_path, plugin_dir, capsys):
    a = statements_plugin(plugin_dir, "acme_a", json.dumps([STATEMENT]))
    b = plugin_dir(
        "acme_b",
        """
        @hookimpl
        def ssm_profile_statements(context):
            return [{"Sid": "AcmeB", "Effect": "Deny", "Action": "s3:DeleteObject",
                     "Resource": context.s3_arn("acme-b", "*")}]

        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["AmazonSSMPatchAssociation"]

        @hookimpl
        def ssm_profile_tags(context):
            return {"team": "b"}
        """,
    )
    outputs = []
    for order in ([a, b, "plugins.cloudwatch_logs"], ["plugins.cloudwatch_logs", b, a]):
        (tmp_path / "Pulumi.shuffle.yaml").write_text(
            json.dumps(
                {
                    "config": {
                        "aws:region": "us-east-2",
                        "ssm-profile:managedPolicies": ["AmazonSSMDirectoryServiceAccess"],
                        "ssm-profile:plugins": order,
                        "ssm-profile:pluginConfig": {
                            "plugins.cloudwatch_logs": {"logGroups": ["/acme"]}
                        },
                    }
                }
            )
        )
        assert (
            cli(["plan", "--stack", "shuffle", "--stacks-dir", str(tmp_path), "--format", "json"])
            == 0
        )
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert "AcmeB" in outputs[0] and "CloudWatchLogsWriteNamedGroups" in outputs[0]


def test_a_large_plugin_statement_that_splits_by_resource_still_deploys(plan_stack, plugin_dir):
    resources = [f"arn:aws:ssm:us-east-2:123456789012:parameter/acme/{i:03d}" for i in range(150)]
    name = statements_plugin(
        plugin_dir, "acme_split", json.dumps([{**STATEMENT, "Sid": "Big", "Resource": resources}])
    )
    plan = plan_stack({"plugins": [name]})
    assert [s["Sid"] for s in statements(plan)] == ["Big", "BigPart2"]


def test_bad_tags_and_conflicting_tags(resolve_stack, plugin_dir):
    bad = plugin_dir(
        "acme_badtags",
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"aws:owner": "x"}
        """,
    )
    assert "tag keys beginning with 'aws:' are reserved" in error_of(
        resolve_stack, {"plugins": [bad]}
    )
    clash = plugin_dir(
        "acme_clashtags",
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"env": "prod"}
        """,
    )
    assert error_of(resolve_stack, {"plugins": [clash], "tags": {"env": "dev"}}) == (
        "plugin \"acme_clashtags\" (ssm_profile_tags): tag env='prod' conflicts with "
        "the stack's ssm-profile:tags ('dev')"
    )


def test_managed_policy_of_another_partition(resolve_stack, plugin_dir):
    name = plugin_dir(
        "acme_arn",
        """
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["arn:aws-us-gov:iam::aws:policy/AmazonSSMPatchAssociation"]
        """,
    )
    message = error_of(resolve_stack, {"plugins": [name]})
    assert message.startswith('plugin "acme_arn" (ssm_profile_managed_policies): policy [0]:')
    assert "is in partition aws-us-gov; this stack is in aws" in message


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (
            "AdministratorAccess",
            "arn:aws:iam::aws:policy/AdministratorAccess grants administrator access",
        ),
        (
            "IAMFullAccess",
            "arn:aws:iam::aws:policy/IAMFullAccess grants full access to a whole service",
        ),
        (
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "arn:aws:iam::aws:policy/PowerUserAccess grants every action outside IAM and "
            "Organizations",
        ),
    ],
)
def test_over_broad_managed_policy_from_a_plugin_is_refused(
    resolve_stack, plugin_dir, policy, expected
):
    name = plugin_dir(
        "acme_admin",
        f"""
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["AmazonSSMPatchAssociation", {policy!r}]
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        f'plugin "acme_admin" (ssm_profile_managed_policies): policy [1]: {expected}; an '
        "instance profile must stay least-privilege: attach a narrower AWS managed policy or "
        "grant the actions the instances need in statements"
    )


def test_check_vetoes_from_all_plugins_are_reported_together(resolve_stack, plugin_dir):
    one_ = plugin_dir(
        "acme_veto_a",
        """
        @hookimpl
        def ssm_profile_check(statements, managed_policy_arns):
            return [f"{s['Sid']} writes objects" for s in statements
                    if "s3:PutObject" in s["Action"]]
        """,
    )
    two = plugin_dir(
        "acme_veto_b",
        """
        @hookimpl
        def ssm_profile_check(context, statements, managed_policy_arns):
            return [f"{len(managed_policy_arns)} managed policies in {context.stack}"]
        """,
    )
    message = error_of(resolve_stack, {"plugins": [one_, two], "buckets": ["acme-out"]})
    assert message == (
        "ssm-profile:plugins: ssm_profile_check stopped the deployment: "
        'plugin "acme_veto_a": OwnBucketsReadWrite writes objects; '
        'plugin "acme_veto_b": 1 managed policies in test'
    )


def test_check_that_approves_lets_the_stack_deploy(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_ok",
        """
        @hookimpl
        def ssm_profile_check(statements):
            return []
        """,
    )
    assert len(resources(plan_stack({"plugins": [name]}), ATTACHMENT)) == 1


@pytest.mark.parametrize("name", ["acme_tags", "theme_tags", "the_tags", "thestack"])
def test_a_plugins_tags_reach_the_stack_whatever_its_name(plugin_dir, name):
    """Regression: tag ownership was kept as text and plugins whose name began with "the"
    silently lost their tags."""
    plugin_dir(
        name,
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"team": "platform"}
        """,
    )
    result = run_plugin(name, stack_config={"tags": {"environment": "dev"}})
    assert result.errors == []
    assert dict(result.tags) == {"environment": "dev", "team": "platform"}


def test_a_plugin_tag_that_conflicts_with_the_stacks_own_names_the_stack(plugin_dir):
    plugin_dir(
        "theme_conflict",
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"environment": "prod"}
        """,
    )
    result = run_plugin("theme_conflict", stack_config={"tags": {"environment": "dev"}})
    assert result.errors == [
        "plugin \"theme_conflict\" (ssm_profile_tags): tag environment='prod' conflicts with "
        "the stack's ssm-profile:tags ('dev')"
    ]


def test_a_plugin_tag_key_that_differs_only_in_case_conflicts(plugin_dir):
    """IAM refuses tag keys that differ only in case ("Duplicate tag keys found")."""
    plugin_dir(
        "acme_case",
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"Environment": "dev"}
        """,
    )
    result = run_plugin("acme_case", stack_config={"tags": {"environment": "dev"}})
    assert result.errors == [
        "plugin \"acme_case\" (ssm_profile_tags): tag Environment='dev' conflicts with the "
        "stack's ssm-profile:tags (environment='dev'; IAM's tag keys ignore case)"
    ]
