"""Policy linting with parliament: what the program renders is clean, and the plugin gate
refuses unknown actions and anything but least privilege in Allow statements."""

from __future__ import annotations

import json

import pytest
from cases import ALL, config_of, plan_of
from helpers import POLICY, as_parliament_reads, resources

from ssm_profile.iam import actions as action_db
from ssm_profile.iam import gate, lint

# The built-in statement the guide requires for buckets declared crossAccount: true. It is no
# plugin statement, so the plugin gate never judges it; it would refuse it from a plugin.
CROSS_ACCOUNT_ACL = "OwnBucketsCrossAccountAcl"

ADVICE = "supports resource-level permissions; grant it on specific ARNs, not"
EVERY_BUCKET = (
    '{} on "*" reaches every bucket; the guide forbids wildcards in bucket names: list each bucket'
)

WILDCARD_BUCKET = (
    "has a wildcard in its bucket name; the guide forbids wildcards in bucket names and "
    "Regions: list each bucket"
)

MANAGES = (
    "manages permissions; an instance role must not change policies, grants or ACLs or pass "
    "roles: remove it"
)


def test_parliament_still_refuses_the_partitions_it_does_not_know():
    """When a parliament release learns them, as_parliament_reads can go."""
    statement = {"Effect": "Allow", "Action": "s3:GetObject"}
    eusc = document({**statement, "Resource": "arn:aws-eusc:s3:::bucket/*"})
    assert any("Unexpected partition" in p for p in lint.lint_document(eusc))
    assert lint.lint_document(as_parliament_reads(eusc, "eusc-de-east-1")) == []


@pytest.mark.parametrize("case", ALL)
def test_every_rendered_policy_has_no_parliament_finding(case):
    documents = [json.loads(r["inputs"]["policy"]) for r in resources(plan_of(case), POLICY)]
    region = config_of(case)["aws:region"]
    for document in documents:
        assert lint.lint_document(as_parliament_reads(document, region)) == []
        for statement in document["Statement"]:
            problems = gate.statement_problems(statement)
            if statement["Sid"] == CROSS_ACCOUNT_ACL:
                assert problems == [f"action s3:PutObjectAcl {MANAGES}"]
            else:
                assert problems == [], statement["Sid"]


