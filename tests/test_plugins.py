"""The plugin host (SPEC section 5): loading, attribution, validation, merging, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pulumi
import pytest
from helpers import ATTACHMENT, POLICY, PROFILE, REPO, ROLE, attached, one, resources, statements

from ssm_profile.cli import main as cli
from ssm_profile.deploy import program
from ssm_profile.errors import SsmProfileError
from ssm_profile.iam.statement import Statement
from ssm_profile.testing import run_plugin

STATEMENT = {
    "Sid": "AcmeParameters",
    "Effect": "Allow",
    "Action": "ssm:GetParameter",
    "Resource": "arn:aws:ssm:us-east-2:123456789012:parameter/acme/*",
}


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write plugin modules into a folder on sys.path: ``make("name", source)``."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def make(name: str, body: str) -> str:
        (folder / f"{name}.py").write_text(
            "from ssm_profile import hookimpl\n\n" + textwrap.dedent(body)
        )
        sys.modules.pop(name, None)
        return name

    yield make
    for path in folder.glob("*.py"):
        sys.modules.pop(path.stem, None)


def statements_plugin(make, name: str, statements_json: str) -> str:
    return make(
        name,
        f"""
        @hookimpl
        def ssm_profile_statements(context):
            return {statements_json}
        """,
    )


def error_of(plan_stack, config, region="us-east-2") -> str:
    with pytest.raises(SsmProfileError) as caught:
        plan_stack(config, region=region)
    return str(caught.value)


# --- a working plugin -----------------------------------------------------------------------


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


def test_plugin_managed_policy_counts_against_the_quota(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_quota",
        """
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["AmazonSSMPatchAssociation"]
        """,
    )
    message = error_of(plan_stack, {"plugins": [name], "maxManagedPolicies": 1})
    assert message.startswith("ssm-profile:maxManagedPolicies: this stack needs 2")


def test_installed_but_unlisted_plugins_have_no_effect(plan_stack, plugin_dir, fake_dist):
    statements_plugin(plugin_dir, "acme_unlisted", json.dumps([STATEMENT]))
    fake_dist("acme-unlisted", "1.0", {"acme": "acme_unlisted"})
    plan = plan_stack({})
    assert statements(plan) == []
    assert plan.outputs["plugins"] == []


@pytest.fixture
def fake_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a distribution (dist-info only) declaring entry points of group ssm_profile."""
    site = tmp_path / "dists"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(dist: str, version: str, entry_points: dict[str, str]) -> None:
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[ssm_profile]\n{lines}")

    return make


def test_entry_point_name_loads_the_distributions_plugin(plan_stack, plugin_dir, fake_dist):
    statements_plugin(plugin_dir, "acme_ep_module", json.dumps([STATEMENT]))
    fake_dist("acme-ssm-plugins", "2.3.1", {"acme": "acme_ep_module"})
    plan = plan_stack({"plugins": ["acme"]})
    assert [s["Sid"] for s in statements(plan)] == ["AcmeParameters"]
    assert plan.outputs["plugins"] == [
        {
            "hooks": ["ssm_profile_statements"],
            "name": "acme",
            "source": "acme-ssm-plugins 2.3.1 (acme_ep_module)",
            "version": "2.3.1",
        }
    ]


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


def test_plugin_module_outside_the_repo_on_pythonpath_reaches_plan_json(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "outside_plugin.py").write_text(
        "from ssm_profile import hookimpl\n\n@hookimpl\n"
        f"def ssm_profile_statements(context):\n    return [{STATEMENT!r}]\n"
    )
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.ext.yaml").write_text(
        "config:\n  aws:region: us-east-2\n  ssm-profile:plugins: [outside_plugin]\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ssm_profile",
            "plan",
            "--stack",
            "ext",
            "--stacks-dir",
            str(stacks),
            "--format",
            "json",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    policy = next(r for r in json.loads(result.stdout)["resources"] if r["type"] == POLICY)
    assert json.loads(policy["inputs"]["policy"])["Statement"] == [STATEMENT]


