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
from helpers import REPO

from ssm_profile.cli import main
from ssm_profile.config.stackfile import list_stacks, load_stack
from ssm_profile.errors import ConfigError

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


# --- malformed files: one error line naming the file or key, never a traceback --------------


def stack_text(folder: Path, text: str) -> Path:
    """The project's own Pulumi.yaml and a stack file ``Pulumi.dev.yaml`` with ``text``."""
    (folder / "Pulumi.yaml").write_text((REPO / "Pulumi.yaml").read_text())
    (folder / "stacks").mkdir()
    path = folder / "stacks" / "Pulumi.dev.yaml"
    path.write_text(text)
    return path


def assert_one_error_line(folder, monkeypatch, capsys, *fragments: str) -> str:
    status, out, err = run_cli(folder, monkeypatch, capsys)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err
    return err


@pytest.mark.parametrize(
    ("text", "kind"),
    [("config: [1, 2]\n", "a list"), ('config: "hello"\n', "a string"), ("config: 3\n", "an int")],
    ids=["list", "string", "number"],
)
def test_stack_config_that_is_not_a_mapping(tmp_path, monkeypatch, capsys, text, kind):
    path = stack_text(tmp_path, text)
    assert_one_error_line(
        tmp_path, monkeypatch, capsys, f"error: {path}: `config` must be a mapping", f"got {kind}"
    )


@pytest.mark.parametrize("key", ["1", "true", "null"], ids=["int", "bool", "null"])
def test_stack_config_key_that_is_not_a_string(tmp_path, monkeypatch, capsys, key):
    path = stack_text(tmp_path, f"config:\n  aws:region: eu-west-1\n  {key}: 2\n")
    assert_one_error_line(
        tmp_path, monkeypatch, capsys, f"error: {path}:3: the key {key} is read as ", "quote it"
    )


