"""load_stack: each value reaches the program as the Pulumi CLI passes it, and every stack
file Pulumi would read differently from what it says is one error line.

What the CLI does, from its source: it reads the stack file with yaml.v2 into plain values,
qualifies bare keys with the project's name, writes the file back with yaml.v2 and reads
each value into ``config.Value``: a scalar as its text (null as ``""``), anything else as
``json.Marshal`` writes it (``LoadProjectStackBytes`` in sdk/go/common/workspace/loaders.go,
``Value.unmarshalValue`` in sdk/go/common/resource/config/value.go). ``ParseKey`` reads
``ns:config:key`` as ``ns:key``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO

from ssm_profile.cli import main
from ssm_profile.config.stackfile import MAX_BYTES, load_stack
from ssm_profile.errors import ConfigError, SsmProfileError


def stack(folder: Path, lines: str, name: str = "dev") -> Path:
    """A stack file in ``folder`` (beside the project's own Pulumi.yaml) with ``lines``
    under ``config:`` after ``aws:region``."""
    path = folder / f"Pulumi.{name}.yaml"
    path.write_text(f"config:\n  aws:region: eu-west-1\n{lines}", encoding="utf-8")
    return path


def config(folder: Path, lines: str) -> dict[str, str]:
    stack(folder, lines)
    return load_stack("dev", folder, REPO).config


def refused(folder: Path, lines: str, error: type = ConfigError) -> str:
    stack(folder, lines)
    with pytest.raises(error) as caught:
        load_stack("dev", folder, REPO)
    assert "\n" not in str(caught.value)
    return str(caught.value)


# a top-level value as written -> what the program receives
TOP_LEVEL = {
    "1:20": "1:20",  # no base 60
    "190:20:30": "190:20:30",
    "'0x1F'": "0x1F",
    '"yes"': "yes",
    "!!str 0x1F": "0x1F",
    "! 0x1F": "0x1F",
    "10": "10",
    "-5": "-5",
    "1.5": "1.5",
    "true": "true",
    "false": "false",
    ".inf": ".inf",
    "2030-01-01": "2030-01-01",
    "2001-12-14T21:59:43.10Z": "2001-12-14T21:59:43.10Z",
    "!!float 1": "1",
    "": "",  # null is "", with a warning from the CLI
    "~": "",
    "null": "",
    "|\n    two\n    lines": "two\nlines\n",
}


@pytest.mark.parametrize("written", sorted(TOP_LEVEL), ids=repr)
def test_a_top_level_scalar_reaches_the_program_as_the_cli_passes_it(tmp_path, written):
    received = config(tmp_path, f"  ssm-profile:description: {written}\n")
    assert received["ssm-profile:description"] == TOP_LEVEL[written]


# a plain scalar whose text the CLI rewrites -> (read as, what the CLI passes)
REWRITTEN = {
    "0x1F": ("an integer", "31"),
    "0o17": ("an integer", "15"),
    "017": ("an integer", "15"),
    "1_000": ("an integer", "1000"),
    "+1": ("an integer", "1"),
    "yes": ("a boolean", "true"),
    "on": ("a boolean", "true"),
    "Off": ("a boolean", "false"),
    "y": ("a boolean", "true"),
    "True": ("a boolean", "true"),
    "1.50": ("a number", "1.5"),
    "1e3": ("a number", "1000"),
    ".5": ("a number", "0.5"),
    ".Inf": ("a number", ".inf"),
    "!!int 0x1F": ("an integer", "31"),
}


@pytest.mark.parametrize("written", sorted(REWRITTEN), ids=repr)
def test_a_top_level_scalar_the_cli_rewrites_is_refused(tmp_path, written):
    """The CLI writes the stack file back before it reads the values, so ``0x1F`` reaches
    the program as ``31``; older CLIs passed ``0x1F``. The plan must not guess which."""
    kind, passed = REWRITTEN[written]
    text = written.removeprefix("!!int ")
    path = tmp_path / "Pulumi.dev.yaml"
    message = refused(tmp_path, f"  ssm-profile:description: {written}\n")
    assert message == (
        f"ssm-profile:description: {text} is read as {kind}, which the Pulumi CLI passes as "
        f'"{passed}" (older versions as "{text}"); quote it to mean the text "{text}", or '
        f"write {passed} ({path}:3)"
    )


def test_nested_values_are_typed_by_yaml_v2_then_written_as_go_json(tmp_path):
    lines = (
        "  ssm-profile:pluginConfig:\n"
        "    z: {num: 1.0, hex: 0x10, flag: yes, text: '0x10', day: 2030-01-01, none: ~,\n"
        "        time: 1:20, big: 1e21}\n"
        "    a: [1_000, on, '<&>', 08]\n"
    )
    assert config(tmp_path, lines)["ssm-profile:pluginConfig"] == (
        '{"a":[1000,true,"\\u003c\\u0026\\u003e",8],'
        '"z":{"big":1e+21,"day":"2030-01-01","flag":true,"hex":16,"none":null,"num":1,"text":"0x10",'
        '"time":"1:20"}}'
    )


def test_a_bare_key_is_the_projects_and_the_old_config_spelling_is_read(tmp_path):
    received = config(tmp_path, "  roleName: A\n  ssm-profile:config:path: /ssm/\n")
    assert received["ssm-profile:roleName"] == "A"
    assert received["ssm-profile:path"] == "/ssm/"


# a key spelled twice -> (the two spellings, their lines)
SPELLED_TWICE = {
    "bare-and-full": ("roleName", "ssm-profile:roleName"),
    "full-and-bare": ("ssm-profile:roleName", "roleName"),
    "old-config-spelling": ("ssm-profile:config:roleName", "ssm-profile:roleName"),
    "other-namespace": ("aws:config:profile", "aws:profile"),
}


@pytest.mark.parametrize("case", sorted(SPELLED_TWICE))
def test_a_key_given_twice_under_two_spellings_names_both(tmp_path, case):
    first, second = SPELLED_TWICE[case]
    full = "aws:profile" if first.startswith("aws:") else "ssm-profile:roleName"
    message = refused(tmp_path, f"  {first}: A\n  {second}: B\n")
    assert message == (
        f"{full}: is given twice, as {first} (line 3) and {second} (line 4) "
        f"({tmp_path / 'Pulumi.dev.yaml'})"
    )


def test_the_same_key_twice_names_it_and_both_lines(tmp_path):
    message = refused(tmp_path, "  ssm-profile:path: /a/\n  ssm-profile:path: /b/\n")
    assert message == (
        "ssm-profile:path: the key ssm-profile:path is given twice (lines 3 and 4) "
        f"({tmp_path / 'Pulumi.dev.yaml'}:4)"
    )


def test_a_nested_key_twice_names_its_path(tmp_path):
    message = refused(tmp_path, "  tags:\n    team: a\n    owner: b\n    team: c\n")
    assert message.startswith("ssm-profile:tags.team: the key team is given twice (lines 4 and 6)")


def test_a_project_default_spelled_twice(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text(
        "name: ssm-profile\nruntime: python\nconfig:\n  path: /a/\n  ssm-profile:path: /b/\n"
    )
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    with pytest.raises(ConfigError, match=r"^ssm-profile:path: is given twice, as path \(line 4\)"):
        load_stack("dev", tmp_path, tmp_path)


@pytest.mark.parametrize("key", ["a:b:c", "ssm-profile:x:y", "a:b:c:d"])
def test_a_key_the_cli_cannot_parse(tmp_path, key):
    message = refused(tmp_path, f"  {key}: 1\n", SsmProfileError)
    assert message == (
        f"{tmp_path / 'Pulumi.dev.yaml'}:3: could not parse {key} as a configuration key "
        "(configuration keys should be of the form `<namespace>:<name>`)"
    )


# a value yaml.v2 cannot read or the plan must not guess -> (the key named, fragment)
NESTED_PROBLEMS = {
    "bad-int": ("  ssm-profile:maxManagedPolicies: !!int abc\n", "ssm-profile:maxManagedPolicies",
                "cannot decode !!str `abc` as a !!int"),
    "merge": ("  base: &b {team: a}\n  ssm-profile:tags: {<<: *b}\n", "ssm-profile:tags",
              "merge keys (<<) are not supported"),
    "recursive": ("  ssm-profile:buckets: &b [x, *b]\n", "ssm-profile:buckets[1]",
                  "the alias *b is inside its own anchor"),
    "undefined": ("  ssm-profile:buckets: [*b]\n", "ssm-profile:buckets[0]",
                  "the alias *b has no anchor before it"),
    "bare-key": ("  tags: !Ref x\n", "ssm-profile:tags", "the tag !Ref is not supported"),
    "nan-in-object": ("  ssm-profile:tags: {a: .nan}\n", "ssm-profile:tags.a",
                      ".nan is not a finite number"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(NESTED_PROBLEMS))
def test_a_value_pulumi_cannot_read_names_its_key(tmp_path, case):
    lines, key, fragment = NESTED_PROBLEMS[case]
    message = refused(tmp_path, lines)
    assert message.startswith(f"{key}: {fragment}")
    assert f"{tmp_path / 'Pulumi.dev.yaml'}:" in message


def test_esc_environments_are_noted_not_ignored(tmp_path):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text("environment:\n  - platform/prod\nconfig:\n  aws:region: eu-west-1\n")
    stack = load_stack("dev", tmp_path, REPO)
    assert stack.config["aws:region"] == "eu-west-1"
    assert stack.notes == (
        f"{path}:2: `environment` imports Pulumi ESC environments: values from ESC not "
        "available offline; this plan has only the stack file's own values, and `pulumi "
        "preview` may differ",
    )


def test_an_empty_environment_imports_nothing(tmp_path):
    (tmp_path / "Pulumi.dev.yaml").write_text("environment: []\nconfig:\n  aws:region: us-east-1\n")
    assert load_stack("dev", tmp_path, REPO).config["aws:region"] == "us-east-1"


# the file's bytes -> the start of its one error line (after the path)
FILE_PROBLEMS = {
    "not-utf-8": (b"config:\n  aws:region: eu-west-1\xff\n", ":2: is not UTF-8 text (byte 0xff)"),
    "utf-16": ("config: {}\n".encode("utf-16"), ":1: is not UTF-8 text (byte 0xff); it looks"),
    "tab": (b"config:\n\taws:region: eu-west-1\n", ":2: is not valid YAML: "),
    "second-document": (b"config: {}\n---\nconfig: {}\n", ":2: holds a second YAML document"),
    "control-character": (b"config:\n  aws:region: eu\x07west-1\n", ":2: is not valid YAML: "),
    "top-level-list": (b"- config\n", ": expected a YAML mapping at the top level"),
    "too-large": (b"#" * (MAX_BYTES + 1), f": is {MAX_BYTES + 1:,} bytes; the limit is"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(FILE_PROBLEMS))
def test_a_file_pulumi_cannot_read_is_one_error_naming_it(tmp_path, case):
    data, start = FILE_PROBLEMS[case]
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_bytes(data)
    with pytest.raises(SsmProfileError) as caught:
        load_stack("dev", tmp_path, REPO)
    assert str(caught.value).startswith(f"{path}{start}")
    assert "\n" not in str(caught.value)


def test_a_tab_says_why(tmp_path):
    (tmp_path / "Pulumi.dev.yaml").write_bytes(b"config:\n\taws:region: eu-west-1\n")
    with pytest.raises(SsmProfileError, match=r"YAML indents with spaces, never tabs"):
        load_stack("dev", tmp_path, REPO)


def test_a_utf_8_byte_order_mark_is_dropped_as_the_cli_drops_it(tmp_path):
    (tmp_path / "Pulumi.dev.yaml").write_bytes(b"\xef\xbb\xbfconfig:\n  aws:region: eu-west-1\n")
    assert load_stack("dev", tmp_path, REPO).config["aws:region"] == "eu-west-1"


def test_plan_all_plans_the_other_stacks_when_stack_files_are_broken(tmp_path, monkeypatch, capsys):
    good = (REPO / "stacks" / "Pulumi.dev.yaml").read_text()
    (tmp_path / "Pulumi.dev.yaml").write_text(good)
    (tmp_path / "Pulumi.zeta.yaml").write_text(good)
    stack(tmp_path, "  ssm-profile:maxManagedPolicies: !!int abc\n", "b-int")
    stack(tmp_path, "  ssm-profile:tags: {team: a, team: b}\n", "c-twice")
    bomb = "".join(f"  x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]\n" for i in range(1, 9))
    stack(tmp_path, "  x0: &x0 [a, a, a, a, a, a, a, a, a]\n" + bomb, "d-bomb")
    (tmp_path / "Pulumi.e-utf8.yaml").write_bytes(b"config:\n  aws:region: \xff\n")
    monkeypatch.chdir(REPO)
    out_dir = tmp_path / "plans"
    status = main(
        ["plan", "--all", "--stacks-dir", str(tmp_path), "--format", "json", "--out", str(out_dir)]
    )
    out, err = capsys.readouterr()
    assert status == 2
    assert sorted(p.name for p in out_dir.iterdir()) == ["dev.json", "zeta.json"]
    assert out.splitlines() == [
        f"dev: wrote {out_dir / 'dev.json'}",
        f"zeta: wrote {out_dir / 'zeta.json'}",
    ]
    lines = err.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["error"] * 5
    assert lines[0].startswith("error: stack b-int: ssm-profile:maxManagedPolicies: cannot decode")
    assert lines[1].startswith("error: stack c-twice: ssm-profile:tags.team: the key team is given")
    assert lines[2].startswith("error: stack d-bomb: ")
    assert "values once its aliases are expanded" in lines[2]
    assert lines[3].startswith(f"error: stack e-utf8: {tmp_path / 'Pulumi.e-utf8.yaml'}:2: is not")
    assert lines[4] == "error: 4 of 6 stacks failed: b-int, c-twice, d-bomb, e-utf8"
    for line in lines[:4]:
        assert str(tmp_path / "Pulumi.") in line and "Traceback" not in line


def test_a_number_too_long_for_python_to_convert_is_text_not_a_traceback(tmp_path, capsys):
    """Red team: 4,301 digits crashed the plan (Python's int() limit); yaml.v2 finds it
    beyond 64 bits and keeps the text."""
    from ssm_profile.cli import main

    (tmp_path / "Pulumi.digits.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  ssm-profile:description: " + "1" * 4301 + "\n"
    )
    status = main(["plan", "--stack", "digits", "--stacks-dir", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    # it reaches the program as text, which the description rule then refuses, in one line
    assert (status, out) == (2, "")
    assert err.startswith("error: ssm-profile:description: IAM role descriptions are at most")
    assert err.count("\n") == 1 and "Traceback" not in err
