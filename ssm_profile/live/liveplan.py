"""The live account written as a plan of the stack, to compare with the stack's own plan
(pure).

Each live resource takes the URN and logical name of the planned resource it is (the role,
each custom policy, each attachment, the instance profile), with the inputs the program
would register for it, so that :func:`ssm_profile.offline.diff.diff_plans` compares them
key by key. What the live account has beyond the stack (an attachment or inline policy added
by hand, another instance profile holding the role) gets a URN of its own, and so shows as
a resource the stack does not have; in existing-role mode the role is someone else's, and
only what the stack attaches to it is compared. Custom policies are compared grant by grant
(:func:`.grants.canonical`); a document whose text differs but whose permissions do not is no
difference.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..aws import types
from ..aws.naming import attachment_key
from ..offline.diff import PlanDiff, diff_plans
from .account import LiveAccount, LivePolicy, LiveProfile, LiveRole
from .grants import canonical, same_layout

# The resources drift compares; the others of a plan (an activation, the DHMC setting) it
# names as not compared.
COMPARED = (types.COMPONENT, types.ROLE, types.POLICY, types.ATTACHMENT, types.PROFILE)


def _some(**inputs: Any) -> dict[str, Any]:
    """Registered inputs: Pulumi leaves out what is None or an empty tag map."""
    return {k: v for k, v in inputs.items() if v is not None and v != {}}


def role_inputs(role: LiveRole) -> dict[str, Any]:
    return _some(
        assumeRolePolicy=json.dumps(role.trust, indent=2),
        description=role.description,
        name=role.name,
        path=role.path,
        permissionsBoundary=role.boundary,
        tags=dict(role.tags),
    )


def policy_inputs(policy: LivePolicy) -> dict[str, Any]:
    return _some(
        description=policy.description,
        name=policy.name,
        path=policy.path,
        policy=canonical(policy.document),
        tags=dict(policy.tags),
    )


def profile_inputs(profile: LiveProfile) -> dict[str, Any]:
    return _some(
        name=profile.name,
        path=profile.path,
        role=profile.roles[0] if profile.roles else None,
        tags=dict(profile.tags),
    )


class _Urns:
    """URNs of the component's children, as the engine forms them."""

    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.stack, self.project = plan["stack"], plan["project"]
        component = next(r for r in plan["resources"] if r["type"] == types.COMPONENT)
        self.component = component["name"]

    def resource(self, type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        urn = f"urn:pulumi:{self.stack}::{self.project}::{types.COMPONENT}${type_}::{name}"
        return {"urn": urn, "type": type_, "name": name, "inputs": inputs}


def compared(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The stack's plan as drift compares it: the compared resources, policies as grants."""
    resources = []
    for r in plan["resources"]:
        if r["type"] not in COMPARED:
            continue
        inputs = dict(r["inputs"])
        if r["type"] == types.POLICY and isinstance(inputs.get("policy"), str):
            inputs["policy"] = canonical(json.loads(inputs["policy"]))
        resources.append({**r, "inputs": inputs})
    return {**plan, "resources": resources, "outputs": {}}


def _planned(live: LiveAccount, r: Mapping[str, Any]) -> dict[str, Any] | None:
    """The live inputs of one planned resource, or None when AWS does not have it."""
    inputs, role = r["inputs"], live.role
    if r["type"] == types.COMPONENT:
        return {}
    if r["type"] == types.ROLE:
        return role_inputs(role) if role is not None and role.name == inputs["name"] else None
    if r["type"] == types.POLICY:
        found = [p for p in live.policies.values() if p.name == inputs["name"]]
        return policy_inputs(found[0]) if found else None
    if r["type"] == types.ATTACHMENT:
        attached = role is not None and role.name == inputs["role"]
        return dict(inputs) if attached and inputs["policyArn"] in role.attached else None
    if r["type"] == types.PROFILE:
        profile = live.profiles.get(inputs["name"])
        return profile_inputs(profile) if profile is not None else None
    return None


def live_plan(live: LiveAccount, plan: Mapping[str, Any]) -> dict[str, Any]:
    """The live account as a plan object with the URNs of ``plan`` (the stack's plan)."""
    urns = _Urns(plan)
    resources = []
    planned_arns, planned_profiles = set(), set()
    for r in compared(plan)["resources"]:
        if r["type"] == types.ATTACHMENT:
            planned_arns.add(r["inputs"]["policyArn"])
        if r["type"] == types.PROFILE:
            planned_profiles.add(r["inputs"]["name"])
        inputs = _planned(live, r)
        if inputs is not None:
            resources.append({**r, "inputs": inputs})
    role = live.role
    # What else hangs on the role is the stack's business only when the stack owns the role
    # (not in existing-role mode, where others attach their policies to it).
    owned = any(r["type"] == types.ROLE for r in plan["resources"])
    if role is not None and owned:
        for arn in role.attached:
            if arn not in planned_arns:
                name = f"{urns.component}-managed-{attachment_key(arn)}"
                inputs = {"policyArn": arn, "role": role.name}
                resources.append(urns.resource(types.ATTACHMENT, name, inputs))
        for name, document in role.inline.items():
            inputs = {"name": name, "policy": json.dumps(document, indent=2), "role": role.name}
            resources.append(
                urns.resource(types.INLINE_POLICY, f"{urns.component}-inline-{name}", inputs)
            )
        for profile in role.profiles:
            if profile.name not in planned_profiles:
                name = f"{urns.component}-instance-profile-{profile.name}"
                resources.append(urns.resource(types.PROFILE, name, profile_inputs(profile)))
    return {
        "project": plan["project"],
        "stack": plan["stack"],
        "resources": resources,
        "outputs": {},
    }


def compare(live: LiveAccount, plan: Mapping[str, Any]) -> PlanDiff:
    """What differs from the live account to the stack's plan, as the diff engine sees it,
    without documents that grant the same in another text."""
    diff = diff_plans(live_plan(live, plan), compared(plan))
    kept = []
    for r in diff.resources:
        inputs = tuple(d for d in r.inputs if d.document is None or not d.document.same_permissions)
        if r.action in ("update", "replace") and not inputs:
            continue
        replaced_by = tuple(k for k in r.replaced_by if any(d.key == k for d in inputs))
        action = r.action
        if action == "replace" and not replaced_by:
            action = "update"
        kept.append(replace(r, inputs=inputs, replaced_by=replaced_by, action=action))
    return replace(diff, resources=tuple(kept), outputs=())


def not_compared(plan: Mapping[str, Any]) -> list[str]:
    """The planned resources drift does not read from AWS."""
    return [f"{r['type']} {r['name']}" for r in plan["resources"] if r["type"] not in COMPARED]


def layout_changes(live: LiveAccount, plan: Mapping[str, Any]) -> list[str]:
    """Custom policies that grant what the stack grants in another layout (Sids, statements
    split or joined): ``pulumi up`` writes the stack's layout as a new default version."""
    found = []
    for r in plan["resources"]:
        if r["type"] != types.POLICY:
            continue
        live_policy = next(
            (p for p in live.policies.values() if p.name == r["inputs"]["name"]), None
        )
        if live_policy is None:
            continue
        planned = json.loads(r["inputs"]["policy"])
        if canonical(live_policy.document) == canonical(planned) and not same_layout(
            live_policy.document, planned
        ):
            found.append(
                f"Policy {live_policy.name}: the same grants in another layout (pulumi up "
                "writes the stack's statements as a new default version, in place)"
            )
    return found
