"""The action data the gate reads is parliament's, and stays so: the shipped file equals what
the installed parliament gives, and its parts behave like parliament's own auditors."""

from __future__ import annotations

import json

import pytest

from ssm_profile.iam import actiondata, actions


def test_the_shipped_data_file_is_what_the_installed_parliament_gives():
    """Fails after a parliament upgrade until `make data` regenerates the file."""
    assert actiondata.DATA_FILE.read_text(encoding="utf-8") == actiondata.render(
        actiondata.generate()
    )


def test_the_data_file_names_its_source():
    from importlib import metadata

    assert actions.data_source() == f"parliament {metadata.version('parliament')}"


def test_an_action_row_has_its_access_level_and_resource_types():
    (decrypt,) = actions.expand_action("kms:Decrypt")
    assert (decrypt.access_level, decrypt.resource_types) == ("Write", ("key",))
    assert decrypt.arn_templates == (("key", "kms", "key/${KeyId}"),)
    (describe,) = actions.expand_action("logs:DescribeLogGroups")
    assert not describe.resource_level


def test_escalation_methods_are_parliaments():
    methods = actions.privilege_escalation_methods()
    assert methods["CreateAccessKey"] == ("iam:createaccesskey",)
    assert methods["CreateEC2WithExistingIP"] == ("ec2:runinstances", "iam:passrole")
    assert "sts:assumerole" in actions.credentials_exposure_actions()


@pytest.mark.parametrize(
    "grant",
    [
        ["iam:CreateAccessKey"],
        ["iam:PassRole", "ec2:RunInstances"],
        ["lambda:UpdateFunctionCode"],
        ["sts:AssumeRole"],
        ["s3:GetObject"],
        ["iam:PutRolePolicy", "sts:AssumeRole"],
    ],
)
def test_the_gate_finds_what_parliaments_auditors_find(grant):
    """The gate reads parliament's data; parliament's own lint is the oracle."""
    from ssm_profile.iam import gate, lint

    statement = {
        "Sid": "S",
        "Effect": "Allow",
        "Action": grant,
        "Resource": "*",  # parliament counts only actions whose resources match
    }
    ours = {f.code for f in gate.statement_findings(statement)}
    theirs = {
        line.split(" ", 1)[0]
        for line in lint.lint_document({"Version": "2012-10-17", "Statement": [statement]})
    }
    for code in ("PRIVILEGE_ESCALATION", "CREDENTIALS_EXPOSURE"):
        assert (code in ours) == (code in theirs), (code, ours, theirs)


def test_the_data_file_is_valid_json_of_the_documented_shape():
    data = json.loads(actiondata.DATA_FILE.read_text(encoding="utf-8"))
    assert set(data) == {
        "source",
        "privilege_escalation",
        "credentials_exposure",
        "supplement",
        "services",
    }
    kms = data["services"]["kms"]
    assert set(kms) == {"resources", "actions"}


def test_every_supplement_action_is_in_parliaments_database():
    supplement = actiondata.SUPPLEMENT
    names = [*supplement["credentials_exposure"]]
    names += [a for actions in supplement["privilege_escalation"].values() for a in actions]
    for name in names:
        assert actions.expand_action(name), name