# --- malformed plugins: each a clear error naming plugin, hook and statement -----------------


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        ('{"Sid": "X"}', "returned dict; expected a list of statement mappings"),
        ('"s3:GetObject"', "returned str; expected a list of statement mappings"),
        ("[42]", "expected a statement mapping, got int"),
        (
            json.dumps([{**STATEMENT, "Sid": "bad-sid"}]),
            'statement bad-sid: Sid must be 1 to 128 letters and digits, got "bad-sid"',
        ),
        (
            json.dumps([{**STATEMENT, "Action": "*"}]),
            'statement AcmeParameters: the action "*" grants every AWS action',
        ),
        (
            json.dumps([{**STATEMENT, "Action": ["s3:GetObject", "getobject"]}]),
            'statement AcmeParameters: "getobject" is not an action of the form service:Action',
        ),
        (
            json.dumps([{**STATEMENT, "Resource": "arn:aws-cn:s3:::acme/*"}]),
            'statement AcmeParameters: "arn:aws-cn:s3:::acme/*" is in partition aws-cn; '
            "this stack deploys to aws",
        ),
        (
            json.dumps([{**STATEMENT, "Principal": {"AWS": "*"}}]),
            'statement AcmeParameters: unknown key "Principal" '
            "(identity policies have no Principal)",
        ),
        (
            json.dumps([{**STATEMENT, "Effect": "allow"}]),
            'statement AcmeParameters: Effect must be "Allow" or "Deny", got "allow"',
        ),
        (
            json.dumps([{k: v for k, v in STATEMENT.items() if k != "Action"}]),
            "statement AcmeParameters: needs exactly one of Action or NotAction",
        ),
        (
            json.dumps(
                [{**{k: v for k, v in STATEMENT.items() if k != "Action"}, "NotAction": "iam:*"}]
            ),
            "statement AcmeParameters: NotAction/NotResource with Allow grants everything",
        ),
        (
            json.dumps([{**STATEMENT, "Resource": []}]),
            "statement AcmeParameters: Resource must be a string or a non-empty list of strings",
        ),
        (
            json.dumps([{**STATEMENT, "Action": "s3:PutObject", "Resource": "*"}]),
            "statement AcmeParameters: action s3:PutObject supports resource-level permissions; "
            'grant it on specific ARNs, not "*"',
        ),
        (
            json.dumps([{**STATEMENT, "Action": "s3:GetObjekt"}]),
            "statement AcmeParameters: action s3:GetObjekt is unknown: not in parliament's IAM "
            "database; did you mean s3:GetObject?",
        ),
        (
            json.dumps([{**STATEMENT, "Condition": {"StringEquals": "x"}}]),
            'statement AcmeParameters: Condition "StringEquals" must map condition keys to values',
        ),
    ],
)
def test_malformed_statements_name_plugin_hook_and_statement(
    plan_stack, plugin_dir, returned, expected
):
    name = statements_plugin(plugin_dir, "acme_bad", returned)
    message = error_of(plan_stack, {"plugins": [name]})
    assert message.startswith('plugin "acme_bad" (ssm_profile_statements)')
    assert expected in message


