"""``pulumi destroy`` of a replayed plan, against the IAM emulator (tests/emulator.py).

The engine's semantics, from the ``options`` the plan records for each resource:
- any ``protect`` resource makes the destroy refuse before anything is deleted, naming every
  protected resource (:class:`DestroyRefusedError`): the engine refuses to delete a protected
  resource, and the preview that ``pulumi destroy`` runs first already fails (with
  ``--skip-preview`` the engine may delete other resources before it reaches a protected one;
  that is not emulated);
- a ``retainOnDelete`` resource is left in the account: the engine drops it from the state
  without calling the provider's delete;
- every other resource is deleted, in reverse registration order (the program registers a
  resource after those it depends on), with the IAM calls that delete it: ``DeleteRole``,
  ``DeletePolicy``, ``DetachRolePolicy``, ``RemoveRoleFromInstanceProfile`` then
  ``DeleteInstanceProfile``. Any clean-up a provider makes before a delete is not emulated, so
  a resource deleted while something still depends on it fails here as IAM would fail it.

IAM's side: ``DeletePolicy`` of a customer managed policy that is still attached fails with
``DeleteConflict``. moto does not check it (its ``DeletePolicy`` deletes the policy and leaves
the attachment dangling), so :func:`destroy` lists the policy's entities
(``ListEntitiesForPolicy``) first and refuses the same way. moto does refuse ``DeleteRole``
while a policy is attached or the role is in an instance profile, and
``DeleteInstanceProfile`` while it holds a role, as IAM does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api_model import EmulatorError, checked_call

Deletes = list[tuple[str, dict[str, Any]]]  # the provider's delete calls, in order


class DestroyRefusedError(EmulatorError):
    """``pulumi destroy`` refused: the plan holds protected resources."""


@dataclass
class Created:
    """A resource the replay created (``TYPE NAME``), its options, the calls that delete it."""

    what: str
    options: Mapping[str, bool]
    deletes: Deletes


@dataclass
class Remains:
    """What the account holds: every role with the policies attached to it, every customer
    managed policy (ARNs), every instance profile with its roles."""

    roles: dict[str, list[str]] = field(default_factory=dict)
    policies: list[str] = field(default_factory=list)
    profiles: dict[str, list[str]] = field(default_factory=dict)


def destroy(iam: Any, protected: Sequence[str], created: Sequence[Created]) -> None:
    """``pulumi destroy`` of a stack whose ``protected`` resources are named (``TYPE NAME``) and
    whose ``created`` resources are in registration order."""
    if protected:
        raise DestroyRefusedError(
            f"destroy refused: protected resources cannot be deleted: {', '.join(protected)}"
            " (unprotect them first: `pulumi state unprotect`)"
        )
    for resource in reversed(created):
        if resource.options["retainOnDelete"]:
            continue
        what = f"destroy {resource.what}"
        for operation, params in resource.deletes:
            if operation == "DeletePolicy":
                _check_detached(iam, what, params["PolicyArn"])
            checked_call(iam, operation, what, **params)


def _check_detached(iam: Any, what: str, arn: str) -> None:
    found = iam.list_entities_for_policy(PolicyArn=arn)
    entities = [f"role {e['RoleName']}" for e in found["PolicyRoles"]]
    entities += [f"user {e['UserName']}" for e in found["PolicyUsers"]]
    entities += [f"group {e['GroupName']}" for e in found["PolicyGroups"]]
    if entities:
        raise EmulatorError(
            f"{what}: DeletePolicy refused: DeleteConflict: Cannot delete a policy attached to "
            f"entities ({', '.join(entities)}; checked by the harness, moto does not)"
        )


def attached_arns(iam: Any, role: str) -> list[str]:
    """The managed policies attached to ``role``, sorted."""
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    return sorted(p["PolicyArn"] for p in attached)


def remains(iam: Any) -> Remains:
    """Everything the account holds (roles, customer managed policies, instance profiles)."""
    return Remains(
        roles={r["RoleName"]: attached_arns(iam, r["RoleName"]) for r in iam.list_roles()["Roles"]},
        policies=sorted(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]),
        profiles={
            p["InstanceProfileName"]: [r["RoleName"] for r in p["Roles"]]
            for p in iam.list_instance_profiles()["InstanceProfiles"]
        },
    )


def empty(iam: Any) -> None:
    """The harness's own cleanup, not part of the destroy: remove whatever a replay, its
    destroy or a failure left, the account's existing roles included, so that the next replay
    starts from an empty account."""
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        name = profile["InstanceProfileName"]
        for role in profile["Roles"]:
            iam.remove_role_from_instance_profile(
                InstanceProfileName=name, RoleName=role["RoleName"]
            )
        iam.delete_instance_profile(InstanceProfileName=name)
    for role in iam.list_roles()["Roles"]:
        for arn in attached_arns(iam, role["RoleName"]):
            iam.detach_role_policy(RoleName=role["RoleName"], PolicyArn=arn)
        iam.delete_role(RoleName=role["RoleName"])
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        iam.delete_policy(PolicyArn=policy["Arn"])
