"""CrossGuard policies that hold for every stack of ssm-profile (``pulumi preview --policy-pack
policy``). Importing this module starts nothing; ``__main__.py`` builds the PolicyPack.

The pack is self-contained (it runs in its own virtualenv, without the ssm_profile package):
it judges what the engine sends it, the resources' properties and options, and reads the
declarations that live in the stack's configuration, which the Pulumi CLI hands to policy packs:
``ssm-profile:buckets`` (which buckets are ``crossAccount``), ``ssm-profile:protect`` and
``ssm-profile:corePolicy`` (which AWS managed policy is the core).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

NAMESPACE = "ssm-profile"
POLICY = "aws:iam/policy:Policy"
ROLE = "aws:iam/role:Role"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SERVICE_SETTING = "aws:ssm/serviceSetting:ServiceSetting"
COMPONENT = "ssm-profile:index:InstanceProfile"

POLICY_SIZE_LIMIT = 6144
CORE_POLICY = "AmazonSSMManagedInstanceCore"
DHMC_POLICY = "AmazonSSMManagedEC2InstanceDefaultPolicy"
DHMC_SETTING = "/ssm/managed-instance/default-ec2-instance-management-role"
# ssm-profile:corePolicy values -> the core policy a stack attaches.
CORE_POLICIES = {"instance-core": CORE_POLICY, "default-host": DHMC_POLICY}

# The AWS-owned buckets SSM Agent reads, REGION standing for the Region (docs/aws-facts.md).
SSM_BUCKET_TEMPLATES = (
    "aws-ssm-REGION",
    "aws-windows-downloads-REGION",
    "amazon-ssm-REGION",
    "amazon-ssm-packages-REGION",
    "REGION-birdwatcher-prod",
    "aws-ssm-distributor-file-REGION",
    "patch-baseline-snapshot-REGION",
    "aws-patch-manager-REGION",
    "aws-ssm-document-attachments-REGION",
    "aws-patchmanager-macos-REGION",
)
# Any S3 ARN, whatever stands in its Region and account (a '*' there must not hide a
# wildcard bucket name): the bucket, or the access point's type word, then the rest.
_S3_ARN = re.compile(r"arn:[a-z-]+:s3:[^:]*:[^:]*:([^/]*)(/.*)?", re.DOTALL)


# --- reading resources ----------------------------------------------------------------------


def known(props: Mapping[str, Any], key: str) -> Any:
    """``props[key]``, or ``None`` when absent or unknown during preview."""
    try:
        return props.get(key)
    except UnknownValueError:
        return None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def statements(props: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The statements of a custom policy's document (``[]`` if unknown or not JSON)."""
    text = known(props, "policy")
    if not isinstance(text, str):
        return []
    try:
        document = json.loads(text)
    except ValueError:
        return []
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, Mapping)]


def stack_config(key: str) -> str | None:
    """A value of the stack's ``ssm-profile:`` config, as the CLI passes it (a string)."""
    return pulumi.Config(NAMESPACE).get(key)


def _actions_matching(statement: Mapping[str, Any], action: str) -> bool:
    """Does the statement's ``Action`` (with IAM wildcards) include ``action``?"""
    return any(
        fnmatch.fnmatchcase(action.lower(), str(pattern).lower())
        for pattern in _as_list(statement.get("Action"))
    )


# --- resource policies ------------------------------------------------------------------------


def _s3_bucket_pattern(resource: str) -> str | None:
    match = _S3_ARN.fullmatch(resource)
    return match.group(1) if match else None


def _ssm_bucket_wildcard(bucket: str) -> str | None:
    """The SSM bucket template a wildcard bucket pattern can match, if any."""
    for template in SSM_BUCKET_TEMPLATES:
        # a probe Region no stack ever names: the pattern matching it spans unnamed Regions
        if fnmatch.fnmatchcase(template.replace("REGION", "zz-probe-9"), bucket):
            return template
    return None