GATE = 'plugin "acme_gate" (ssm_profile_statements) statement AcmeParameters: '
STAR_ADVICE = "supports resource-level permissions; grant it on specific ARNs, not"
MANAGES = (
    "manages permissions; an instance role must not change policies, grants or ACLs or pass "
    "roles: remove it"
)


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        pytest.param(
            "iam:*",
            "arn:aws:iam::123456789012:role/x",
            "action iam:* grants every iam action; name the actions explicitly",
            id="service-wide",
        ),
        pytest.param(
            "*:Get*",
            "arn:aws:s3:::acme/*",
            '"*:Get*" has a wildcard in its service prefix; name the service and its actions '
            "(service:Action)",
            id="every-service",
        ),
        pytest.param(
            "s3:GetObject",
            "*",
            f'action s3:GetObject {STAR_ADVICE} "*"',
            id="read-on-star",
        ),
        pytest.param(
            "secretsmanager:GetSecretValue",
            "*",
            f'action secretsmanager:GetSecretValue {STAR_ADVICE} "*"',
            id="secret-on-star",
        ),
        pytest.param(
            "ssm:GetParameter",
            "arn:aws:iam::*:*",
            f'action ssm:GetParameter {STAR_ADVICE} arn:aws:iam::*:* (as broad as "*")',
            id="star-in-disguise",
        ),
        pytest.param(
            "s3:GetObject",
            "arn:aws:s3:::aws-ssm-*/*",
            "resource arn:aws:s3:::aws-ssm-*/* has a wildcard in its bucket name; the guide "
            "forbids wildcards in bucket names and Regions: list each bucket",
            id="wildcard-bucket",
        ),
        pytest.param(
            "s3:GetObject",
            "arn:aws:s3:::*",
            "resource arn:aws:s3:::* has a wildcard in its bucket name; the guide forbids "
            "wildcards in bucket names and Regions: list each bucket; "
            f'action s3:GetObject {STAR_ADVICE} arn:aws:s3:::* (as broad as "*")',
            id="every-bucket",
        ),
        pytest.param(
            "iam:PassRole",
            "arn:aws:iam::123456789012:role/x",
            f"action iam:PassRole {MANAGES}",
            id="pass-role",
        ),
        pytest.param(
            "iam:PutRolePolicy",
            "arn:aws:iam::123456789012:role/x",
            f"action iam:PutRolePolicy {MANAGES}",
            id="put-role-policy",
        ),
        pytest.param(
            "s3:PutBucketPolicy",
            "arn:aws:s3:::acme",
            f"action s3:PutBucketPolicy {MANAGES}",
            id="put-bucket-policy",
        ),
        pytest.param(
            "kms:CreateGrant",
            "arn:aws:kms:us-east-2:123456789012:key/k",
            f"action kms:CreateGrant {MANAGES}",
            id="create-grant",
        ),
        pytest.param(
            "s3:PutObjectAcl",
            "arn:aws:s3:::acme/*",
            f"action s3:PutObjectAcl {MANAGES}",
            id="put-object-acl",
        ),
    ],
)
def test_the_least_privilege_gate_refuses_broad_allow_statements(
    plan_stack, plugin_dir, action, resource, expected
):
    name = statements_plugin(
        plugin_dir, "acme_gate", json.dumps([{**STATEMENT, "Action": action, "Resource": resource}])
    )
    assert error_of(plan_stack, {"plugins": [name]}) == GATE + expected


def test_the_gate_lets_broad_deny_statements_through(plan_stack, plugin_dir):
    deny = [
        {**STATEMENT, "Sid": f"Deny{i}", "Effect": "Deny", "Action": a, "Resource": r}
        for i, (a, r) in enumerate(
            [("iam:*", "*"), ("s3:GetObject", "arn:aws:s3:::aws-ssm-*/*"), ("iam:PassRole", "*")]
        )
    ]
    name = statements_plugin(plugin_dir, "acme_deny", json.dumps(deny))
    assert [s["Sid"] for s in statements(plan_stack({"plugins": [name]}))] == [
        "Deny0",
        "Deny1",
        "Deny2",
    ]


