"""``python -m ssm_profile diff``: what a reviewer sees between two plans of a stack.

Plans come from the real program (``plan_stack``); the new plan of a change is made the way a
user makes it, by changing the stack config. Plugin statements are added by editing the policy
JSON of a real plan, as a plugin's contribution arrives there.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import POLICY, PROFILE, ROLE
from markdown_it import MarkdownIt

from ssm_profile.cli import main
from ssm_profile.offline.diff import diff_plans

GUIDE = {
    "vpcEndpoints": True,
    "awsBuckets": "guide",
    "buckets": ["logs-bucket", "scripts-bucket"],
}


def run_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: Any, new: Any, *args: str
) -> tuple[int, str, str]:
    """Write both plans as files, run the CLI, return (status, stdout, stderr)."""
    paths = []
    for name, plan in (("old.json", old), ("new.json", new)):
        path = tmp_path / name
        path.write_text(plan if isinstance(plan, str) else json.dumps(plan, indent=2))
        paths.append(str(path))
    status = main(["diff", *paths, *args])
    out, err = capsys.readouterr()
    return status, out, err


def resource(plan: dict[str, Any], type_token: str) -> dict[str, Any]:
    (found,) = [r for r in plan["resources"] if r["type"] == type_token]
    return found


def edit_policy(plan: dict[str, Any], edit: Any) -> dict[str, Any]:
    """A copy of ``plan`` whose custom policy document was changed by ``edit(doc)``."""
    new = copy.deepcopy(plan)
    inputs = resource(new, POLICY)["inputs"]
    doc = json.loads(inputs["policy"])
    edit(doc)
    inputs["policy"] = json.dumps(doc, indent=2)
    return new


def test_identical_plans_exit_0_and_say_no_changes(plan_stack, tmp_path, capsys):
    plan = plan_stack(GUIDE).to_json()
    status, out, err = run_diff(tmp_path, capsys, plan, plan_stack(GUIDE).to_json())
    assert (status, out, err) == (0, "ssm-profile / test: no changes\n", "")
    status, out, _ = run_diff(tmp_path, capsys, plan, plan, "--format", "markdown")
    assert status == 0 and "no changes" in out


def test_an_added_region_shows_its_statement_and_buckets(plan_stack, tmp_path, capsys):
    old = plan_stack({**GUIDE, "regions": ["us-east-2"]}).to_json()
    new = plan_stack({**GUIDE, "regions": ["us-east-2", "eu-south-1"]}).to_json()
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert out.splitlines()[0] == (
        "ssm-profile / test: BROADENS ACCESS, 0 to add, 1 to change, 0 to remove"
    )
    assert "!!! new Allow statement `SSMAgentBucketsEuSouth1`: `s3:GetObject (Read)` on" in out
    assert "~  aws:iam/policy:Policy ssm-profile-policy (update)" in out
    assert "+      statement SSMAgentBucketsEuSouth1 (added)" in out
    # the guide's Region exception: eu-south-1 has a distributor bucket, no birdwatcher one
    assert '+            "arn:aws:s3:::aws-ssm-distributor-file-eu-south-1/*",' in out
    assert "birdwatcher-prod" not in out
    assert "REPLACES" not in out  # nothing replaced

    (changed,) = diff_plans(old, new).resources
    (policy,) = changed.inputs
    assert [(s.sid, s.kind) for s in policy.document.statements] == [
        ("SSMAgentBucketsEuSouth1", "added")
    ]


def test_a_removed_bucket_lists_exactly_the_resources_that_go(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = plan_stack({**GUIDE, "buckets": ["logs-bucket"]}).to_json()
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    (changed,) = diff_plans(old, new).resources
    (statement,) = changed.inputs[0].document.statements
    assert (statement.sid, statement.kind) == ("OwnBucketsReadWrite", "changed")
    assert [(i.sign, i.field, i.value) for i in statement.items] == [
        ("-", "Resource", "arn:aws:s3:::scripts-bucket/*")
    ]
    assert "~      statement OwnBucketsReadWrite (changed)" in out
    assert "-        Resource: arn:aws:s3:::scripts-bucket/*" in out


PLUGIN_STATEMENT = {
    "Sid": "PluginCloudWatchLogsWrite",
    "Effect": "Allow",
    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "arn:aws:logs:us-east-2:123456789012:log-group:/ssm/sessions:*",
    "Condition": {"StringEquals": {"aws:ResourceAccount": "123456789012"}},
}


def test_a_plugin_statement_added_is_shown_whole(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = edit_policy(old, lambda doc: doc["Statement"].append(PLUGIN_STATEMENT))
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert "+      statement PluginCloudWatchLogsWrite (added)" in out
    added = [line[2:] for line in out.splitlines() if line.startswith("+        ")]
    assert json.loads("\n".join(added)) == PLUGIN_STATEMENT


def test_a_changed_plugin_statement_lists_actions_and_conditions(plan_stack, tmp_path, capsys):
    base = edit_policy(
        plan_stack(GUIDE).to_json(), lambda d: d["Statement"].append(PLUGIN_STATEMENT)
    )

    def widen(doc: dict[str, Any]) -> None:
        statement = doc["Statement"][-1]
        statement["Action"] = ["logs:PutLogEvents", "logs:DescribeLogStreams"]
        statement["Condition"]["StringEquals"]["aws:ResourceAccount"] = [
            "123456789012",
            "210987654321",
        ]

    status, out, _ = run_diff(tmp_path, capsys, base, edit_policy(base, widen))
    assert status == 1
    lines = out.splitlines()
    start = lines.index("~      statement PluginCloudWatchLogsWrite (changed)")
    items = [line for line in lines if line.startswith(("+        ", "-        "))]
    assert items == [
        "-        Action: logs:CreateLogStream",
        "+        Action: logs:DescribeLogStreams",
        "+        Condition: StringEquals aws:ResourceAccount = 210987654321",
    ]
    assert lines[start + 1 : start + 4] == items


def test_reordering_statements_is_not_a_permission_change(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = edit_policy(old, lambda doc: doc["Statement"].reverse())
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1  # the text differs, so Pulumi would create a new policy version
    assert "~    policy: same permissions, new text (order or layout)" in out
    assert "statement" not in out


def test_a_role_rename_is_flagged_as_replacement(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = plan_stack({**GUIDE, "roleName": "SSMInstanceRole-test"}).to_json()
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    result = diff_plans(old, new)
    actions = {r.type: (r.action, r.replaced_by) for r in result.resources}
    assert actions[ROLE] == ("replace", ("name",))
    # the instance profile name follows the role name by default: replaced too
    assert actions[PROFILE] == ("replace", ("name",))
    assert POLICY not in actions  # the custom policy keeps its name
    danger = [a.message for a in result.alerts if a.level == "danger"]
    assert len(danger) == 2
    assert danger[0].startswith("REPLACES the role `ssm-profile-role`")
    assert "lose their Systems Manager credentials" in danger[0]
    assert '!!! REPLACES the role `ssm-profile-role` (name `"SSMInstanceProfile-test"` -> ' in out
    assert "+- aws:iam/role:Role ssm-profile-role (replace: name)" in out

    status, markdown, _ = run_diff(tmp_path, capsys, old, new, "--format", "markdown")
    assert markdown.count("> [!CAUTION]\n> REPLACES the ") == 2


def test_a_path_change_replaces_role_profile_and_policy(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = plan_stack({**GUIDE, "path": "/ssm/"}).to_json()
    result = diff_plans(old, new)
    replaced = {r.type: r.replaced_by for r in result.resources if r.action == "replace"}
    assert replaced[ROLE] == ("path",)
    assert replaced[PROFILE] == ("path",)
    assert replaced[POLICY] == ("path",)
    assert [a.level for a in result.alerts] == ["danger", "danger", "warning"]
    assert result.alerts[2].message.startswith(
        'replaces the customer managed policy `ssm-profile-policy` (path `"/"` -> `"/ssm/"`)'
    )
    _, out, _ = run_diff(tmp_path, capsys, old, new)
    assert out.count("!!! REPLACES") == 2 and out.count("!   replaces") == 1


def test_a_description_change_updates_in_place_without_warning(plan_stack):
    old = plan_stack(GUIDE).to_json()
    new = plan_stack({**GUIDE, "description": "Role for the test fleet"}).to_json()
    result = diff_plans(old, new)
    assert [(r.type, r.action) for r in result.resources] == [(ROLE, "update")]
    assert result.alerts == ()


def test_a_new_urn_for_the_role_is_flagged_even_with_the_same_name(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = copy.deepcopy(old)
    role = resource(new, ROLE)
    role["name"] = "main-role"
    role["urn"] = role["urn"].replace("::ssm-profile-role", "::main-role")
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert "-  aws:iam/role:Role ssm-profile-role (remove)" in out
    assert "+  aws:iam/role:Role main-role (add)" in out
    (alert,) = diff_plans(old, new).alerts
    assert alert.level == "danger"
    assert alert.message.startswith(
        "REPLACES the role `ssm-profile-role`: its URN changes (now `main-role`; "
    )
    assert "keeps the name `SSMInstanceProfile-test`, so creating it fails" in alert.message
    assert "add an alias" in alert.message


def test_a_renamed_attachment_is_flagged_as_detaching_its_policy(plan_stack):
    old = plan_stack(GUIDE).to_json()
    new = copy.deepcopy(old)
    core = next(
        r
        for r in new["resources"]
        if r["inputs"].get("policyArn", "").endswith("/AmazonSSMManagedInstanceCore")
    )
    core["name"] = "ssm-profile-core-attachment"
    core["urn"] = core["urn"].rsplit("::", 1)[0] + "::" + core["name"]
    result = diff_plans(old, new)
    assert sorted(r.action for r in result.resources) == ["add", "remove"]
    (alert,) = result.alerts
    assert alert.level == "danger"
    assert alert.message.startswith(
        "DETACHES `arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore` from the role "
        "`SSMInstanceProfile-test`: its attachment gets a new URN"
    )


def test_removing_the_instance_profile_is_flagged(plan_stack):
    old = plan_stack(GUIDE).to_json()
    new = plan_stack({**GUIDE, "createInstanceProfile": False}).to_json()
    result = diff_plans(old, new)
    assert [(r.type, r.action) for r in result.resources] == [(PROFILE, "remove")]
    (alert,) = result.alerts
    assert alert.message.startswith(
        "REMOVES the instance profile `ssm-profile-instance-profile` (`SSMInstanceProfile-test`)"
    )


def test_a_statement_moved_to_another_policy_is_noted(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = copy.deepcopy(old)
    first = resource(new, POLICY)
    doc = json.loads(first["inputs"]["policy"])
    moved = doc["Statement"].pop()
    first["inputs"]["policy"] = json.dumps(doc, indent=2)
    second = copy.deepcopy(first)
    second["name"] += "-2"
    second["urn"] += "-2"
    second["inputs"]["name"] += "-2"
    second["inputs"]["policy"] = json.dumps({**doc, "Statement": [moved]}, indent=2)
    new["resources"].insert(new["resources"].index(first) + 1, second)
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert f"-      statement {moved['Sid']} (moved to `ssm-profile-policy-2`, unchanged)" in out
    assert "+  aws:iam/policy:Policy ssm-profile-policy-2 (add)" in out


def test_outputs_only_and_different_stacks_are_reported(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    new = copy.deepcopy(old)
    new["outputs"]["mode"] = "hybrid"
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert out.splitlines()[0].endswith("(outputs only)")
    assert '~    mode: "ec2" -> "hybrid"' in out

    other = plan_stack(GUIDE, stack="other").to_json()
    status, out, _ = run_diff(tmp_path, capsys, old, other)
    assert "note: comparing two stacks (test, other)" in out
    # matched without the stack name: only the stack-named values differ
    assert {r.action for r in diff_plans(old, other).resources} <= {"update", "replace"}


def test_the_markdown_diff_parses_into_alerts_table_and_diff_block(plan_stack):
    from ssm_profile.offline.diff import to_markdown

    old = plan_stack(GUIDE).to_json()
    new = plan_stack({**GUIDE, "roleName": "Renamed", "regions": ["us-east-2", "us-west-2"]})
    tokens = (
        MarkdownIt("commonmark").enable("table").parse(to_markdown(diff_plans(old, new.to_json())))
    )
    quotes = [t for t in tokens if t.type == "blockquote_open"]
    assert len(quotes) == 3  # access broadens, then the two alerts
    headers = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "th_open"]
    assert headers[:4] == ["change", "resource", "type", "what"]
    assert headers[4:] == ["", "Effect", "Action (access level)", "Resource", "Condition", "Source"]
    (block,) = [t for t in tokens if t.type == "fence"]
    assert block.info == "diff"
    assert "+      statement SSMAgentBucketsUsWest2 (added)" in block.content
    assert all(line[:1] in "+-~ " for line in block.content.splitlines())


MALFORMED = {
    "missing": (None, "cannot read (No such file or directory)"),
    "directory": ("<dir>", "cannot read (Is a directory)"),
    "binary": (b"\xff\xfe\x00", "not JSON (not UTF-8 text)"),
    "not-json": ("{resources: []}", "not JSON (Expecting property name enclosed in double quotes"),
    "empty": ("", "not JSON (Expecting value at line 1 column 1)"),
    "array": ("[]", "not a plan (the top level is an array, not an object)"),
    "no-resources": ({"project": "p", "stack": "s", "outputs": {}}, '"resources" is missing'),
    "resources-object": (
        {"project": "p", "stack": "s", "resources": {}, "outputs": {}},
        '"resources" is an object, not an array',
    ),
    "resource-without-urn": (
        {
            "project": "p",
            "stack": "s",
            "outputs": {},
            "resources": [{"type": "t", "name": "n", "inputs": {}}],
        },
        'resources[0]."urn" is missing, not a string',
    ),
    "inputs-not-object": (
        {
            "project": "p",
            "stack": "s",
            "outputs": {},
            "resources": [{"urn": "u", "type": "t", "name": "n", "inputs": "x"}],
        },
        'resources[0]."inputs" is a string, not an object',
    ),
    "attachment-role-list": (
        {
            "project": "p",
            "stack": "s",
            "outputs": {},
            "resources": [
                {
                    "urn": "u",
                    "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "name": "n",
                    "inputs": {"role": ["SSMInstanceProfile-s"], "policyArn": "arn:x"},
                }
            ],
        },
        'resources[0].inputs."role" is an array, not a string',
    ),
    "attachment-policy-arn-object": (
        {
            "project": "p",
            "stack": "s",
            "outputs": {},
            "resources": [
                {
                    "urn": "u",
                    "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "name": "n",
                    "inputs": {"role": "SSMInstanceProfile-s", "policyArn": {"arn": "x"}},
                }
            ],
        },
        'resources[0].inputs."policyArn" is an object, not a string',
    ),
    "attachment-role-number": (
        {
            "project": "p",
            "stack": "s",
            "outputs": {},
            "resources": [
                {
                    "urn": "u",
                    "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "name": "n",
                    "inputs": {"role": 5, "policyArn": "arn:x"},
                }
            ],
        },
        'resources[0].inputs."role" is a number, not a string',
    ),
    "duplicate-urn": (
        {
            "project": "p",
            "stack": "s",
            "outputs": {},
            "resources": [{"urn": "u", "type": "t", "name": "n", "inputs": {}}] * 2,
        },
        "resources[1]: urn u appears twice",
    ),
}


@pytest.mark.parametrize("side", ["old", "new"])
@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_input_exits_2_with_one_error_line_naming_the_file(
    plan_stack, tmp_path, capsys, kind, side
):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(plan_stack(GUIDE).to_json()))
    content, expected = MALFORMED[kind]
    bad = tmp_path / f"{kind}.json"
    if content == "<dir>":
        bad.mkdir()
    elif isinstance(content, bytes):
        bad.write_bytes(content)
    elif isinstance(content, str):
        bad.write_text(content)
    elif content is not None:
        bad.write_text(json.dumps(content))
    paths = [str(bad), str(good)] if side == "old" else [str(good), str(bad)]
    status = main(["diff", *paths])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith(f"error: {bad}: ")
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_activation_tag_change_is_a_replacement(plan_stack, tmp_path, capsys):
    """SSM cannot add or remove an activation's tags: a new tag means a new id and code."""
    hybrid = {"mode": "hybrid", "activation": {"registrationLimit": 5}, "tags": {"team": "a"}}
    old = plan_stack(hybrid).to_json()
    new = plan_stack({**hybrid, "tags": {"team": "b"}}).to_json()
    activation = next(
        r for r in diff_plans(old, new).resources if r.type == "aws:ssm/activation:Activation"
    )
    assert (activation.action, activation.replaced_by) == ("replace", ("tags",))
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    assert "(1 replaced)" in out.splitlines()[0]
    assert "aws:ssm/activation:Activation ssm-profile-activation (replace: tags)" in out


