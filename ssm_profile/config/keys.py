"""The ``ssm-profile:`` keys, declared once each: kind, default, check and Settings field.

:func:`ssm_profile.config.load_settings` reads them in this order; the configuration
reference (``docs/configuration.md``), the ``Pulumi.yaml`` schema and the unknown-key check
all follow this table. A default is a value, or a function of the fields read before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..aws import limits
from ..aws.buckets import DEFAULT_PRESET
from ..aws.managed import permissions_boundary_arn
from ..aws.names import (
    check_path,
    check_policy_description,
    check_role_description,
    check_tags,
)
from ..aws.naming import custom_policy_description, default_custom_policy_name
from ..readonly import freeze
from . import checks, features
from .checks import Check, Draft
from .settings import MODES


@dataclass(frozen=True)
class Key:
    """One ``ssm-profile:`` config key."""

    name: str
    field: str  # the Settings field it fills
    kind: str  # how the raw string is read: string, text (may be empty), boolean, integer,
    # array, object
    default: Any  # a value, or a function of the Draft
    check: Check | None = None  # full key, value (given or default), Draft -> field value
    modes: tuple[str, ...] = MODES  # the modes in which the key may be set
    refused: str = "is only allowed in {modes} mode (this stack's mode is {mode})"
    required: str | None = None  # must be set in each of ``modes``, for this reason
    schema: dict[str, Any] | None = None  # its typed entry in Pulumi.yaml, if declared

    def default_for(self, draft: Draft) -> Any:
        return self.default(draft) if callable(self.default) else self.default


_ROLE_MODES = ("ec2", "hybrid", "default-host-management")
_FOR_A_NEW_ROLE = "describes a role this stack creates; existing-role mode creates none"


def _typed(kind: str, default: Any, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, **extra, "default": default, "description": description}


# --- the table --------------------------------------------------------------------------------

KEYS: tuple[Key, ...] = (
    Key(
        "mode",
        "mode",
        "string",
        "ec2",
        checks.one_of(MODES),
        schema=_typed("string", "ec2", "ec2 | existing-role | hybrid | default-host-management"),
    ),
    Key(
        "existingRoleName",
        "existing_role_name",
        "string",
        None,
        checks.existing_role_name,
        modes=("existing-role",),
        required="the role to attach policies to",
    ),
    Key(
        "roleName",
        "role_name",
        "string",
        checks.role_name_default,
        checks.name(limits.ROLE_NAME_LIMIT),
        modes=_ROLE_MODES,
        refused=_FOR_A_NEW_ROLE,
    ),
    Key(
        "instanceProfileName",
        "instance_profile_name",
        "string",
        lambda draft: draft["role_name"],
        checks.name(limits.INSTANCE_PROFILE_NAME_LIMIT),
    ),
    Key(
        "description",
        "description",
        "string",
        checks.description_default,
        lambda key, value, draft: check_role_description(key, value),
        modes=_ROLE_MODES,
        refused=_FOR_A_NEW_ROLE,
    ),
    # The first custom policy's name and description: a hand-made policy keeps its own when
    # adopted (IAM cannot change a description in place). Packed parts add -2, -3.
    Key(
        "customPolicyName",
        "custom_policy_name",
        "string",
        lambda draft: default_custom_policy_name(draft["stack"]),
        checks.name(limits.POLICY_NAME_LIMIT),
    ),
    Key(
        "customPolicyDescription",
        "custom_policy_description",
        "text",
        lambda draft: custom_policy_description(draft["stack"], 1),
        lambda key, value, draft: check_policy_description(key, value),
    ),
    Key(
        "path",
        "path",
        "string",
        "/",
        lambda key, value, draft: check_path(key, value),
        schema=_typed("string", "/", "IAM path of role, instance profile and policies."),
    ),
    Key(
        "permissionsBoundary",
        "permissions_boundary",
        "string",
        None,
        lambda key, value, draft: permissions_boundary_arn(key, value, draft["partition"]),
        modes=_ROLE_MODES,
        refused=_FOR_A_NEW_ROLE,
    ),
    Key(
        "tags",
        "tags",
        "object",
        {},
        lambda key, value, draft: freeze(check_tags(key, value)),
    ),
    Key("regions", "regions", "array", lambda draft: [draft["region"]], checks.regions),
    Key(
        "vpcEndpoints",
        "vpc_endpoints",
        "boolean",
        False,
        schema=_typed(
            "boolean", False, "Grant the AWS-owned SSM buckets of each Region (guide case 1)."
        ),
    ),
    # A preset (string) or a list of features: Pulumi.yaml cannot type "string or list".
    Key("awsBuckets", "aws_buckets", "string", DEFAULT_PRESET, features.aws_buckets),
    Key("buckets", "buckets", "array", [], checks.buckets),
    Key(
        "corePolicy",
        "core_policy",
        "string",
        features.core_policy_default,
        features.core_policy,
    ),
    Key(
        "parameterPaths",
        "parameter_paths",
        "array",
        [],
        features.parameter_paths,
        schema=_typed(
            "array",
            [],
            "With corePolicy default-host: parameter paths the instances may read.",
            items={"type": "string"},
        ),
    ),
    Key(
        "directoryService",
        "directory_service",
        "boolean",
        False,
        schema=_typed("boolean", False, "Attach AmazonSSMDirectoryServiceAccess."),
    ),
    Key(
        "cloudWatchAgent",
        "cloud_watch_agent",
        "boolean",
        False,
        schema=_typed("boolean", False, "Attach CloudWatchAgentServerPolicy."),
    ),
    Key(
        "managedPolicies",
        "managed_policies",
        "array",
        [],
        checks.managed_policies,
        schema=_typed(
            "array", [], "More AWS managed policies, by name or ARN.", items={"type": "string"}
        ),
    ),
    Key(
        "createInstanceProfile",
        "create_instance_profile",
        "boolean",
        lambda draft: draft["mode"] == "ec2",
        checks.create_instance_profile,
    ),
    Key(
        "maxManagedPolicies",
        "max_managed_policies",
        "integer",
        limits.DEFAULT_MANAGED_POLICIES_QUOTA,
        checks.quota,
        schema=_typed(
            "integer",
            limits.DEFAULT_MANAGED_POLICIES_QUOTA,
            "The account's quota of managed policies per role (10 default, 20 at most).",
        ),
    ),
    Key(
        "protect",
        "protect",
        "boolean",
        False,
        schema=_typed("boolean", False, "Protect role and instance profile from deletion."),
    ),
    Key(
        "plugins",
        "plugins",
        "array",
        [],
        checks.string_list(checks.plugin_name),
        schema=_typed(
            "array",
            [],
            "Plugins to enable (entry point names or module paths).",
            items={"type": "string"},
        ),
    ),
    Key("pluginConfig", "plugin_config", "object", {}, checks.plugin_config),
    Key("activation", "activation", "object", None, checks.activation, modes=("hybrid",)),
    Key("acceptFindings", "accept_findings", "array", [], checks.accept_findings),
)

KNOWN_KEYS = tuple(key.name for key in KEYS)
