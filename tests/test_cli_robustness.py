"""The command line never ends in a traceback (docs/review.md, When the output cannot be
written): every command, run as a real process, under a full or closed stdout, a terminal that
cannot encode a value, odd files under ``--out``, a full disk, and any JSON given to ``diff``,
ends with exit status 0, 1 or 2, and a failure is exactly one ``error:`` line on stderr."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, ROLE, write_stack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm_profile.cli import main
from ssm_profile.config.stackfile import load_stack
from ssm_profile.errors import visible
from ssm_profile.offline.plan import run_program

DESCRIPTION = "caf\u00e9 | \r| row |"
ACTIVATION = "\x1b[2J\u202e [x](https://evil.example) <!-- \u00e9"


@dataclass
class World:
    """Stacks with values no ASCII terminal can show, two plan files, and a place for --out."""

    root: Path
    stacks: Path = field(init=False)
    old: Path = field(init=False)
    new: Path = field(init=False)

    def __post_init__(self) -> None:
        self.stacks = self.root / "stacks"
        self.stacks.mkdir()
        write_stack(
            self.stacks,
            "hostile",
            {
                "aws:region": "eu-west-1",
                "mode": "hybrid",
                "description": DESCRIPTION,
                "activation": {"registrationLimit": 2, "description": ACTIVATION},
            },
        )
        write_stack(self.stacks, "plain", {"aws:region": "us-east-2"})
        old = run_program(load_stack("plain", self.stacks, REPO)).to_json()
        new = copy.deepcopy(old)
        role = next(r for r in new["resources"] if r["type"] == ROLE)
        role["inputs"]["name"] = "R\u00f4le\u202e"  # a CAUTION box quoting it
        role["inputs"]["description"] = DESCRIPTION
        self.old, self.new = self.root / "old.json", self.root / "new.json"
        self.old.write_text(json.dumps(old), encoding="utf-8")
        self.new.write_text(json.dumps(new), encoding="utf-8")

    def out(self, name: str) -> Path:
        folder = self.root / "out" / name
        folder.parent.mkdir(exist_ok=True)
        return folder


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return World(tmp_path_factory.mktemp("world"))


def launch(
    argv: list[str], stdout: str = "pipe", env: dict[str, str] | None = None, shell: str = ""
) -> tuple[int, bytes, str]:
    """``python -m ssm_profile ARGV`` in its own process: (status, stdout bytes, stderr).
    ``stdout``: ``pipe``, ``full`` (/dev/full) or ``broken`` (a pipe nobody reads);
    ``shell`` runs it under ``sh -c 'SHELL "$@"'`` (``exec >&-``, ``ulimit -f 1``)."""
    command = [sys.executable, "-m", "ssm_profile", *argv]
    if shell:
        command = ["sh", "-c", f'{shell} "$@"', "sh", *command]
    with contextlib.ExitStack() as stack:
        if stdout == "full":
            target: Any = stack.enter_context(open("/dev/full", "wb"))
        elif stdout == "broken":
            read, target = os.pipe()
            os.close(read)
            stack.callback(os.close, target)
        else:
            target = subprocess.PIPE
        done = subprocess.run(
            command,
            cwd=REPO,
            env={**os.environ, **(env or {})},
            stdout=target,
            stderr=subprocess.PIPE,
            check=False,
        )
    return done.returncode, done.stdout or b"", done.stderr.decode("utf-8", "backslashreplace")


PLAN = ["plan", "--stack", "hostile"]
COMMANDS = {
    "plan-text": lambda w, out: [*PLAN, "--stacks-dir", str(w.stacks)],
    "plan-json": lambda w, out: [*PLAN, "--stacks-dir", str(w.stacks), "--format", "json"],
    "plan-markdown": lambda w, out: [*PLAN, "--stacks-dir", str(w.stacks), "--format", "markdown"],
    "plan-out": lambda w, out: [*PLAN, "--stacks-dir", str(w.stacks), "--out", str(out)],
    "plan-all": lambda w, out: ["plan", "--all", "--stacks-dir", str(w.stacks)],
    "plan-all-out": lambda w, out: [
        *("plan", "--all", "--stacks-dir", str(w.stacks), "--format", "json", "--out", str(out))
    ],
    "diff-text": lambda w, out: ["diff", str(w.old), str(w.new)],
    "diff-markdown": lambda w, out: ["diff", str(w.old), str(w.new), "--format", "markdown"],
    "plugins": lambda w, out: ["plugins", "--stack", "hostile", "--stacks-dir", str(w.stacks)],
}
# What each command exits with when all goes well (diff: the plans differ).
SUCCESS = {name: 1 if name.startswith("diff") else 0 for name in COMMANDS}
ASCII = {"PYTHONIOENCODING": "ascii"}
C_LOCALE = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}


# A full, broken or closed stdout is the same for every format: one plan command of each
# kind prints, and --out prints what it wrote. An encoding matters to what reaches stdout, so
# every format prints under it (--out writes its files in UTF-8 whatever the terminal).
STDOUT_FAILS = ["plan-json", "plan-out", "plan-all", "plan-all-out", "diff-text", "diff-markdown"]
ENCODED = ["plan-text", "plan-json", "plan-markdown", "plan-all", "diff-text", "diff-markdown"]


def _cases() -> list[Any]:
    cases = []
    for name in [*STDOUT_FAILS, "plugins"]:
        for stdout, why in (("full", "No space left on device"), ("broken", "Broken pipe")):
            error = f"error: stdout: cannot write ({why})"
            cases.append(pytest.param(name, stdout, {}, "", 2, error, id=f"{name}-{stdout}"))
        error = "error: stdout: cannot write (it is closed)"
        cases.append(pytest.param(name, "pipe", {}, "exec >&-", 2, error, id=f"{name}-closed"))
    for name in [*ENCODED, "plugins"]:
        for env, label in ((ASCII, "ascii"), (C_LOCALE, "c-locale")):
            status = SUCCESS[name]
            cases.append(pytest.param(name, "pipe", env, "", status, None, id=f"{name}-{label}"))
    return cases


@pytest.mark.parametrize(("command", "stdout", "env", "shell", "status", "error"), _cases())
def test_every_command_ends_with_a_status_and_one_error_line(
    world, tmp_path, command, stdout, env, shell, status, error
):
    got, out, err = launch(COMMANDS[command](world, tmp_path / "out"), stdout, env, shell)
    assert "Traceback" not in err
    assert got == status, err
    assert err == ("" if error is None else error + "\n")
    if error is None:
        out.decode("ascii")  # every character the terminal cannot encode is escaped
        if command == "plan-json":
            plan = json.loads(out)
            role = next(r for r in plan["resources"] if r["type"] == ROLE)
            assert role["inputs"]["description"] == DESCRIPTION


def _read_only(out: Path) -> None:
    out.mkdir()
    out.chmod(0o555)


OUT_CASES = {
    # name: (set the folder up -> None, the error line, or None when the plan is written)
    "out-is-a-file": (lambda out: out.write_text("x"), "error: --out {out}: not a folder"),
    "out-inside-a-file": (
        lambda out: out.parent.write_text("x"),
        "error: --out {out}: cannot create it (Not a directory)",
    ),
    "out-is-dev-full": (None, "error: --out /dev/full: not a folder"),
    "out-is-a-dangling-symlink": (
        lambda out: out.symlink_to(out.parent / "nowhere" / "at-all"),
        "error: --out {out}: not a folder",
    ),
    "plan-is-a-folder": (
        lambda out: (out / "hostile.json").mkdir(parents=True),
        "error: {out}/NAME: cannot write (Is a directory)",
    ),
    "disk-full": (None, "error: {out}/NAME: cannot write (File too large)"),
    "read-only-folder": (_read_only, "error: {out}/NAME: cannot write (Permission denied)"),
}


# With --all, the first stack's plan meets the same folder.
OUT_RUNS = [
    *(pytest.param(case, False, id=f"{case}-stack") for case in sorted(OUT_CASES)),
    *(
        pytest.param(case, True, id=f"{case}-all")
        for case in ("out-is-a-file", "plan-is-a-folder", "disk-full")
    ),
]


@pytest.mark.parametrize(("case", "every"), OUT_RUNS)
def test_an_out_folder_that_cannot_take_the_plan_is_one_error_line(world, tmp_path, case, every):
    if case == "read-only-folder" and os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    setup, error = OUT_CASES[case]
    out = tmp_path / "out"
    if case == "out-inside-a-file":
        out = tmp_path / "file" / "out"
    if case == "out-is-dev-full":
        out = Path("/dev/full")
    if setup is not None:
        setup(out)
    name = "hostile.json"  # the first stack, also with --all
    which = ["--all"] if every else ["--stack", "hostile"]
    argv = ["plan", *which, "--stacks-dir", str(world.stacks), "--format", "json"]
    shell = "ulimit -f 1 &&" if case == "disk-full" else ""
    status, stdout, err = launch([*argv, "--out", str(out)], shell=shell)
    assert (status, stdout) == (2, b"")
    assert err == error.format(out=out).replace("NAME", name) + "\n"
    if out.is_dir():
        left = sorted(p.name for p in out.iterdir())
        assert left == ([name] if case == "plan-is-a-folder" else [])  # no partial plan


def test_a_symlink_under_out_is_replaced_not_written_through(world, tmp_path):
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    victim.write_text("keep me")
    (out / "hostile.json").symlink_to(victim)
    argv = ["plan", "--stack", "hostile", "--stacks-dir", str(world.stacks), "--format", "json"]
    status, stdout, err = launch([*argv, "--out", str(out)])
    assert (status, err) == (0, "")
    assert stdout.decode() == f"hostile: wrote {out / 'hostile.json'}\n"
    assert victim.read_text() == "keep me"
    assert not (out / "hostile.json").is_symlink()
    assert json.loads((out / "hostile.json").read_text())["stack"] == "hostile"


def test_a_stale_plan_is_removed_when_its_stack_fails(world, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken.json").write_text("an old plan")
    write_stack(world.stacks, "broken", {"aws:region": "nowhere-1"})
    try:
        argv = ["plan", "--all", "--stacks-dir", str(world.stacks), "--format", "json"]
        status, _, err = launch([*argv, "--out", str(out)])
    finally:
        (world.stacks / "Pulumi.broken.yaml").unlink()
    assert status == 2 and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["hostile.json", "plain.json"]


PLAN_TEXT = '{"project": "p", "stack": "s", "resources": [], "outputs": {"a": VALUE}}'
# Plan files no `plan` writes: the text of NEW.json -> the exit status of `diff OLD NEW`.
ODD_PLANS = {
    "huge-number": (PLAN_TEXT.replace("VALUE", "1" * 5000), 2),
    "deep-nesting": (PLAN_TEXT.replace("VALUE", "[" * 995 + "]" * 995), 2),
    "deep-policy-document": (
        PLAN_TEXT.replace("VALUE", "0").replace(
            '"resources": []',
            '"resources": [{"urn": "u", "type": "aws:iam/policy:Policy", "name": "n", '
            f'"inputs": {{"policy": "{"[" * 5000}{"]" * 5000}"}}}}]',
        ),
        2,
    ),
    "nan": (PLAN_TEXT.replace("VALUE", "NaN"), 1),
    "infinity": (PLAN_TEXT.replace("VALUE", "-Infinity"), 1),
    "duplicate-keys": (
        PLAN_TEXT.replace("VALUE", "1").replace('"stack": "s"', '"stack": "s", "stack": "t"'),
        0,
    ),
    "lone-surrogate": (PLAN_TEXT.replace("VALUE", '"\\ud800\\u202e"'), 1),
    "byte-order-mark": ("\ufeff" + PLAN_TEXT.replace("VALUE", "1"), 2),
    "a-number": ("12", 2),
}


@pytest.mark.parametrize("kind", sorted(ODD_PLANS))
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_diff_of_an_odd_plan_file_ends_cleanly(tmp_path, kind, fmt):
    text, expected = ODD_PLANS[kind]
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(PLAN_TEXT.replace("VALUE", "1"), encoding="utf-8")
    new.write_text(text, encoding="utf-8")
    status, out, err = launch(["diff", str(old), str(new), "--format", fmt], env=ASCII)
    assert status == expected, err
    assert "Traceback" not in err
    if expected == 2:
        assert out == b"" and err.startswith("error: ") and err.count("\n") == 1
    else:
        assert err == "" and out.decode("ascii")


# Plan-like JSON: the plan file's shape, with now and then any JSON at any level.
_text = st.text(st.characters(exclude_categories=()), max_size=6) | st.sampled_from(
    ["aws:iam/role:Role", "aws:iam/policy:Policy", "u", "n", "name", "policy", "role"]
)
_any = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)


def _mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly ``good``, once in a while any JSON value."""
    return st.integers(0, 24).flatmap(lambda n: good if n else _any)


