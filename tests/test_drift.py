"""``drift`` against a real API (moto server): an account adopted from the console replay
matches its stack; a hand-attached AdministratorAccess, an edited statement and a deleted
tag are each reported, in text, markdown and JSON, with exit status 1."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from awsapi import ACCOUNT, POLICY, ROLE, guide_policy
from markdown_it import MarkdownIt

from ssm_profile.cli import main

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
CUSTOM_ARN = f"arn:aws:iam::{ACCOUNT}:policy/{POLICY}"


@pytest.fixture
def adopted(tagged_account, tmp_path, capsys) -> Path:
    """The tagged console account, adopted as stack ``console`` (its stack file in a
    stacks folder of its own)."""
    assert main(["adopt", "--stack", "console", "--role", ROLE, "--out", str(tmp_path / "a")]) == 0
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    shutil.copy(tmp_path / "a" / "Pulumi.console.yaml", stacks)
    capsys.readouterr()
    return stacks


def run_drift(stacks: Path, capsys, fmt: str = "text") -> tuple[int, str, str]:
    status = main(["drift", "--stack", "console", "--stacks-dir", str(stacks), "--format", fmt])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_freshly_adopted_account_has_no_drift(adopted, capsys):
    status, out, err = run_drift(adopted, capsys)
    assert (status, err) == (0, "")
    assert out == (
        f"drift: stack console, role {ROLE}, account {ACCOUNT}: no drift\n"
        f"note: no drift: Policy {POLICY}: the same grants in another layout (pulumi up "
        "writes the stack's statements as a new default version, in place)\n"
    )
    status, out, _ = run_drift(adopted, capsys, "json")
    assert status == 0 and json.loads(out)["drift"] is False


def test_a_hand_attached_administrator_access_is_drift(adopted, tagged_account, capsys):
    tagged_account.client().attach_role_policy(RoleName=ROLE, PolicyArn=ADMIN)
    status, out, err = run_drift(adopted, capsys)
    assert (status, err) == (1, "")
    assert f"- RolePolicyAttachment {ROLE} <- {ADMIN}: in AWS, not in the stack" in out
    status, out, _ = run_drift(adopted, capsys, "json")
    (found,) = json.loads(out)["differences"]
    assert (found["kind"], found["live"], found["stack"]) == (
        "extra",
        {"policyArn": ADMIN, "role": ROLE},
        None,
    )


def test_an_edited_statement_is_drift_named_by_its_resource(adopted, tagged_account, capsys):
    edited = guide_policy()
    edited["Statement"][1]["Action"].append("s3:DeleteObject")
    iam = tagged_account.client()
    iam.create_policy_version(
        PolicyArn=CUSTOM_ARN, PolicyDocument=json.dumps(edited), SetAsDefault=True
    )
    status, out, _ = run_drift(adopted, capsys)
    assert status == 1
    assert f"- Policy {POLICY}: policy differs (pulumi up updates it in place)" in out
    assert "~      statement arn:aws:s3:::my-bucket-name/* (changed)" in out
    assert "-        Action: s3:DeleteObject" in out
    assert out.count("statement ") == 1  # only the edited one


def test_a_deleted_tag_is_drift(adopted, tagged_account, capsys):
    tagged_account.client().untag_role(RoleName=ROLE, TagKeys=["team"])
    status, out, _ = run_drift(adopted, capsys, "json")
    assert status == 1
    (found,) = json.loads(out)["differences"]
    assert (found["type"], found["keys"]) == ("aws:iam/role:Role", ["tags"])
    assert found["live"]["tags"] == {"environment": "prod"}
    assert found["stack"]["tags"] == {"environment": "prod", "team": "platform"}


def test_a_missing_instance_profile_and_its_role_in_markdown(adopted, tagged_account, capsys):
    iam = tagged_account.client()
    iam.remove_role_from_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    status, out, _ = run_drift(adopted, capsys, "markdown")
    assert status == 1
    assert "`InstanceProfile`" in out and "`role differs (pulumi up updates it in place)`" in out
    html = MarkdownIt("commonmark").enable("table").render(out)
    assert "<table>" in html and '<pre><code class="language-diff">' in html
    iam.delete_instance_profile(InstanceProfileName=ROLE)
    status, out, _ = run_drift(adopted, capsys)
    assert status == 1
    assert f"- InstanceProfile {ROLE}: missing in AWS (pulumi up creates it)" in out


def test_an_inline_policy_added_by_hand_is_drift(adopted, tagged_account, capsys):
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    tagged_account.client().put_role_policy(
        RoleName=ROLE, PolicyName="extra", PolicyDocument=json.dumps(document)
    )
    status, out, _ = run_drift(adopted, capsys)
    assert status == 1
    assert "- RolePolicy extra: in AWS, not in the stack" in out


def test_a_stack_whose_role_does_not_exist_is_all_missing(aws_api, adopted, capsys):
    iam = aws_api.client()
    for arn in (CUSTOM_ARN, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"):
        iam.detach_role_policy(RoleName=ROLE, PolicyArn=arn)
    iam.remove_role_from_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    iam.delete_role(RoleName=ROLE)
    status, out, _ = run_drift(adopted, capsys)
    assert status == 1
    assert f"- Role {ROLE}: missing in AWS (pulumi up creates it)" in out


def test_after_pulumi_up_writes_the_stacks_layout_there_is_no_note(adopted, tagged_account, capsys):
    """What pulumi up does to the policy: the stack's own document as the default version."""
    from helpers import REPO

    from ssm_profile.config.stackfile import load_stack
    from ssm_profile.offline.plan import run_program

    plan = run_program(load_stack("console", adopted, REPO), ACCOUNT).to_json()
    (policy,) = [r for r in plan["resources"] if r["type"] == "aws:iam/policy:Policy"]
    tagged_account.client().create_policy_version(
        PolicyArn=CUSTOM_ARN, PolicyDocument=policy["inputs"]["policy"], SetAsDefault=True
    )
    status, out, _ = run_drift(adopted, capsys)
    assert (status, out) == (0, f"drift: stack console, role {ROLE}, account {ACCOUNT}: no drift\n")


def test_existing_role_mode_compares_only_what_the_stack_attaches(aws_api, tmp_path, capsys):
    """The role is someone else's: their other attachments are no drift, a missing
    attachment of the stack is."""
    from awsapi import replay_console

    replay_console(aws_api)
    iam = aws_api.client()
    iam.attach_role_policy(
        RoleName=ROLE, PolicyArn="arn:aws:iam::aws:policy/AmazonSSMPatchAssociation"
    )
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.console.yaml").write_text(
        "config:\n"
        "  aws:region: us-east-2\n"
        "  ssm-profile:mode: existing-role\n"
        f"  ssm-profile:existingRoleName: {ROLE}\n"
        f"  ssm-profile:customPolicyName: {POLICY}\n"
        '  ssm-profile:customPolicyDescription: ""\n'
        "  ssm-profile:vpcEndpoints: true\n"
        "  ssm-profile:awsBuckets: guide\n"
        "  ssm-profile:buckets: [{name: my-bucket-name, crossAccount: true}]\n"
    )
    status, out, _ = run_drift(stacks, capsys)
    assert status == 0 and "AmazonSSMPatchAssociation" not in out
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CUSTOM_ARN)
    status, out, _ = run_drift(stacks, capsys)
    assert status == 1
    assert f"- RolePolicyAttachment {ROLE} <- {CUSTOM_ARN}: missing in AWS" in out
