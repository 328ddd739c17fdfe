"""``adopt``: a hand-made role, its policies and instance profile -> a stack file that
reproduces them, an import file for ``pulumi import --file``, and a report of what the first
``pulumi up`` would still change, and why. Read-only against AWS.

The written stack is planned offline before anything is handed back, and the import file
takes each resource's type and logical name from that plan. An adoption never replaces a
live role or instance profile: a stack that would is refused.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..aws import types
from ..aws.names import check_region
from ..aws.naming import CUSTOM_POLICY_BASE, default_custom_policy_name, default_role_name
from ..aws.partitions import ALL_REGIONS
from ..config import load_settings
from ..config.stackfile import StackConfig, default_stacks_dir, find_project_dir, load_stack
from ..errors import ConfigError, SsmProfileError, one_line, visible
from ..offline.diff import PlanDiff
from .account import LiveAccount, read_account
from .adoptkeys import Adopted, adopt_keys
from .client import Account, LiveError
from .liveplan import compare, layout_changes
from .report import adopt_report
from .stackwrite import stack_file


@dataclass(frozen=True)
class Adoption:
    """What ``adopt`` hands back: the files to write (name -> text) and the report."""

    files: Mapping[str, str]
    report: str  # the text report for the terminal
    diff: PlanDiff
    adopted: Adopted


def _stack_defaults(stack: str, stacks_dir: Path | None, project_dir: Path) -> tuple[Any, ...]:
    """The Region, role name and custom policy name of an existing stack file, if any."""
    folder = stacks_dir or default_stacks_dir(project_dir)
    if not (folder / f"Pulumi.{stack}.yaml").is_file():
        return None, default_role_name(stack), default_custom_policy_name(stack)
    config = load_stack(stack, folder, project_dir)
    settings = load_settings(config.config, config.project, config.stack)
    return settings.region, settings.role_name, settings.custom_policy_name


def _plan(text: str, stack: str, project_dir: Path, account_id: str) -> dict[str, Any]:
    from ..offline.plan import run_program  # imports Pulumi

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / f"Pulumi.{stack}.yaml").write_text(text, encoding="utf-8")
        config: StackConfig = load_stack(stack, Path(folder), project_dir)
        return run_program(config, account_id).to_json()


def _refused_item(error: ConfigError, config: dict[str, Any]) -> int | None:
    """The ``managedPolicies`` item the stack refused, if that is what it refused."""
    prefix = "ssm-profile:managedPolicies["
    if not error.key.startswith(prefix) or "managedPolicies" not in config:
        return None
    return int(error.key[len(prefix) :].split("]")[0])


def _planned(adopted: Adopted, region: str, stack: str, project_dir: Path, live: LiveAccount):
    """Plan the written stack; a managed policy the stack refuses is left out, and named."""
    while True:
        text = stack_file(region, adopted.config, _comments(adopted, stack))
        try:
            return text, _plan(text, stack, project_dir, live.account_id)
        except ConfigError as error:
            index = _refused_item(error, adopted.config)
            if index is None:
                raise SsmProfileError(
                    f"adopt: the stack that reproduces the role is refused: {error}"
                ) from None
            dropped = adopted.config["managedPolicies"].pop(index)
            if not adopted.config["managedPolicies"]:
                del adopted.config["managedPolicies"]
            adopted.deviations.append(
                f"{dropped} is attached and the stack refuses it ({error}); it is not adopted: "
                "pulumi up leaves it attached, drift reports it"
            )


def _comments(adopted: Adopted, stack: str) -> list[str]:
    lines = [
        f"Written by `python -m ssm_profile adopt --stack {stack}` from the live account.",
        "Each key reproduces a live value; the report beside this file says what differs.",
    ]
    if adopted.unmapped:
        lines += [
            "",
            "Statements of the live policy that no key reproduces (dropped by pulumi up):",
        ]
        for u in adopted.unmapped:
            lines.append(f"- {u.statement}: {'; '.join(u.grants)}")
            lines.append(f"  {u.reason}. Suggestion: {u.suggestion}.")
    return [visible(one_line(line)) for line in lines]


def _live_id(r: Mapping[str, Any], live: LiveAccount) -> str | None:
    """The id ``pulumi import`` takes for a planned resource that AWS has, or None."""
    inputs, role = r["inputs"], live.role
    if r["type"] == types.ROLE and role is not None and role.name == inputs["name"]:
        return role.name
    if r["type"] == types.POLICY:
        return next((p.arn for p in live.policies.values() if p.name == inputs["name"]), None)
    if r["type"] == types.ATTACHMENT and role is not None and inputs["policyArn"] in role.attached:
        return f"{role.name}/{inputs['policyArn']}"
    if r["type"] == types.PROFILE and inputs["name"] in live.profiles:
        return inputs["name"]
    return None


def import_file(plan: Mapping[str, Any], live: LiveAccount) -> dict[str, Any]:
    """``pulumi import --file``: the component (created empty), then each planned resource
    that AWS has, with the plan's type and logical name and the component as parent."""
    component = next(r for r in plan["resources"] if r["type"] == types.COMPONENT)
    resources: list[dict[str, Any]] = [
        {"type": types.COMPONENT, "name": component["name"], "component": True}
    ]
    for r in plan["resources"]:
        if r["type"] == types.COMPONENT:
            continue
        live_id = _live_id(r, live)
        if live_id is not None:
            resources.append(
                {"type": r["type"], "name": r["name"], "id": live_id, "parent": component["name"]}
            )
    return {"resources": resources}


def _never_replaced(diff: PlanDiff) -> None:
    for r in diff.resources:
        if r.type in (types.ROLE, types.PROFILE) and r.action == "replace":
            raise SsmProfileError(
                f"adopt: the stack would replace the live {r.physical_name} "
                f"({', '.join(r.replaced_by)} differs): not adopted; instances would lose "
                "their credentials"
            )


def adopt(stack: str, role: str | None, profile: str | None, stacks_dir: Path | None) -> Adoption:
    """Read the live account and build the files and the report of an adoption."""
    project_dir = find_project_dir()
    region, role_name, custom_name = _stack_defaults(stack, stacks_dir, project_dir)
    api = Account(profile, region)
    region = region or api.region
    if not region:
        raise SsmProfileError(
            "adopt: no Region: set aws:region in the stack file, or AWS_REGION (or the "
            "profile's region)"
        )
    check_region("aws:region", region, None)
    partition = ALL_REGIONS[region]
    name = role or role_name
    live = read_account(api, name)
    if live.role is None:
        raise LiveError(
            f"GetRole (iam:GetRole): no role {name} in account {live.account_id}; name the "
            "hand-made role with --role"
        )
    names = [custom_name, CUSTOM_POLICY_BASE, default_custom_policy_name(stack)]
    adopted = adopt_keys(live, partition, region, names)
    text, plan = _planned(adopted, region, stack, project_dir, live)
    # The stack's profile may be one the role is not in yet: read what the plan names.
    profiles = [r["inputs"]["name"] for r in plan["resources"] if r["type"] == types.PROFILE]
    if any(p not in live.profiles for p in profiles):
        live = read_account(api, name, profiles=profiles)
    diff = compare(live, plan)
    _never_replaced(diff)
    imports = json.dumps(import_file(plan, live), indent=2) + "\n"
    layout = layout_changes(live, plan)
    markdown, terminal = adopt_report(stack, live, adopted, diff, region, layout)
    files = {
        f"Pulumi.{stack}.yaml": text,
        f"{stack}.import.json": imports,
        f"{stack}.adopt.md": markdown,
    }
    return Adoption(files, terminal, diff, adopted)
