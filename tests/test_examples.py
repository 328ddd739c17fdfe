"""The example programs in examples/ that embed the component, planned offline with
``plan --program`` under the same recording mocks as the stack-config program."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from helpers import REPO

from ssm_profile.aws.types import AWS_PROVIDER, COMPONENT, PROFILE, ROLE
from ssm_profile.cli import main
from ssm_profile.config.stackfile import load_stack
from ssm_profile.errors import SsmProfileError
from ssm_profile.offline import report
from ssm_profile.offline.plan import run_program

TWO_ACCOUNTS = REPO / "examples" / "two-accounts"
PROGRAM = "two_accounts:main"


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.chdir(REPO)

    def run(*argv: str | Path) -> tuple[int, str, str]:
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def _two_accounts_plan():
    return run_program(load_stack("prod", TWO_ACCOUNTS, TWO_ACCOUNTS), program=PROGRAM)


def test_two_accounts_builds_one_profile_per_account_through_its_provider():
    plan = _two_accounts_plan()
    assert (plan.project, plan.stack, plan.warnings) == ("two-accounts", "prod", [])
    assert plan.outputs == {
        "dataInstanceProfileName": "SSMInstanceProfile-data",
        "dataRoleArn": "arn:aws:iam::222222222222:role/SSMInstanceProfile-data",
        "webInstanceProfileName": "SSMInstanceProfile-web",
        "webRoleArn": "arn:aws:iam::111111111111:role/SSMInstanceProfile-web",
    }
    providers = {r["name"]: r["inputs"] for r in plan.resources if r["type"] == AWS_PROVIDER}
    assert {name: json.loads(i["allowedAccountIds"]) for name, i in providers.items()} == {
        "web-account": ["111111111111"],
        "data-account": ["222222222222"],
    }
    components = sorted(r["name"] for r in plan.resources if r["type"] == COMPONENT)
    assert components == ["data-ssm", "web-ssm"]
    for name in ("web", "data"):
        children = {r["type"] for r in plan.resources if r["name"].startswith(f"{name}-ssm-")}
        assert ROLE in children and PROFILE in children
        role = next(r for r in plan.resources if r["name"] == f"{name}-ssm-role")
        assert role["inputs"]["tags"] == {"account": name}
        assert role["options"]["protect"] is True


def test_plan_program_prints_what_run_program_records(cli):
    status, out, err = cli(
        "plan",
        "--stack",
        "prod",
        "--stacks-dir",
        TWO_ACCOUNTS,
        "--program",
        PROGRAM,
        "--format",
        "json",
    )
    assert (status, err) == (0, "")
    assert out == report.RENDERERS["json"](_two_accounts_plan().to_json())


def test_plan_all_of_a_program_is_the_same_with_any_number_of_jobs(cli, tmp_path):
    outs = []
    for jobs in ("1", "2"):
        folder = tmp_path / jobs
        status, _, err = cli(
            "plan",
            "--all",
            "--stacks-dir",
            TWO_ACCOUNTS,
            "--program",
            PROGRAM,
            "--format",
            "json",
            "--out",
            folder,
            "--jobs",
            jobs,
        )
        assert (status, err) == (0, "")
        outs.append((folder / "prod.json").read_text())
    assert outs[0] == outs[1]
    status, _, err = cli("diff", tmp_path / "1" / "prod.json", tmp_path / "2" / "prod.json")
    assert (status, err) == (0, "")


def _project(folder: Path, module: str, body: str) -> Path:
    (folder / "Pulumi.yaml").write_text("name: embedded\nruntime: python\n")
    (folder / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    if body:
        (folder / f"{module}.py").write_text(textwrap.dedent(body))
    return folder


@pytest.mark.parametrize(
    ("program", "body", "error"),
    [
        ("nocolon", "", "error: --program: expected MODULE:FUNCTION, got 'nocolon'\n"),
        ("absent_module_x:main", "", "error: --program absent_module_x:main: cannot import "),
        ("embedded_a:nope", "def main(): pass\n", "embedded_a has no function nope\n"),
        (
            "embedded_b:main",
            """
            from ssm_profile import InstanceProfile, InstanceProfileArgs
            def main():
                InstanceProfile("x", InstanceProfileArgs(role_name="bad name"))
            """,
            "error: ssm-profile:roleName: ",
        ),
        (
            "embedded_c:main",
            "def main():\n    raise KeyError('boom')\n",
            "error: --program embedded_c:main: KeyError('boom')\n",
        ),
        (
            "embedded_e:main",
            "import pulumi_aws as aws\ndef main():\n    aws.sqs.Queue('q')\n",
            "cannot synthesise resource type aws:sqs/queue:Queue",
        ),
    ],
    ids=["no-colon", "no-module", "no-function", "bad-args", "program-raises", "unknown-type"],
)
def test_a_bad_program_is_one_line_on_stderr(cli, tmp_path, program, body, error):
    module = program.partition(":")[0]
    _project(tmp_path, module, body)
    status, out, err = cli("plan", "--stack", "dev", "--stacks-dir", tmp_path, "--program", program)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and error.strip("\n") in err and err.count("\n") == 1, err


def test_a_program_that_embeds_the_component_keeps_its_warnings(tmp_path):
    _project(
        tmp_path,
        "embedded_d",
        """
        import pulumi
        from ssm_profile import InstanceProfile, InstanceProfileArgs
        def main():
            args = InstanceProfileArgs(vpc_endpoints=True, aws_buckets="standard")
            p = InstanceProfile("x", args)
            pulumi.export("role", p.role_name)
        """,
    )
    plan = run_program(load_stack("dev", tmp_path, tmp_path), program="embedded_d:main")
    assert plan.outputs == {"role": "SSMInstanceProfile-dev"}
    assert [w.split(":")[:2] for w in plan.warnings] == [["ssm-profile", "awsBuckets"]]


def test_run_program_refuses_a_bad_spec_before_the_runtime():
    with pytest.raises(SsmProfileError, match="expected MODULE:FUNCTION"):
        run_program(load_stack("prod", TWO_ACCOUNTS, TWO_ACCOUNTS), program="a:b:c")
