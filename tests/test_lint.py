"""Policy linting with parliament: what the program renders is clean, and the plugin gate
refuses unknown actions and "*" on actions that support resource-level permissions."""

from __future__ import annotations

import json

import pytest
from cases import ALL, plan_of
from conftest import POLICY, resources

from ssm_profile import lint


@pytest.mark.parametrize("case", ALL)
def test_every_rendered_policy_has_no_parliament_finding(case):
    documents = [json.loads(r["inputs"]["policy"]) for r in resources(plan_of(case), POLICY)]
    for document in documents:
        assert lint.lint_document(document) == []
        for statement in document["Statement"]:
            assert lint.statement_problems(statement) == []


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
    assert lint.statement_problems(statement("s3:PutObject")) == [f"action s3:PutObject {advice}"]
    assert lint.statement_problems(statement(["kms:Decrypt"])) == [f"action kms:Decrypt {advice}"]


def test_star_resource_on_read_only_or_unscoped_actions_is_accepted():
    # List access level, no resource type: "*" is the only thing IAM accepts
    assert lint.statement_problems(statement("logs:DescribeLogGroups")) == []
    # Read access level with resource-level permissions: read-only is tolerated
    assert lint.statement_problems(statement("s3:GetEncryptionConfiguration")) == []
    # Write access level without resource-level permissions: "*" is what IAM requires
    assert lint.statement_problems(statement("cloudwatch:PutMetricData")) == []
    assert lint.statement_problems(statement("ssmmessages:CreateControlChannel")) == []


def test_specific_arns_are_accepted_and_deny_may_use_star():
    ok = statement("s3:PutObject", "arn:aws:s3:::bucket/prefix/*")
    assert lint.statement_problems(ok) == []
    assert lint.statement_problems(statement("s3:PutObject", effect="Deny")) == []


def test_not_resource_counts_as_star():
    data = {
        "Sid": "X",
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "NotResource": "arn:aws:s3:::a/*",
    }
    assert lint.statement_problems(data) == [
        "action s3:PutObject supports resource-level permissions; grant it on specific ARNs, "
        "not NotResource"
    ]


def test_unknown_actions_are_refused_with_a_suggestion():
    assert lint.statement_problems(statement("s3:GetObjekt", "arn:aws:s3:::b/*")) == [
        "action s3:GetObjekt is unknown: not in parliament's IAM database; did you mean "
        "s3:GetObject?"
    ]
    (problem,) = lint.statement_problems(statement("nosuchservice:GetThing", "arn:aws:s3:::b/*"))
    assert "nosuchservice:GetThing" in problem and "no service 'nosuchservice'" in problem
    (problem,) = lint.statement_problems(statement("logs:Descrybe*", "*"))
    assert problem == "action logs:Descrybe* matches no action in parliament's IAM database"
    (problem,) = lint.statement_problems(statement("*"))
    assert problem == 'action "*" grants every action of every service'


def test_wildcards_expand_with_parliaments_data():
    names = {str(a) for a in lint.expand_action("logs:Describe*")}
    assert {"logs:DescribeLogGroups", "logs:DescribeLogStreams"} <= names
    assert all(name.startswith("logs:Describe") for name in names)
    assert {str(a) for a in lint.expand_action("S3:getobjec?")} == {"s3:GetObject"}
    # all Describe actions are List/Read: "*" is fine
    assert lint.statement_problems(statement("logs:Describe*")) == []
    # a wildcard that reaches write actions names the pattern and what it matched
    (problem,) = lint.statement_problems(statement("logs:Put*"))
    assert problem.startswith("action logs:Put* matches logs:Put")
    assert "logs:PutLogEvents" in problem or "more" in problem
    assert problem.endswith('grant them on specific ARNs, not "*"')


def test_cached_index_equals_parliaments_database():
    parliament = lint._import_parliament()
    assert lint.action_index() == lint.build_index(parliament.iam_definition)
    kms = {row[0]: row for row in lint.action_index()["kms"]}
    assert kms["Decrypt"] == ("Decrypt", "Write", True)


def test_actions_parliament_lists_twice_are_named_once():
    # parliament has two "iam" services (two rows per action): one name, one action
    assert len(lint.expand_action("iam:CreateAccessKey")) == 1
    assert lint.statement_problems(statement("iam:CreateAccessKey")) == [
        "action iam:CreateAccessKey supports resource-level permissions; grant it on specific "
        'ARNs, not "*"'
    ]
    assert lint.statement_problems(statement("iam:CreateAccessKe?")) == [
        "action iam:CreateAccessKe? matches iam:CreateAccessKey, which supports resource-level "
        'permissions; grant it on specific ARNs, not "*"'
    ]
    # ses lists CreateConfigurationSet in two rows that differ (API v1 and v2)
    (problem,) = lint.statement_problems(statement("ses:CreateConfigurationSet*"))
    names = problem.split(" matches ")[1].split(", which")[0].split(", ")
    assert len(names) == len(set(names)) == 2, problem