BAD = 'plugin "acme_bad" (ssm_profile_statements) statement AcmeParameters: '
OPERATORS_HINT = (
    "is not an IAM condition operator (StringEquals, ArnLike, Bool, Null, ...; optionally with "
    "a ForAnyValue: or ForAllValues: prefix and an IfExists suffix)"
)
INCOMPLETE_ARN = (
    "is not a complete ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, with a service and "
    "a resource (build ARNs with context.arn())"
)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        pytest.param(
            '{"Bogus": {"a": "b"}}', f'Condition operator "Bogus" {OPERATORS_HINT}', id="bogus"
        ),
        pytest.param(
            '{"StringEqual": {"a": "b"}}',
            f'Condition operator "StringEqual" {OPERATORS_HINT}; did you mean StringEquals?',
            id="misspelt",
        ),
        pytest.param(
            '{"ForSomeValues:StringEquals": {"a": "b"}}',
            'Condition operator "ForSomeValues:StringEquals" has an unknown prefix '
            '"ForSomeValues:"; IAM\'s set operators are ForAnyValue: and ForAllValues:',
            id="bad-set-prefix",
        ),
        pytest.param(
            '{"NullIfExists": {"a": "true"}}',
            'Condition operator "NullIfExists": Null takes no IfExists suffix',
            id="null-if-exists",
        ),
        pytest.param(
            '{"StringEquals": {"a": []}}',
            "Condition StringEquals.a has an empty list of values; give at least one value",
            id="empty-values",
        ),
        pytest.param(
            '{"NumericLessThan": {"a": float("nan")}}',
            "Condition NumericLessThan.a: NaN is not a finite number",
            id="nan",
        ),
        pytest.param(
            '{"NumericLessThan": {"a": [1, float("inf")]}}',
            "Condition NumericLessThan.a: Infinity is not a finite number",
            id="infinity",
        ),
        pytest.param(
            '{"StringEquals": {"": "b"}}',
            'Condition StringEquals has a key ""; condition keys are non-empty strings',
            id="empty-key",
        ),
        pytest.param(
            '{"StringEquals": {"a": [["b"]]}}',
            "Condition StringEquals.a must be a string, number, boolean or a non-empty list of "
            'them, got ["b"]',
            id="nested-list",
        ),
    ],
)
def test_bad_conditions_are_refused(plan_stack, plugin_dir, condition, expected):
    name = plugin_dir(
        "acme_bad",
        f"""
        @hookimpl
        def ssm_profile_statements(context):
            return [{{**{STATEMENT!r}, "Condition": {condition}}}]
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == BAD + expected


def test_iam_condition_operators_with_set_prefixes_and_if_exists_are_accepted(
    plan_stack, plugin_dir
):
    condition = {
        "ForAllValues:StringEqualsIfExists": {"aws:TagKeys": ["team"]},
        "ForAnyValue:StringLike": {"aws:PrincipalTag/team": ["a*", "b*"]},
        "NumericLessThanEquals": {"ssm:x": 3},
        "BoolIfExists": {"aws:SecureTransport": True},
        "Null": {"aws:ResourceTag/team": "false"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ssm:us-east-2:123456789012:*"},
    }
    name = statements_plugin(plugin_dir, "acme_cond", repr([{**STATEMENT, "Condition": condition}]))
    (statement,) = statements(plan_stack({"plugins": [name]}))
    assert statement["Condition"] == condition


@pytest.mark.parametrize(
    "resource", ["arn:aws:s3:", "arn:aws:s3:::", "arn:aws::::acme", "arn::s3:::acme"]
)
def test_incomplete_arns_are_refused(plan_stack, plugin_dir, resource):
    name = statements_plugin(
        plugin_dir, "acme_bad", json.dumps([{**STATEMENT, "Resource": resource}])
    )
    assert error_of(plan_stack, {"plugins": [name]}) == BAD + f'"{resource}" {INCOMPLETE_ARN}'


def test_condition_operators_are_the_ones_parliament_knows():
    from ssm_profile.iam.actions import import_parliament
    from ssm_profile.iam.parse import CONDITION_OPERATORS

    import_parliament()
    from parliament.statement import OPERATORS

    assert sorted(CONDITION_OPERATORS) == sorted(OPERATORS)


def test_a_plugin_that_raises_is_named(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_raises",
        """
        @hookimpl
        def ssm_profile_statements(context):
            raise ValueError("logGroups is required")
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_raises" (ssm_profile_statements): raised ValueError: logGroups is required'
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        pytest.param("{1: 'b'}", "tags: tag key 1 is int; tag keys are strings", id="int-key"),
        pytest.param(
            "{('a',): 'b'}", "tags: tag key ('a',) is tuple; tag keys are strings", id="tuple-key"
        ),
        pytest.param("{'a': {1}}", 'tags.a: tag values must be strings, got "{1}"', id="set-value"),
    ],
)
def test_malformed_plugin_tags_are_named_not_a_traceback(plan_stack, plugin_dir, tags, expected):
    name = plugin_dir(
        "acme_tagkey",
        f"""
        @hookimpl
        def ssm_profile_tags(context):
            return {tags}
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        f'plugin "acme_tagkey" (ssm_profile_tags): {expected}'
    )


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        pytest.param("raise SystemExit(3)", "raised SystemExit: 3", id="system-exit"),
        pytest.param("import sys; sys.exit()", "raised SystemExit", id="sys-exit-no-message"),
        pytest.param(
            "raise GeneratorExit('closed')", "raised GeneratorExit: closed", id="generator-exit"
        ),
        pytest.param(
            "raise type('Stop', (BaseException,), {})('halt')",
            "raised Stop: halt",
            id="base-exception-subclass",
        ),
    ],
)
def test_a_plugin_raising_a_base_exception_is_named(plan_stack, plugin_dir, statement, expected):
    name = plugin_dir(
        "acme_exits",
        f"""
        @hookimpl
        def ssm_profile_statements(context):
            {statement}
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        f'plugin "acme_exits" (ssm_profile_statements): {expected}'
    )


def test_keyboard_interrupt_in_a_plugin_still_interrupts(plugin_dir):
    name = plugin_dir(
        "acme_ctrl_c",
        """
        @hookimpl
        def ssm_profile_tags(context):
            raise KeyboardInterrupt
        """,
    )
    with pytest.raises(KeyboardInterrupt):
        run_plugin(name)  # the host without the Pulumi runtime: Ctrl-C is not a plugin error


