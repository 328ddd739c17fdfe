"""``plan --format markdown`` (a PR comment) and ``plan --all`` (CI plans every stack).

The markdown is checked by parsing it with a real CommonMark parser (markdown-it-py, GitHub's
table extension enabled): the table and code blocks a reviewer sees must come out as such.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, write_stack
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ssm_profile.cli import main
from ssm_profile.config.stackfile import list_stacks, load_stack
from ssm_profile.offline import report
from ssm_profile.offline.plan import run_program

STACKS = REPO / "stacks"


def parse(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(markdown)


def tables(tokens: list[Token]) -> list[list[list[str]]]:
    """Every table as rows of cell texts (header row first), as the parser split them."""
    found: list[list[list[str]]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            found.append([])
        elif token.type == "tr_open":
            found[-1].append([])
        elif token.type in ("th_open", "td_open"):
            found[-1][-1].append(tokens[i + 1].content)
    return found


def prod_plan() -> dict[str, Any]:
    return run_program(load_stack("prod", STACKS, REPO)).to_json()


def test_prod_markdown_renders_a_resource_table_json_blocks_and_outputs():
    plan = prod_plan()
    tokens = parse(report.to_markdown(plan))

    resources, outputs = tables(tokens)
    assert resources[0] == ["#", "resource", "type", "inputs"]
    assert [row[1:3] for row in resources[1:]] == [
        [f"`{r['name']}`", f"`{r['type']}`"] for r in plan["resources"]
    ]
    role_row = next(row for row in resources if row[2] == "`aws:iam/role:Role`")
    assert "path: `/ssm/`" in role_row[3]
    assert (
        "permissionsBoundary: `arn:aws:iam::111122223333:policy/PlatformPermissionsBoundary`"
        in (role_row[3])
    )

    documents = [
        json.loads(value)
        for r in plan["resources"]
        for key, value in r["inputs"].items()
        if key in report.DOCUMENT_KEYS
    ]
    # then the S3 gateway endpoint policy, a section of its own after the outputs
    documents.append(json.loads(plan["outputs"]["s3EndpointPolicy"]))
    blocks = [t for t in tokens if t.type == "fence"]
    assert len(documents) >= 3  # the trust policy, the custom policy (or its parts), endpoint
    assert [b.info for b in blocks] == ["json"] * len(documents)
    assert [json.loads(b.content) for b in blocks] == documents

    assert outputs[0] == ["output", "value"]
    assert [row[0] for row in outputs[1:]] == [f"`{k}`" for k in plan["outputs"]]
    managed = next(row for row in outputs if row[0] == "`managedPolicyArns`")
    assert managed[1] == (
        "`arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`<br>"
        "`arn:aws:iam::aws:policy/AmazonSSMPatchAssociation`"
    )
    endpoint = next(row for row in outputs if row[0] == "`s3EndpointPolicy`")
    assert endpoint[1] == "see *S3 gateway endpoint policy*"


def test_markdown_survives_pipes_backticks_and_fences_in_values(plan_stack):
    plan = plan_stack({"description": "a | b `c` ```d", "buckets": ["logs"]}).to_json()
    role = next(r for r in plan["resources"] if r["type"] == "aws:iam/role:Role")
    # a document that is not JSON is shown as it is: a fence line inside must not end the block
    role["inputs"]["assumeRolePolicy"] = "not json\n```\nstill the document"
    tokens = parse(report.to_markdown(plan))
    resources = tables(tokens)[0]
    assert all(len(row) == 4 for row in resources)
    role_row = next(row for row in resources if row[2] == "`aws:iam/role:Role`")
    code = next(t for t in tokens if t.type == "inline" and "a | b" in t.content)
    spans = [c.content for c in code.children if c.type == "code_inline"]
    assert "a | b `c` ```d" in spans, role_row
    (block,) = [t for t in tokens if t.type == "fence" and "not json" in t.content]
    assert block.content == "not json\n```\nstill the document\n"


def test_plan_format_markdown_on_the_command_line(capsys):
    assert (
        main(["plan", "--stack", "prod", "--stacks-dir", str(STACKS), "--format", "markdown"]) == 0
    )
    out, err = capsys.readouterr()
    assert out == report.to_markdown(prod_plan()) and err == ""


def test_plan_all_writes_every_stack_as_its_single_plan(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["plan", "--all", "--out", str(tmp_path), "--format", "json"]) == 0
    out, _ = capsys.readouterr()
    names = list_stacks(STACKS)
    assert names == ["dev", "prod", "staging"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{n}.json" for n in names]
    for name in names:
        assert main(["plan", "--stack", name, "--format", "json"]) == 0
        single, _ = capsys.readouterr()
        assert (tmp_path / f"{name}.json").read_text() == single
        assert f"{name}: wrote {tmp_path / (name + '.json')}" in out


def write_stacks(folder: Path) -> None:
    write_stack(folder, "alpha", {"aws:region": "eu-west-1", "buckets": ["alpha-logs"]})
    write_stack(folder, "broken", {"aws:region": "eu-west-1", "regions": ["us-east-*"]})
    write_stack(folder, "gamma", {"aws:region": "us-east-2", "vpcEndpoints": True})


def test_plan_all_reports_a_failing_stack_after_rendering_the_others(tmp_path, capsys):
    stacks, out_dir = tmp_path / "stacks", tmp_path / "plans"
    stacks.mkdir()
    write_stacks(stacks)
    out_dir.mkdir()
    (out_dir / "broken.md").write_text("stale plan from an earlier run")
    status = main(
        [
            "plan",
            "--all",
            "--stacks-dir",
            str(stacks),
            "--out",
            str(out_dir),
            "--format",
            "markdown",
        ]
    )
    out, err = capsys.readouterr()
    assert status == 2
    assert sorted(p.name for p in out_dir.iterdir()) == ["alpha.md", "gamma.md"]
    lines = err.splitlines()
    assert lines[0].startswith('error: stack broken: ssm-profile:regions[0]: "us-east-*"')
    assert lines[1] == "error: 1 of 3 stacks failed: broken"
    assert "Traceback" not in err
    assert "alpha: wrote" in out and "gamma: wrote" in out


def test_plan_all_prints_text_and_markdown_but_json_needs_a_folder(tmp_path, capsys):
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    write_stack(stacks, "alpha", {"aws:region": "eu-west-1", "buckets": ["alpha-logs"]})
    write_stack(stacks, "gamma", {"aws:region": "us-east-2", "vpcEndpoints": True})
    assert main(["plan", "--all", "--stacks-dir", str(stacks), "--format", "markdown"]) == 0
    out, _ = capsys.readouterr()
    headings = [t.content for t in parse(out) if t.type == "inline" and "offline plan" in t.content]
    assert [h.split(":")[0] for h in headings] == ["ssm-profile / alpha", "ssm-profile / gamma"]
    assert main(["plan", "--all", "--stacks-dir", str(stacks), "--format", "json"]) == 2
    _, err = capsys.readouterr()
    assert err == "error: --all --format json needs --out DIR (one JSON file per stack)\n"


@pytest.mark.parametrize("args", [["--stack", "dev", "--all"], []])
def test_plan_takes_exactly_one_of_stack_and_all(args, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["plan", *args])
    assert stopped.value.code == 2