def validate_no_wildcard_region(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """No S3 ARN in a custom policy has a wildcard in its bucket name (guide: never a
    wildcard Region; one statement per Region)."""
    if args.resource_type != POLICY:
        return
    for statement in statements(args.props):
        sid = statement.get("Sid", "(no Sid)")
        for key in ("Resource", "NotResource"):
            for resource in _as_list(statement.get(key)):
                bucket = _s3_bucket_pattern(str(resource))
                if bucket is None or not any(c in bucket for c in "*?"):
                    continue
                template = _ssm_bucket_wildcard(bucket)
                what = f"the AWS-owned SSM bucket {template}" if template else "a bucket"
                report(
                    f"statement {sid}: {resource} has a wildcard where {what} names its Region "
                    "or bucket; list each Region's buckets explicitly (the guide forbids "
                    "wildcards: they grant buckets you did not mean to)"
                )


def cross_account_buckets() -> set[str] | None:
    """Buckets the stack config declares ``crossAccount: true`` (``None``: config unreadable)."""
    text = stack_config("buckets")
    if text is None:
        return set()
    try:
        buckets = json.loads(text)
    except ValueError:
        return None
    return {
        b["name"]
        for b in buckets
        if isinstance(b, Mapping) and b.get("crossAccount") is True and "name" in b
    }


def validate_put_object_acl(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """``s3:PutObjectAcl`` only on objects of buckets declared ``crossAccount: true``."""
    if args.resource_type != POLICY:
        return
    declared = cross_account_buckets()
    for statement in statements(args.props):
        if statement.get("Effect") != "Allow" or not _actions_matching(
            statement, "s3:PutObjectAcl"
        ):
            continue
        sid = statement.get("Sid", "(no Sid)")
        if declared is None:
            report(f"statement {sid}: s3:PutObjectAcl, but ssm-profile:buckets is not JSON")
            continue
        if "NotResource" in statement:
            report(f"statement {sid}: s3:PutObjectAcl with NotResource reaches every bucket")
        for resource in _as_list(statement.get("Resource")):
            bucket = _s3_bucket_pattern(str(resource))
            if bucket is None or bucket not in declared:
                report(
                    f"statement {sid}: s3:PutObjectAcl on {resource}, but "
                    f"{bucket or 'that resource'} is not declared crossAccount: true in "
                    "ssm-profile:buckets (the guide grants it only for cross-account access)"
                )


def validate_no_star_action(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """No ``"*"`` action (nor ``NotAction`` with ``Allow``, which grants everything else)."""
    if args.resource_type != POLICY:
        return
    for statement in statements(args.props):
        sid = statement.get("Sid", "(no Sid)")
        if any(a in ("*", "*:*") for a in _as_list(statement.get("Action"))):
            report(f'statement {sid} grants action "*": name each service:Action')
        if statement.get("Effect") == "Allow" and "NotAction" in statement:
            report(f"statement {sid}: NotAction with Allow grants every action not listed")


def validate_policy_size(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Each custom policy is within IAM's 6,144 characters (whitespace not counted)."""
    if args.resource_type != POLICY:
        return
    text = known(args.props, "policy")
    if isinstance(text, str):
        size = sum(1 for c in text if c not in " \t\n\r\f\v")
        if size > POLICY_SIZE_LIMIT:
            report(
                f"policy {known(args.props, 'name')} is {size} characters; IAM allows "
                f"{POLICY_SIZE_LIMIT} per managed policy"
            )


# --- stack policies ---------------------------------------------------------------------------


def _of_type(args: StackValidationArgs, type_token: str) -> Iterator[Any]:
    return (r for r in args.resources if r.resource_type == type_token)


def validate_core_policy_attached(args: StackValidationArgs, report: ReportViolation) -> None:
    """``AmazonSSMManagedInstanceCore`` is attached, or ``AmazonSSMManagedEC2InstanceDefaultPolicy``
    (the same actions without ``ssm:GetParameter(s)`` on ``*``) in default-host-management mode,
    recognised by its SSM service setting, and in stacks that set
    ``ssm-profile:corePolicy: default-host``."""
    if not any(True for _ in _of_type(args, COMPONENT)):
        args.not_applicable("no ssm-profile component in this stack")
    dhmc = any(
        str(known(r.props, "settingId") or "").endswith(DHMC_SETTING)
        for r in _of_type(args, SERVICE_SETTING)
    )
    chosen = (stack_config("corePolicy") or "").strip()
    if dhmc:
        required, why = DHMC_POLICY, "default-host-management mode requires it"
    elif chosen in CORE_POLICIES:
        required, why = CORE_POLICIES[chosen], f"ssm-profile:corePolicy is {chosen}"
    else:
        required, why = CORE_POLICY, "this mode requires it (guide: always attach it)"
    attached = [known(r.props, "policyArn") for r in _of_type(args, ATTACHMENT)]
    pattern = re.compile(rf"^arn:[a-z-]+:iam::aws:policy/{required}$")
    if not any(isinstance(arn, str) and pattern.match(arn) for arn in attached):
        report(f"{required} is not attached; {why}")


def validate_protected(args: StackValidationArgs, report: ReportViolation) -> None:
    """In stacks that set ``ssm-profile:protect``, role and instance profile are protected."""
    if (stack_config("protect") or "").strip().lower() != "true":
        args.not_applicable("ssm-profile:protect is not set")
    for type_token in (ROLE, PROFILE):
        for resource in _of_type(args, type_token):
            if not resource.opts.protect:
                report(
                    f"{resource.name} ({type_token}) is not protected although the stack "
                    "sets ssm-profile:protect",
                    resource.urn,
                )


def policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """The pack's policies, all mandatory."""
    mandatory = EnforcementLevel.MANDATORY
    return [
        ResourceValidationPolicy(
            name="ssm-no-wildcard-region",
            description="No wildcard Region in SSM bucket ARNs (nor any wildcard bucket name).",
            validate=validate_no_wildcard_region,
            enforcement_level=mandatory,
        ),
        StackValidationPolicy(
            name="ssm-core-policy-attached",
            description="AmazonSSMManagedInstanceCore is attached "
            "(AmazonSSMManagedEC2InstanceDefaultPolicy in default-host-management mode or "
            "with corePolicy default-host).",
            validate=validate_core_policy_attached,
            enforcement_level=mandatory,
        ),
        ResourceValidationPolicy(
            name="ssm-put-object-acl-cross-account-only",
            description="s3:PutObjectAcl only on buckets declared crossAccount: true.",
            validate=validate_put_object_acl,
            enforcement_level=mandatory,
        ),
        ResourceValidationPolicy(
            name="ssm-no-star-action",
            description='No "*" action and no NotAction with Allow in custom policies.',
            validate=validate_no_star_action,
            enforcement_level=mandatory,
        ),
        ResourceValidationPolicy(
            name="ssm-policy-size",
            description="Every custom policy within 6,144 non-whitespace characters.",
            validate=validate_policy_size,
            enforcement_level=mandatory,
        ),
        StackValidationPolicy(
            name="ssm-protected-in-protect-stacks",
            description="Role and instance profile are protected in stacks that set protect.",
            validate=validate_protected,
            enforcement_level=mandatory,
        ),
    ]
