"""The installable package: a wheel built from the checkout, installed into a fresh
virtualenv outside it, runs ``ssm-profile plan`` and imports the component's API.

The wheel is built from a copy of the package's sources (setuptools writes ``build/`` and
``*.egg-info`` next to them), without build isolation (no download); the fresh virtualenv
has no pip of its own and gets the wheel with this venv's pip (``pip --python``) and, as its
dependencies, this venv's site-packages through a ``.pth`` file (no download either).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from helpers import REPO

SOURCES = ("pyproject.toml", "README.md", "ssm_profile")


def _run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, the fresh virtualenv's bin folder)."""
    root = tmp_path_factory.mktemp("package")
    source = root / "source"
    source.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    wheels = root / "wheels"
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, source, cwd=root)
    (wheel,) = wheels.glob("ssm_profile-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=root)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-deps", "-q", wheel, cwd=root)
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=root)
    (Path(site.strip()) / "main-venv.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return wheel, venv / "bin"


def _outside(bin_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | {"PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}


def test_the_wheel_holds_the_package_its_data_and_the_typed_marker(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {str(p.relative_to(REPO)) for p in (REPO / "ssm_profile").rglob("*.json")}
    assert data and data <= names
    assert "ssm_profile/py.typed" in names
    assert not {n for n in names if n.startswith(("plugins/", "policy/", "tests/"))}
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "ssm-profile = ssm_profile.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_script_plans_a_stack_of_the_checkout(installed, tmp_path):
    _, bin_dir = installed
    env = _outside(bin_dir)
    plan = _run(
        bin_dir / "ssm-profile",
        "plan",
        "--stack",
        "dev",
        "--stacks-dir",
        REPO / "stacks",
        "--format",
        "json",
        cwd=tmp_path,
        env=env,
    )
    here = _run(
        sys.executable, "-m", "ssm_profile", "plan", "--stack", "dev", "--format", "json", cwd=REPO
    )
    assert plan == here


def test_the_installed_package_exports_the_component_api(installed, tmp_path):
    _, bin_dir = installed
    probe = (
        "import ssm_profile, pathlib\n"
        "from ssm_profile import InstanceProfile, InstanceProfileArgs\n"
        "print(pathlib.Path(ssm_profile.__file__).parent.parent.name, InstanceProfile.__name__)\n"
    )
    out = _run(bin_dir / "python", "-c", probe, cwd=tmp_path, env=_outside(bin_dir))
    assert out == "site-packages InstanceProfile\n"


def test_outside_any_project_the_error_names_both_places(tmp_path, monkeypatch, capsys):
    from ssm_profile.cli import main

    monkeypatch.chdir(tmp_path)
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    assert main(["plan", "--stack", "dev", "--stacks-dir", str(stacks)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: no Pulumi.yaml in {tmp_path.resolve()} or any parent folder nor at or above "
        f"{stacks.resolve()}\n"
    )
