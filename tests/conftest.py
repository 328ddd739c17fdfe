"""Fixtures: stacks are written as stack files and loaded the way the Pulumi CLI does
(Pulumi.yaml defaults + stack values, all as strings), then the real program runs under the
recording mocks of the offline plan. Shared helpers live in helpers.py."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ACCOUNT, REPO, write_stack

from ssm_profile.blueprint import Blueprint
from ssm_profile.config import load_settings
from ssm_profile.config.stackfile import StackConfig, load_stack
from ssm_profile.offline.mocks import RecordingMocks, RecordingMonitor
from ssm_profile.offline.plan import Plan, run_program
from ssm_profile.offline.runtime import mocked_runtime
from ssm_profile.pipeline import resolve


def _stack_runner(folder: Path, then: Callable[[StackConfig, str], Any]) -> Callable[..., Any]:
    """``run(config, region=..., stack=..., account_id=...)``: write the stack file, load it
    the way the CLI does, and hand it to ``then``."""

    def run(
        config: dict[str, Any] | None = None,
        *,
        region: str = "us-east-2",
        stack: str = "test",
        account_id: str = ACCOUNT,
    ) -> Any:
        write_stack(folder, stack, {"aws:region": region, **(config or {})})
        return then(load_stack(stack, folder, REPO), account_id)

    return run


def _resolve(stack: StackConfig, account_id: str) -> Blueprint:
    return resolve(load_settings(stack.config, stack.project, stack.stack), account_id)


@pytest.fixture
def plan_stack(tmp_path: Path) -> Callable[..., Plan]:
    """``plan_stack({"vpcEndpoints": True}, region="us-east-2")`` -> the recorded plan."""
    return _stack_runner(tmp_path, run_program)


@pytest.fixture
def resolve_stack(tmp_path: Path) -> Callable[..., Blueprint]:
    """Like ``plan_stack``, through the pure stages only (stack file -> settings -> plugins ->
    blueprint), without the Pulumi runtime: for tests of what is refused."""
    return _stack_runner(tmp_path, _resolve)


@pytest.fixture
def monitors(monkeypatch: pytest.MonkeyPatch) -> list[RecordingMonitor]:
    """Every recording monitor the program runs of this test create, to assert that a bad
    stack registered nothing (``all(not m.registrations for m in monitors)``)."""
    created: list[RecordingMonitor] = []
    original = RecordingMonitor.__init__

    def init(self: RecordingMonitor, mocks: Any) -> None:
        original(self, mocks)
        created.append(self)

    monkeypatch.setattr(RecordingMonitor, "__init__", init)
    return created


@pytest.fixture
def mocked() -> Iterator[tuple[RecordingMocks, RecordingMonitor]]:
    """Pulumi mocks for one test, with the runtime's settings and config restored after."""
    mocks = RecordingMocks(account_id=ACCOUNT, region="eu-west-1", stack="unit")
    with mocked_runtime(mocks, "ssm-profile", "unit") as monitor:
        yield mocks, monitor


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Write plugin modules into a folder on sys.path: ``make("name", source)``."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))

    def make(name: str, body: str) -> str:
        (folder / f"{name}.py").write_text(
            "from ssm_profile import hookimpl\n\n" + textwrap.dedent(body)
        )
        sys.modules.pop(name, None)
        return name

    yield make
    for path in folder.glob("*.py"):
        sys.modules.pop(path.stem, None)


@pytest.fixture
def fake_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a distribution (dist-info only) declaring entry points of group ssm_profile."""
    site = tmp_path / "dists"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def make(dist: str, version: str, entry_points: dict[str, str]) -> None:
        info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[ssm_profile]\n{lines}")

    return make


# A real AWS API (moto server on 127.0.0.1) for adopt and drift: tests/awsapi.py.
from awsapi import _moto_server, aws_api, console_account, tagged_account  # noqa: E402, F401
