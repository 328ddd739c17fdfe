"""The names the project derives: the role, the custom policies and their parts, SSM's
reference to the role, the attachments' Pulumi names (pure, no Pulumi)."""

from __future__ import annotations

CUSTOM_POLICY_BASE = "SSMInstanceProfileS3Policy"
# AWS's documentation example account: what the offline plan and ssm_profile.testing assume.
DEFAULT_ACCOUNT_ID = "123456789012"
# The stack output holding the S3 gateway endpoint policy (with vpcEndpoints).
ENDPOINT_POLICY_OUTPUT = "s3EndpointPolicy"


def default_role_name(stack: str) -> str:
    """``SSMInstanceProfile-<stack>``: the role name when ``roleName`` is not set."""
    return f"SSMInstanceProfile-{stack}"


def part_suffix(number: int) -> str:
    """``""`` for the first custom policy, ``-2``, ``-3`` for the packed parts after it."""
    return "" if number == 1 else f"-{number}"


def default_custom_policy_name(stack: str) -> str:
    """``SSMInstanceProfileS3Policy-<stack>``: the custom policy's name when
    ``customPolicyName`` is not set."""
    return f"{CUSTOM_POLICY_BASE}-{stack}"


def custom_policy_names(first: str, count: int) -> list[str]:
    """The first custom policy's name, then ``...-2``, ``...-3`` for packed parts."""
    return [first + part_suffix(i) for i in range(1, count + 1)]


def custom_policy_description(stack: str, number: int) -> str:
    """The description of custom policy part ``number`` (for part 1 only when
    ``customPolicyDescription`` is not set). No part count: IAM cannot change a description
    in place, so a count would replace every custom policy when packing adds a part."""
    return f"S3 and plugin permissions of the {stack} SSM instance role (part {number})"


def ssm_role_reference(path: str, role_name: str) -> str:
    """How SSM names a role (activation ``IamRole``, the DHMC setting): path and name,
    without the path's leading slash (``ssm/SSMInstanceProfile-prod``)."""
    return path.lstrip("/") + role_name


def attachment_key(arn: str) -> str:
    """The part of a managed policy ARN that names its attachment resource (the policy name)."""
    return arn.rsplit("/", 1)[-1]
