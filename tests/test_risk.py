"""Risk grading in ``diff``: every change to the role's access is broadening, narrowing or
neutral, with parliament's access levels, and the comment's first lines say so."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from markdown_it import MarkdownIt
from scenarios import REPO, attach, narrowing_plans, plan_file, widening_plans

from ssm_profile.offline.diff import diff_plans, to_markdown, to_text
from ssm_profile.offline.diff.model import BROADENING, NARROWING, NEUTRAL
from ssm_profile.offline.diff.risk import grade, labelled

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"


def _parse(text: str) -> list[Any]:
    return MarkdownIt("commonmark").enable("table").parse(text)


@pytest.fixture(scope="module")
def widening(tmp_path_factory):
    old, new = widening_plans(tmp_path_factory.mktemp("widening"))
    return diff_plans(old, new)


def test_the_widening_scenario_says_first_that_access_broadens(widening):
    text = to_text(widening).splitlines()
    assert text[0] == "ssm-profile / prod: BROADENS ACCESS, 2 to add, 2 to change, 0 to remove"
    assert text[2] == "Access broadens (5): a reviewer must approve each of these:"
    assert text[3:8] == [
        "!!! permissions boundary `arn:aws:iam::111122223333:policy/PlatformPermissionsBoundary` "
        "removed: the role's policies are no longer capped",
        "!!! statement `OwnBucketsReadWrite`: wider resource `arn:aws:s3:::prod-ssm-scripts/*` "
        "(was `arn:aws:s3:::prod-ssm-scripts/run-command/*`) for `s3:GetObject (Read)`, "
        "`s3:PutObject (Write)`",
        "!!! statement `OwnBucketsCrossAccountAcl`: new Resource `arn:aws:s3:::prod-ssm-scripts/*` "
        "for `s3:PutObjectAcl (Permissions management)`",
        "!!! attaches managed policy `AmazonS3ReadOnlyAccess`: `s3-object-lambda:Get* (Read)`, "
        "`s3-object-lambda:List* (List)`, `s3:Describe* (Read)`, `s3:Get* (Read)`, "
        "`s3:List* (List)`",
        "!!! attaches managed policy `service-role/AmazonEC2RoleforSSM` (**deprecated by AWS**): "
        "41 actions (20 Write, 12 Read, 9 List)",
    ]


def test_the_widening_comment_opens_with_a_caution_listing_each_broadening(widening):
    text = to_markdown(widening)
    tokens = _parse(text)
    assert tokens[0].type == "heading_open"
    assert tokens[1].content.startswith("ssm-profile / prod: BROADENS ACCESS, 2 to add")
    assert tokens[3].type == "blockquote_open"  # the first block after the heading
    quote = text.split("\n\n")[1].splitlines()
    assert quote[:2] == [
        "> [!CAUTION]",
        "> **Access broadens (5): a reviewer must approve each of these:**",
    ]
    items = [line for line in quote if line.startswith("> - ")]
    assert len(items) == 5
    assert "`s3:PutObjectAcl (Permissions management)`" in items[2]
    assert "(**deprecated by AWS**)" in items[4]


def test_the_widening_tables_show_statements_and_managed_policies(widening):
    tokens = _parse(to_markdown(widening))
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    headers = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "th_open"]
    assert ["Managed policy", "Deprecated by AWS", "Grants (access level)"] == headers[11:14]
    row = cells.index("+", cells.index("`service-role/AmazonEC2RoleforSSM`") - 1)
    assert cells[row : row + 3] == ["+", "`service-role/AmazonEC2RoleforSSM`", "`yes`"]
    assert cells[row + 4] == "`ssm-profile:managedPolicies`"
    # the statement table: the old and the new OwnBucketsCrossAccountAcl, with their source
    acl = [i for i, c in enumerate(cells) if c == "`s3:PutObjectAcl (Permissions management)`"]
    assert [cells[i - 2] for i in acl[:2]] == ["-", "+"]
    assert cells[acl[1] + 1] == "`arn:aws:s3:::prod-central-ssm-output/*`<br>" + (
        "`arn:aws:s3:::prod-ssm-scripts/*`"
    )
    assert cells[acl[1] + 3] == "`ssm-profile:buckets`"


def test_a_narrowing_only_change_says_it_narrows(tmp_path):
    diff = diff_plans(*narrowing_plans(tmp_path))
    assert diff.risk.grade == NARROWING
    first = to_text(diff).splitlines()[0]
    assert first == "ssm-profile / prod: narrows access, 0 to add, 1 to change, 0 to remove"
    markdown = to_markdown(diff)
    assert "[!CAUTION]" not in markdown.split("#### ")[0]
    assert (
        "**Access narrows (1):**\n- removed Allow statement `CloudWatchLogsWriteNamedGroups`"
        in (markdown)
    )
    # the statement's source is the plugin, from the plan's plugins output
    assert "| - | `Allow` |" in markdown and "`plugin plugins.cloudwatch_logs`" in markdown


# --- each rule of the grading, on plan files built by hand ------------------------------------


def _plan(
    statements: list[dict[str, Any]] | None = None,
    managed: tuple[str, ...] = (),
    boundary: str | None = None,
    trust: list[dict[str, Any]] | None = None,
    parts: int = 1,
) -> dict[str, Any]:
    urn = "urn:pulumi:s::p::ssm-profile:index:InstanceProfile$"
    role_inputs: dict[str, Any] = {
        "name": "R",
        "assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": trust or []}),
    }
    if boundary:
        role_inputs["permissionsBoundary"] = boundary
    resources = [
        {"urn": urn + ROLE + "::role", "type": ROLE, "name": "role", "inputs": role_inputs}
    ]
    statements = statements or []
    chunks = [statements[i::parts] for i in range(parts)]
    for number, chunk in enumerate(chunks, start=1):
        doc = json.dumps({"Version": "2012-10-17", "Statement": chunk})
        resources.append(
            {
                "urn": f"{urn}{POLICY}::policy{number}",
                "type": POLICY,
                "name": f"policy{number}",
                "inputs": {"name": f"P{number}", "path": "/", "policy": doc},
            }
        )
    for arn in managed:
        resources.append(
            {
                "urn": f"{urn}{ATTACHMENT}::{arn}",
                "type": ATTACHMENT,
                "name": arn,
                "inputs": {"role": "R", "policyArn": arn},
            }
        )
    return {"project": "p", "stack": "s", "resources": resources, "outputs": {}}


def _allow(sid: str, action: Any = "s3:GetObject", resource: Any = "arn:aws:s3:::b/*", **more):
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource, **more}


def _grades(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.grade for c in grade(old, new).changes]


CONDITION = {"StringEquals": {"aws:SourceVpc": "vpc-1"}}


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ([], [_allow("A")], [BROADENING]),
        ([_allow("A")], [], [NARROWING]),
        ([_allow("A")], [_allow("A", ["s3:GetObject", "s3:PutObject"])], [BROADENING]),
        ([_allow("A", ["s3:GetObject", "s3:PutObject"])], [_allow("A")], [NARROWING]),
        ([_allow("A", resource="arn:aws:s3:::b/p/*")], [_allow("A")], [BROADENING]),
        ([_allow("A")], [_allow("A", resource="arn:aws:s3:::b/p/*")], [NARROWING, BROADENING]),
        ([_allow("A", Condition=CONDITION)], [_allow("A")], [BROADENING]),
        ([_allow("A")], [_allow("A", Condition=CONDITION)], [NARROWING]),
        ([{**_allow("A"), "Effect": "Deny"}], [], [BROADENING]),
        ([], [{**_allow("A"), "Effect": "Deny"}], [NARROWING]),
        ([{**_allow("A"), "Effect": "Deny"}], [_allow("A")], [BROADENING]),
        (
            [{**_allow("A"), "Effect": "Deny", "Condition": CONDITION}],
            [{**_allow("A"), "Effect": "Deny"}],
            [NARROWING],
        ),
        (
            [_allow("A", ["s3:GetObject", "s3:PutObject"])],
            [_allow("A", ["s3:PutObject", "s3:GetObject"])],
            [],
        ),
    ],
)
def test_statement_changes_are_graded(before, after, expected):
    got = _grades(_plan(before), _plan(after))
    assert sorted(got) == sorted(expected)


def test_a_statement_moved_to_another_packed_policy_is_neutral():
    statements = [_allow("A"), _allow("B", "s3:PutObject")]
    risk = grade(_plan(statements), _plan(statements, parts=2))
    assert risk.changes == () and risk.grade == NEUTRAL


def test_managed_policies_and_the_boundary_are_graded():
    core = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    boundary = "arn:aws:iam::111122223333:policy/B"
    assert _grades(_plan(), _plan(managed=(core,))) == [BROADENING]
    assert _grades(_plan(managed=(core,)), _plan()) == [NARROWING]
    assert _grades(_plan(boundary=boundary), _plan()) == [BROADENING]
    assert _grades(_plan(), _plan(boundary=boundary)) == [NARROWING]
    assert _grades(_plan(boundary=boundary), _plan(boundary=boundary + "2")) == [BROADENING]
    # the stack's own custom policy's attachment is not a managed policy change
    own = "arn:aws:iam::123456789012:policy/P1"
    assert _grades(_plan(managed=(own,)), _plan()) == []


def test_a_new_trusted_principal_broadens():
    ec2 = {
        "Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    ssm = {**ec2, "Principal": {"Service": ["ec2.amazonaws.com", "ssm.amazonaws.com"]}}
    (change,) = grade(_plan(trust=[ec2]), _plan(trust=[ssm])).changes
    assert change.grade == BROADENING
    assert (
        change.message
        == "trust statement `#1`: `Service ssm.amazonaws.com` may now assume the role"
    )


def test_a_managed_policy_shows_its_name_deprecation_and_actions():
    arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"
    risk = grade(_plan(), _plan(managed=(arn,)))
    (row,) = risk.policies
    assert (row.sign, row.name, row.deprecated) == ("+", "service-role/AmazonEC2RoleforSSM", True)
    assert "ssm:UpdateInstanceInformation (Write)" in row.grants.split(", ")
    customer = grade(_plan(), _plan(managed=("arn:aws:iam::111122223333:policy/Team",))).policies
    assert customer[0].grants == "a customer managed policy: its document is not in the plan"


@pytest.mark.parametrize(
    ("action", "shown"),
    [
        ("s3:PutObjectAcl", "s3:PutObjectAcl (Permissions management)"),
        ("s3:GetObject", "s3:GetObject (Read)"),
        ("s3:ListBucket", "s3:ListBucket (List)"),
        ("s3:PutObjectTagging", "s3:PutObjectTagging (Tagging)"),
        ("acme:DoIt", "acme:DoIt (not in parliament)"),
        ("*", "* (every action)"),
    ],
)
def test_actions_are_labelled_with_parliaments_access_level(action, shown):
    assert labelled(action) == shown


# --- the CI gate: diff --fail-on broadening ----------------------------------------------------


def _run(tmp_path, capsys, old: Any, new: Any, *args: str) -> tuple[int, str, str]:
    from ssm_profile.cli import main

    paths = []
    for name, plan in (("old.json", old), ("new.json", new)):
        path = tmp_path / name
        path.write_text(plan if isinstance(plan, str) else json.dumps(plan))
        paths.append(str(path))
    status = main(["diff", *paths, *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(
    ("before", "after", "args", "status"),
    [
        ([_allow("A")], [_allow("A")], ("--fail-on", "broadening"), 0),  # no changes
        ([_allow("A"), _allow("B")], [_allow("A")], ("--fail-on", "broadening"), 1),  # narrows
        ([_allow("A")], [_allow("A"), _allow("B")], ("--fail-on", "broadening"), 3),  # broadens
        ([_allow("A")], [_allow("A"), _allow("B")], (), 1),  # without the gate: changes
        (
            [_allow("A", ["s3:GetObject", "s3:PutObject"])],
            [_allow("A", ["s3:PutObject", "s3:GetObject"])],
            ("--fail-on", "broadening"),
            1,
        ),  # order only: a change, and no broadening
    ],
)
def test_fail_on_broadening_has_a_status_of_its_own(tmp_path, capsys, before, after, args, status):
    got, out, err = _run(tmp_path, capsys, _plan(before), _plan(after), *args)
    assert (got, err) == (status, "")
    assert out.startswith("p / s: ")  # the diff is printed whatever the status


def test_fail_on_with_a_bad_plan_or_value_exits_2(tmp_path, capsys):
    status, out, err = _run(tmp_path, capsys, "[]", _plan([]), "--fail-on", "broadening")
    assert (status, out) == (2, "") and err.startswith("error: ") and "not a plan" in err
    with pytest.raises(SystemExit) as exit_:
        _run(tmp_path, capsys, _plan([]), _plan([]), "--fail-on", "everything")
    assert exit_.value.code == 2
    assert "invalid choice: 'everything'" in capsys.readouterr().err


def test_a_replacement_line_in_markdown_does_not_start_with_plus():
    from ssm_profile.offline.diff import diff_plans as diff_of

    old = plan_file(REPO / "stacks" / "Pulumi.prod.yaml")
    new = copy.deepcopy(old)
    for r in new["resources"]:
        if r["type"] == ROLE:
            r["inputs"]["name"] = "Renamed"
    markdown = to_markdown(diff_of(old, new))
    (fence,) = [t for t in _parse(markdown) if t.type == "fence"]
    lines = fence.content.splitlines()
    assert "-/+ aws:iam/role:Role ssm-profile-role (replace: name)" in lines
    assert not any(line.startswith("+-") for line in lines)
    assert "+- aws:iam/role:Role ssm-profile-role (replace: name)" in to_text(diff_of(old, new))


def test_accepted_findings_appear_in_the_comment(plan_stack, plugin_dir):
    from helpers import STATEMENT, statements_plugin

    assume = {**STATEMENT, "Sid": "AcmeDeploy", "Action": "sts:AssumeRole"}
    assume["Resource"] = "arn:aws:iam::111122223333:role/deploy"
    name = statements_plugin(plugin_dir, "acme_deploy_review", json.dumps([assume]))
    old = plan_stack({}).to_json()
    accept = [{"sid": "AcmeDeploy", "finding": "CREDENTIALS_EXPOSURE", "reason": "deploy agent"}]
    new = plan_stack({"plugins": [name], "acceptFindings": accept}).to_json()
    markdown = to_markdown(diff_plans(old, new))
    tokens = _parse(markdown)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert "Accepted findings (`ssm-profile:acceptFindings`)" in headings
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    row = cells.index("`AcmeDeploy`")
    assert cells[row : row + 5] == [
        "`AcmeDeploy`",
        "`CREDENTIALS_EXPOSURE`",
        "`sts:AssumeRole`",
        "`deploy agent`",
        "`acme_deploy_review`",
    ]


def test_a_retained_attachment_removed_stays_attached_and_narrows_nothing():
    core = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    old = _plan(managed=(core,))
    old["resources"][-1]["options"] = {
        "protect": False,
        "retainOnDelete": True,
        "deleteBeforeReplace": False,
    }
    risk = grade(old, _plan())
    assert risk.changes == ()
    (row,) = risk.policies
    assert row.sign == "-" and row.grants.startswith("stays attached in AWS (retainOnDelete)")


def test_the_readme_shows_the_widening_excerpt_as_generated():
    from scenarios import widening_excerpt

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- widening-excerpt:start -->\n````markdown\n", 1)[1]
    shown = shown.split("````\n<!-- widening-excerpt:end -->", 1)[0]
    assert shown == widening_excerpt()


def test_diff_offers_exactly_the_formats_it_renders(tmp_path, capsys):
    from ssm_profile.cli import DIFF_FORMATS
    from ssm_profile.offline.diff import RENDERERS

    assert sorted(DIFF_FORMATS) == sorted(RENDERERS)
    with pytest.raises(SystemExit) as exit_:
        _run(tmp_path, capsys, _plan([]), _plan([]), "--format", "json")
    assert exit_.value.code == 2  # a usage error line, not a traceback
    assert "invalid choice: 'json'" in capsys.readouterr().err


# --- the red team's second round: changes that widened access but read as narrowing -----------

VPCE = {"StringEquals": {"aws:SourceVpce": ["vpce-1111"]}}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            [_allow("A")],
            [{"Sid": "A", "Effect": "Allow", "NotAction": "iam:CreateUser", "Resource": "*"}],
            id="action-to-notaction",
        ),
        pytest.param(
            [_allow("A")],
            [
                {
                    "Sid": "A",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "NotResource": "arn:aws:s3:::nothing",
                }
            ],
            id="resource-to-notresource",
        ),
        pytest.param(
            [_allow("A", Condition=VPCE)],
            [_allow("A", Condition={"StringEquals": {"aws:SourceVpce": ["vpce-1111", "vpce-9"]}})],
            id="another-value-under-a-kept-key",
        ),
    ],
)
def test_widening_that_used_to_read_as_narrowing_broadens(before, after):
    grades = _grades(_plan(before), _plan(after))
    assert BROADENING in grades, grades


def test_a_new_condition_key_still_narrows_and_a_removed_value_narrows():
    two = {"StringEquals": {"aws:SourceVpce": ["vpce-1111", "vpce-9"]}}
    assert _grades(_plan([_allow("A", Condition=two)]), _plan([_allow("A", Condition=VPCE)])) == [
        NARROWING
    ]
    both = {"StringEquals": {"aws:SourceVpce": ["vpce-1111"], "aws:SourceVpc": ["vpc-1"]}}
    assert _grades(_plan([_allow("A", Condition=VPCE)]), _plan([_allow("A", Condition=both)])) == [
        NARROWING
    ]


def test_a_trusted_account_added_to_the_confused_deputy_guard_broadens():
    guard = {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    wider = {"StringEquals": {"aws:SourceAccount": ["111122223333", "999999999999"]}}
    ssm = {"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}}
    ssm["Action"] = "sts:AssumeRole"
    old, new = (
        _plan(trust=[{**ssm, "Condition": guard}]),
        _plan(trust=[{**ssm, "Condition": wider}]),
    )
    assert _grades(old, new) == [BROADENING]


def test_principal_to_notprincipal_broadens():
    ec2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}}
    ec2["Action"] = "sts:AssumeRole"
    flipped = {"Effect": "Allow", "NotPrincipal": {"Service": "ec2.amazonaws.com"}}
    flipped["Action"] = "sts:AssumeRole"
    assert BROADENING in _grades(_plan(trust=[ec2]), _plan(trust=[flipped]))


def test_an_aws_managed_policy_named_like_the_stacks_own_is_still_graded():
    """Red team: customPolicyName AmazonSSMReadOnlyAccess hid that managed policy."""
    plan = _plan([_allow("A")])
    plan["resources"][1]["inputs"]["name"] = "AmazonSSMReadOnlyAccess"
    after = attach(copy.deepcopy(plan), "AmazonSSMReadOnlyAccess")
    assert _grades(plan, after) == [BROADENING]


def _profile(plan: dict[str, Any], role: str) -> dict[str, Any]:
    urn = "urn:pulumi:s::p::ssm-profile:index:InstanceProfile$"
    profile = "aws:iam/instanceProfile:InstanceProfile"
    plan["resources"].append(
        {
            "urn": f"{urn}{profile}::profile",
            "type": profile,
            "name": "profile",
            "inputs": {"name": "IP", "role": role},
        }
    )
    return plan


def test_the_instance_profile_holding_another_role_broadens():
    old, new = _profile(_plan(), "R"), _profile(_plan(), "OrgAdminRole")
    (change,) = grade(old, new).changes
    assert change.grade == BROADENING
    assert "now holds role `OrgAdminRole`" in change.message


def test_grants_the_grading_cannot_read_broaden():
    old, new = _plan(), _plan()
    new["resources"][0]["inputs"]["inlinePolicies"] = [{"name": "x", "policy": "{}"}]
    assert _grades(old, new) == [BROADENING]
    inline = "aws:iam/rolePolicy:RolePolicy"
    extra = _plan()
    extra["resources"].append(
        {
            "urn": f"urn:pulumi:s::p::{inline}::inline",
            "type": inline,
            "name": "inline",
            "inputs": {"role": "R", "policy": "{}"},
        }
    )
    assert _grades(old, extra) == [BROADENING]


def test_a_grant_moved_between_two_roles_broadens():
    """The grading takes a plan's roles together: with several roles, a change to the
    policies or attachments is flagged for review, since a move reads as no change."""
    old = _plan([_allow("A")])
    second = copy.deepcopy(old["resources"][0])
    second["urn"] += "2"
    old["resources"].append(second)
    new = copy.deepcopy(old)
    new["resources"][1]["urn"] += "-moved"
    assert BROADENING in _grades(old, new)
    assert _grades(old, copy.deepcopy(old)) == []
