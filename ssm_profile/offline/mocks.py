"""Recording Pulumi mocks: AWS's names and ARNs for the resources this program registers.

The mocks answer as AWS would name things (ARNs in the stack's partition, the account from
``--account-id``) and refuse anything they do not know, so a new resource type or invoke shows
up as a failure here instead of a silently wrong plan.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc

from ..aws import types
from ..aws.naming import DEFAULT_ACCOUNT_ID
from ..aws.partitions import ALL_REGIONS
from .planfile import OPTION_FIELDS


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


@dataclass
class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that synthesise AWS names and ARNs for the resources this program registers."""

    account_id: str = DEFAULT_ACCOUNT_ID
    region: str = "us-east-1"
    stack: str = "stack"
    # The account of each explicit AWS provider (by id) restricted to one account with
    # ``allowedAccountIds``: what resources and invokes through it get, not ``account_id``.
    provider_accounts: dict[str, str] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        found = ALL_REGIONS.get(self.region)
        return found.name if found else "aws"

    def _account(self, provider: str | None) -> str:
        """The account of the provider reference ``URN::ID`` (the default provider: none)."""
        provider_id = (provider or "").rsplit("::", 1)[-1]
        return self.provider_accounts.get(provider_id, self.account_id)

    def _iam_arn(self, kind: str, inputs: Mapping[str, Any], provider: str | None) -> str:
        path = inputs.get("path", "/")
        account = self._account(provider)
        return f"arn:{self.partition}:iam::{account}:{kind}{path}{inputs['name']}"

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        state = dict(args.inputs)
        typ = args.typ
        if not args.custom:
            return f"{args.name}-id", state
        if typ == types.AWS_PROVIDER:
            provider_id = f"{args.name}-provider-id"
            allowed = state.get("allowedAccountIds") or []
            if isinstance(allowed, str):  # provider inputs reach the engine as JSON text
                allowed = json.loads(allowed)
            if isinstance(allowed, list) and len(allowed) == 1:
                self.provider_accounts[provider_id] = str(allowed[0])
            return provider_id, state
        if typ == types.ROLE:
            state.update(
                arn=self._iam_arn("role", state, args.provider),
                uniqueId="AROA" + _digest(self.stack, state["name"])[:17].upper(),
            )
            return state["name"], state
        if typ == types.POLICY:
            state.update(
                arn=self._iam_arn("policy", state, args.provider),
                policyId="ANPA" + _digest(self.stack, state["name"])[:17].upper(),
            )
            return state["arn"], state
        if typ == types.PROFILE:
            state.update(
                arn=self._iam_arn("instance-profile", state, args.provider),
                uniqueId="AIPA" + _digest(self.stack, state["name"])[:17].upper(),
            )
            return state["name"], state
        if typ == types.ATTACHMENT:
            return f"{state['role']}-{_digest(state['policyArn'])[:20]}", state
        if typ == types.ACTIVATION:
            state.update(activationCode="(known after pulumi up)")
            return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.stack}/{args.name}")), state
        if typ == types.SERVICE_SETTING:
            state.update(arn=state["settingId"], status="Default")
            return state["settingId"], state
        raise NotImplementedError(f"the offline plan cannot synthesise resource type {typ}")

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        if args.token == types.GET_CALLER_IDENTITY:
            account = self._account(args.provider)
            return {
                "accountId": account,
                "arn": f"arn:{self.partition}:iam::{account}:user/offline-plan",
                "userId": "AIDAOFFLINEPLAN",
                "id": account,
            }
        raise NotImplementedError(f"the offline plan cannot answer invoke {args.token}")


class EngineLog(logging.Handler):
    """What the program logs through Pulumi's engine (``pulumi.log``). Pulumi's mocked engine
    hands each message to the logger given to ``set_mocks``: :attr:`logger`, which keeps
    the warnings here, in the order the program logged them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []
        self.logger = logging.Logger("ssm-profile offline plan engine")  # not global
        self.logger.setLevel(logging.WARNING)  # the engine's debug lines cost no record
        self.logger.addHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno == logging.WARNING:
            self.warnings.append(record.getMessage())


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A mock monitor that keeps every registration, in registration order, each with the
    resource options the engine received (:data:`~ssm_profile.offline.planfile.OPTION_FIELDS`:
    ``protect``, ``retainOnDelete``, ``deleteBeforeReplace``), and the engine log of the same
    run (:attr:`log`)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[dict[str, Any]] = []
        self.parents: dict[str, str] = {}  # URN -> its parent's URN (the stack's: "")
        self.duplicates: list[str] = []  # URNs registered a second time
        self.log = EngineLog()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            if response.urn in self.parents:
                # The engine refuses a second resource of one URN ("Duplicate resource URN");
                # the plan does after the run (raising here, inside the engine, would not end
                # the program cleanly).
                self.duplicates.append(response.urn)
                return response
            self.parents[response.urn] = request.parent
            inputs = rpc.deserialize_properties(request.object)
            self.registrations.append(
                {
                    "urn": response.urn,
                    "type": request.type,
                    "name": request.name,
                    "inputs": plain(inputs),
                    "options": {
                        **{key: kind(getattr(request, key)) for key, kind, _ in OPTION_FIELDS},
                        "aliases": alias_urns(request),
                    },
                }
            )
        return response

    def in_plan_order(self) -> list[dict[str, Any]]:
        """The registrations grouped by top-level resource (a component, a provider), the
        groups in the order their top-level resources registered, each in registration order.

        A program that embeds several components makes a synchronous invoke (the account id)
        in each constructor, which lets the engine's event loop run the earlier components'
        pending registrations for as long as the invoke takes: how far they get varies from
        run to run, and so would the interleaving. Within one top-level resource, and in the
        stack program's single component, the order is fixed, and kept.
        """
        tops = {r["urn"] for r in self.registrations if self.parents[r["urn"]] not in self.parents}

        def top(urn: str) -> str:
            while urn not in tops:
                urn = self.parents[urn]
            return urn

        rank = {r["urn"]: i for i, r in enumerate(self.registrations) if r["urn"] in tops}
        return sorted(self.registrations, key=lambda r: rank[top(r["urn"])])


def _qualified_type(parent_urn: str, type_: str) -> str:
    """A child's URN type: its parent's type chain, ``$``, its own type (none for the stack)."""
    parent_type = parent_urn.split("::")[2] if parent_urn.count("::") >= 3 else ""
    if not parent_urn or parent_type == "pulumi:pulumi:Stack":
        return type_
    return f"{parent_type}${type_}"


def alias_urns(request: Any) -> list[str]:
    """The URNs of a registration's aliases: an alias given as a URN as it is, one given as a
    spec (name, type, parent, stack, project) made into the URN it names, as the engine does."""
    urns = list(request.aliasURNs)
    head = request.parent.split("::")[0] if request.parent else ""
    stack, project = "", ""
    if head.startswith("urn:pulumi:"):
        stack, project = head.removeprefix("urn:pulumi:"), request.parent.split("::")[1]
    for alias in request.aliases:
        if alias.urn:
            urns.append(alias.urn)
            continue
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or request.parent)
        urns.append(
            f"urn:pulumi:{spec.stack or stack}::{spec.project or project}::"
            f"{_qualified_type(parent, spec.type or request.type)}::{spec.name or request.name}"
        )
    return urns


def plain(value: Any) -> Any:
    """JSON-ready copy with sorted keys (protobuf maps carry no meaningful order)."""
    if isinstance(value, Mapping):
        return {str(k): plain(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf carries every number as a double
    return value