# value (as YAML) -> (the key path the error names, what it says)
BAD_VALUES = {
    "set": ("ssm-profile:regions: !!set {eu-west-1, us-east-1}", "ssm-profile:regions", "!!set"),
    "binary": ("ssm-profile:roleName: !!binary aGVsbG8=", "ssm-profile:roleName", "!!binary"),
    "timestamp": (
        "ssm-profile:description: !!timestamp 2030-01-01",
        "ssm-profile:description",
        "!!timestamp",
    ),
    "infinite": (
        "ssm-profile:tags: {team: .inf}",
        "ssm-profile:tags.team",
        "not a finite number",
    ),
    "binary-in-tags": (
        "ssm-profile:tags: {team: !!binary aGVsbG8=}",
        "ssm-profile:tags.team",
        "!!binary",
    ),
    "set-in-list": (
        "ssm-profile:buckets: [logs, !!set {a}]",
        "ssm-profile:buckets[1]",
        "!!set",
    ),
    "nested-key-not-a-string": (
        "ssm-profile:tags: {4711: cost-center}",
        "ssm-profile:tags",
        "the key 4711 is read as an integer, not a string; quote it",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_a_stack_value_no_config_can_hold_names_its_key(tmp_path, monkeypatch, capsys, case):
    line, key, fragment = BAD_VALUES[case]
    path = stack_text(tmp_path, f"config:\n  aws:region: eu-west-1\n  {line}\n")
    with pytest.raises(ConfigError) as caught:
        load_stack("dev", None, tmp_path)
    assert caught.value.key == key
    assert fragment in str(caught.value) and str(path) in str(caught.value)
    assert_one_error_line(tmp_path, monkeypatch, capsys, f"error: {key}: ", fragment)


# a `secure:` value at any depth -> the key path named
SECRETS = {
    "top": ("ssm-profile:description: {secure: AAABAx}", "ssm-profile:description"),
    "in-tags": ("ssm-profile:tags: {team: {secure: AAABAx}}", "ssm-profile:tags.team"),
    "in-plugin-config": (
        "ssm-profile:pluginConfig: {session_manager: {kmsKeyArn: {secure: AAABAx}}}",
        "ssm-profile:pluginConfig.session_manager.kmsKeyArn",
    ),
    "in-list": ("ssm-profile:buckets: [logs, {secure: AAABAx}]", "ssm-profile:buckets[1]"),
}


@pytest.mark.parametrize("case", sorted(SECRETS))
def test_a_secret_at_any_depth_cannot_be_decrypted_offline(tmp_path, monkeypatch, capsys, case):
    line, key = SECRETS[case]
    stack_text(tmp_path, f"config:\n  aws:region: eu-west-1\n  {line}\n")
    err = assert_one_error_line(tmp_path, monkeypatch, capsys)
    assert err == f"error: {key}: secret values cannot be decrypted offline\n"


# --- a malformed Pulumi.yaml ------------------------------------------------------------------


def project_text(folder: Path, config_text: str, stack_config_dir: bool = True) -> Path:
    """Pulumi.yaml with the given ``config:`` section text, and a good stack ``dev``."""
    path = folder / "Pulumi.yaml"
    head = "name: ssm-profile\nruntime: python\n"
    path.write_text(head + ("stackConfigDir: stacks\n" if stack_config_dir else "") + config_text)
    (folder / "stacks").mkdir()
    (folder / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    return path


def test_project_config_that_is_a_list(tmp_path, monkeypatch, capsys):
    path = project_text(tmp_path, "config: [1, 2]\n")
    assert_one_error_line(
        tmp_path, monkeypatch, capsys, f"error: {path}: `config` must be a mapping", "got a list"
    )


def test_project_config_string_beside_stack_config_dir(tmp_path, monkeypatch, capsys):
    """A string `config` is the old spelling of stackConfigDir; the CLI refuses both."""
    path = project_text(tmp_path, "config: hello\n")
    assert_one_error_line(
        tmp_path,
        monkeypatch,
        capsys,
        f"error: {path}: should not use both config and stackConfigDir to define the stack "
        "directory; use only stackConfigDir",
    )


def test_project_config_string_alone_is_the_stack_config_dir(tmp_path):
    project_text(tmp_path, "config: stacks\n", stack_config_dir=False)
    assert load_stack("dev", None, tmp_path).stacks_dir == tmp_path / "stacks"


def test_project_stack_config_dir_that_is_not_a_string(tmp_path, monkeypatch, capsys):
    path = tmp_path / "Pulumi.yaml"
    path.write_text("name: ssm-profile\nruntime: python\nstackConfigDir: [stacks]\n")
    assert_one_error_line(
        tmp_path, monkeypatch, capsys, f"error: {path}: `stackConfigDir` must be a string"
    )


def test_project_config_key_that_is_not_a_string(tmp_path, monkeypatch, capsys):
    path = project_text(tmp_path, "config:\n  1: 2\n")
    assert_one_error_line(
        tmp_path, monkeypatch, capsys, f"error: {path}:5: the key 1 is read as an integer"
    )


@pytest.mark.parametrize(
    ("config_text", "line", "fragment"),
    [
        (
            "config:\n  tags: !!set {a, b}\n",
            5,
            "the tag !!set is not supported here (at config.tags)",
        ),
        (
            "config:\n  mode:\n    type: string\n    default: !!binary aGVsbG8=\n",
            7,
            "the tag !!binary is not supported; write the value untagged (at config.mode.default)",
        ),
        ("config:\n  mode:\n    1: string\n", 6, "the key 1 is read as an integer"),
    ],
    ids=["set-shorthand", "binary-default", "spec-key-not-a-string"],
)
def test_a_project_config_entry_pulumi_would_misread(
    tmp_path, monkeypatch, capsys, config_text, line, fragment
):
    path = project_text(tmp_path, config_text)
    assert_one_error_line(tmp_path, monkeypatch, capsys, f"error: {path}:{line}: ", fragment)


def test_a_project_config_type_that_is_not_a_name(tmp_path, monkeypatch, capsys):
    path = project_text(tmp_path, "config:\n  mode:\n    type: [string]\n")
    assert_one_error_line(
        tmp_path,
        monkeypatch,
        capsys,
        "error: ssm-profile:mode: `type` must be one of string, boolean, integer, array, object, "
        f"got a list ({path}:6)",
    )


@pytest.mark.parametrize(
    ("key", "value", "wire"),
    [
        ("vpcEndpoints", "true", "true"),
        ("vpcEndpoints", "False", "False"),
        ("maxManagedPolicies", "20", "20"),
        ("path", 42, "42"),
    ],
)
def test_a_quoted_scalar_passes_a_declared_type_as_in_the_cli(tmp_path, key, value, wire):
    """The CLI checks a scalar's text (Go's ParseBool/Atoi), so quoted values pass it and
    reach the program as text; the program then validates them like any other value."""
    (tmp_path / "Pulumi.q.yaml").write_text(
        yaml.safe_dump({"config": {"aws:region": "us-east-1", f"ssm-profile:{key}": value}})
    )
    assert load_stack("q", tmp_path, REPO).config[f"ssm-profile:{key}"] == wire


@pytest.mark.parametrize(
    ("key", "value", "declared"),
    [
        ("vpcEndpoints", "yes", "boolean"),
        ("maxManagedPolicies", 10.5, "integer"),
        ("maxManagedPolicies", True, "integer"),
        ("managedPolicies", "AmazonSSMPatchAssociation", "array"),
        ("path", ["a"], "string"),
    ],
)
def test_a_value_the_cli_would_refuse_for_its_declared_type(tmp_path, key, value, declared):
    (tmp_path / "Pulumi.q.yaml").write_text(
        yaml.safe_dump({"config": {"aws:region": "us-east-1", f"ssm-profile:{key}": value}})
    )
    with pytest.raises(ConfigError, match=f"must be of type {declared} \\(Pulumi.yaml\\)"):
        load_stack("q", tmp_path, REPO)
