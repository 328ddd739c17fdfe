"""The honest floor of one offline plan: a minimal Pulumi program that registers the same
resources as ``plan --stack prod`` through the ``pulumi_aws.iam`` classes, under mocks, and
prints them as JSON.

    .venv/bin/python benchmarks/floor_program.py PLAN.json

It reads the inputs from a plan file (``plan --stack prod --format json``), so it registers
exactly what the project registers, with none of the project's own work: no stack file, no
validation, no plugins, no blueprint. Any program that deploys these resources pays at least
this much. ``benchmarks/bench.py`` compares the two.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pulumi
import pulumi_aws as aws


class Mocks(pulumi.runtime.Mocks):
    """Answer every registration with its inputs, as the simplest mocks do."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict:
        return {}


SNAKE = {
    "assumeRolePolicy": "assume_role_policy",
    "permissionsBoundary": "permissions_boundary",
    "policyArn": "policy_arn",
}
CLASSES = {
    "aws:iam/role:Role": aws.iam.Role,
    "aws:iam/policy:Policy": aws.iam.Policy,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": aws.iam.RolePolicyAttachment,
    "aws:iam/instanceProfile:InstanceProfile": aws.iam.InstanceProfile,
}


def main(path: str) -> None:
    plan = json.loads(open(path, encoding="utf-8").read())
    registered: list[dict[str, Any]] = []
    pulumi.runtime.set_mocks(Mocks(), plan["project"], plan["stack"], preview=False)

    @pulumi.runtime.test
    def program() -> None:
        parent = pulumi.ComponentResource("ssm-profile:index:InstanceProfile", "ssm-profile")
        for resource in plan["resources"]:
            cls = CLASSES.get(resource["type"])
            if cls is None:
                continue
            inputs = {SNAKE.get(k, k): v for k, v in resource["inputs"].items()}
            cls(resource["name"], **inputs, opts=pulumi.ResourceOptions(parent=parent))
            registered.append(resource)
        parent.register_outputs({})

    program()
    sys.stdout.write(json.dumps(registered, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
