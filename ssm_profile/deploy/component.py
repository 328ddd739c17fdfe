"""The component: typed arguments in, AWS resources out, typed outputs on the instance.

:class:`InstanceProfile` turns its :class:`~ssm_profile.config.args.InstanceProfileArgs` into
the stack config they stand for and validates it with the same code as a stack
(``load_settings``), runs the pure pipeline (plugins, blueprint, checks), and only then
registers itself and maps the blueprint onto ``pulumi_aws`` resources, parented to it, with
names derived from its name. A bad argument raises :class:`InstanceProfileError` (one line,
naming the stack key the argument fills) before anything is registered.

No ``from __future__ import annotations`` here: Pulumi's analyzer reads the evaluated
annotations of ``__init__`` and of the class (the outputs) to build the package schema.
"""

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from ..aws.naming import (
    ENDPOINT_POLICY_OUTPUT,
    attachment_key,
    custom_policy_description,
    part_suffix,
)
from ..aws.types import COMPONENT
from ..blueprint import Blueprint
from ..config import load_settings
from ..config.args import InstanceProfileArgs, args_to_config
from ..errors import SsmProfileError
from ..pipeline import resolve
from . import regional

TYPE = COMPONENT


class InstanceProfileError(pulumi.RunError, SsmProfileError):
    """A bad argument: Pulumi prints a RunError's one line without a traceback, and the
    offline plan reports it like a bad stack. :attr:`reason` is the error of the stage that
    refused it (a ``ConfigError``, ``PolicyError`` or ``PluginError``)."""

    def __init__(self, reason: SsmProfileError) -> None:
        super().__init__(str(reason))
        self.reason = reason


def _invoke_options(opts: pulumi.ResourceOptions | None) -> pulumi.InvokeOptions | None:
    """The component's AWS provider (``provider``, ``providers`` or its parent's) for the
    one invoke it makes, the account id, before it is registered."""
    if opts is None:
        return None
    provider = opts.provider
    providers = opts.providers
    if provider is None and isinstance(providers, Mapping):
        provider = providers.get("aws")
    elif provider is None and providers:
        provider = next((p for p in providers if getattr(p, "package", None) == "aws"), None)
    return pulumi.InvokeOptions(parent=opts.parent, provider=provider)


def _blueprint(args: InstanceProfileArgs, opts: pulumi.ResourceOptions | None) -> Blueprint:
    region = pulumi.Config("aws").get("region")
    raw = args_to_config(args, region)
    settings = load_settings(raw, pulumi.get_project(), pulumi.get_stack())
    account_id = aws.get_caller_identity(opts=_invoke_options(opts)).account_id
    return resolve(settings, account_id)