def test_a_plugin_exiting_at_import_time_is_named(plan_stack, plugin_dir):
    name = plugin_dir("acme_exit_import", "raise SystemExit('not here')\n")
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_exit_import": cannot be imported: SystemExit: not here'
    )


def test_a_multi_line_exception_message_stays_one_line(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_lines",
        r"""
        @hookimpl
        def ssm_profile_statements(context):
            raise ValueError("logGroups is required:\n  set it in\r\n pluginConfig  ")
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_lines" (ssm_profile_statements): raised ValueError: logGroups is required: '
        "set it in pluginConfig"
    )


def test_a_multi_line_check_problem_stays_one_line(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_veto_lines",
        r"""
        @hookimpl
        def ssm_profile_check(statements):
            return ["first line\nsecond line", "third\u2028fourth"]
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        "ssm-profile:plugins: ssm_profile_check stopped the deployment: "
        'plugin "acme_veto_lines": first line second line; plugin "acme_veto_lines": third fourth'
    )


def test_a_sid_with_a_line_break_stays_one_line(plan_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_bad", json.dumps([{**STATEMENT, "Sid": "Bad\nSid"}]))
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_bad" (ssm_profile_statements) statement Bad Sid: Sid must be 1 to 128 '
        'letters and digits, got "Bad\\nSid"'
    )


