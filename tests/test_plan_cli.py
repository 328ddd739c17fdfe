"""The offline plan command (docs/review.md): formats, determinism, exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from helpers import REPO, write_stack

from ssm_profile.cli import main
from ssm_profile.config.stackfile import list_stacks
from ssm_profile.offline import report

EXAMPLE_STACKS = ["dev", "staging", "prod"]


def run_cli(*args: str, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    """``python -m ssm_profile ...`` in a fresh interpreter, from the project folder."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-m", "ssm_profile", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def cli(monkeypatch, capsys):
    """``cli("plan", "--stack", "dev")`` -> (status, stdout, stderr), in-process."""
    monkeypatch.chdir(REPO)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_the_example_stacks_are_the_three_of_the_spec():
    assert list_stacks(REPO / "stacks") == sorted(EXAMPLE_STACKS)


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_json_plan_of_each_example_stack_is_byte_identical_across_processes(stack):
    """Two interpreters with different hash seeds print the same bytes (no set order leaks)."""
    first = run_cli("plan", "--stack", stack, "--format", "json", hash_seed="1")
    second = run_cli("plan", "--stack", stack, "--format", "json", hash_seed="2")
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["stack"] == stack


def test_same_stack_rendered_twice_in_one_process_is_identical(cli):
    runs = [cli("plan", "--stack", "prod", "--format", "json") for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0][0] == 0


