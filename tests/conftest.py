"""Test harness: stacks are written as stack files and loaded the way the Pulumi CLI does
(Pulumi.yaml defaults + stack values, all as strings), then the real program runs under the
recording mocks of the offline plan."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import settings as runtime_settings

from ssm_profile.plan import (
    DEFAULT_ACCOUNT_ID,
    Plan,
    RecordingMocks,
    RecordingMonitor,
    run_program,
)
from ssm_profile.stackconfig import load_stack

REPO = Path(__file__).resolve().parents[1]
ACCOUNT = DEFAULT_ACCOUNT_ID


def write_stack(folder: Path, name: str, config: dict[str, Any]) -> Path:
    """Write ``Pulumi.NAME.yaml``; keys without a namespace get ``ssm-profile:``."""
    qualified = {
        key if ":" in key else f"ssm-profile:{key}": value for key, value in config.items()
    }
    path = folder / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": qualified}, sort_keys=False))
    return path


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


def resources(plan: Plan, type_token: str) -> list[dict[str, Any]]:
    """Registered resources of one type, in registration order."""
    return [r for r in plan.resources if r["type"] == type_token]


def one(plan: Plan, type_token: str) -> dict[str, Any]:
    found = resources(plan, type_token)
    assert len(found) == 1, f"expected one {type_token}, got {len(found)}"
    return found[0]


def policy_documents(plan: Plan) -> list[dict[str, Any]]:
    """The custom policies' documents, parsed."""
    return [json.loads(r["inputs"]["policy"]) for r in resources(plan, "aws:iam/policy:Policy")]


def statements(plan: Plan) -> list[dict[str, Any]]:
    return [s for doc in policy_documents(plan) for s in doc["Statement"]]


def attached(plan: Plan) -> list[str]:
    return [
        r["inputs"]["policyArn"]
        for r in resources(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    ]


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def grants(plan: Plan) -> set[tuple[str, str]]:
    """Every (action, resource) pair the custom policies allow."""
    return {
        (action, resource)
        for s in statements(plan)
        if s["Effect"] == "Allow"
        for action in as_list(s["Action"])
        for resource in as_list(s["Resource"])
    }


ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
ACTIVATION = "aws:ssm/activation:Activation"
SERVICE_SETTING = "aws:ssm/serviceSetting:ServiceSetting"


_SAVED = ("monitor", "engine", "project", "stack", "dry_run", "organization", "monitor_features")


@pytest.fixture
def mocked() -> Iterator[tuple[RecordingMocks, RecordingMonitor]]:
    """Pulumi mocks for one test, with the runtime's settings and config restored after."""
    saved = {name: getattr(runtime_settings.SETTINGS, name) for name in _SAVED}
    root = runtime_settings.ROOT.get()
    try:
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = RecordingMocks(account_id=ACCOUNT, region="eu-west-1", stack="unit")
    monitor = RecordingMonitor(mocks)
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, "ssm-profile", "unit", preview=False, monitor=monitor)
    try:
        yield mocks, monitor
    finally:
        for name, value in saved.items():
            setattr(runtime_settings.SETTINGS, name, value)
        runtime_settings.ROOT.set(root)
        pulumi.runtime.set_all_config({})
        asyncio.set_event_loop(previous)
        loop.close()
