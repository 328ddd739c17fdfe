"""Fixtures: stacks are written as stack files and loaded the way the Pulumi CLI does
(Pulumi.yaml defaults + stack values, all as strings), then the real program runs under the
recording mocks of the offline plan. Shared helpers live in helpers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import ACCOUNT, REPO, write_stack

from ssm_profile.config.stackfile import load_stack
from ssm_profile.offline.mocks import RecordingMocks, RecordingMonitor
from ssm_profile.offline.plan import Plan, run_program
from ssm_profile.offline.runtime import mocked_runtime


@pytest.fixture
def plan_stack(tmp_path: Path) -> Callable[..., Plan]:
    """``plan_stack({"vpcEndpoints": True}, region="us-east-2")`` -> the recorded plan."""

    def run(
        config: dict[str, Any] | None = None,
        *,
        region: str = "us-east-2",
        stack: str = "test",
        account_id: str = ACCOUNT,
    ) -> Plan:
        values = {"aws:region": region, **(config or {})}
        write_stack(tmp_path, stack, values)
        return run_program(load_stack(stack, tmp_path, REPO), account_id)

    return run


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
