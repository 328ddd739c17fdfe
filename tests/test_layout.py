"""The package reads top-down as the data flow (docs/design.md): each stage imports only the
stages before it, and nothing before deploy/ imports Pulumi."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import REPO

PACKAGE = REPO / "ssm_profile"

# Stages in data-flow order; a module may import its own stage and earlier ones.
STAGES = {
    "errors": 0,
    "readonly": 0,
    "aws": 1,
    "config": 2,
    "iam": 3,
    "pluginhost": 4,
    "blueprint": 5,
    "pipeline": 6,
    "testing": 7,
    "deploy": 7,
    "offline": 8,
    "live": 9,
    "cli": 9,
    "streams": 9,
    "__main__": 9,
    "__init__": 9,
}
PURE_BEFORE = STAGES["deploy"]


def _stage(module: str) -> str:
    """``ssm_profile.config.keys`` -> ``config``; the package itself -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    relative = path.relative_to(REPO).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1] if len(parts) > 2 else parts
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute names of every module ``path`` imports, with the line."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_stage():
    assert {_stage(_module_name(p)) for p in SOURCES} <= set(STAGES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_stage_imports_only_earlier_stages(source):
    own = STAGES[_stage(_module_name(source))]
    for name, line in _imports(source):
        if not name.startswith("ssm_profile.") or _stage(name) not in STAGES:
            continue
        other = STAGES[_stage(name)]
        assert other <= own, f"{source.name}:{line} imports {name}, a later stage"


@pytest.mark.parametrize(
    "source",
    [p for p in SOURCES if STAGES[_stage(_module_name(p))] < PURE_BEFORE],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_pure_stages_do_not_import_pulumi(source):
    for name, line in _imports(source):
        assert not name.split(".")[0].startswith("pulumi"), f"{source.name}:{line}: {name}"


def test_no_module_is_over_300_lines():
    long = {
        str(p.relative_to(REPO)): n for p in SOURCES if (n := len(p.read_text().splitlines())) > 300
    }
    assert long == {}


def test_no_function_is_over_60_lines():
    long = {}
    for source in SOURCES:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if (length := node.end_lineno - node.lineno + 1) > 60:
                    long[f"{source.relative_to(REPO)}:{node.name}"] = length
    assert long == {}
