"""Documentation that cannot drift: every hook is documented in the README with its exact
signature, and the README's plugin example really works."""

from __future__ import annotations

import ast
import re
import sys
import textwrap
import types

import pytest
from conftest import REPO

from ssm_profile import hookspecs
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
    return signatures((REPO / "ssm_profile" / "hookspecs.py").read_text())


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
