"""Plugin statements are validated and gated: malformed or broad ones are refused with one
line naming the plugin, the hook and the statement (docs/plugins.md, docs/guardrails.md)."""

from __future__ import annotations

import json
import re

import pytest
from helpers import (
    STATEMENT,
    error_of,
    statements,
    statements_plugin,
    write_stack,
)

from ssm_profile.cli import main as cli
from ssm_profile.iam.statement import Statement


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
            json.dumps([{**STATEMENT, "Action": "IAM:createAccessKey"}]),
            'statement AcmeParameters: "IAM:createAccessKey": write the service prefix in '
            'lowercase, "iam:createAccessKey"',
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
        (  # red team: 10**5000 crashed the size count
            json.dumps(
                [{**STATEMENT, "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 2**64}}}]
            ),
            "statement AcmeParameters: Condition NumericLessThan.aws:MultiFactorAuthAge: a whole "
            "number beyond 64 bits",
        ),
        # what IAM's API models refuse (tests/test_api_models.py found these classes)
        (
            json.dumps([{**STATEMENT, "Sid": "Acme\n"}]),
            'Sid must be 1 to 128 letters and digits, got "Acme\\n"',
        ),
        (
            json.dumps([{**STATEMENT, "Action": "ssm:GetParameter\n"}]),
            'statement AcmeParameters: "ssm:GetParameter\\n" is not an action of the form '
            "service:Action",
        ),
        (
            json.dumps([{**STATEMENT, "Resource": "arn:aws:s3:::acme/日本/*"}]),
            'statement AcmeParameters: Resource "arn:aws:s3:::acme/日本/*" has the character '
            "U+65E5 at position 18; IAM policies hold only printable Latin-1",
        ),
        (
            json.dumps(
                [{**STATEMENT, "Condition": {"StringEquals": {"aws:SourceVpc": "a\u2028"}}}]
            ),
            'statement AcmeParameters: Condition StringEquals.aws:SourceVpc: "a\\u2028" has the '
            "character U+2028 at position 1",
        ),
    ],
)
def test_malformed_statements_name_plugin_hook_and_statement(
    resolve_stack, plugin_dir, returned, expected
):
    name = statements_plugin(plugin_dir, "acme_bad", returned)
    message = error_of(resolve_stack, {"plugins": [name]})
    assert message.startswith('plugin "acme_bad" (ssm_profile_statements)')
    assert expected in message


GATE = 'plugin "acme_gate" (ssm_profile_statements) statement AcmeParameters: '


STAR_ADVICE = "supports resource-level permissions; grant it on specific ARNs, not"
HINT = (
    "; if this is intended, accept it in ssm-profile:acceptFindings with the Sid, the finding "
    "code and a reason (docs/guardrails.md)"
)


MANAGES = (
    "manages permissions; an instance role must not change policies, grants or ACLs or pass "
    "roles: remove it"
)


