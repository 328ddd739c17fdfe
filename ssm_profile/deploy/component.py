"""The one ComponentResource: registers a :class:`~ssm_profile.blueprint.Blueprint` as-is.

All decisions were made by the pure modules; this file only maps them onto ``pulumi_aws``
resources, parented to the component, with names derived from the component's name.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from ..aws.names import attachment_key, part_suffix, ssm_role_reference
from ..aws.types import COMPONENT
from ..blueprint import Blueprint

TYPE = COMPONENT


class SsmInstanceProfile(pulumi.ComponentResource):
    """Role, policies, attachments and instance profile (or activation / DHMC setting)."""

    outputs: dict[str, Any]

    def __init__(
        self, name: str, blueprint: Blueprint, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE, name, None, opts)
        s = blueprint.settings
        tags = dict(blueprint.tags) or None
        # In existing-role mode the role and possibly some of these attachments belong to
        # someone else: deleting the stack (or dropping a policy) must never detach them.
        attach = pulumi.ResourceOptions(parent=self, retain_on_delete=s.mode == "existing-role")
        # Explicit physical names cannot be created before the old one is deleted, so a
        # replacement must delete first; `protect` turns that replacement into an error.
        keep = pulumi.ResourceOptions(parent=self, protect=s.protect, delete_before_replace=True)
        named = pulumi.ResourceOptions(parent=self, delete_before_replace=True)

        role_name: pulumi.Input[str] = s.role_name
        role_arn: pulumi.Output[str] | None = None
        if blueprint.trust_policy is not None:
            role = aws.iam.Role(
                f"{name}-role",
                name=s.role_name,
                path=s.path,
                description=s.description,
                assume_role_policy=blueprint.trust_policy,
                permissions_boundary=s.permissions_boundary,
                tags=tags,
                opts=keep,
            )
            role_name, role_arn = role.name, role.arn

        attachments = []
        custom_arns = []
        for index, spec in enumerate(blueprint.custom_policies, start=1):
            suffix = part_suffix(index)
            policy = aws.iam.Policy(
                f"{name}-policy{suffix}",
                name=spec.name,
                path=s.path,
                # No part count here: IAM cannot change a description in place, so a
                # count would replace every custom policy when packing adds a part.
                description=f"S3 and plugin permissions of the {s.stack} SSM instance role "
                f"(part {index})",
                policy=spec.document,
                tags=tags,
                opts=named,
            )
            custom_arns.append(policy.arn)
            attachments.append(
                aws.iam.RolePolicyAttachment(
                    f"{name}-policy{suffix}-attachment",
                    role=role_name,
                    policy_arn=policy.arn,
                    opts=attach,
                )
            )
        attachments += [
            aws.iam.RolePolicyAttachment(
                f"{name}-managed-{attachment_key(arn)}", role=role_name, policy_arn=arn, opts=attach
            )
            for arn in blueprint.managed_policy_arns
        ]

        outputs: dict[str, Any] = {
            "mode": s.mode,
            "roleName": role_name,
            "managedPolicyArns": list(blueprint.managed_policy_arns),
            "customPolicyArns": custom_arns,
            "plugins": [dict(p) for p in blueprint.plugins],
        }
        if role_arn is not None:
            outputs["roleArn"] = role_arn

        if s.create_instance_profile:
            profile = aws.iam.InstanceProfile(
                f"{name}-instance-profile",
                name=s.instance_profile_name,
                path=s.path,
                role=role_name,
                tags=tags,
                opts=keep,
            )
            outputs["instanceProfileName"] = profile.name
            outputs["instanceProfileArn"] = profile.arn

        after_attachments = pulumi.ResourceOptions(parent=self, depends_on=attachments)
        if s.activation is not None:
            activation = aws.ssm.Activation(
                f"{name}-activation",
                # SSM resolves IamRole to arn:...:role/<IamRole>: a role path belongs in it.
                iam_role=pulumi.Output.from_input(role_name).apply(
                    lambda n: ssm_role_reference(s.path, n)
                ),
                registration_limit=s.activation.registration_limit,
                expiration_date=s.activation.expiration_date,
                description=s.activation.description,
                tags=tags,
                opts=after_attachments,
            )
            outputs["activationId"] = activation.id
            outputs["activationCode"] = pulumi.Output.secret(activation.activation_code)

        if blueprint.service_setting_id is not None:
            setting = aws.ssm.ServiceSetting(
                f"{name}-default-host-management",
                setting_id=blueprint.service_setting_id,
                setting_value=ssm_role_reference(s.path, s.role_name),
                opts=after_attachments,
            )
            outputs["serviceSettingId"] = setting.setting_id

        self.outputs = outputs
        self.register_outputs(outputs)
