"""Helpers the tests share: stack files written the way users write them, and readers of
what a plan registered. Fixtures live in conftest.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ssm_profile.aws.names import DEFAULT_ACCOUNT_ID
from ssm_profile.aws.types import (
    ACTIVATION,
    ATTACHMENT,
    COMPONENT,
    POLICY,
    PROFILE,
    ROLE,
    SERVICE_SETTING,
)
from ssm_profile.offline.plan import Plan

REPO = Path(__file__).resolve().parents[1]
ACCOUNT = DEFAULT_ACCOUNT_ID

__all__ = [
    "ACCOUNT",
    "ACTIVATION",
    "ATTACHMENT",
    "COMPONENT",
    "POLICY",
    "PROFILE",
    "REPO",
    "ROLE",
    "SERVICE_SETTING",
    "as_list",
    "attached",
    "grants",
    "one",
    "policy_documents",
    "resources",
    "statements",
    "write_stack",
]


def write_stack(folder: Path, name: str, config: dict[str, Any]) -> Path:
    """Write ``Pulumi.NAME.yaml``; keys without a namespace get ``ssm-profile:``."""
    qualified = {
        key if ":" in key else f"ssm-profile:{key}": value for key, value in config.items()
    }
    path = folder / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": qualified}, sort_keys=False))
    return path


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