def test_json_format_is_the_spec_object(cli):
    status, out, err = cli("plan", "--stack", "staging", "--format", "json")
    assert (status, err) == (0, "")
    plan = json.loads(out)
    assert list(plan) == ["project", "stack", "resources", "outputs", "warnings"]
    assert plan["warnings"] == []
    assert plan["project"] == "ssm-profile" and plan["stack"] == "staging"
    for resource in plan["resources"]:
        assert list(resource) == ["urn", "type", "name", "inputs", "options"]
        assert list(resource["options"]) == [
            "protect",
            "retainOnDelete",
            "deleteBeforeReplace",
            "aliases",
        ]
        *flags, aliases = resource["options"].values()
        assert all(isinstance(v, bool) for v in flags) and aliases == []
        assert resource["urn"].startswith("urn:pulumi:staging::ssm-profile::")
        assert resource["urn"].endswith(f"{resource['type']}::{resource['name']}")
    by_type = {r["type"]: r for r in plan["resources"]}
    role = by_type["aws:iam/role:Role"]["inputs"]
    # wire (camelCase) keys, documents as the JSON strings the provider gets
    assert isinstance(role["assumeRolePolicy"], str)
    assert json.loads(role["assumeRolePolicy"])["Version"] == "2012-10-17"
    assert isinstance(by_type["aws:iam/policy:Policy"]["inputs"]["policy"], str)
    assert "policyArn" in by_type["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]["inputs"]
    assert out.endswith("}\n")
    # registration order: the component first, its role next
    assert [r["type"] for r in plan["resources"][:2]] == [
        "ssm-profile:index:InstanceProfile",
        "aws:iam/role:Role",
    ]
    assert plan["outputs"]["roleName"] == "SSMInstanceProfile-staging"


def test_text_format_lists_resources_with_pretty_printed_documents(cli):
    status, out, err = cli("plan", "--stack", "dev")
    assert (status, err) == (0, "")
    assert out.startswith("ssm-profile / dev: 6 resources (offline plan)\n")
    assert "+ aws:iam/role:Role  ssm-profile-role\n" in out
    assert "+ aws:iam/policy:Policy  ssm-profile-policy\n" in out
    assert '          "Sid": "OwnBucketsReadWrite",\n' in out  # indented, one key a line
    assert "    assumeRolePolicy:\n      {\n" in out
    assert "\nOutputs:\n" in out
    assert "    roleName: SSMInstanceProfile-dev\n" in out


def test_text_is_a_rendering_of_the_json_plan(cli):
    _, text, _ = cli("plan", "--stack", "prod")
    _, data, _ = cli("plan", "--stack", "prod", "--format", "json")
    assert text == report.to_text(json.loads(data))


def test_account_id_option_changes_the_mocked_arns(cli):
    status, out, _ = cli(
        "plan", "--stack", "dev", "--format", "json", "--account-id", "999988887777"
    )
    assert status == 0
    outputs = json.loads(out)["outputs"]
    assert outputs["roleArn"] == "arn:aws:iam::999988887777:role/SSMInstanceProfile-dev"
    assert "123456789012" not in out


@pytest.mark.parametrize("account", ["12345", "abcdefghijkl", "1234567890123"])
def test_bad_account_id_is_an_error(cli, account):
    status, out, err = cli("plan", "--stack", "dev", "--account-id", account)
    assert (status, out) == (2, "")
    assert err == f"error: --account-id: {account!r} is not a 12-digit AWS account id\n"


def test_unknown_stack_lists_the_known_ones(cli):
    status, out, err = cli("plan", "--stack", "qa")
    assert (status, out) == (2, "")
    assert err.startswith("error: no stack file ")
    assert err.endswith("(stacks there: dev, prod, staging)\n")
    assert err.count("\n") == 1


def test_stacks_dir_option(cli, tmp_path):
    write_stack(tmp_path, "lab", {"aws:region": "eu-north-1", "vpcEndpoints": True})
    status, out, _ = cli(
        "plan", "--stack", "lab", "--stacks-dir", str(tmp_path), "--format", "json"
    )
    assert status == 0
    plan = json.loads(out)
    assert plan["stack"] == "lab"
    assert "SSMAgentBucketsEuNorth1" in out


def test_invalid_yaml_is_one_error_line(cli, tmp_path):
    (tmp_path / "Pulumi.broken.yaml").write_text("config:\n  aws:region: [unclosed\n")
    status, out, err = cli("plan", "--stack", "broken", "--stacks-dir", str(tmp_path))
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and "not valid YAML" in err
    assert err.count("\n") == 1


def test_unquoted_yaml_timestamps_stay_strings_like_the_pulumi_cli(cli, tmp_path):
    (tmp_path / "Pulumi.onprem.yaml").write_text(
        "config:\n"
        "  aws:region: us-east-2\n"
        "  ssm-profile:mode: hybrid\n"
        "  ssm-profile:tags:\n"
        "    since: 2024-01-31\n"
        "  ssm-profile:activation:\n"
        "    registrationLimit: 2\n"
        "    expirationDate: 2030-01-31T00:00:00Z\n"
    )
    status, out, err = cli(
        "plan", "--stack", "onprem", "--stacks-dir", str(tmp_path), "--format", "json"
    )
    assert (status, err) == (0, "")
    activation = [
        r for r in json.loads(out)["resources"] if r["type"] == "aws:ssm/activation:Activation"
    ]
    assert activation[0]["inputs"]["expirationDate"] == "2030-01-31T00:00:00Z"
    assert activation[0]["inputs"]["tags"] == {"since": "2024-01-31"}


def test_a_bad_stack_in_a_real_process_exits_2_with_one_line_and_no_traceback(tmp_path):
    write_stack(tmp_path, "bad", {"aws:region": "us-east-2", "regions": ["us-east-*"]})
    result = run_cli("plan", "--stack", "bad", "--stacks-dir", str(tmp_path), "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        'error: ssm-profile:regions[0]: "us-east-*": wildcards are not allowed in a Region (the '
        "guide forbids them: a wildcard can grant buckets you did not mean to); list each one "
        "explicitly\n"
    )


def test_usage_errors_exit_2(cli):
    with pytest.raises(SystemExit) as caught:
        cli("plan")
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        cli("plan", "--stack", "dev", "--format", "yaml")
    assert caught.value.code == 2


def test_jobs_give_the_same_files_and_lines_as_one_process(tmp_path, capsys, monkeypatch):
    """plan --all --jobs N writes the same bytes and prints the same lines, in the same order,
    as --jobs 1, a failing stack and warnings included."""
    from helpers import REPO, write_stack

    stacks = tmp_path / "stacks"
    stacks.mkdir()
    for i, region in enumerate(["us-east-1", "eu-west-1", "ap-southeast-5", "cn-north-1"]):
        write_stack(stacks, f"s{i}", {"aws:region": region, "vpcEndpoints": True})
    write_stack(stacks, "broken", {"aws:region": "us-east-1", "regions": ["us-*"]})
    monkeypatch.chdir(REPO)
    seen = {}
    for jobs in ("1", "2", "3"):
        out = tmp_path / f"out{jobs}"
        args = ["plan", "--all", "--jobs", jobs, "--stacks-dir", str(stacks), "--format", "json"]
        status = main([*args, "--out", str(out)])
        printed = capsys.readouterr()
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        seen[jobs] = (status, printed.out.replace(str(out), "OUT"), printed.err, files)
    assert seen["1"] == seen["2"] == seen["3"]
    status, _, err, files = seen["1"]
    assert status == 2 and "error: stack broken: ssm-profile:regions[0]" in err
    assert sorted(files) == ["s0.json", "s1.json", "s2.json", "s3.json"]


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(capsys, jobs):
    with pytest.raises(SystemExit) as caught:
        main(["plan", "--all", "--jobs", jobs])
    assert caught.value.code == 2
    assert "--jobs" in capsys.readouterr().err


_PROBE = """
import sys
from ssm_profile import cli
try:
    status = cli.main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
loaded = {m.split(".")[0] for m in sys.modules}
heavy = sorted(loaded & {"pulumi", "pulumi_aws", "pluggy", "yaml", "parliament", "grpc"})
print(status, *heavy, file=sys.stderr)
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "{old}", "{new}", "--format", "markdown"],
        ["plan", "--stack", "dev", "--account-id", "bad"],
        ["plan", "--stack", "dev", "--format", "nope"],
    ],
    ids=["diff", "error-path", "usage-error"],
)
def test_commands_that_run_no_program_import_no_pulumi_pluggy_or_yaml(tmp_path, argv):
    """``diff`` and the error paths stay cheap: what each loads is the command's own code."""
    plans = []
    for name in ("dev", "prod"):
        done = run_cli("plan", "--stack", name, "--format", "json")
        plans.append(tmp_path / f"{name}.json")
        plans[-1].write_text(done.stdout)
    args = [a.format(old=plans[0], new=plans[1]) for a in argv]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=REPO, capture_output=True, text=True
    )
    last = done.stderr.strip().splitlines()[-1].split()
    assert last[1:] == [], done.stderr
