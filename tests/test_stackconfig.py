"""stackconfig.load_stack: Pulumi.yaml and a stack file read the way the Pulumi CLI reads them.

The CLI's rules mirrored here come from its source (``mergeConfig`` and ``Project.Validate``
in pulumi's sdk/go/common/workspace): a key of the project's namespace that Pulumi.yaml
declares with neither ``default`` nor ``value`` is required, and a stack that does not set it
cannot be previewed or deployed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from ssm_profile.__main__ import main
from ssm_profile.errors import ConfigError
from ssm_profile.stackconfig import list_stacks, load_stack

EXAMPLE_STACKS = list_stacks(REPO / "stacks")


def make_project(folder: Path, config: Any, stack: str = "") -> Path:
    """A project folder: ``Pulumi.yaml`` with ``config`` and ``stacks/Pulumi.dev.yaml``."""
    project = {"name": "ssm-profile", "runtime": "python", "stackConfigDir": "stacks"}
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump({**project, "config": config}))
    (folder / "stacks").mkdir()
    (folder / "stacks" / "Pulumi.dev.yaml").write_text(
        stack or "config:\n  aws:region: eu-west-1\n"
    )
    return folder


def run_cli(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> tuple[int, str, str]:
    monkeypatch.chdir(folder)
    status = main(["plan", "--stack", "dev", "--format", "json"])
    out, err = capsys.readouterr()
    return status, out, err


# --- required keys (declared without a default) ------------------------------------------------


def test_every_key_declared_in_pulumi_yaml_has_a_default():
    """A declared key without a default is one every stack must set (the CLI refuses to run a
    stack without it): keys whose default the program computes stay undeclared."""
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text(encoding="utf-8"))
    without = [key for key, spec in project["config"].items() if spec.get("default") is None]
    assert without == []


@pytest.mark.parametrize("stack", EXAMPLE_STACKS)
def test_every_example_stack_has_every_required_key(stack):
    loaded = load_stack(stack, REPO / "stacks", REPO)
    assert loaded.config["aws:region"]


def test_a_declared_key_without_default_is_required_like_the_cli(tmp_path):
    make_project(tmp_path, {"roleName": {"type": "string"}, "path": {"default": "/"}})
    with pytest.raises(ConfigError) as caught:
        load_stack("dev", None, tmp_path)
    assert caught.value.key == "ssm-profile:roleName"
    assert str(caught.value) == (
        "ssm-profile:roleName: Stack 'dev' is missing configuration value 'roleName' "
        "(Pulumi.yaml declares it without a default, so every stack must set it)"
    )


def test_several_missing_keys_are_named_together_sorted(tmp_path):
    config = {name: {"type": "string"} for name in ("world", "hello", "values")}
    make_project(tmp_path, config)
    with pytest.raises(ConfigError) as caught:
        load_stack("dev", None, tmp_path)
    assert str(caught.value) == (
        "ssm-profile:hello, ssm-profile:values, ssm-profile:world: Stack 'dev' is missing "
        "configuration values 'hello', 'values' and 'world' (Pulumi.yaml declares them "
        "without a default, so every stack must set them)"
    )


def test_a_null_default_is_no_default(tmp_path):
    make_project(tmp_path, {"roleName": {"type": "string", "default": None}})
    with pytest.raises(ConfigError, match="missing configuration value 'roleName'"):
        load_stack("dev", None, tmp_path)


def test_a_missing_required_key_exits_2_with_one_error_line(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, {"roleName": {"type": "string", "description": "no default"}})
    status, out, err = run_cli(tmp_path, monkeypatch, capsys)
    assert (status, out) == (2, "")
    assert err == (
        "error: ssm-profile:roleName: Stack 'dev' is missing configuration value 'roleName' "
        "(Pulumi.yaml declares it without a default, so every stack must set it)\n"
    )


def test_a_required_key_the_stack_sets_is_not_missing(tmp_path):
    stack = "config:\n  aws:region: eu-west-1\n  ssm-profile:roleName: Mine\n"
    make_project(tmp_path, {"roleName": {"type": "string"}}, stack)
    assert load_stack("dev", None, tmp_path).config["ssm-profile:roleName"] == "Mine"


def test_shorthand_defaults_and_other_namespaces_are_not_required(tmp_path):
    """``key: VALUE`` is a default in the project's namespace and a value in any other."""
    make_project(tmp_path, {"mode": "hybrid", "aws:region": "us-east-2", "ssm-profile:path": "/a/"})
    config = load_stack("dev", None, tmp_path).config
    assert config["ssm-profile:mode"] == "hybrid"
    assert config["ssm-profile:path"] == "/a/"
    assert config["aws:region"] == "eu-west-1"  # the stack's value wins