@pytest.mark.parametrize(
    ("action", "resource", "expected"),
    [
        pytest.param(
            "ec2messages:*",
            "*",
            "action ec2messages:* grants every ec2messages action; name the actions explicitly "
            f"[SERVICE_WIDE_ACTION]{HINT}",
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
            f'action s3:GetObject {STAR_ADVICE} "*" [RESOURCE_WILDCARD]; s3:GetObject on "*" '
            "reaches every bucket; the guide forbids wildcards in bucket names: list each bucket "
            "[BUCKET_WILDCARD]",  # and no hint: that one cannot be accepted
            id="read-on-star",
        ),
        pytest.param(
            "secretsmanager:GetSecretValue",
            "*",
            f'action secretsmanager:GetSecretValue {STAR_ADVICE} "*" [RESOURCE_WILDCARD]{HINT}',
            id="secret-on-star",
        ),
        pytest.param(
            "ssm:GetParameter",
            "arn:aws:iam::*:*",
            f'action ssm:GetParameter {STAR_ADVICE} arn:aws:iam::*:* (as broad as "*") '
            f"[RESOURCE_WILDCARD]{HINT}",
            id="star-in-disguise",
        ),
        pytest.param(
            "s3:GetObject",
            "arn:aws:s3:::aws-ssm-*/*",
            "resource arn:aws:s3:::aws-ssm-*/* has a wildcard in its bucket name; the guide "
            "forbids wildcards in bucket names and Regions: list each bucket [BUCKET_WILDCARD]",
            id="wildcard-bucket",
        ),
        pytest.param(
            "s3:GetObject",
            "arn:aws:s3:::*",
            "resource arn:aws:s3:::* has a wildcard in its bucket name; the guide forbids "
            "wildcards in bucket names and Regions: list each bucket [BUCKET_WILDCARD]; "
            f'action s3:GetObject {STAR_ADVICE} arn:aws:s3:::* (as broad as "*") '
            "[RESOURCE_WILDCARD]",
            id="every-bucket",
        ),
        pytest.param(
            "iam:PassRole",
            "arn:aws:iam::123456789012:role/x",
            f"action iam:PassRole {MANAGES} [PERMISSIONS_MANAGEMENT]{HINT}",
            id="pass-role",
        ),
        pytest.param(
            "iam:PutRolePolicy",
            "arn:aws:iam::123456789012:role/x",
            f"action iam:PutRolePolicy {MANAGES} [PERMISSIONS_MANAGEMENT]{HINT}",
            id="put-role-policy",
        ),
        pytest.param(
            "s3:PutBucketPolicy",
            "arn:aws:s3:::acme",
            f"action s3:PutBucketPolicy {MANAGES} [PERMISSIONS_MANAGEMENT]{HINT}",
            id="put-bucket-policy",
        ),
        pytest.param(
            "kms:CreateGrant",
            "arn:aws:kms:us-east-2:123456789012:key/k",
            f"action kms:CreateGrant {MANAGES} [PERMISSIONS_MANAGEMENT]{HINT}",
            id="create-grant",
        ),
        pytest.param(
            "s3:PutObjectAcl",
            "arn:aws:s3:::acme/*",
            f"action s3:PutObjectAcl {MANAGES} [PERMISSIONS_MANAGEMENT]{HINT}",
            id="put-object-acl",
        ),
    ],
)
def test_the_least_privilege_gate_refuses_broad_allow_statements(
    resolve_stack, plugin_dir, action, resource, expected
):
    name = statements_plugin(
        plugin_dir, "acme_gate", json.dumps([{**STATEMENT, "Action": action, "Resource": resource}])
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == GATE + expected


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
def test_bad_conditions_are_refused(resolve_stack, plugin_dir, condition, expected):
    name = plugin_dir(
        "acme_bad",
        f"""
        @hookimpl
        def ssm_profile_statements(context):
            return [{{**{STATEMENT!r}, "Condition": {condition}}}]
        """,
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == BAD + expected


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
def test_incomplete_arns_are_refused(resolve_stack, plugin_dir, resource):
    name = statements_plugin(
        plugin_dir, "acme_bad", json.dumps([{**STATEMENT, "Resource": resource}])
    )
    assert error_of(resolve_stack, {"plugins": [name]}) == BAD + f'"{resource}" {INCOMPLETE_ARN}'


def test_condition_operators_are_the_ones_parliament_knows():
    from ssm_profile.iam.actiondata import import_parliament
    from ssm_profile.iam.parse import CONDITION_OPERATORS

    import_parliament()
    from parliament.statement import OPERATORS

    assert sorted(CONDITION_OPERATORS) == sorted(OPERATORS)


def test_a_statement_too_large_for_one_policy_names_plugin_hook_and_sid(resolve_stack, plugin_dir):
    resource = "arn:aws:ssm:us-east-2:123456789012:parameter/" + "p" * 7000
    name = statements_plugin(
        plugin_dir, "acme_big", json.dumps([{**STATEMENT, "Sid": "Big", "Resource": resource}])
    )
    size = Statement("Big", actions=("ssm:GetParameter",), resources=(resource,)).size
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        f'plugin "acme_big" (ssm_profile_statements) statement Big: is {size} characters; it '
        "cannot fit in one managed policy (6144 characters) and cannot be split, as it has a "
        "single resource: shorten it or return several smaller statements"
    )


def test_a_statement_whose_split_parts_are_too_large_names_plugin_hook_and_sid(
    resolve_stack, plugin_dir
):
    resources = [f"arn:aws:ssm:us-east-2:123456789012:parameter/acme/{i}" for i in range(2)]
    condition = {
        "StringEquals": {"aws:PrincipalTag/team": [f"team-{i:04d}" * 5 for i in range(130)]}
    }
    statement = {**STATEMENT, "Sid": "Big", "Resource": resources, "Condition": condition}
    name = statements_plugin(plugin_dir, "acme_big", json.dumps([statement]))
    message = error_of(resolve_stack, {"plugins": [name]})
    big = Statement("Big", ("ssm:GetParameter",), tuple(resources), condition=condition)
    part = Statement("Big", ("ssm:GetParameter",), tuple(resources[:1]), condition=condition)
    assert message == (
        f'plugin "acme_big" (ssm_profile_statements) statement Big: is {big.size} characters; '
        "it cannot fit in one managed policy (6144 characters), and split by resource its part "
        f"with {resources[0]} alone is still {part.size} characters: shorten its actions or "
        "Condition"
    )


def test_duplicate_sid_between_two_plugins_names_both(resolve_stack, plugin_dir):
    a = statements_plugin(plugin_dir, "acme_dup_a", json.dumps([STATEMENT]))
    b = statements_plugin(plugin_dir, "acme_dup_b", json.dumps([STATEMENT]))
    for order in ([a, b], [b, a]):
        message = error_of(resolve_stack, {"plugins": order})
        assert (
            'Sid AcmeParameters is returned by plugin "acme_dup_a" and plugin "acme_dup_b"'
            in message
        )
        assert "statement AcmeParameters" in message


def test_duplicate_sid_within_one_plugin(resolve_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_dup_self", json.dumps([STATEMENT, STATEMENT]))
    assert 'Sid AcmeParameters is returned by plugin "acme_dup_self"' in error_of(
        resolve_stack, {"plugins": [name]}
    )


def test_sid_clash_with_a_builtin_statement(resolve_stack, plugin_dir):
    name = statements_plugin(
        plugin_dir, "acme_builtin", json.dumps([{**STATEMENT, "Sid": "OwnBucketsReadWrite"}])
    )
    assert error_of(resolve_stack, {"plugins": [name], "buckets": ["acme-out"]}) == (
        'plugin "acme_builtin" (ssm_profile_statements) statement OwnBucketsReadWrite: '
        "Sid OwnBucketsReadWrite is already used by a built-in statement"
    )


def test_a_sid_with_a_line_break_stays_one_line(resolve_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_bad", json.dumps([{**STATEMENT, "Sid": "Bad\nSid"}]))
    assert error_of(resolve_stack, {"plugins": [name]}) == (
        'plugin "acme_bad" (ssm_profile_statements) statement Bad Sid: Sid must be 1 to 128 '
        'letters and digits, got "Bad\\nSid"'
    )


# The escalation paths a hostile plugin used to get through with exit 0 (issue: trust).
ESCALATIONS = [
    pytest.param(
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:*:*:secret:*",
        ["REGION_WILDCARD", "ACCOUNT_WILDCARD", "RESOURCE_ID_WILDCARD"],
        id="every-secret",
    ),
    pytest.param(
        "kms:Decrypt",
        "arn:aws:kms:*:*:key/*",
        ["REGION_WILDCARD", "ACCOUNT_WILDCARD", "RESOURCE_ID_WILDCARD"],
        id="every-key",
    ),
    pytest.param(
        "sts:AssumeRole",
        "arn:aws:iam::*:role/*",
        ["CREDENTIALS_EXPOSURE", "ACCOUNT_WILDCARD", "RESOURCE_ID_WILDCARD"],
        id="assume-any-role",
    ),
    pytest.param(
        "iam:CreateAccessKey",
        "arn:aws:iam::123456789012:user/*",
        ["PRIVILEGE_ESCALATION", "CREDENTIALS_EXPOSURE", "RESOURCE_ID_WILDCARD"],
        id="access-keys",
    ),
    pytest.param(
        "lambda:UpdateFunctionCode",
        "arn:aws:lambda:us-east-2:123456789012:function:*",
        ["PRIVILEGE_ESCALATION", "RESOURCE_ID_WILDCARD"],
        id="lambda-code",
    ),
    pytest.param(
        "sts:AssumeRole",
        "arn:aws:iam::123456789012:role/Deploy",
        ["CREDENTIALS_EXPOSURE"],
        id="assume-one-role",
    ),
    pytest.param(
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-2:123456789012:log-group:*",
        ["RESOURCE_ID_WILDCARD"],
        id="every-log-group",
    ),
    pytest.param(
        "ssm:GetParameter",
        "arn:aws:ssm:us-east-2:123456789012:parameter/*",
        ["RESOURCE_ID_WILDCARD"],
        id="every-parameter",
    ),
    pytest.param(
        "ssm:GetParameter",
        "arn:aws:ssm:*:123456789012:parameter/acme/*",
        ["REGION_WILDCARD"],
        id="any-region",
    ),
    pytest.param(  # a prefix of fewer than 3 chosen characters names nearly every key
        "kms:Decrypt",
        "arn:aws:kms:us-east-2:123456789012:key/a*",
        ["RESOURCE_ID_WILDCARD"],
        id="short-prefix",
    ),
    pytest.param(  # nobody chooses an instance id: any wildcard in one spans them all
        "ec2:StopInstances",
        "arn:aws:ec2:us-east-2:123456789012:instance/i-0abc*",
        ["RESOURCE_ID_WILDCARD"],
        id="assigned-id",
    ),
    pytest.param(
        "logs:PutLogEvents",
        "arn:aws:logs:us-east-2:123456789012:log-group:?*",
        ["RESOURCE_ID_WILDCARD"],
        id="one-character-wildcard",
    ),
    pytest.param(
        ["iam:PassRole", "ec2:RunInstances"],
        "arn:aws:iam::123456789012:role/Worker",
        ["PERMISSIONS_MANAGEMENT", "PRIVILEGE_ESCALATION"],
        id="pass-role-and-run",
    ),
]


@pytest.mark.parametrize(("action", "resource", "codes"), ESCALATIONS)
def test_escalation_paths_are_refused_naming_each_finding(
    resolve_stack, plugin_dir, action, resource, codes
):
    statement = {**STATEMENT, "Action": action, "Resource": resource}
    name = statements_plugin(plugin_dir, "acme_escalate", json.dumps([statement]))
    message = error_of(resolve_stack, {"plugins": [name]})
    assert message.startswith('plugin "acme_escalate" (ssm_profile_statements) statement ')
    assert re.findall(r"\[([A-Z_]+)\]", message) == codes
    assert message.endswith(HINT) and "\n" not in message


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        pytest.param("s3:GetObject", "arn:aws:s3:::acme-data/*", id="one-buckets-objects"),
        pytest.param("s3:GetObject", "arn:aws:s3:::acme-data/reports/*", id="a-prefix"),
        pytest.param(
            ["ssm:GetParameter", "ssm:GetParameters"],
            "arn:aws:ssm:us-east-2:123456789012:parameter/acme/*",
            id="a-parameter-path",
        ),
        pytest.param(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            "arn:aws:logs:us-east-2:123456789012:log-group:/acme/app:*",
            id="a-log-groups-streams",
        ),
        pytest.param(
            "logs:CreateLogStream",
            "arn:aws:logs:us-east-2:123456789012:log-group:/acme/app:log-stream:*",
            id="streams-of-one-group",
        ),
        pytest.param(
            "kms:Decrypt", "arn:aws:kms:us-east-2:123456789012:key/1234abcd", id="one-key"
        ),
        pytest.param(
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-east-2:123456789012:secret:acme/db-*",
            id="secrets-by-prefix",
        ),
    ],
)
def test_narrow_grants_still_deploy(plan_stack, plugin_dir, action, resource):
    statement = {**STATEMENT, "Action": action, "Resource": resource}
    name = statements_plugin(plugin_dir, "acme_narrow", json.dumps([statement]))
    plan = plan_stack({"plugins": [name]})
    assert [s["Sid"] for s in statements(plan)] == ["AcmeParameters"]


def test_an_escalation_path_through_the_cli_is_one_error_line(tmp_path, plugin_dir, capsys):

    statement = {**STATEMENT, "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*:*:key/*"}
    name = statements_plugin(plugin_dir, "acme_cli_gate", json.dumps([statement]))
    write_stack(tmp_path, "gate", {"aws:region": "us-east-2", "plugins": [name]})
    status = cli(["plan", "--stack", "gate", "--stacks-dir", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.startswith('error: plugin "acme_cli_gate" (ssm_profile_statements) statement ')
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("resource", "code"),
    [
        pytest.param("arn:aws:s3:us-east-2::acme-data/*", "STRUCTURE", id="region-on-object"),
        pytest.param("arn:aws:s3::123456789012:acme-data", "STRUCTURE", id="account-on-bucket"),
        pytest.param("*", "BUCKET_WILDCARD", id="s3-on-star"),
    ],
)
def test_s3_arns_with_a_region_or_account_or_on_star_are_refused(
    resolve_stack, plugin_dir, resource, code
):
    """Red team: these passed the bucket rules, which only knew ``arn:aws:s3:::``."""
    statement = {**STATEMENT, "Action": "s3:GetObject", "Resource": resource}
    name = statements_plugin(plugin_dir, "acme_s3", json.dumps([statement]))
    message = error_of(resolve_stack, {"plugins": [name]})
    assert f"[{code}]" in message and "\n" not in message


def _granting(plugin_dir, action: str, resource: str, sid: str = "AcmeGrant") -> str:
    """A plugin returning one Allow statement of ``action`` on ``resource``; its name."""
    grant = {**STATEMENT, "Sid": sid, "Action": action, "Resource": resource}
    return statements_plugin(plugin_dir, f"acme_{sid.lower()}", json.dumps([grant]))


@pytest.mark.parametrize(
    ("action", "resource", "still"),
    [
        ("iam:*", "*", ["PERMISSIONS_MANAGEMENT", "PRIVILEGE_ESCALATION", "CREDENTIALS_EXPOSURE"]),
        ("s3:*", "*", ["PERMISSIONS_MANAGEMENT", "RESOURCE_WILDCARD", "BUCKET_WILDCARD"]),
    ],
)
def test_accepting_service_wide_still_judges_the_actions_it_names(
    resolve_stack, plugin_dir, action, resource, still
):
    """Red team: accepting SERVICE_WIDE_ACTION on iam:* (or s3:*) on "*" deployed it, because
    the pattern was never expanded and judged."""
    name = _granting(plugin_dir, action, resource, "AcmeWide")
    accept = [{"sid": "AcmeWide", "finding": "SERVICE_WIDE_ACTION", "reason": "test"}]
    message = error_of(resolve_stack, {"plugins": [name], "acceptFindings": accept})
    for code in still:
        assert f"[{code}]" in message, message
    assert "[SERVICE_WIDE_ACTION]" not in message


@pytest.mark.parametrize(
    ("action", "resource", "code"),
    [
        ("sts:AssumeRoot", "arn:aws:iam::111122223333:root", "CREDENTIALS_EXPOSURE"),
        (
            "datazone:GetEnvironmentCredentials",
            "arn:aws:datazone:us-east-1:123456789012:domain/dzd_abc123",
            "CREDENTIALS_EXPOSURE",
        ),
        (
            "elasticmapreduce:GetClusterSessionCredentials",
            "arn:aws:elasticmapreduce:us-east-1:123456789012:cluster/j-ABC123",
            "CREDENTIALS_EXPOSURE",
        ),
        (
            "ssm:CreateAssociation",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            "PRIVILEGE_ESCALATION",
        ),
        (
            "ssm:CreateAssociationBatch",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            "PRIVILEGE_ESCALATION",
        ),
        (
            "ssm:UpdateAssociation",
            "arn:aws:ssm:us-east-1::document/AWS-RunShellScript",
            "PRIVILEGE_ESCALATION",
        ),
        (
            "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
            "PRIVILEGE_ESCALATION",
        ),
        ("sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:123456789012:*e*", "RESOURCE_ID_WILDCARD"),
        ("sns:Publish", "arn:aws:sns:us-east-1:123456789012:*a*", "RESOURCE_ID_WILDCARD"),
        (
            "execute-api:Invoke",
            "arn:aws:execute-api:us-east-1:123456789012:a*",
            "RESOURCE_ID_WILDCARD",
        ),
        (
            "s3:GetObject",
            "arn:aws:s3:us-east-1:123456789012:accesspoint/*/object/*",
            "BUCKET_WILDCARD",
        ),
        ("s3:GetObject", "arn:aws:s3:us-east-1:123456789012:accesspoint/a*", "BUCKET_WILDCARD"),
    ],
)
def test_the_red_teams_second_round_is_refused(resolve_stack, plugin_dir, action, resource, code):
    """Credentials, instance reach, unprefixed ARN templates (SQS, SNS, execute-api) and
    access points: each passed the gate before."""
    name = _granting(plugin_dir, action, resource)
    assert f"[{code}]" in error_of(resolve_stack, {"plugins": [name]})


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:sqs:us-east-1:123456789012:acme-jobs",
        "arn:aws:sqs:us-east-1:123456789012:acme-*",
        "arn:aws:s3:us-east-1:123456789012:accesspoint/acme-logs/object/*",
    ],
)
def test_named_queues_and_access_points_still_deploy(resolve_stack, plugin_dir, resource):
    action = "sqs:ReceiveMessage" if ":sqs:" in resource else "s3:GetObject"
    name = _granting(plugin_dir, action, resource)
    assert resolve_stack({"plugins": [name]}).custom_policies


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:ssm:${aws:RequestedRegion}:123456789012:parameter/app/*",
        "arn:aws:iam::${aws:ResourceAccount}:role/abc",
    ],
)
def test_a_policy_variable_in_the_region_or_account_is_refused(resolve_stack, plugin_dir, resource):
    name = _granting(plugin_dir, "ssm:GetParameter", resource)
    assert "has a policy variable outside its resource part" in error_of(
        resolve_stack, {"plugins": [name]}
    )