def document(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_lint_document_reports_what_parliament_finds():
    typo = {"Sid": "Typo", "Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}
    (problem,) = lint.lint_document(document(typo))
    assert problem.startswith("UNKNOWN_ACTION (LOW): Unknown action in statement Typo")
    assert "s3:GetObjekt" in problem

    pass_role = {"Sid": "Escalate", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    problems = lint.lint_document(document(pass_role))
    assert any(p.startswith("RESOURCE_STAR") for p in problems), problems
    assert any("PERMISSIONS_MANAGEMENT_ACTIONS" in p and "iam:passrole" in p for p in problems)

    mismatch = {
        "Sid": "Wrong",
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": "arn:aws:s3:::b/*",
    }
    (problem,) = lint.lint_document(document(mismatch))
    assert problem.startswith("RESOURCE_MISMATCH") and "kms:Decrypt" in problem


def test_lint_document_tolerates_put_object_acl_only():
    acl = {
        "Sid": "OwnBucketsCrossAccountAcl",
        "Effect": "Allow",
        "Action": "s3:PutObjectAcl",
        "Resource": "arn:aws:s3:::my-bucket-name/*",
    }
    assert lint.lint_document(document(acl)) == []
    bucket_acl = {
        **acl,
        "Sid": "BucketAcl",
        "Action": "s3:PutBucketAcl",
        "Resource": "arn:aws:s3:::b",
    }
    problems = lint.lint_document(document(acl, bucket_acl))
    assert any(
        p.startswith("PERMISSIONS_MANAGEMENT_ACTIONS") and "s3:putbucketacl, s3:putobjectacl" in p
        for p in problems
    ), problems


def statement(action, resource="*", effect="Allow", **extra):
    return {"Sid": "Plugin", "Effect": effect, "Action": action, "Resource": resource, **extra}


def test_star_resource_on_a_write_action_with_resource_level_permissions_is_refused():
    advice = 'supports resource-level permissions; grant it on specific ARNs, not "*"'
    assert gate.statement_problems(statement("s3:PutObject")) == [
        f"action s3:PutObject {advice}",
        f"{EVERY_BUCKET.format('s3:PutObject')}",
    ]
    assert gate.statement_problems(statement(["kms:Decrypt"])) == [f"action kms:Decrypt {advice}"]


def test_star_resource_on_actions_without_resource_level_permissions_is_accepted():
    # List access level, no resource type: "*" is the only thing IAM accepts
    assert gate.statement_problems(statement("logs:DescribeLogGroups")) == []
    assert gate.statement_problems(statement("s3:ListAllMyBuckets")) == []
    # Write access level without resource-level permissions: "*" is what IAM requires
    assert gate.statement_problems(statement("cloudwatch:PutMetricData")) == []
    assert gate.statement_problems(statement("ssmmessages:CreateControlChannel")) == []


@pytest.mark.parametrize(
    "action", ["s3:GetObject", "secretsmanager:GetSecretValue", "s3:GetEncryptionConfiguration"]
)
def test_star_resource_on_read_actions_with_resource_level_permissions_is_refused(action):
    every = [EVERY_BUCKET.format(action)] if action.startswith("s3:") else []
    assert gate.statement_problems(statement(action)) == [f'action {action} {ADVICE} "*"', *every]


def test_star_resource_on_a_list_action_with_a_resource_type_is_refused():
    assert gate.statement_problems(statement("s3:ListBucket")) == [
        f'action s3:ListBucket {ADVICE} "*"',
        EVERY_BUCKET.format("s3:ListBucket"),
    ]


@pytest.mark.parametrize(
    "resource", ["arn:aws:iam::*:*", "arn:aws:ssm:*:*:*", "arn:aws:logs:us-east-1:123456789012:*"]
)
def test_arns_whose_resource_part_is_only_wildcards_count_as_star(resource):
    assert gate.statement_problems(statement("ssm:GetParameter", resource)) == [
        f'action ssm:GetParameter {ADVICE} {resource} (as broad as "*")'
    ]
    # still fine for an action IAM grants only on "*"
    assert gate.statement_problems(statement("logs:DescribeLogGroups", resource)) == []


def test_s3_arn_of_every_bucket_is_refused_as_a_wildcard_bucket_and_as_star():
    assert gate.statement_problems(statement("s3:GetObject", "arn:aws:s3:::*")) == [
        f"resource arn:aws:s3:::* {WILDCARD_BUCKET}",
        f'action s3:GetObject {ADVICE} arn:aws:s3:::* (as broad as "*")',
    ]


@pytest.mark.parametrize(
    "resource",
    ["arn:aws:s3:::aws-ssm-*/*", "arn:aws:s3:::aws-ssm-us-east-?", "arn:aws-cn:s3:::*-x"],
)
def test_s3_arns_with_a_wildcard_in_the_bucket_name_are_refused(resource):
    assert gate.statement_problems(statement("s3:GetObject", resource)) == [
        f"resource {resource} {WILDCARD_BUCKET}"
    ]


def test_wildcards_in_s3_object_keys_and_other_arns_are_not_bucket_wildcards():
    assert gate.statement_problems(statement("s3:GetObject", "arn:aws:s3:::b/x*/?.log")) == []
    access_point = "arn:aws:s3:us-east-1:123456789012:accesspoint/acme-logs/object/x*"
    assert gate.statement_problems(statement("s3:GetObject", access_point)) == []


def test_a_wildcard_access_point_name_is_as_wide_as_a_wildcard_bucket():
    access_point = "arn:aws:s3:us-east-1:123456789012:accesspoint/ap-*"
    (problem,) = gate.statement_problems(statement("s3:GetObject", access_point))
    assert "wildcard in its access point name" in problem


@pytest.mark.parametrize(
    ("action", "scope"),
    [
        ("iam:*", "every iam action"),
        ("s3:*", "every s3 action"),
        ("s3:?*", "every s3 action"),
    ],
)
def test_service_wide_action_patterns_are_refused(action, scope):
    """The pattern is refused first, and what it names is judged too."""
    problems = gate.statement_problems(statement(action, "arn:aws:s3:::b/*"))
    assert problems[0] == f"action {action} grants {scope}; name the actions explicitly"
    assert any("manage permissions" in p for p in problems[1:])


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("iam:PutRolePolicy", "arn:aws:iam::123456789012:role/x"),
        ("s3:PutBucketPolicy", "arn:aws:s3:::b"),
        ("s3:PutObjectAcl", "arn:aws:s3:::b/*"),
        ("kms:CreateGrant", "arn:aws:kms:us-east-1:123456789012:key/k"),
        ("iam:PassRole", "arn:aws:iam::123456789012:role/x"),  # "Write" in AWS's reference
    ],
)
def test_permissions_management_actions_are_refused_on_any_resource(action, resource):
    assert gate.statement_problems(statement(action, resource)) == [f"action {action} {MANAGES}"]


def test_a_wildcard_reaching_permissions_management_names_what_it_matched():
    (problem, _) = gate.statement_problems(statement("kms:*Grant", "arn:aws:kms:*:1:key/k"))
    assert problem == (
        "action kms:*Grant matches kms:CreateGrant, kms:RetireGrant, kms:RevokeGrant, which "
        "manage permissions; an instance role must not change policies, grants or ACLs or pass "
        "roles: remove them"
    )


def test_pass_role_on_star_gets_both_problems():
    assert gate.statement_problems(statement("iam:PassRole")) == [
        f"action iam:PassRole {MANAGES}",
        f'action iam:PassRole {ADVICE} "*"',
    ]


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("iam:*", "*"),
        ("s3:GetObject", "arn:aws:s3:::aws-ssm-*/*"),
        ("iam:PassRole", "*"),
        ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:*"),
    ],
)
def test_deny_statements_may_be_broad(action, resource):
    assert gate.statement_problems(statement(action, resource, effect="Deny")) == []


