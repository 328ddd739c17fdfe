"""ssm-profile:acceptFindings: a stack accepts one finding of one statement, with a reason;
the accepted grant deploys and is shown in the stack's outputs. Anything else stays refused."""

from __future__ import annotations

import json

import pytest
from helpers import STATEMENT, error_of, statements, statements_plugin

from ssm_profile.iam.findings import acceptance_hint
from ssm_profile.iam.managed import combining_actions
from ssm_profile.iam.rolelint import role_findings

ASSUME = {
    **STATEMENT,
    "Sid": "AcmeDeploy",
    "Action": "sts:AssumeRole",
    "Resource": "arn:aws:iam::123456789012:role/Deploy",
}
REASON = "the deploy agent assumes the Deploy role; reviewed by security, ticket SEC-42"


def accepting(*entries: tuple[str, str]) -> list[dict[str, str]]:
    return [{"sid": sid, "finding": code, "reason": REASON} for sid, code in entries]


def test_an_accepted_finding_deploys_and_is_an_output(plan_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_deploy", json.dumps([ASSUME]))
    plan = plan_stack(
        {"plugins": [name], "acceptFindings": accepting(("AcmeDeploy", "CREDENTIALS_EXPOSURE"))}
    )
    assert [s["Sid"] for s in statements(plan)] == ["AcmeDeploy"]
    assert plan.outputs["acceptedFindings"] == [
        {
            "sid": "AcmeDeploy",
            "finding": "CREDENTIALS_EXPOSURE",
            "subject": "sts:AssumeRole",
            "reason": REASON,
            "detail": "action sts:AssumeRole can return credentials to the caller "
            "(parliament's credentials-exposure list); remove it",
            "plugin": "acme_deploy",
        }
    ]


def test_without_the_entry_the_same_statement_is_refused(resolve_stack, plugin_dir):
    name = statements_plugin(plugin_dir, "acme_deploy", json.dumps([ASSUME]))
    assert "[CREDENTIALS_EXPOSURE]; if this is intended, accept it" in error_of(
        resolve_stack, {"plugins": [name]}
    )


def test_a_stack_without_accepted_findings_has_no_such_output(plan_stack):
    assert "acceptedFindings" not in plan_stack({"buckets": ["logs"]}).outputs


def test_accepting_one_finding_leaves_the_others_refused(resolve_stack, plugin_dir):
    wide = {**ASSUME, "Resource": "arn:aws:iam::*:role/Deploy"}
    name = statements_plugin(plugin_dir, "acme_deploy", json.dumps([wide]))
    message = error_of(
        resolve_stack,
        {"plugins": [name], "acceptFindings": accepting(("AcmeDeploy", "CREDENTIALS_EXPOSURE"))},
    )
    assert "[ACCOUNT_WILDCARD]" in message and "CREDENTIALS_EXPOSURE" not in message


def test_the_guides_wildcard_rule_cannot_be_accepted(resolve_stack, plugin_dir):
    bucket = {**STATEMENT, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::aws-ssm-*/*"}
    name = statements_plugin(plugin_dir, "acme_bucket", json.dumps([bucket]))
    message = error_of(
        resolve_stack,
        {"plugins": [name], "acceptFindings": accepting(("AcmeParameters", "BUCKET_WILDCARD"))},
    )
    assert message.endswith("list each bucket [BUCKET_WILDCARD]")  # and no hint to accept it


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            ("AcmeDeploy", "CREDENTIALS_EXPOSURES"),
            '"CREDENTIALS_EXPOSURES" is not a finding code; did you mean CREDENTIALS_EXPOSURE?',
        ),
        (
            ("AcmeDeploy", "RESOURCE_WILDCARD"),
            "statement AcmeDeploy has no RESOURCE_WILDCARD finding; remove this entry",
        ),
        (("AcmeDeplo", "CREDENTIALS_EXPOSURE"), 'no statement has Sid "AcmeDeplo"; did you'),
    ],
)
def test_an_acceptance_must_match_a_finding(resolve_stack, plugin_dir, entry, expected):
    name = statements_plugin(plugin_dir, "acme_deploy", json.dumps([ASSUME]))
    accepted = accepting(("AcmeDeploy", "CREDENTIALS_EXPOSURE"), entry)
    message = error_of(resolve_stack, {"plugins": [name], "acceptFindings": accepted})
    assert message.startswith("ssm-profile:acceptFindings[1]: ")
    assert expected in message


def test_escalation_across_two_plugins_is_found_on_the_final_statements(resolve_stack, plugin_dir):
    """Each plugin's statement passes alone (one accepted); together they escalate."""
    passer = {
        **STATEMENT,
        "Sid": "AcmePass",
        "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::123456789012:role/Worker",
    }
    runner = {
        **STATEMENT,
        "Sid": "AcmeRun",
        "Action": "ec2:RunInstances",
        "Resource": "arn:aws:ec2:us-east-2:123456789012:instance/i-0123456789abcdef0",
    }
    one = statements_plugin(plugin_dir, "acme_pass", json.dumps([passer]))
    two = statements_plugin(plugin_dir, "acme_run", json.dumps([runner]))
    config = {
        "plugins": [one, two],
        "acceptFindings": accepting(("AcmePass", "PERMISSIONS_MANAGEMENT")),
    }
    message = error_of(resolve_stack, config)
    assert message.startswith(
        'plugin "acme_pass" and plugin "acme_run": statements AcmePass and AcmeRun together '
        "grant ec2:runinstances, iam:passrole, which together allow privilege escalation "
        "(parliament: CreateEC2WithExistingIP)"
    )
    config["acceptFindings"] += accepting(("AcmeRun", "PRIVILEGE_ESCALATION"))
    blueprint = resolve_stack(config)
    assert [(a.sid, a.finding, a.plugin) for a in blueprint.accepted_findings] == [
        ("AcmePass", "PERMISSIONS_MANAGEMENT", "acme_pass"),
        ("AcmeRun", "PRIVILEGE_ESCALATION", None),
    ]


def test_one_entry_accepts_one_finding_not_every_finding_of_its_code(resolve_stack, plugin_dir):
    """Red team: one entry used to accept every CREDENTIALS_EXPOSURE of the statement,
    including actions added after the review."""
    more = {**ASSUME, "Action": ["sts:AssumeRole", "sts:GetSessionToken"]}
    name = statements_plugin(plugin_dir, "acme_more", json.dumps([more]))
    config = {
        "plugins": [name],
        "acceptFindings": accepting(("AcmeDeploy", "CREDENTIALS_EXPOSURE")),
    }
    assert error_of(resolve_stack, config) == (
        "ssm-profile:acceptFindings[0]: would accept 2 CREDENTIALS_EXPOSURE findings of "
        "statement AcmeDeploy (sts:AssumeRole, sts:GetSessionToken); an entry accepts one: "
        "give each its own entry with subject"
    )
    config["acceptFindings"] = [
        {**entry, "subject": subject}
        for entry in accepting(("AcmeDeploy", "CREDENTIALS_EXPOSURE"))
        for subject in ("sts:AssumeRole", "sts:GetSessionToken")
    ]
    blueprint = resolve_stack(config)
    assert [a.subject for a in blueprint.accepted_findings] == [
        "sts:AssumeRole",
        "sts:GetSessionToken",
    ]


def test_an_entry_with_a_subject_accepts_only_that_subject(resolve_stack, plugin_dir):
    more = {**ASSUME, "Action": ["sts:AssumeRole", "sts:GetSessionToken"]}
    name = statements_plugin(plugin_dir, "acme_more", json.dumps([more]))
    entry = {**accepting(("AcmeDeploy", "CREDENTIALS_EXPOSURE"))[0], "subject": "sts:AssumeRole"}
    message = error_of(resolve_stack, {"plugins": [name], "acceptFindings": [entry]})
    assert "action sts:GetSessionToken can return credentials" in message
    assert "sts:AssumeRole can return" not in message


BEANSTALK_TAGGING = "arn:aws:iam::aws:policy/AWSElasticBeanstalkEKSTagging"  # ec2:RunInstances


def test_escalation_completed_by_an_aws_managed_policy_is_found(resolve_stack, plugin_dir):
    """The managed policy passes alone (its content is judged), the plugin's iam:PassRole
    passes with its accepted finding; together they allow CreateEC2WithExistingIP."""
    passer = {
        **STATEMENT,
        "Sid": "AcmePass",
        "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::123456789012:role/Worker",
    }
    name = statements_plugin(plugin_dir, "acme_pass", json.dumps([passer]))
    config = {
        "plugins": [name],
        "managedPolicies": [BEANSTALK_TAGGING],
        "acceptFindings": accepting(("AcmePass", "PERMISSIONS_MANAGEMENT")),
    }
    message = error_of(resolve_stack, config)
    assert message.startswith(
        f'plugin "acme_pass": statement AcmePass and managed policy {BEANSTALK_TAGGING} '
        "together grant ec2:runinstances, iam:passrole, which together allow privilege "
        "escalation (parliament: CreateEC2WithExistingIP)"
    )
    config["acceptFindings"] += accepting(("AcmePass", "PRIVILEGE_ESCALATION"))
    blueprint = resolve_stack(config)
    assert ("AcmePass", "PRIVILEGE_ESCALATION") in [
        (a.sid, a.finding) for a in blueprint.accepted_findings
    ]


def test_the_managed_policy_alone_or_the_statement_alone_deploys(resolve_stack, plugin_dir):
    passer = {
        **STATEMENT,
        "Sid": "AcmePass",
        "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::123456789012:role/Worker",
    }
    name = statements_plugin(plugin_dir, "acme_pass", json.dumps([passer]))
    accept = accepting(("AcmePass", "PERMISSIONS_MANAGEMENT"))
    assert resolve_stack({"plugins": [name], "acceptFindings": accept}).accepted_findings
    assert (
        BEANSTALK_TAGGING
        in resolve_stack({"managedPolicies": [BEANSTALK_TAGGING]}).managed_policy_arns
    )


def test_two_managed_policies_completing_a_method_cannot_be_accepted():
    """No AWS managed policy the gate passes grants iam:PassRole today, so no pair of them
    completes a method; the lint still names both, and offers no acceptance (no Sid)."""
    managed = {
        "arn:aws:iam::aws:policy/A": frozenset({"ec2:runinstances"}),
        "arn:aws:iam::aws:policy/B": frozenset({"iam:passrole"}),
    }
    (finding,) = role_findings([], managed)
    assert finding.message.startswith(
        "managed policy arn:aws:iam::aws:policy/A and managed policy arn:aws:iam::aws:policy/B "
        "together grant ec2:runinstances, iam:passrole"
    )
    assert not finding.acceptable
    assert acceptance_hint([finding]) == ""


def test_the_shipped_data_lists_the_escalation_actions_of_the_policies_it_passes():
    assert combining_actions(BEANSTALK_TAGGING) == {"ec2:runinstances"}
    assert combining_actions("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore") == set()
    assert combining_actions("arn:aws:iam::123456789012:policy/Own") == set()
