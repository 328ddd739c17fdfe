"""Who holds the grants: changes the statement and policy grading cannot see (pure).

The instance profile's role, grants set on a role itself, IAM resources of kinds the grading
does not read, and plans of several roles (:func:`structure_changes`, used by
:mod:`.risk`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...aws import types
from ..markdown import md_code
from .model import BROADENING, Change
from .statements import text

# What the grading reads of a role: its trust policy and boundary (graded above). Any other
# input that grants (inline policies, managed policy ARNs set on the role itself) is graded
# as a change of its own.
_ROLE_GRANTS = ("inlinePolicies", "managedPolicyArns")
# The resources the grading understands; any other IAM resource (an inline RolePolicy, a
# user, a group) in a plan grants what the grading cannot read.
_GRADED_TYPES = {types.COMPONENT, types.ROLE, types.POLICY, types.ATTACHMENT, types.PROFILE}


def _inputs(plan: Mapping[str, Any], wanted: Callable[[str], bool]) -> dict[str, Any]:
    """The inputs of the plan's resources whose type is ``wanted``, by URN."""
    return {r["urn"]: r["inputs"] for r in plan["resources"] if wanted(r["type"])}


def _iam_others(plan: Mapping[str, Any]) -> dict[str, Any]:
    return _inputs(plan, lambda kind: kind.startswith("aws:iam/") and kind not in _GRADED_TYPES)


def _grant_resources(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan's policies and attachments, by URN: what a move between roles changes."""
    return _inputs(plan, {types.POLICY, types.ATTACHMENT}.__contains__)


def _by_type(plan: Mapping[str, Any], kind: str) -> dict[str, Mapping[str, Any]]:
    return _inputs(plan, kind.__eq__)


def structure_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """Changes to who holds the grants: the instance profile's role, grants set on the role
    itself, IAM resources the grading cannot read, and plans of several roles (the grading
    takes a plan's roles together, so a move between roles reads as no change)."""
    changes = []
    before, after = _by_type(old, types.PROFILE), _by_type(new, types.PROFILE)
    for urn in after.keys() & before.keys():
        was, now = before[urn].get("role"), after[urn].get("role")
        if was != now:
            changes.append(
                Change(
                    BROADENING,
                    f"instance profile {md_code(urn.rsplit('::', 1)[-1])} now holds role "
                    f"{md_code(text(now))} (was {md_code(text(was))}): the instances get that "
                    "role's permissions",
                )
            )
    roles_before, roles_after = _by_type(old, types.ROLE), _by_type(new, types.ROLE)
    for urn, inputs in roles_after.items():
        for key in _ROLE_GRANTS:
            if inputs.get(key) and inputs.get(key) != roles_before.get(urn, {}).get(key):
                changes.append(
                    Change(
                        BROADENING,
                        f"role {md_code(text(inputs.get('name')))}: {key} set on the role "
                        "itself, which the grading does not read: review it",
                    )
                )
    others_before, others_after = _iam_others(old), _iam_others(new)
    for urn in others_after:
        if others_after[urn] != others_before.get(urn):
            changes.append(
                Change(
                    BROADENING,
                    f"IAM resource {md_code(urn.rsplit('::', 1)[-1])} "
                    f"({md_code(urn.split('::')[-2].rsplit('$', 1)[-1])}) added or changed; the "
                    "grading does not read its kind: review it",
                )
            )
    several = len(roles_before) > 1 or len(roles_after) > 1
    if several and _grant_resources(old) != _grant_resources(new):
        changes.append(
            Change(
                BROADENING,
                "several roles: the grading takes their policies together, so a grant moved "
                "from one role to another reads as no change; review each role",
            )
        )
    return changes