class InstanceProfile(pulumi.ComponentResource):
    """The IAM instance profile AWS Systems Manager needs (AWS guide "Create an IAM instance
    profile for Systems Manager"): a role with the SSM core and the guide's S3 policy and an
    instance profile, or the hybrid service role and activation, or the Default Host
    Management role and service setting, or policies attached to an existing role."""

    role_name: pulumi.Output[str]
    """The role's name (in existing-role mode, the existing role's)."""
    role_arn: pulumi.Output[str] | None
    """The role's ARN; none in existing-role mode, which creates no role."""
    instance_profile_name: pulumi.Output[str] | None
    """The instance profile's name, when one is created."""
    instance_profile_arn: pulumi.Output[str] | None
    """The instance profile's ARN, when one is created."""
    managed_policy_arns: pulumi.Output[list[str]]
    """The ARNs of the AWS managed (and other) policies attached to the role."""
    custom_policy_arns: pulumi.Output[list[str]]
    """The ARNs of the stack's own policies (the S3 and plugin statements), in part order."""
    activation_id: pulumi.Output[str] | None
    """hybrid mode with an activation: the id of the activation in the stack's Region."""
    activation_code: pulumi.Output[str] | None
    """hybrid mode with an activation: that activation's code (a secret)."""
    service_setting_id: pulumi.Output[str] | None
    """default-host-management mode: the ARN of the SSM service setting naming the role, in
    the stack's Region."""
    activation_ids: pulumi.Output[dict[str, str]] | None
    """With activations in Regions other than the stack's: each Region's activation id."""
    activation_codes: pulumi.Output[dict[str, str]] | None
    """With activations in Regions other than the stack's: each Region's code (a secret)."""
    service_setting_ids: pulumi.Output[dict[str, str]] | None
    """With settings in Regions other than the stack's: each Region's service setting ARN."""
    s3_endpoint_policy: pulumi.Output[str] | None
    """With vpcEndpoints: the policy the VPC's S3 gateway endpoint needs for these buckets."""

    def __init__(
        self,
        name: str,
        args: InstanceProfileArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        try:
            blueprint = _blueprint(args, opts)
        except InstanceProfileError:
            raise
        except SsmProfileError as error:
            raise InstanceProfileError(error) from None
        for warning in blueprint.warnings:
            pulumi.log.warn(warning)  # `pulumi up` prints it; the offline plan records it
        super().__init__(TYPE, name, None, opts)
        self._name = name
        self._blueprint = blueprint
        self._build()
        self.register_outputs(self.outputs)

    def _build(self) -> None:
        blueprint = self._blueprint
        s = blueprint.settings
        self._tags = dict(blueprint.tags) or None
        # The stack outputs of the stack-config program, camelCase name -> value.
        self.outputs: dict[str, Any] = {
            "mode": s.mode,
            "plugins": [dict(p) for p in blueprint.plugins],
        }
        if blueprint.accepted_findings:
            self.outputs["acceptedFindings"] = [a.to_json() for a in blueprint.accepted_findings]
        self.s3_endpoint_policy = None
        if blueprint.endpoint_policy is not None:
            # what the VPC's S3 gateway endpoint must allow too (guide case 1)
            self.outputs[ENDPOINT_POLICY_OUTPUT] = blueprint.endpoint_policy
            self.s3_endpoint_policy = pulumi.Output.from_input(blueprint.endpoint_policy)
        self.role_arn = self.instance_profile_name = self.instance_profile_arn = None
        self.activation_id = self.activation_code = self.service_setting_id = None
        self.activation_ids = self.activation_codes = self.service_setting_ids = None

        role_name = self._role()
        self.role_name = pulumi.Output.from_input(role_name)
        attachments = self._custom_policies(role_name) + self._managed_attachments(role_name)
        if s.create_instance_profile:
            self._instance_profile(role_name)
        self._regional(role_name, pulumi.ResourceOptions(parent=self, depends_on=attachments))

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
        self.outputs["roleArn"] = self.role_arn = role.arn
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
        self.custom_policy_arns = pulumi.Output.all(*arns).apply(list)
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
        self.managed_policy_arns = pulumi.Output.from_input(list(arns))
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
        self.outputs["instanceProfileName"] = self.instance_profile_name = profile.name
        self.outputs["instanceProfileArn"] = self.instance_profile_arn = profile.arn

    def _regional(self, role_name: pulumi.Input[str], opts: pulumi.ResourceOptions) -> None:
        """The activations or DHMC service settings, one per Region (deploy/regional.py)."""
        b, s = self._blueprint, self._blueprint.settings
        if s.activation is not None:
            created = regional.activations(self._name, b, role_name, self._tags, opts)
            ids = ("activationId", "activationIds")
            self.activation_id, self.activation_ids = regional.exported(
                self.outputs, s.region, created, ids, lambda a: a.id
            )
            codes = ("activationCode", "activationCodes")
            self.activation_code, self.activation_codes = regional.exported(
                self.outputs,
                s.region,
                created,
                codes,
                lambda a: pulumi.Output.secret(a.activation_code),
            )
        settings = regional.service_settings(self._name, b, opts)
        if settings:
            ids = ("serviceSettingId", "serviceSettingIds")
            self.service_setting_id, self.service_setting_ids = regional.exported(
                self.outputs, s.region, settings, ids, lambda x: x.setting_id
            )