_statements = st.lists(
    st.dictionaries(
        st.sampled_from(["Sid", "Effect", "Action", "Resource", "Condition", "Principal"]),
        _any,
    )
    | _any,
    max_size=3,
)
_documents = _mostly(_statements).map(lambda statements: json.dumps({"Statement": statements}))
_types = st.sampled_from(
    [
        "aws:iam/role:Role",
        "aws:iam/policy:Policy",
        "aws:iam/instanceProfile:InstanceProfile",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    ]
)
_resource = st.fixed_dictionaries(
    {
        "urn": _mostly(st.sampled_from(["u1", "u2", "urn:pulumi:s::p::t::n", "urn:pulumi:t::x"])),
        "type": _mostly(_types),
        "name": _mostly(_text),
        "inputs": _mostly(
            st.dictionaries(
                st.sampled_from(["name", "policy", "role", "policyArn", "path"]) | _text,
                _text | _documents | _any,
                max_size=4,
            )
        ),
    }
)


def _urn(resource: Any) -> str:
    return repr(resource.get("urn") if isinstance(resource, dict) else resource)


plans = _mostly(
    st.fixed_dictionaries(
        {
            "project": _mostly(_text),
            "stack": _mostly(st.sampled_from(["s", "t"])),
            "resources": _mostly(st.lists(_mostly(_resource), max_size=4, unique_by=_urn)),
            "outputs": _mostly(st.dictionaries(_text, _any, max_size=3)),
        }
    )
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans, plans, st.sampled_from(["text", "markdown"]))
def test_diff_of_any_plan_like_json_is_a_diff_or_one_error_line(old, new, fmt):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, plan in (("old.json", old), ("new.json", new)):
            path = Path(folder) / name
            path.write_text(json.dumps(plan), encoding="utf-8")
            paths.append(str(path))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["diff", *paths, "--format", fmt])
    if status == 2:
        assert out.getvalue() == ""
        assert err.getvalue().startswith("error: ") and err.getvalue().count("\n") == 1
    else:
        assert status in (0, 1) and err.getvalue() == ""
        assert all(visible(line) == line for line in out.getvalue().split("\n"))
