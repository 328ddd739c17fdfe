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


def _index(out: Path) -> dict:
    return json.loads((out / "comments" / "index.json").read_text())


def _states(out: Path) -> list[tuple[str, bool, bool]]:
    return [(e["stack"], e["changed"], e["failed"]) for e in _index(out)["stacks"]]


def parse(text: str) -> list:
    return MarkdownIt("commonmark").enable("table").parse(text)


def test_one_roll_up_comment_for_every_kind_of_change(tmp_path, capsys):
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
    assert _states(out) == [
        ("dev", True, False),
        ("prod", True, True),
        ("qa", True, False),
        ("staging", True, False),
    ]
    comment = (out / "comments" / "comment.md").read_text()
    assert comment.startswith(script.MARKER + "\n")
    assert comment.count(script.MARKER) == 1
    assert "stack file removed" in comment
    assert "the offline plan of this pull request fails" in comment
    assert 'ssm-profile:regions[1]: "us-east-*"' in comment
    assert comment.count("*New stack: everything below is created.*") == 1
    assert _index(out)["broadening"] == ["qa", "staging"]  # a new stack grants what it creates

    tokens = parse(comment)
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    rows = [cells[i : i + 5] for i in range(0, 20, 5)]
    assert [r[0] for r in rows] == ["`dev`", "`prod`", "`qa`", "`staging`"]
    assert rows[1][4] == "**yes**" and rows[3][2] == "**yes**"
    assert rows[3][1] == "0 to add, 1 to change, 0 to remove"
    summaries = [t.content for t in tokens if t.type == "html_block" and "<summary>" in t.content]
    assert [line.split("</summary>")[0].split("<summary>")[1] for line in summaries] == [
        "FAILS: prod: the offline plan fails",
        "BROADENS ACCESS: qa: new stack, 6 to add, 0 to change, 0 to remove",
        "BROADENS ACCESS: staging: 0 to add, 1 to change, 0 to remove",
        "dev: stack file removed",
    ]
    (block, *_) = [t for t in tokens if t.type == "fence" and t.info == "diff"]
    assert "statement SSMAgentBucketsUsWest2 (added)" in "".join(
        t.content for t in tokens if t.type == "fence"
    )
    assert block.info == "diff"
    assert (out / "comments" / "summary.md").read_text() == comment  # it all fits
    assert "staging: changes (broadens access)" in capsys.readouterr().out


def test_a_base_without_plan_all_is_planned_stack_by_stack(tmp_path):
    base, head, out = checkout(tmp_path / "base"), checkout(tmp_path / "head"), tmp_path / "out"
    (base / "ssm_profile" / "__main__.py").write_text(OLD_CLI)
    python = sys.executable
    script = load_script()
    args = [str(base), str(head), str(out), "--base-python", python, "--head-python", python]
    assert script.main(args) == 0
    assert {e[0] for e in _states(out)} == {"dev", "prod", "staging"}
    assert not any(changed or failed for _, changed, failed in _states(out))
    assert not _index(out)["changed"]
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
    assert (tmp_path / "output").read_text() == "status=0\nbroadening=true\n"
    comments = runner_temp / "review" / "comments"
    assert _states(runner_temp / "review") == [
        ("dev", False, False),
        ("prod", False, False),
        ("staging", True, False),
    ]
    assert "SSMAgentBucketsUsWest2" in (comments / "comment.md").read_text()
    assert (tmp_path / "summary.md").read_text() == (comments / "summary.md").read_text()


ACCOUNT_STACK = """\
config:
  aws:region: {region}
  aws:allowedAccountIds: ["{account}"]
  ssm-profile:roleName: SSMInstanceProfile-{name}
  ssm-profile:buckets:
    - name: {name}-ssm-output
  ssm-profile:plugins: [plugins.cloudwatch_logs]
  ssm-profile:pluginConfig:
    plugins.cloudwatch_logs:
      logGroups: [/ssm/{name}/messages]
"""


def account_stacks(folder: Path, count: int = 40) -> list[str]:
    """``count`` account stacks, one stack file per account, as an organisation has them."""
    names = []
    for number in range(count):
        account = f"{210000000000 + number * 1111:012d}"
        name = f"acct-{account[-4:]}"
        region = ("eu-west-1", "us-east-1", "ap-southeast-2")[number % 3]
        text = ACCOUNT_STACK.format(region=region, account=account, name=name)
        (folder / "stacks" / f"Pulumi.{name}.yaml").write_text(text)
        names.append(name)
    return names


def test_forty_accounts_and_one_plugin_change_give_one_comment_under_the_limit(tmp_path):
    base, head, out = checkout(tmp_path / "base"), checkout(tmp_path / "head"), tmp_path / "out"
    accounts = account_stacks(base)
    assert account_stacks(head) == accounts
    plugin = head / "plugins" / "cloudwatch_logs.py"
    code = plugin.read_text()
    old = '"logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]'
    assert old in code
    plugin.write_text(code.replace(old, old[:-1] + ', "logs:CreateLogGroup"]'))

    script = load_script()
    python = sys.executable
    args = [str(base), str(head), str(out), "--base-python", python, "--head-python", python]
    assert script.main(args) == 0
    comments = out / "comments"
    comment = (comments / "comment.md").read_text()
    assert len(comment) <= script.GITHUB_COMMENT_LIMIT
    assert comment.startswith(script.MARKER + "\n") and comment.count(script.MARKER) == 1

    index = json.loads((comments / "index.json").read_text())
    changed = [e["stack"] for e in index["stacks"] if e["changed"]]
    assert set(accounts) <= set(changed) and "prod" in changed  # prod enables the plugin
    assert index["broadening"] == changed  # a new action on every stack that has the plugin

    tokens = parse(comment)
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    stacks = [c.strip("`") for c in cells[0 : 5 * len(index["stacks"]) : 5]]
    assert stacks == [e["stack"] for e in index["stacks"]]  # every stack has its row
    assert len(index["stacks"]) == 43
    sections = [t for t in tokens if t.type == "html_block" and t.content.startswith("<details>")]
    assert len(sections) == len(changed)  # all fit: 41 sections of a one-statement change
    assert "do not fit" not in comment
    assert (comments / "summary.md").read_text() == comment
    # each section names what broadens, with the access level of the new action
    assert comment.count("new Action `logs:CreateLogGroup (Write)`") == len(changed)


def test_sections_that_do_not_fit_overflow_into_the_summary_and_say_so():
    script = load_script()
    reviews = [
        script.StackReview(f"acct-{n:04d}", "x" * 1000 + "\n", True, False, "1 to change")
        for n in range(100)
    ]
    reviews.append(script.StackReview("quiet", "", False, False, "no changes"))
    comment = script.rollup(reviews, "<sub>footer</sub>", script.GITHUB_COMMENT_LIMIT)
    full = script.rollup(reviews, "<sub>footer</sub>", None)
    assert len(comment) <= script.GITHUB_COMMENT_LIMIT < len(full)
    tokens = parse(comment)
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 5 * 101  # the table keeps every stack
    kept = sum(1 for t in tokens if t.type == "html_block" and t.content.startswith("<details>"))
    assert 0 < kept < 100
    assert f"*{100 - kept} of 100 changed stacks do not fit in one comment" in comment
    assert f"from `acct-{kept:04d}` on" in comment
    assert comment.rstrip().endswith("<sub>footer</sub>")
    assert full.count("<details>") == 100
