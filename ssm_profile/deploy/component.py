"""The one ComponentResource: registers a :class:`~ssm_profile.blueprint.Blueprint` as-is.

All decisions were made by the pure modules; this file only maps them onto ``pulumi_aws``
resources, parented to the component, with names derived from the component's name.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from ..aws.naming import (
    ENDPOINT_POLICY_OUTPUT,
    attachment_key,
    custom_policy_description,
    part_suffix,
    ssm_role_reference,
)
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
        self._name = name
        self._blueprint = blueprint
        s = blueprint.settings
        self._tags = dict(blueprint.tags) or None
        self.outputs = {"mode": s.mode, "plugins": [dict(p) for p in blueprint.plugins]}
        if blueprint.accepted_findings:
            self.outputs["acceptedFindings"] = [a.to_json() for a in blueprint.accepted_findings]
        if blueprint.endpoint_policy is not None:
            # what the VPC's S3 gateway endpoint must allow too (guide case 1)
            self.outputs[ENDPOINT_POLICY_OUTPUT] = blueprint.endpoint_policy

        role_name = self._role()
        attachments = self._custom_policies(role_name) + self._managed_attachments(role_name)
        if s.create_instance_profile:
            self._instance_profile(role_name)
        after_attachments = pulumi.ResourceOptions(parent=self, depends_on=attachments)
        if s.activation is not None:
            self._activation(role_name, after_attachments)
        if blueprint.service_setting_id is not None:
            self._service_setting(after_attachments)
        self.register_outputs(self.outputs)

    # Explicit physical names cannot be created before the old one is deleted, so a
    # replacement must delete first; `protect` turns that replacement into an error.
    def _kept(self) -> pulumi.ResourceOptions:
        protect = self._blueprint.settings.protect
        return pulumi.ResourceOptions(parent=self, protect=protect, delete_before_replace=True)

    def _attached(self, own_policy: bool) -> pulumi.ResourceOptions:
        # In existing-role mode the role belongs to someone else, and so may the attachment of
        # a policy the stack does not own (AWS managed, or given by ARN): deleting the stack (or
        # dropping such a policy) must never detach it. The attachment of one of the stack's
        # own policies goes with that policy: IAM refuses to delete a policy still attached.
        retain = self._blueprint.settings.mode == "existing-role" and not own_policy
        return pulumi.ResourceOptions(parent=self, retain_on_delete=retain)

    def _role(self) -> pulumi.Input[str]:
        """The stack's role (or, in existing-role mode, the name of someone else's)."""
        b, s = self._blueprint, self._blueprint.settings
        self.outputs["roleName"] = s.role_name
        if b.trust_policy is None:
            return s.role_name
        role = aws.iam.Role(
            f"{self._name}-role",
            name=s.role_name,
            path=s.path,
            description=s.description,
            assume_role_policy=b.trust_policy,
            permissions_boundary=s.permissions_boundary,
            tags=self._tags,
            opts=self._kept(),
        )
        self.outputs["roleName"] = role.name
        self.outputs["roleArn"] = role.arn
        return role.name

    def _custom_policies(self, role_name: pulumi.Input[str]) -> list[pulumi.Resource]:
        s = self._blueprint.settings
        attachments: list[pulumi.Resource] = []
        arns = []
        for index, spec in enumerate(self._blueprint.custom_policies, start=1):
            suffix = part_suffix(index)
            policy = aws.iam.Policy(
                f"{self._name}-policy{suffix}",
                name=spec.name,
                path=s.path,
                description=self._policy_description(index),
                policy=spec.document,
                tags=self._tags,
                opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
            )
            arns.append(policy.arn)
            attachments.append(
                aws.iam.RolePolicyAttachment(
                    f"{self._name}-policy{suffix}-attachment",
                    role=role_name,
                    policy_arn=policy.arn,
                    opts=self._attached(own_policy=True),
                )
            )
        self.outputs["customPolicyArns"] = arns
        return attachments

    def _policy_description(self, number: int) -> str | None:
        """``customPolicyDescription`` for the first part (``""``: none), derived for the others."""
        s = self._blueprint.settings
        if number > 1:
            return custom_policy_description(s.stack, number)
        return s.custom_policy_description or None

    def _managed_attachments(self, role_name: pulumi.Input[str]) -> list[pulumi.Resource]:
        arns = self._blueprint.managed_policy_arns
        self.outputs["managedPolicyArns"] = list(arns)
        return [
            aws.iam.RolePolicyAttachment(
                f"{self._name}-managed-{attachment_key(arn)}",
                role=role_name,
                policy_arn=arn,
                opts=self._attached(own_policy=False),
            )
            for arn in arns
        ]

    def _instance_profile(self, role_name: pulumi.Input[str]) -> None:
        s = self._blueprint.settings
        profile = aws.iam.InstanceProfile(
            f"{self._name}-instance-profile",
            name=s.instance_profile_name,
            path=s.path,
            role=role_name,
            tags=self._tags,
            opts=self._kept(),
        )
        self.outputs["instanceProfileName"] = profile.name
        self.outputs["instanceProfileArn"] = profile.arn

    def _activation(self, role_name: pulumi.Input[str], opts: pulumi.ResourceOptions) -> None:
        s = self._blueprint.settings
        assert s.activation is not None
        activation = aws.ssm.Activation(
            f"{self._name}-activation",
            # SSM resolves IamRole to arn:...:role/<IamRole>: a role path belongs in it.
            iam_role=pulumi.Output.from_input(role_name).apply(
                lambda n: ssm_role_reference(s.path, n)
            ),
            registration_limit=s.activation.registration_limit,
            expiration_date=s.activation.expiration_date,
            description=s.activation.description,
            tags=self._tags,
            opts=opts,
        )
        self.outputs["activationId"] = activation.id
        self.outputs["activationCode"] = pulumi.Output.secret(activation.activation_code)

    def _service_setting(self, opts: pulumi.ResourceOptions) -> None:
        s = self._blueprint.settings
        setting = aws.ssm.ServiceSetting(
            f"{self._name}-default-host-management",
            setting_id=self._blueprint.service_setting_id,
            setting_value=ssm_role_reference(s.path, s.role_name),
            opts=opts,
        )
        self.outputs["serviceSettingId"] = setting.setting_id