def test_specific_arns_are_accepted_and_deny_may_use_star():
    ok = statement("s3:PutObject", "arn:aws:s3:::bucket/prefix/*")
    assert gate.statement_problems(ok) == []
    assert gate.statement_problems(statement("s3:PutObject", effect="Deny")) == []


@pytest.mark.parametrize("effect", ["Allow", "Deny"])
@pytest.mark.parametrize("action", ["*:Get*", "s?s:GetParameter"])
def test_a_wildcard_service_prefix_is_refused_whatever_the_effect(action, effect):
    """The same rule as the parser's (ssm_profile.iam.rules), for any statement."""
    assert gate.statement_problems(statement(action, "*", effect=effect)) == [
        f'"{action}" has a wildcard in its service prefix; name the service and its actions '
        "(service:Action)"
    ]


def test_not_resource_counts_as_star():
    data = {
        "Sid": "X",
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "NotResource": "arn:aws:s3:::a/*",
    }
    assert gate.statement_problems(data) == [
        "NotAction/NotResource with Allow grants everything not listed; use them only with Deny",
        "action s3:PutObject supports resource-level permissions; grant it on specific ARNs, "
        "not NotResource",
    ]


def test_unknown_actions_are_refused_with_a_suggestion():
    assert gate.statement_problems(statement("s3:GetObjekt", "arn:aws:s3:::b/*")) == [
        "action s3:GetObjekt is unknown: not in parliament's IAM database; did you mean "
        "s3:GetObject?"
    ]
    (problem,) = gate.statement_problems(statement("nosuchservice:GetThing", "arn:aws:s3:::b/*"))
    assert "nosuchservice:GetThing" in problem and "no service 'nosuchservice'" in problem
    (problem,) = gate.statement_problems(statement("logs:Descrybe*", "*"))
    assert problem == "action logs:Descrybe* matches no action in parliament's IAM database"
    (problem,) = gate.statement_problems(statement("*"))
    assert problem == 'the action "*" grants every AWS action; name service:Action'


def test_wildcards_expand_with_parliaments_data():
    names = {str(a) for a in action_db.expand_action("logs:Describe*")}
    assert {"logs:DescribeLogGroups", "logs:DescribeLogStreams"} <= names
    assert all(name.startswith("logs:Describe") for name in names)
    assert {str(a) for a in action_db.expand_action("S3:getobjec?")} == {"s3:GetObject"}
    # some Describe actions have resource types: "*" is refused for those, named
    (problem,) = gate.statement_problems(statement("logs:Describe*"))
    assert problem.startswith("action logs:Describe* matches logs:DescribeLogStreams, ")
    assert "logs:DescribeLogGroups" not in problem  # IAM grants it on "*" only
    # a wildcard that reaches write actions names the pattern and what it matched
    (problem,) = gate.statement_problems(statement("logs:Create*"))
    assert problem.startswith("action logs:Create* matches logs:Create")
    assert " more, which support resource-level permissions" in problem
    assert problem.endswith('grant them on specific ARNs, not "*"')
    # ... and one that reaches a permissions-management action says so first
    (managing, broad) = gate.statement_problems(statement("logs:Put*"))
    assert managing.startswith("action logs:Put* matches logs:PutResourcePolicy, which manages")
    assert broad.startswith("action logs:Put* matches logs:Put")


def test_actions_parliament_lists_twice_are_named_once():
    # parliament has two "iam" services (two rows per action): one name, one action
    assert len(action_db.expand_action("iam:CreateAccessKey")) == 1
    assert gate.statement_problems(statement("iam:CreateAccessKey"))[-1] == (
        "action iam:CreateAccessKey supports resource-level permissions; grant it on specific "
        'ARNs, not "*"'
    )
    assert gate.statement_problems(statement("iam:CreateAccessKe?"))[-1] == (
        "action iam:CreateAccessKe? matches iam:CreateAccessKey, which supports resource-level "
        'permissions; grant it on specific ARNs, not "*"'
    )
    # ses lists CreateConfigurationSet in two rows that differ (API v1 and v2)
    (problem,) = gate.statement_problems(statement("ses:CreateConfigurationSet*"))
    names = problem.split(" matches ")[1].split(", which")[0].split(", ")
    assert len(names) == len(set(names)) == 2, problem
