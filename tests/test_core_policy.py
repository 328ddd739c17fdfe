"""The least-privilege core, opt in (docs/configuration.md, ``corePolicy``, ``parameterPaths``):
``default-host`` attaches AmazonSSMManagedEC2InstanceDefaultPolicy instead of
AmazonSSMManagedInstanceCore, and ``parameterPaths`` grants ssm:GetParameter(s) only there."""

from __future__ import annotations

import json

import pytest
from helpers import ACCOUNT, POLICY, attached, error_of, one, statements

CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
DEFAULT_HOST = "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"
CUSTOM = f"arn:aws:iam::{ACCOUNT}:policy/SSMInstanceProfileS3Policy-test"


@pytest.mark.parametrize(
    "base",
    [{}, {"mode": "existing-role", "existingRoleName": "WebServers"}, {"mode": "hybrid"}],
    ids=["ec2", "existing-role", "hybrid"],
)
def test_default_host_replaces_the_core_in_each_mode_that_has_one(plan_stack, base):
    assert attached(plan_stack(base)) == [CORE]
    assert attached(plan_stack({**base, "corePolicy": "default-host"})) == [DEFAULT_HOST]


def test_default_host_management_mode_has_it_by_default(plan_stack):
    plan = plan_stack({"mode": "default-host-management", "parameterPaths": ["/fleet/"]})
    assert attached(plan) == [DEFAULT_HOST, CUSTOM]


def test_parameter_paths_grant_get_parameter_only_there_in_each_region(plan_stack):
    plan = plan_stack(
        {
            "corePolicy": "default-host",
            "regions": ["us-east-2", "eu-west-1"],
            "parameterPaths": ["/app/prod/", "/shared/cloudwatch-config"],
        }
    )
    arn = f"arn:aws:ssm:{{}}:{ACCOUNT}:parameter"
    assert statements(plan) == [
        {
            "Sid": "SSMParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter", "ssm:GetParameters"],
            "Resource": [
                f"{arn.format('eu-west-1')}/app/prod/*",
                f"{arn.format('eu-west-1')}/shared/cloudwatch-config",
                f"{arn.format('us-east-2')}/app/prod/*",
                f"{arn.format('us-east-2')}/shared/cloudwatch-config",
            ],
        }
    ]
    assert attached(plan) == [DEFAULT_HOST, CUSTOM]


def test_parameter_paths_follow_the_partition(plan_stack):
    plan = plan_stack(
        {"corePolicy": "default-host", "parameterPaths": ["/app/"]}, region="eusc-de-east-1"
    )
    (statement,) = json.loads(one(plan, POLICY)["inputs"]["policy"])["Statement"]
    assert statement["Resource"] == f"arn:aws-eusc:ssm:eusc-de-east-1:{ACCOUNT}:parameter/app/*"


def test_parameter_statements_come_after_the_s3_statements(plan_stack):
    plan = plan_stack(
        {
            "corePolicy": "default-host",
            "parameterPaths": ["/app/"],
            "vpcEndpoints": True,
            "buckets": ["logs"],
        }
    )
    assert [s["Sid"] for s in statements(plan)] == [
        "SSMAgentBucketsUsEast2",
        "OwnBucketsReadWrite",
        "SSMParameters",
    ]
    assert "SSMParameters" not in plan.outputs["s3EndpointPolicy"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"corePolicy": "default"},
            'ssm-profile:corePolicy: "default" is not one of instance-core, default-host; did '
            "you mean default-host?",
        ),
        (
            {"mode": "default-host-management", "corePolicy": "instance-core"},
            "ssm-profile:corePolicy: default-host-management mode attaches "
            "AmazonSSMManagedEC2InstanceDefaultPolicy; remove this key",
        ),
        (
            {"parameterPaths": ["/app/"]},
            "ssm-profile:parameterPaths: AmazonSSMManagedInstanceCore already grants "
            "ssm:GetParameter and ssm:GetParameters on every parameter; set "
            "ssm-profile:corePolicy: default-host to grant them only on these paths",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["app/prod/"]},
            'ssm-profile:parameterPaths[0]: "app/prod/" is not a parameter path: begin with '
            "'/', separate levels by single slashes, use letters, digits and _.- (e.g. "
            "/app/prod/ or /app/prod/db-host)",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/app//prod"]},
            'ssm-profile:parameterPaths[0]: "/app//prod" is not a parameter path: begin with '
            "'/', separate levels by single slashes, use letters, digits and _.- (e.g. "
            "/app/prod/ or /app/prod/db-host)",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/"]},
            "ssm-profile:parameterPaths[0]: \"/\" is not a parameter path: begin with '/', "
            "separate levels by single slashes, use letters, digits and _.- (e.g. /app/prod/ "
            "or /app/prod/db-host)",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/app/pr od"]},
            'ssm-profile:parameterPaths[0]: "/app/pr od" is not a parameter path: begin with '
            "'/', separate levels by single slashes, use letters, digits and _.- (e.g. "
            "/app/prod/ or /app/prod/db-host)",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/app/*"]},
            'ssm-profile:parameterPaths[0]: "/app/*": wildcards are not allowed in a parameter '
            "path (a wildcard can grant parameters you did not mean to); a path ending in / "
            "grants every parameter below it",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/AWS/service/"]},
            'ssm-profile:parameterPaths[0]: "/AWS/service/": parameter names beginning with '
            "aws or ssm are reserved by AWS; this key grants your own parameters",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/ssm-agent/x"]},
            'ssm-profile:parameterPaths[0]: "/ssm-agent/x": parameter names beginning with '
            "aws or ssm are reserved by AWS; this key grants your own parameters",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/" + "/".join("a" * 16)]},
            f'ssm-profile:parameterPaths[0]: "{"/" + "/".join("a" * 16)}" has 16 levels; SSM '
            "allows 15",
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": ["/app/", "/app/"]},
            'ssm-profile:parameterPaths[1]: "/app/" is listed twice (also at [0])',
        ),
        (
            {"corePolicy": "default-host", "parameterPaths": [5]},
            "ssm-profile:parameterPaths[0]: expected a parameter path string, got 5",
        ),
    ],
    ids=lambda v: json.dumps(v)[:40] if isinstance(v, dict) else "",
)
def test_a_bad_core_policy_or_parameter_path_is_one_error_line(resolve_stack, config, message):
    assert error_of(resolve_stack, config) == message


def test_fifteen_levels_are_allowed(resolve_stack):
    path = "/" + "/".join("a" * 15)
    blueprint = resolve_stack({"corePolicy": "default-host", "parameterPaths": [path]})
    assert [s.sid for s in blueprint.statements] == ["SSMParameters"]
