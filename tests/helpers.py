"""Helpers the tests share: stack files written the way users write them, and readers of
what a plan registered. Fixtures live in conftest.py."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ssm_profile.aws.naming import DEFAULT_ACCOUNT_ID
from ssm_profile.aws.partitions import partition_of
from ssm_profile.aws.types import (
    ACTIVATION,
    ATTACHMENT,
    COMPONENT,
    POLICY,
    PROFILE,
    ROLE,
    SERVICE_SETTING,
)
from ssm_profile.errors import SsmProfileError
from ssm_profile.offline.plan import Plan

REPO = Path(__file__).resolve().parents[1]
ACCOUNT = DEFAULT_ACCOUNT_ID

# AWS managed policies that exist and that the least-privilege gate lets through (checked in
# tests/test_managed_policies.py): for tests that need several attachments.
HARMLESS_MANAGED = (
    "AmazonSSMPatchAssociation",
    "CloudWatchAgentAdminPolicy",
    "AmazonSSMReadOnlyAccess",
    "CloudWatchReadOnlyAccess",
    "CloudWatchLogsReadOnlyAccess",
    "CloudWatchEventsReadOnlyAccess",
    "CloudWatchSyntheticsReadOnlyAccess",
    "AmazonCloudWatchRUMReadOnlyAccess",
    "CloudWatchApplicationInsightsReadOnlyAccess",
    "CloudWatchInternetMonitorReadOnlyAccess",
    "service-role/CloudWatchEventsInvocationAccess",
)

__all__ = [
    "ACCOUNT",
    "ACTIVATION",
    "ATTACHMENT",
    "COMPONENT",
    "HARMLESS_MANAGED",
    "POLICY",
    "PROFILE",
    "REPO",
    "ROLE",
    "SERVICE_SETTING",
    "STATEMENT",
    "as_list",
    "as_parliament_reads",
    "attached",
    "error_of",
    "grants",
    "one",
    "policy_documents",
    "resources",
    "statements",
    "statements_plugin",
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
    return [json.loads(r["inputs"]["policy"]) for r in resources(plan, POLICY)]


def statements(plan: Plan) -> list[dict[str, Any]]:
    return [s for doc in policy_documents(plan) for s in doc["Statement"]]


def attached(plan: Plan) -> list[str]:
    return [r["inputs"]["policyArn"] for r in resources(plan, ATTACHMENT)]


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


STATEMENT = {
    "Sid": "AcmeParameters",
    "Effect": "Allow",
    "Action": "ssm:GetParameter",
    "Resource": "arn:aws:ssm:us-east-2:123456789012:parameter/acme/*",
}


def statements_plugin(make, name: str, statements_json: str) -> str:
    return make(
        name,
        f"""
        @hookimpl
        def ssm_profile_statements(context):
            return {statements_json}
        """,
    )


def error_of(run: Callable[..., Any], config: dict[str, Any], region: str = "us-east-2") -> str:
    """The one-line error of a stack that ``run`` (``resolve_stack`` or ``plan_stack``)
    refuses."""
    with pytest.raises(SsmProfileError) as caught:
        run(config, region=region)
    return str(caught.value)


# parliament (1.6.x) knows only these partitions, and only Regions of this form, in ARNs.
PARLIAMENT_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso")
PARLIAMENT_REGION = re.compile(r"^([a-z]{2}|us-gov)-[a-z]+-[0-9]$")


def as_parliament_reads(document: dict[str, Any], region: str) -> dict[str, Any]:
    """``document`` with ARNs of a partition or Region parliament does not know (aws-eusc,
    aws-iso-b, -e, -f; eusc-de-east-1, us-iso-east-1, ...) moved to aws and us-east-1, so that
    its other checks run: it reports "Unexpected partition" for ARNs IAM accepts."""
    partition = partition_of(region)
    assert partition is not None
    text = json.dumps(document)
    if partition.name not in PARLIAMENT_PARTITIONS:
        text = text.replace(f"arn:{partition.name}:", "arn:aws:")
    for known in partition.regions:
        if not PARLIAMENT_REGION.match(known):
            text = re.sub(rf"(arn:[a-z-]+:[a-z0-9-]+):{known}:", r"\1:us-east-1:", text)
    return json.loads(text)
