"""What a plugin prints goes to stderr, never stdout (docs/plugins.md): at import time and in
every hook, through ``print``, ``sys.__stdout__`` or a subprocess. ``plan --format json`` stays
the plan's JSON, and a failing run leaves stdout empty. Each case runs as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, write_stack

NOISE = """
import os
import sys

from ssm_profile import hookimpl

print("noise at import")


def _noise(where):
    print(f"noise from {where}")
    sys.__stdout__.write(f"noise on sys.__stdout__ from {where}\\n")
    os.system(f"echo noise from a subprocess in {where}")


@hookimpl
def ssm_profile_statements(context):
    _noise("statements")


@hookimpl
def ssm_profile_tags(context):
    _noise("tags")
    return {"team": "payments"}


@hookimpl
def ssm_profile_check(statements):
    _noise("check")
    return FAILURE
"""


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [sys.executable, "-m", "ssm_profile", *args, "--stacks-dir", str(folder)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def noisy(tmp_path: Path):
    """A stack with a plugin that prints everywhere; ``noisy(failure)`` sets what its check
    returns."""

    def make(failure: str = "[]") -> Path:
        (tmp_path / "noisy_plugin.py").write_text(
            textwrap.dedent(NOISE).replace("FAILURE", failure)
        )
        write_stack(tmp_path, "loud", {"aws:region": "eu-west-1", "plugins": ["noisy_plugin"]})
        return tmp_path

    return make


def test_a_printing_plugin_leaves_the_json_plan_alone(noisy):
    folder = noisy()
    done = run(folder, "plan", "--stack", "loud", "--format", "json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["stack"] == "loud"
    assert "noise" not in done.stdout
    for where in ("statements", "tags", "check"):
        assert f"noise from {where}\n" in done.stderr
        assert f"noise on sys.__stdout__ from {where}\n" in done.stderr
        assert f"noise from a subprocess in {where}\n" in done.stderr
    assert done.stderr.startswith("noise at import\n")


def test_a_printing_plugin_leaves_the_plugins_listing_alone(noisy):
    done = run(noisy(), "plugins", "--stack", "loud")
    assert done.returncode == 0, done.stderr
    assert [p["name"] for p in json.loads(done.stdout)] == ["noisy_plugin"]
    assert done.stderr == "noise at import\n"


def test_a_printing_plugin_that_vetoes_leaves_stdout_empty(noisy):
    folder = noisy('["no, \\x1b[2Jnot this stack"]')
    done = run(folder, "plan", "--stack", "loud", "--format", "json")
    assert (done.returncode, done.stdout) == (2, "")
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: ssm-profile:plugins: ssm_profile_check stopped the deployment: "
        'plugin "noisy_plugin": no, \\u001b[2Jnot this stack'
    ]
    assert "noise from check" in done.stderr and "Traceback" not in done.stderr


def test_plan_output_printed_before_a_plugin_runs_stays_on_stdout(noisy, tmp_path):
    folder = noisy()
    write_stack(folder, "aaa", {"aws:region": "eu-west-1"})  # planned first, printed first
    done = run(folder, "plan", "--all", "--format", "markdown")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("### ssm-profile / aaa: ")
    assert "\n### ssm-profile / loud: " in done.stdout
    assert "noise" not in done.stdout
