"""``adopt`` against a real API (moto server): the guide's console steps replayed, adopted,
then the written stack planned offline. What it registers must equal the live resources
field by field, which is what ``pulumi import`` needs; an account that deviates from the
guide is adopted with each deviation named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from awsapi import (
    ACCOUNT,
    CONSOLE_DESCRIPTION,
    CORE,
    POLICY,
    REGION,
    ROLE,
    TAGS,
    AwsApi,
    guide_policy,
    replay_console,
)
from helpers import ATTACHMENT, COMPONENT, PROFILE, REPO
from helpers import POLICY as POLICY_TYPE
from helpers import ROLE as ROLE_TYPE

from ssm_profile.cli import main
from ssm_profile.config.stackfile import load_stack
from ssm_profile.offline.plan import run_program

CUSTOM_ARN = f"arn:aws:iam::{ACCOUNT}:policy/{POLICY}"


def grants(document: Any) -> set[tuple[str, str, str, str]]:
    """Every (effect, action, resource, condition) a document grants, whatever its layout
    (written here, independent of ssm_profile.live.grants)."""
    if isinstance(document, str):
        document = json.loads(document)
    found = set()
    listed = document["Statement"]
    for s in listed if isinstance(listed, list) else [listed]:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        resources = s.get("Resource", s.get("Principal"))
        resources = resources if isinstance(resources, list) else [resources]
        for a in actions:
            for r in resources:
                found.add(
                    (s["Effect"], a, json.dumps(r, sort_keys=True), json.dumps(s.get("Condition")))
                )
    return found


def principals(document: Any) -> set[str]:
    if isinstance(document, str):
        document = json.loads(document)
    found = set()
    for s in document["Statement"]:
        services = s["Principal"]["Service"]
        found |= set(services if isinstance(services, list) else [services])
    return found


def run_adopt(tmp_path: Path, capsys, *extra: str, stack: str = "console") -> tuple[int, str, str]:
    status = main(["adopt", "--stack", stack, "--out", str(tmp_path / "out"), *extra])
    out, err = capsys.readouterr()
    return status, out, err


def written_plan(tmp_path: Path, stack: str = "console") -> dict[str, Any]:
    return run_program(load_stack(stack, tmp_path / "out", REPO), ACCOUNT).to_json()


def by_type(plan: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [r for r in plan["resources"] if r["type"] == type_]


def live_tags(items: list[dict[str, str]] | None) -> dict[str, str] | None:
    return {t["Key"]: t["Value"] for t in items} if items else None


def assert_plan_equals_live(plan: dict[str, Any], api: AwsApi) -> None:
    """Every registered input against what IAM returns, field by field."""
    iam = api.client()
    (role,) = by_type(plan, ROLE_TYPE)
    live = iam.get_role(RoleName=role["inputs"]["name"])["Role"]
    r = role["inputs"]
    assert (r["name"], r["path"], r.get("description")) == (
        live["RoleName"],
        live["Path"],
        live.get("Description"),
    )
    assert r.get("tags") == live_tags(live.get("Tags"))
    assert r.get("permissionsBoundary") == live.get("PermissionsBoundary", {}).get(
        "PermissionsBoundaryArn"
    )
    assert principals(r["assumeRolePolicy"]) == principals(live["AssumeRolePolicyDocument"])
    (policy,) = by_type(plan, POLICY_TYPE)
    p = policy["inputs"]
    arn = f"arn:aws:iam::{ACCOUNT}:policy{p['path']}{p['name']}"
    live_policy = iam.get_policy(PolicyArn=arn)["Policy"]
    version = live_policy["DefaultVersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
    assert (p["name"], p["path"], p.get("description")) == (
        live_policy["PolicyName"],
        live_policy["Path"],
        live_policy.get("Description"),
    )
    assert p.get("tags") == live_tags(live_policy.get("Tags"))
    assert grants(p["policy"]) == grants(document["Document"])
    attached = iam.list_attached_role_policies(RoleName=r["name"])["AttachedPolicies"]
    assert {(a["inputs"]["role"], a["inputs"]["policyArn"]) for a in by_type(plan, ATTACHMENT)} == {
        (r["name"], a["PolicyArn"]) for a in attached
    }
    (profile,) = by_type(plan, PROFILE)
    live_profile = iam.get_instance_profile(InstanceProfileName=profile["inputs"]["name"])
    live_profile = live_profile["InstanceProfile"]
    assert profile["inputs"] == {
        k: v
        for k, v in {
            "name": live_profile["InstanceProfileName"],
            "path": live_profile["Path"],
            "role": live_profile["Roles"][0]["RoleName"],
            "tags": live_tags(live_profile.get("Tags")),
        }.items()
        if v is not None
    }


def test_console_replay_adopt_plan_round_trip(console_account, tmp_path, capsys):
    status, out, err = run_adopt(tmp_path, capsys, "--role", ROLE)
    assert (status, err) == (0, "")
    plan = written_plan(tmp_path)
    assert_plan_equals_live(plan, console_account)
    # the console policy has no Sids and PutObjectAcl in the bucket's statement: same grants
    assert (
        "  Policy SSMInstanceProfileS3Policy: the same grants in another layout (pulumi up "
        "writes the stack's statements as a new default version, in place)\n"
        "  nothing else: AWS keeps granting exactly what it grants today\n" in out
    )
    stack = (tmp_path / "out" / "Pulumi.console.yaml").read_text()
    assert 'ssm-profile:customPolicyName: "SSMInstanceProfileS3Policy"' in stack
    assert f"ssm-profile:description: {json.dumps(CONSOLE_DESCRIPTION)}" in stack
    assert 'ssm-profile:awsBuckets: "guide"' in stack


def test_the_tagged_console_account_round_trips_too(tagged_account, tmp_path, capsys):
    status, _, _ = run_adopt(tmp_path, capsys, "--role", ROLE)
    assert status == 0
    plan = written_plan(tmp_path)
    assert_plan_equals_live(plan, tagged_account)
    assert by_type(plan, ROLE_TYPE)[0]["inputs"]["tags"] == TAGS


def test_the_import_file_names_each_resource_as_the_plan_does(console_account, tmp_path, capsys):
    assert run_adopt(tmp_path, capsys, "--role", ROLE)[0] == 0
    plan = written_plan(tmp_path)
    imports = json.loads((tmp_path / "out" / "console.import.json").read_text())["resources"]
    (component,) = by_type(plan, COMPONENT)
    assert imports[0] == {"type": COMPONENT, "name": component["name"], "component": True}
    assert [(i["type"], i["name"]) for i in imports[1:]] == [
        (r["type"], r["name"]) for r in plan["resources"] if r["type"] != COMPONENT
    ]
    assert {i["parent"] for i in imports[1:]} == {component["name"]}
    ids = {i["type"]: i["id"] for i in imports[1:] if i["type"] != ATTACHMENT}
    assert ids == {ROLE_TYPE: ROLE, POLICY_TYPE: CUSTOM_ARN, PROFILE: ROLE}
    assert sorted(i["id"] for i in imports if i["type"] == ATTACHMENT) == sorted(
        [f"{ROLE}/{CORE}", f"{ROLE}/{CUSTOM_ARN}"]
    )


def test_tags_on_the_role_only_are_reported_for_the_policy_and_profile(aws_api, tmp_path, capsys):
    replay_console(aws_api)
    aws_api.client().tag_role(RoleName=ROLE, Tags=[{"Key": "team", "Value": "platform"}])
    status, out, _ = run_adopt(tmp_path, capsys, "--role", ROLE)
    assert status == 0
    assert f"Policy {POLICY}: tags differs (pulumi up updates it in place)" in out
    assert f"InstanceProfile {ROLE}: tags differs (pulumi up updates it in place)" in out
    report = (tmp_path / "out" / "console.adopt.md").read_text()
    assert f"Policy {POLICY}: tags differs" in report


DEVIATING = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": ["arn:aws:s3:::aws-ssm-*/*", "arn:aws:s3:::amazon-ssm-*/*"],
        },
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::my-bucket-name/*",
        },
        {
            "Sid": "Acl",
            "Effect": "Allow",
            "Action": "s3:PutObjectAcl",
            "Resource": "arn:aws:s3:::other-bucket/*",
        },
    ],
}


def test_a_deviating_account_is_adopted_with_each_deviation_named(aws_api, tmp_path, capsys):
    replay_console(aws_api, policy=DEVIATING)
    status, out, err = run_adopt(tmp_path, capsys, "--role", ROLE)
    assert (status, err) == (0, "")
    assert "arn:aws:s3:::aws-ssm-*/* has a wildcard Region, which the guide forbids" in out
    assert "arn:aws:s3:::amazon-ssm-*/* has a wildcard Region" in out
    assert (
        "statement 3 (Sid Acl): s3:PutObjectAcl on arn:aws:s3:::other-bucket/*: the buckets key "
        "grants s3:GetObject and s3:PutObject together" in out
    )
    assert "list it in buckets with crossAccount: true" in out
    stack = (tmp_path / "out" / "Pulumi.console.yaml").read_text()
    assert "# - statement 3 (Sid Acl): s3:PutObjectAcl on arn:aws:s3:::other-bucket/*" in stack
    plan = written_plan(tmp_path)  # the written stack plans
    (policy,) = by_type(plan, POLICY_TYPE)
    granted = grants(policy["inputs"]["policy"])
    assert not any("*" in r.split(":::")[1].split("/")[0] for _, _, r, _ in granted)
    assert ("Allow", "s3:GetObject", '"arn:aws:s3:::aws-ssm-us-east-2/*"', "null") in granted
    assert not any(a == "s3:PutObjectAcl" for _, a, _, _ in granted)
    # what the first pulumi up changes: the wildcard and the ACL statements go
    assert "statement arn:aws:s3:::aws-ssm-*/* (removed)" in out
    assert "statement arn:aws:s3:::other-bucket/* (removed)" in out


def test_a_hand_attached_admin_policy_is_not_adopted_and_is_named(
    console_account, tmp_path, capsys
):
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    console_account.client().attach_role_policy(RoleName=ROLE, PolicyArn=admin)
    status, out, _ = run_adopt(tmp_path, capsys, "--role", ROLE)
    assert status == 0
    assert f"{admin} is attached by hand and the stack refuses it" in out
    assert "AdministratorAccess" not in (tmp_path / "out" / "Pulumi.console.yaml").read_text()
    assert f"RolePolicyAttachment {ROLE} <- {admin}: in AWS, not in the stack" in out


def test_adopt_never_replaces_a_live_instance_profile(aws_api, tmp_path, capsys):
    replay_console(aws_api)
    iam = aws_api.client()
    iam.remove_role_from_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    iam.delete_instance_profile(InstanceProfileName=ROLE)
    iam.create_instance_profile(InstanceProfileName=ROLE, Path="/fleet/")
    iam.add_role_to_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    status, out, err = run_adopt(tmp_path, capsys, "--role", ROLE)
    assert status == 2 and out == ""
    assert err == (
        f"error: adopt: the stack would replace the live {ROLE} (path differs): not adopted; "
        "instances would lose their credentials\n"
    )
    assert not (tmp_path / "out").exists()


def test_a_missing_role_is_one_error_line(aws_api, tmp_path, capsys):
    status, out, err = run_adopt(tmp_path, capsys, "--role", "NoSuchRole")
    assert (status, out) == (2, "")
    assert err == (
        f"error: GetRole (iam:GetRole): no role NoSuchRole in account {ACCOUNT}; name the "
        "hand-made role with --role\n"
    )


def test_adopt_finds_the_role_by_the_stacks_default_name(aws_api, tmp_path, capsys):
    replay_console(aws_api)
    status, _, err = run_adopt(tmp_path, capsys, stack="x")
    assert status == 2 and "no role SSMInstanceProfile-x" in err


@pytest.mark.parametrize("region", ["eu-west-1"])
def test_adopt_takes_the_region_from_the_environment(
    console_account, tmp_path, capsys, monkeypatch, region
):
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    assert run_adopt(tmp_path, capsys, "--role", ROLE)[0] == 0
    stack = (tmp_path / "out" / "Pulumi.console.yaml").read_text()
    assert f'aws:region: "{region}"' in stack
    assert '  - "us-east-2"' in stack  # the policy's Region is kept in regions
    plan = written_plan(tmp_path)
    (policy,) = by_type(plan, POLICY_TYPE)
    assert grants(policy["inputs"]["policy"]) == grants(guide_policy(REGION))


def test_the_report_file_is_commonmark_with_its_sections(console_account, tmp_path, capsys):
    from markdown_it import MarkdownIt

    assert run_adopt(tmp_path, capsys, "--role", ROLE)[0] == 0
    tokens = MarkdownIt("commonmark").parse((tmp_path / "out" / "console.adopt.md").read_text())
    headings = [t for i, t in enumerate(tokens) if i and tokens[i - 1].type == "heading_open"]
    assert [h.content for h in headings[1:]] == [
        "Deviations from the guide",
        "Statements no key reproduces",
        "What the first pulumi up would still change",
        "Next steps",
    ]
    fences = [t.content for t in tokens if t.type == "fence"]
    assert "the same grants in another layout" in fences[2]