def test_the_endpoint_policy_output_is_diffed_statement_by_statement(plan_stack):
    old = plan_stack({**GUIDE, "regions": ["us-east-2"]}).to_json()
    new = plan_stack({**GUIDE, "regions": ["us-east-2", "eu-west-1"]}).to_json()
    (output,) = [d for d in diff_plans(old, new).outputs if d.key == "s3EndpointPolicy"]
    assert [(s.sid, s.kind) for s in output.document.statements] == [
        ("SSMAgentBucketsEuWest1", "added")
    ]


def test_plans_with_and_without_warnings_diff(plan_stack, tmp_path, capsys):
    old = plan_stack(GUIDE).to_json()
    del old["warnings"]  # a plan written before the key existed
    new = plan_stack({**GUIDE, "awsBuckets": "standard"}).to_json()
    assert new["warnings"]
    status, out, err = run_diff(tmp_path, capsys, old, new)
    assert (status, out, err) == (0, "ssm-profile / test: no changes\n", "")


def test_a_new_endpoint_policy_output_is_shown_as_a_document(plan_stack, tmp_path, capsys):
    """After the upgrade every stack with vpcEndpoints gains the output: each of its lines
    carries the + sign."""
    new = plan_stack(GUIDE).to_json()
    old = copy.deepcopy(new)
    del old["outputs"]["s3EndpointPolicy"]
    status, out, _ = run_diff(tmp_path, capsys, old, new)
    assert status == 1
    lines = out.splitlines()
    start = lines.index("+    s3EndpointPolicy:")
    body = lines[start + 1 :]
    assert body and all(line.startswith("+ ") for line in body)
    assert '+        "Version": "2012-10-17",' in body
