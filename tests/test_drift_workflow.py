""".github/workflows/drift.yml: scheduled, one job per stack found in stacks/ (no list in the
workflow), read-only AWS credentials, and one issue per stack opened or updated on drift and
closed when the drift is gone. Its shell steps are run here with a fake `gh`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_workflows import STACKS, load, steps, uses

WORKFLOW = load("drift.yml")
JOB = WORKFLOW["jobs"]["drift"]


def step(job: dict, name_or_id: str) -> dict:
    (found,) = [s for s in steps(job) if name_or_id in (s.get("id"), s.get("name"))]
    return found


def test_it_runs_on_a_schedule_and_by_hand_with_read_only_credentials():
    assert WORKFLOW["on"]["schedule"][0]["cron"] and "workflow_dispatch" in WORKFLOW["on"]
    assert WORKFLOW["permissions"] == {"contents": "read"}
    assert JOB["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}
    role = uses(JOB, "aws-actions/configure-aws-credentials")["with"]["role-to-assume"]
    assert role == "${{ vars.AWS_DRIFT_ROLE_ARN }}"
    assert 'drift --stack "$STACK" --format markdown' in step(JOB, "drift")["run"]


def test_the_stacks_come_from_the_stack_files(tmp_path):
    assert JOB["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.stacks.outputs.stacks) }}"
    find = step(WORKFLOW["jobs"]["stacks"], "find")["run"]
    for folder, expected in ((Path.cwd(), STACKS), (tmp_path, ["a", "b.c"])):
        if folder == tmp_path:
            (tmp_path / "stacks").mkdir()
            for name in expected:
                (tmp_path / "stacks" / f"Pulumi.{name}.yaml").write_text("config: {}\n")
        output = tmp_path / "output"
        output.unlink(missing_ok=True)
        env = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output)}
        subprocess.run(["bash", "-e", "-c", find], cwd=folder, env=env, check=True)
        key, _, value = output.read_text().strip().partition("=")
        assert (key, json.loads(value)) == ("stacks", expected)


FAKE_GH = """#!/bin/bash
echo "$*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then cat "$GH_LIST"; fi
"""


def run_issue_step(
    tmp_path: Path, status: str, open_issue: str, report_text: str = "### drift: stack prod\n"
) -> list[str]:
    """Run the issue step with a fake gh whose `issue list` answers ``open_issue``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    gh = bin_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    (tmp_path / "list").write_text(open_issue)
    report = tmp_path / "drift.md"
    report.write_text(report_text)
    log = tmp_path / "log"
    log.unlink(missing_ok=True)
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "GH_LOG": str(log),
        "GH_LIST": str(tmp_path / "list"),
        "RUNNER_TEMP": str(tmp_path),
        "STACK": "prod",
        "STATUS": status,
        "REPORT": str(report),
        "RUN_URL": "https://example.invalid/run/1",
    }
    script = step(JOB, "Open, update or close the stack's drift issue")["run"]
    subprocess.run(["bash", "-e", "-c", script], env=env, check=True)
    calls = log.read_text().splitlines() if log.exists() else []
    assert calls[0].startswith("issue list --state open")
    assert 'map(select(.title == "Drift: stack prod"))' in calls[0]
    return calls[1:]


@pytest.mark.parametrize(
    ("status", "open_issue", "expected"),
    [
        ("1", "", "issue create --title Drift: stack prod --body-file {tmp}/issue.md"),
        ("1", "7\n", "issue edit 7 --body-file {tmp}/issue.md"),
        ("0", "7\n", "issue close 7 --comment No drift any more: https://example.invalid/run/1"),
    ],
)
def test_drift_opens_or_updates_one_issue_and_no_drift_closes_it(
    tmp_path, status, open_issue, expected
):
    calls = run_issue_step(tmp_path, status, open_issue)
    assert calls == [expected.format(tmp=tmp_path)]
    if status == "1":
        body = (tmp_path / "issue.md").read_text()
        assert body.startswith("### drift: stack prod") and "https://example.invalid/run/1" in body


def test_no_drift_and_no_issue_does_nothing(tmp_path):
    assert run_issue_step(tmp_path, "0", "") == []


def test_the_issue_step_skips_an_error_and_the_job_fails_instead():
    issue = step(JOB, "Open, update or close the stack's drift issue")
    assert issue["if"] == "steps.drift.outputs.status == '0' || steps.drift.outputs.status == '1'"
    fail = step(JOB, "Fail when drift could not be checked")
    assert "exit 1" in fail["run"]


def test_a_too_long_report_links_the_run(tmp_path):
    calls = run_issue_step(tmp_path, "1", "", "x" * 60001)
    assert calls == [f"issue create --title Drift: stack prod --body-file {tmp_path}/issue.md"]
    assert (tmp_path / "issue.md").read_text() == (
        "The drift report is too long for an issue: see https://example.invalid/run/1\n"
    )
