"""The review scenarios of the docs, built from the real prod stack (tests and README).

    .venv/bin/python tests/scenarios.py     # prints the README's excerpt of the widening diff

The *widening* scenario is the security reviewer's change to prod (issue 11): the permissions
boundary removed, the prefix grant on ``prod-ssm-scripts`` widened to the whole bucket with
``s3:PutObjectAcl`` (``crossAccount: true``), and ``AmazonS3ReadOnlyAccess`` and the
deprecated ``service-role/AmazonEC2RoleforSSM`` attached. The offline plan refuses those two
policies (docs/guardrails.md), so their attachments are added to the new plan file as a plan
without the gate records them: the diff judges plan files, whatever wrote them.
"""

from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
WIDENING_POLICIES = ("AmazonS3ReadOnlyAccess", "service-role/AmazonEC2RoleforSSM")
# The README shows the diff's markdown up to (not including) this heading.
EXCERPT_END = "#### IAM statement changes"


def plan_file(stack_file: Path, account_id: str | None = None) -> dict[str, Any]:
    """The plan file's object of one stack file, as ``plan --format json`` writes it."""
    from ssm_profile.config.stackfile import load_stack
    from ssm_profile.offline.plan import run_program

    name = stack_file.name.removeprefix("Pulumi.").removesuffix(".yaml")
    stack = load_stack(name, stack_file.parent, REPO)
    if account_id is None:
        return run_program(stack).to_json()
    return run_program(stack, account_id).to_json()


def attach(plan: dict[str, Any], *names: str) -> dict[str, Any]:
    """``plan`` with attachments of the AWS managed policies ``names`` added to its role."""
    plan = copy.deepcopy(plan)
    role = next(r for r in plan["resources"] if r["type"] == "aws:iam/role:Role")
    component = plan["resources"][0]["urn"].rsplit("::", 1)[0]
    for name in names:
        key = name.rsplit("/", 1)[-1]
        plan["resources"].append(
            {
                "urn": f"{component}$aws:iam/rolePolicyAttachment:RolePolicyAttachment"
                f"::ssm-profile-managed-{key}",
                "type": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "name": f"ssm-profile-managed-{key}",
                "inputs": {
                    "policyArn": f"arn:aws:iam::aws:policy/{name}",
                    "role": role["inputs"]["name"],
                },
                "options": {
                    "protect": False,
                    "retainOnDelete": False,
                    "deleteBeforeReplace": False,
                },
            }
        )
    return plan


def widened_prod(folder: Path) -> Path:
    """The prod stack file with the boundary removed and the scripts prefix widened."""
    data = yaml.safe_load((REPO / "stacks" / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    config = data["config"]
    del config["ssm-profile:permissionsBoundary"]
    config["ssm-profile:buckets"][0] = {"name": "prod-ssm-scripts", "crossAccount": True}
    path = folder / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def widening_plans(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the prod plan, the widened prod plan)."""
    old = plan_file(REPO / "stacks" / "Pulumi.prod.yaml")
    new = attach(plan_file(widened_prod(folder)), *WIDENING_POLICIES)
    return old, new


def narrowing_plans(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the prod plan, prod without plugins.cloudwatch_logs and its log groups)."""
    data = yaml.safe_load((REPO / "stacks" / "Pulumi.prod.yaml").read_text(encoding="utf-8"))
    config = data["config"]
    config["ssm-profile:plugins"].remove("plugins.cloudwatch_logs")
    del config["ssm-profile:pluginConfig"]["plugins.cloudwatch_logs"]
    path = folder / "Pulumi.prod.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return plan_file(REPO / "stacks" / "Pulumi.prod.yaml"), plan_file(path)


def widening_excerpt() -> str:
    """The first part of the widening diff's markdown, as the README shows it."""
    from ssm_profile.offline.diff import diff_plans, to_markdown

    with tempfile.TemporaryDirectory() as folder:
        old, new = widening_plans(Path(folder))
    text = to_markdown(diff_plans(old, new))
    return text[: text.index(EXCERPT_END)].rstrip("\n") + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.stdout.write(widening_excerpt())
