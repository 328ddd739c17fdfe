"""A live role and what hangs on it, as the keys of a stack that reproduces it (pure).

Every key that reproduces a live value is written, even when it equals the default, so that
the stack file says what was adopted. What no key reproduces is a deviation (a line of the
report) or an unmapped grant (:class:`.policyread.Unmapped`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..aws import buckets as facts
from ..aws import managed
from ..aws.partitions import Partition
from ..errors import ConfigError
from .account import LiveAccount, LivePolicy, is_customer_managed
from .grants import statements
from .policyread import Unmapped, read_policy_documents


@dataclass
class Adopted:
    """The keys (``ssm-profile:`` omitted) and what they leave out."""

    config: dict[str, Any]
    custom: tuple[LivePolicy, ...]  # the live custom policy and its packed parts
    deviations: list[str] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)


_FLAGS = {
    managed.DIRECTORY_SERVICE_POLICY: "directoryService",
    managed.CLOUDWATCH_AGENT_POLICY: "cloudWatchAgent",
}


def _custom_policies(live: LiveAccount, names: Sequence[str]) -> tuple[LivePolicy, ...]:
    """The custom policy: the first of ``names`` attached (then its ``-2``, ``-3`` parts), or
    the only customer managed policy attached."""
    assert live.role is not None
    attached = [live.policies[a] for a in live.role.attached if a in live.policies]
    by_name = {p.name: p for p in attached}
    for name in names:
        if name in by_name:
            parts = [by_name[name]]
            while f"{name}-{len(parts) + 1}" in by_name:
                parts.append(by_name[f"{name}-{len(parts) + 1}"])
            return tuple(parts)
    return (attached[0],) if len(attached) == 1 else ()


def _managed(adopted: Adopted, live: LiveAccount, partition: Partition) -> None:
    assert live.role is not None
    custom = {p.arn for p in adopted.custom}
    names = {
        a.rsplit(":policy/", 1)[-1]: a for a in live.role.attached if not is_customer_managed(a)
    }
    if managed.DHMC_POLICY in names and managed.CORE_POLICY not in names:
        adopted.config["corePolicy"] = "default-host"
    extra = []
    for name, arn in names.items():
        if name in (managed.CORE_POLICY, managed.DHMC_POLICY) or name in _FLAGS:
            if name in _FLAGS:
                adopted.config[_FLAGS[name]] = True
            continue
        problem = managed.managed_policy_problem(arn)
        if problem is not None:
            adopted.deviations.append(
                f"{arn} is attached by hand and the stack refuses it ({problem}); it is not "
                "adopted: pulumi up leaves it attached, drift reports it, detach it yourself"
            )
            continue
        extra.append(name)
    extra += [a for a in live.role.attached if is_customer_managed(a) and a not in custom]
    if extra:
        adopted.config["managedPolicies"] = extra
    if managed.CORE_POLICY not in names and managed.DHMC_POLICY not in names:
        adopted.deviations.append(
            f"{managed.CORE_POLICY} is not attached: the stack attaches it (the guide's core)"
        )


def _role_keys(adopted: Adopted, live: LiveAccount, partition: Partition) -> None:
    role = live.role
    assert role is not None
    c = adopted.config
    c["roleName"] = role.name
    if role.profiles:
        profile = next((p for p in role.profiles if p.name == role.name), role.profiles[0])
        if profile.name != role.name:
            c["instanceProfileName"] = profile.name
        for other in role.profiles:
            if other is not profile:
                adopted.deviations.append(
                    f"instance profile {other.name} also holds the role; the stack manages "
                    f"{profile.name} only (drift reports the other)"
                )
    else:
        c["createInstanceProfile"] = False
    if role.description is not None:
        c["description"] = role.description
    else:
        adopted.deviations.append(
            "the role has no description: pulumi up gives it the stack's default, in place"
        )
    c["path"] = role.path
    if role.boundary:
        c["permissionsBoundary"] = role.boundary
    if role.tags:
        c["tags"] = dict(role.tags)
    principals = {str(s.get("Principal")) for s in statements(role.trust) if isinstance(s, dict)}
    if not any(partition.service_principal("ec2") in p for p in principals):
        adopted.deviations.append(
            "the role is not trusted by EC2: pulumi up rewrites its trust policy (in place)"
        )
    for name in role.inline:
        adopted.deviations.append(
            f"inline policy {name}: no key manages inline policies; pulumi up leaves it, drift "
            "reports it: move what it grants into a plugin, or delete it"
        )


def _policy_keys(adopted: Adopted, partition: Partition, region: str) -> None:
    if not adopted.custom:
        return
    first = adopted.custom[0]
    c = adopted.config
    c["customPolicyName"] = first.name
    c["customPolicyDescription"] = first.description or ""
    if first.path != c["path"]:
        adopted.deviations.append(
            f"policy {first.name} has the path {first.path}, the role {c['path']}; one "
            "ssm-profile:path covers both, so pulumi up replaces the policy"
        )
    reading = read_policy_documents([p.document for p in adopted.custom], partition, region)
    if reading.regions:
        c["vpcEndpoints"] = True
        if reading.regions != [region]:
            c["regions"] = reading.regions
        if reading.aws_buckets not in (None, facts.DEFAULT_PRESET):
            c["awsBuckets"] = reading.aws_buckets
    if reading.buckets:
        c["buckets"] = reading.buckets
    adopted.deviations += reading.deviations
    adopted.unmapped += reading.unmapped


def adopt_keys(
    live: LiveAccount, partition: Partition, region: str, custom_names: Sequence[str]
) -> Adopted:
    """The stack keys that reproduce ``live.role`` (which must exist)."""
    if live.role is None:
        raise ConfigError("--role", "no such role in the account")
    adopted = Adopted({}, _custom_policies(live, custom_names))
    _role_keys(adopted, live, partition)
    _policy_keys(adopted, partition, region)
    _managed(adopted, live, partition)
    return adopted
