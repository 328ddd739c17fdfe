""".ci/review_plans.py: the pull request job's per-stack comments, from two real checkouts.

Each checkout is a copy of this project (its own code and stack files); the head changes its
stack config the way a pull request does. The base may be a revision from before ``plan --all``
existed: its CLI is then replaced by one that only knows ``plan --stack``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import yaml
from helpers import REPO
from markdown_it import MarkdownIt

# The CLI of a revision without `plan --all` / `--out` (as the core program first shipped it).
OLD_CLI = """
import argparse, sys
from ssm_profile.offline import report
from ssm_profile.offline.plan import run_program
from ssm_profile.config.stackfile import load_stack
from ssm_profile.errors import SsmProfileError

parser = argparse.ArgumentParser(prog="python -m ssm_profile")
plan = parser.add_subparsers(dest="command", required=True).add_parser("plan")
plan.add_argument("--stack", required=True)
plan.add_argument("--format", default="text")
args = parser.parse_args()
try:
    sys.stdout.write(report.RENDERERS[args.format](run_program(load_stack(args.stack)).to_json()))
except SsmProfileError as error:
    sys.exit(f"error: {error}")
"""


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("review_plans", REPO / ".ci" / "review_plans.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checkout(folder: Path) -> Path:
    """A copy of the project as a revision's checkout holds it."""
    folder.mkdir()
    for name in ("Pulumi.yaml", "ssm_profile", "stacks", "plugins"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy(source, folder / name)
    return folder


def ci_checkout(folder: Path) -> Path:
    """A checkout as the workflow has it after ``make install``: the project with its .ci
    folder and a .venv (this repository's, linked: a virtualenv's python finds its packages
    through the path it is started by)."""
    checkout(folder)
    shutil.copytree(REPO / ".ci", folder / ".ci", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    return folder


def edit_stack(folder: Path, stack: str, **changes: object) -> None:
    path = folder / "stacks" / f"Pulumi.{stack}.yaml"
    data = yaml.safe_load(path.read_text())
    data["config"].update({f"ssm-profile:{k}": v for k, v in changes.items()})
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_one_comment_per_stack_for_every_kind_of_change(tmp_path, capsys):
    base, head, out = checkout(tmp_path / "base"), checkout(tmp_path / "head"), tmp_path / "out"
    staging = yaml.safe_load((base / "stacks" / "Pulumi.staging.yaml").read_text())
    regions = staging["config"].get("ssm-profile:regions", [staging["config"]["aws:region"]])
    edit_stack(head, "staging", regions=[*regions, "us-west-2"])
    (head / "stacks" / "Pulumi.dev.yaml").unlink()
    shutil.copy(base / "stacks" / "Pulumi.dev.yaml", head / "stacks" / "Pulumi.qa.yaml")
    edit_stack(head, "prod", regions=["eu-west-1", "us-east-*"])

    script = load_script()
    python = sys.executable
    status = script.main(
        [str(base), str(head), str(out), "--base-python", python, "--head-python", python]
    )
    assert status == 2  # prod of the head does not plan
    index = json.loads((out / "comments" / "index.json").read_text())
    assert [(e["stack"], e["changed"], e["failed"]) for e in index] == [
        ("dev", True, False),
        ("prod", True, True),
        ("qa", True, False),
        ("staging", True, False),
    ]
    comments = {e["stack"]: (out / "comments" / e["file"]).read_text() for e in index}
    for entry in index:
        assert comments[entry["stack"]].startswith(entry["marker"] + "\n")
    assert "stack file removed" in comments["dev"]
    assert "the offline plan of this pull request fails" in comments["prod"]
    assert 'ssm-profile:regions[1]: "us-east-*"' in comments["prod"]
    assert comments["qa"].count("*New stack: everything below is created.*") == 1

    tokens = MarkdownIt("commonmark").enable("table").parse(comments["staging"])
    (block,) = [t for t in tokens if t.type == "fence"]
    assert block.info == "diff"
    assert "+      statement SSMAgentBucketsUsWest2 (added)" in block.content
    assert "staging: changes" in capsys.readouterr().out


def test_a_base_without_plan_all_is_planned_stack_by_stack(tmp_path):
    base, head, out = checkout(tmp_path / "base"), checkout(tmp_path / "head"), tmp_path / "out"
    (base / "ssm_profile" / "__main__.py").write_text(OLD_CLI)
    python = sys.executable
    script = load_script()
    args = [str(base), str(head), str(out), "--base-python", python, "--head-python", python]
    assert script.main(args) == 0
    index = json.loads((out / "comments" / "index.json").read_text())
    assert {e["stack"] for e in index} == {"dev", "prod", "staging"}
    assert not any(e["changed"] or e["failed"] for e in index)
    text = (out / "comments" / "prod.md").read_text()
    assert "### ssm-profile / prod: no changes (offline plan)" in text
    assert (out / "base" / "prod.json").read_text() == (out / "head" / "prod.json").read_text()


def test_a_diff_too_long_for_a_comment_keeps_summary_and_warnings(plan_stack):
    from ssm_profile.offline.diff import diff_plans, to_markdown

    old = plan_stack({"buckets": ["a-bucket"]}).to_json()
    new = plan_stack({"buckets": ["a-bucket"], "vpcEndpoints": True, "roleName": "Other"})
    full = to_markdown(diff_plans(old, new.to_json()))
    short = to_markdown(diff_plans(old, new.to_json()), limit=len(full) - 1)
    assert "```diff" in full and "```diff" not in short
    assert short.split("\n\n")[:-1] == full.split("\n\n")[: len(short.split("\n\n")) - 1]
    assert "too long to show here" in short and "> [!CAUTION]" in short


def test_the_workflow_step_runs_the_script_from_the_workspace(tmp_path):
    """The step of plan-diff.yml, run as it is written: from the workspace holding the `base`
    and `head` checkouts, the script started by path with head's virtualenv python, where the
    project is not installed (so the script must find it itself)."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "plan-diff.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["plan-diff"]["steps"] if s.get("id") == "review"]
    ci_checkout(tmp_path / "base")
    head = ci_checkout(tmp_path / "head")
    edit_stack(head, "staging", regions=["us-east-1", "us-west-2"], vpcEndpoints=True)
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ModuleNotFoundError" not in done.stderr
    assert (tmp_path / "output").read_text() == "status=0\n"
    comments = runner_temp / "review" / "comments"
    index = json.loads((comments / "index.json").read_text())
    assert [(e["stack"], e["changed"], e["failed"]) for e in index] == [
        ("dev", False, False),
        ("prod", False, False),
        ("staging", True, False),
    ]
    for entry in index:
        assert (comments / entry["file"]).read_text().startswith(entry["marker"] + "\n")
    assert "SSMAgentBucketsUsWest2" in (comments / "staging.md").read_text()
    assert (tmp_path / "summary.md").read_text().count("<!-- ssm-profile:plan-diff") == 3
