"""The Region-bound resources of a component: an SSM hybrid activation or the DHMC service
setting in each Region of ``ssm-profile:regions`` (IAM is global: one role serves them all).

The stack's own Region (``aws:region``) keeps the resource name without a suffix and the
provider's Region, so a single-Region stack registers what it always did, and listing more
Regions later adds resources without replacing that one. Each other Region's resource is named
``...-REGION`` and takes pulumi-aws v7's ``region`` argument.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ..aws.naming import ssm_role_reference
from ..blueprint import Blueprint


def placement(base: str, region: str, stack_region: str) -> tuple[str, dict[str, str]]:
    """The Pulumi name and the ``region`` argument of ``base``'s resource in ``region``."""
    if region == stack_region:
        return base, {}
    return f"{base}-{region}", {"region": region}


def _by_region(values: Mapping[str, pulumi.Output[Any]]) -> pulumi.Output[dict[str, Any]]:
    return pulumi.Output.all(**values).apply(dict)


def activations(
    name: str,
    blueprint: Blueprint,
    role_name: pulumi.Input[str],
    tags: dict[str, str] | None,
    opts: pulumi.ResourceOptions,
) -> dict[str, aws.ssm.Activation]:
    """One SSM hybrid activation per Region, each naming the one role."""
    s = blueprint.settings
    assert s.activation is not None
    # SSM resolves IamRole to arn:...:role/<IamRole>: a role path belongs in it.
    reference = pulumi.Output.from_input(role_name).apply(lambda n: ssm_role_reference(s.path, n))
    created = {}
    for region in s.regions:
        resource_name, where = placement(f"{name}-activation", region, s.region)
        created[region] = aws.ssm.Activation(
            resource_name,
            iam_role=reference,
            registration_limit=s.activation.registration_limit,
            expiration_date=s.activation.expiration_date,
            description=s.activation.description,
            tags=tags,
            opts=opts,
            **where,
        )
    return created


def service_settings(
    name: str, blueprint: Blueprint, opts: pulumi.ResourceOptions
) -> dict[str, aws.ssm.ServiceSetting]:
    """The DHMC service setting of each Region, each naming the one role."""
    s = blueprint.settings
    created = {}
    for region, setting_id in blueprint.service_setting_ids:
        resource_name, where = placement(f"{name}-default-host-management", region, s.region)
        created[region] = aws.ssm.ServiceSetting(
            resource_name,
            setting_id=setting_id,
            setting_value=ssm_role_reference(s.path, s.role_name),
            opts=opts,
            **where,
        )
    return created


def exported(
    outputs: dict[str, Any],
    stack_region: str,
    resources: Mapping[str, Any],
    names: tuple[str, str],
    value: Callable[[Any], pulumi.Output[Any]],
) -> tuple[pulumi.Output[Any] | None, pulumi.Output[dict[str, Any]] | None]:
    """Record ``value`` of each Region's resource in the stack outputs: ``names[0]`` for the
    stack's Region, and ``names[1]`` (Region -> value) when the stack lists other Regions.
    Returns (the stack Region's value, the map), each ``None`` when not recorded."""
    single = many = None
    if stack_region in resources:
        single = outputs[names[0]] = value(resources[stack_region])
    if set(resources) != {stack_region}:
        many = outputs[names[1]] = _by_region({r: value(x) for r, x in resources.items()})
    return single, many