def test_cli_prints_a_plugins_system_exit_as_one_error_line(tmp_path, plugin_dir, capsys):
    name = plugin_dir(
        "acme_cli_exit",
        r"""
        @hookimpl
        def ssm_profile_check(statements):
            raise SystemExit("stop\nnow")
        """,
    )
    (tmp_path / "Pulumi.x.yaml").write_text(
        f"config:\n  aws:region: us-east-1\n  ssm-profile:plugins: [{name}]\n"
    )
    assert cli(["plan", "--stack", "x", "--stacks-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        'error: plugin "acme_cli_exit" (ssm_profile_check): raised SystemExit: stop now\n'
    )


def test_a_statement_too_large_for_one_policy_names_plugin_hook_and_sid(plan_stack, plugin_dir):
    resource = "arn:aws:ssm:us-east-2:123456789012:parameter/" + "p" * 7000
    name = statements_plugin(
        plugin_dir, "acme_big", json.dumps([{**STATEMENT, "Sid": "Big", "Resource": resource}])
    )
    size = Statement("Big", actions=("ssm:GetParameter",), resources=(resource,)).size
    assert error_of(plan_stack, {"plugins": [name]}) == (
        f'plugin "acme_big" (ssm_profile_statements) statement Big: is {size} characters; it '
        "cannot fit in one managed policy (6144 characters) and cannot be split, as it has a "
        "single resource: shorten it or return several smaller statements"
    )


def test_a_statement_whose_split_parts_are_too_large_names_plugin_hook_and_sid(
    plan_stack, plugin_dir
):
    resources = [f"arn:aws:ssm:us-east-2:123456789012:parameter/acme/{i}" for i in range(2)]
    condition = {
        "StringEquals": {"aws:PrincipalTag/team": [f"team-{i:04d}" * 5 for i in range(130)]}
    }
    statement = {**STATEMENT, "Sid": "Big", "Resource": resources, "Condition": condition}
    name = statements_plugin(plugin_dir, "acme_big", json.dumps([statement]))
    message = error_of(plan_stack, {"plugins": [name]})
    big = Statement("Big", ("ssm:GetParameter",), tuple(resources), condition=condition)
    part = Statement("Big", ("ssm:GetParameter",), tuple(resources[:1]), condition=condition)
    assert message == (
        f'plugin "acme_big" (ssm_profile_statements) statement Big: is {big.size} characters; '
        "it cannot fit in one managed policy (6144 characters), and split by resource its part "
        f"with {resources[0]} alone is still {part.size} characters: shorten its actions or "
        "Condition"
    )


def test_a_large_plugin_statement_that_splits_by_resource_still_deploys(plan_stack, plugin_dir):
    resources = [f"arn:aws:ssm:us-east-2:123456789012:parameter/acme/{i:03d}" for i in range(150)]
    name = statements_plugin(
        plugin_dir, "acme_split", json.dumps([{**STATEMENT, "Sid": "Big", "Resource": resources}])
    )
    plan = plan_stack({"plugins": [name]})
    assert [s["Sid"] for s in statements(plan)] == ["Big", "BigPart2"]


def test_duplicate_sid_between_two_plugins_names_both(plan_stack, plugin_dir):
    a = statements_plugin(plugin_dir, "acme_dup_a", json.dumps([STATEMENT]))
    b = statements_plugin(plugin_dir, "acme_dup_b", json.dumps([STATEMENT]))
    for order in ([a, b], [b, a]):
        message = error_of(plan_stack, {"plugins": order})
        assert (
            'Sid AcmeParameters is returned by plugin "acme_dup_a" and plugin "acme_dup_b"'
            in message
        )
        assert "statement AcmeParameters" in message


def test_duplicate_sid_within_one_plugin(plan_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_dup_self", json.dumps([STATEMENT, STATEMENT]))
    assert 'Sid AcmeParameters is returned by plugin "acme_dup_self"' in error_of(
        plan_stack, {"plugins": [name]}
    )


def test_sid_clash_with_a_builtin_statement(plan_stack, plugin_dir):
    name = statements_plugin(
        plugin_dir, "acme_builtin", json.dumps([{**STATEMENT, "Sid": "OwnBucketsReadWrite"}])
    )
    assert error_of(plan_stack, {"plugins": [name], "buckets": ["acme-out"]}) == (
        'plugin "acme_builtin" (ssm_profile_statements) statement OwnBucketsReadWrite: '
        "Sid OwnBucketsReadWrite is already used by a built-in statement"
    )


def test_unknown_hook_name_is_named_with_a_suggestion(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_typo",
        """
        @hookimpl
        def ssm_profile_statement(context):
            return []
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_typo" (ssm_profile_statement): unknown hook; '
        "did you mean ssm_profile_statements?"
    )


ORDER = "plugins are called one by one in the order of ssm-profile:plugins; remove it"


@pytest.mark.parametrize(
    ("decorator", "expected"),
    [
        pytest.param(
            "@hookimpl(tryfirst=True)",
            f"@hookimpl(tryfirst=True) is not supported: {ORDER}",
            id="tryfirst",
        ),
        pytest.param(
            "@hookimpl(trylast=True)",
            f"@hookimpl(trylast=True) is not supported: {ORDER}",
            id="trylast",
        ),
        pytest.param(
            "@hookimpl(optionalhook=True)",
            "@hookimpl(optionalhook=True) is not supported: every hook must be one of "
            "ssm-profile's hooks (an unknown name is an error); remove it",
            id="optionalhook",
        ),
        pytest.param(
            "@hookimpl(wrapper=True)",
            "@hookimpl(wrapper=True) is not supported: the host calls each implementation "
            "itself, so there is nothing to wrap; remove it",
            id="wrapper",
        ),
        pytest.param(
            "@hookimpl(hookwrapper=True)",
            "@hookimpl(hookwrapper=True) is not supported: the host calls each implementation "
            "itself, so there is nothing to wrap; remove it",
            id="hookwrapper",
        ),
    ],
)
def test_hookimpl_options_are_refused_naming_plugin_and_hook(
    plan_stack, plugin_dir, decorator, expected
):
    name = plugin_dir(
        "acme_opts",
        f"""
        {decorator}
        def ssm_profile_tags(context):
            return {{"team": "a"}}
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        f'plugin "acme_opts" (ssm_profile_tags): {expected}'
    )


def test_hookimpl_specname_pointing_elsewhere_is_refused(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_specname",
        """
        @hookimpl(specname="ssm_profile_tags")
        def team_tags(context):
            return {"team": "a"}
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_specname" (ssm_profile_tags): @hookimpl(specname=...) is not supported: '
        "name the function ssm_profile_tags instead of team_tags"
    )


def test_hookimpl_specname_equal_to_the_function_name_is_harmless(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_same_specname",
        """
        @hookimpl(specname="ssm_profile_tags")
        def ssm_profile_tags(context):
            return {"team": "a"}
        """,
    )
    assert one(plan_stack({"plugins": [name]}), ROLE)["inputs"]["tags"] == {"team": "a"}


def test_hook_argument_mismatch_is_named(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_args",
        """
        @hookimpl
        def ssm_profile_tags(context, settings):
            return {}
        """,
    )
    message = error_of(plan_stack, {"plugins": [name]})
    assert message.startswith('plugin "acme_args" (ssm_profile_tags): takes argument(s) settings')


def test_undecorated_hook_is_reported(plan_stack, plugin_dir):
    name = plugin_dir("acme_plain", "def ssm_profile_tags(context):\n    return {}\n")
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_plain" (ssm_profile_tags): is not decorated with @ssm_profile.hookimpl'
    )


def test_missing_plugin_is_reported(plan_stack):
    message = error_of(plan_stack, {"plugins": ["acme_nowhere"]})
    assert message.startswith('plugin "acme_nowhere": no entry point of group')


def test_plugin_import_error_is_reported(plan_stack, plugin_dir):
    name = plugin_dir("acme_broken", "import acme_dependency_that_is_missing\n")
    assert error_of(plan_stack, {"plugins": [name]}) == (
        'plugin "acme_broken": cannot be imported: No module named '
        "'acme_dependency_that_is_missing'"
    )


def test_bad_tags_and_conflicting_tags(plan_stack, plugin_dir):
    bad = plugin_dir(
        "acme_badtags",
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"aws:owner": "x"}
        """,
    )
    assert "tag keys beginning with 'aws:' are reserved" in error_of(plan_stack, {"plugins": [bad]})
    clash = plugin_dir(
        "acme_clashtags",
        """
        @hookimpl
        def ssm_profile_tags(context):
            return {"env": "prod"}
        """,
    )
    assert error_of(plan_stack, {"plugins": [clash], "tags": {"env": "dev"}}) == (
        "plugin \"acme_clashtags\" (ssm_profile_tags): tag env='prod' conflicts with "
        "the stack's ssm-profile:tags ('dev')"
    )


def test_managed_policy_of_another_partition(plan_stack, plugin_dir):
    name = plugin_dir(
        "acme_arn",
        """
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["arn:aws-us-gov:iam::aws:policy/AmazonSSMPatchAssociation"]
        """,
    )
    message = error_of(plan_stack, {"plugins": [name]})
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
    plan_stack, plugin_dir, policy, expected
):
    name = plugin_dir(
        "acme_admin",
        f"""
        @hookimpl
        def ssm_profile_managed_policies(context):
            return ["AmazonSSMPatchAssociation", {policy!r}]
        """,
    )
    assert error_of(plan_stack, {"plugins": [name]}) == (
        f'plugin "acme_admin" (ssm_profile_managed_policies): policy [1]: {expected}; an '
        "instance profile must stay least-privilege: attach a narrower AWS managed policy or "
        "grant the actions the instances need in statements"
    )


def test_check_vetoes_from_all_plugins_are_reported_together(plan_stack, plugin_dir):
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
    message = error_of(plan_stack, {"plugins": [one_, two], "buckets": ["acme-out"]})
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


# --- the pulumi up path and the CLI -----------------------------------------------------------


def test_plugin_error_under_pulumi_up_registers_nothing(mocked, plugin_dir):
    """program.run() is what __main__.py runs under `pulumi up`."""
    _, monitor = mocked
    name = statements_plugin(plugin_dir, "acme_up", json.dumps([{**STATEMENT, "Action": "*"}]))
    pulumi.runtime.set_all_config(
        {"aws:region": "eu-west-1", "ssm-profile:plugins": json.dumps([name])}
    )
    with pytest.raises(pulumi.RunError) as caught:
        program.run()
    assert str(caught.value).startswith('plugin "acme_up" (ssm_profile_statements) statement')
    assert monitor.registrations == []


def test_plugins_command_lists_enabled_plugins_as_json(capsys):
    assert cli(["plugins", "--stack", "prod", "--stacks-dir", str(REPO / "stacks")]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "name": "plugins.session_manager",
            "source": "module plugins.session_manager",
            "version": "1.0.0",
            "hooks": ["ssm_profile_statements"],
        },
        {
            "name": "plugins.cloudwatch_logs",
            "source": "module plugins.cloudwatch_logs",
            "version": "1.0.0",
            "hooks": ["ssm_profile_statements", "ssm_profile_check"],
        },
    ]


def test_plugins_command_reports_a_broken_plugin(tmp_path, capsys):
    (tmp_path / "Pulumi.x.yaml").write_text(
        "config:\n  aws:region: us-east-1\n  ssm-profile:plugins: [acme_nowhere]\n"
    )
    assert cli(["plugins", "--stack", "x", "--stacks-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: plugin "acme_nowhere": no entry point') and err.count("\n") == 1
