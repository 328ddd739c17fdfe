"""The offline plan: run the real program in-process under recording Pulumi mocks.

The mocks answer as AWS would name things (ARNs in the stack's partition, the account from
``--account-id``) and refuse anything they do not know, so a new resource type or invoke shows
up as a failure here instead of a silently wrong plan.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime import settings as runtime_settings

from .partitions import ALL_REGIONS
from .settings import DEFAULT_ACCOUNT_ID
from .stackconfig import StackConfig


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


@dataclass
class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that synthesise AWS names and ARNs for the resources this program registers."""

    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = "us-east-1"
    stack: str = "stack"

    @property
    def partition(self) -> str:
        found = ALL_REGIONS.get(self.region)
        return found.name if found else "aws"

    def _iam_arn(self, kind: str, inputs: Mapping[str, Any]) -> str:
        path = inputs.get("path", "/")
        return f"arn:{self.partition}:iam::{self.account_id}:{kind}{path}{inputs['name']}"

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        state = dict(args.inputs)
        typ = args.typ
        if not args.custom:
            return f"{args.name}-id", state
        if typ == "aws:iam/role:Role":
            state.update(
                arn=self._iam_arn("role", state),
                uniqueId="AROA" + _digest(self.stack, state["name"])[:17].upper(),
            )
            return state["name"], state
        if typ == "aws:iam/policy:Policy":
            state.update(
                arn=self._iam_arn("policy", state),
                policyId="ANPA" + _digest(self.stack, state["name"])[:17].upper(),
            )
            return state["arn"], state
        if typ == "aws:iam/instanceProfile:InstanceProfile":
            state.update(
                arn=self._iam_arn("instance-profile", state),
                uniqueId="AIPA" + _digest(self.stack, state["name"])[:17].upper(),
            )
            return state["name"], state
        if typ == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return f"{state['role']}-{_digest(state['policyArn'])[:20]}", state
        if typ == "aws:ssm/activation:Activation":
            state.update(activationCode="(known after pulumi up)")
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.stack}/{args.name}")), state
        if typ == "aws:ssm/serviceSetting:ServiceSetting":
            state.update(arn=state["settingId"], status="Default")
            return state["settingId"], state
        raise NotImplementedError(f"the offline plan cannot synthesise resource type {typ}")

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": self.account_id,
                "arn": f"arn:{self.partition}:iam::{self.account_id}:user/offline-plan",
                "userId": "AIDAOFFLINEPLAN",
                "id": self.account_id,
            }
        raise NotImplementedError(f"the offline plan cannot answer invoke {args.token}")


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps every registration, in registration order."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            self.registrations.append(
                {
                    "urn": response.urn,
                    "type": request.type,
                    "name": request.name,
                    "inputs": _plain(inputs),
                    "protect": bool(request.protect),
                    "retainOnDelete": bool(request.retainOnDelete),
                }
            )
        return response


def _plain(value: Any) -> Any:
    """JSON-ready copy with sorted keys (protobuf maps carry no meaningful order)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf carries every number as a double
    return value


@dataclass
class Plan:
    """What one stack registers: the JSON object of SPEC section 6, plus resource options
    (``protect``, ``retainOnDelete``) in :attr:`resources`."""

    project: str
    stack: str
    resources: list[dict[str, Any]]
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "resources": [
                {key: r[key] for key in ("urn", "type", "name", "inputs")} for r in self.resources
            ],
            "outputs": self.outputs,
        }


def run_program(stack: StackConfig, account_id: str = DEFAULT_ACCOUNT_ID) -> Plan:
    """Run :func:`ssm_profile.program.main` for ``stack`` under recording mocks.

    Raises :class:`~ssm_profile.errors.SsmProfileError` for a bad stack, exactly as the
    program does under ``pulumi up``.
    """
    from . import program

    region = stack.config.get("aws:region", "")
    mocks = RecordingMocks(account_id=account_id, region=region, stack=stack.stack)
    monitor = RecordingMonitor(mocks)
    outputs: dict[str, Any] = {}

    # A fresh loop whose executor has one worker: registrations reach the monitor in the
    # order the program issues them, so two runs print identical bytes.
    try:
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    loop = asyncio.new_event_loop()
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    try:
        runtime_settings.ROOT.set(None)
        pulumi.runtime.set_mocks(mocks, stack.project, stack.stack, preview=False, monitor=monitor)
        pulumi.runtime.set_all_config(dict(stack.config))

        @pulumi.runtime.test
        def _run() -> pulumi.Output[Any]:
            result = program.main()
            return pulumi.Output.from_input(result).apply(outputs.update)

        _run()
    finally:
        asyncio.set_event_loop(previous)
        loop.close()
        executor.shutdown(wait=True)
        runtime_settings.ROOT.set(None)
        pulumi.runtime.set_all_config({})
    return Plan(stack.project, stack.stack, monitor.registrations, _plain(outputs))
