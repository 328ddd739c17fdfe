"""The typed arguments of the component, one field per stack key (pure, no Pulumi).

:class:`InstanceProfileArgs` is what a program that embeds the component passes; the
stack-config program builds one from its config (:func:`args_from_config`). Either way the
arguments become the config a stack would have (:func:`args_to_config`) and are checked by
:func:`~ssm_profile.config.load_settings`: one validation path, the same one-line errors,
which name the stack key an argument fills (``ssm-profile:roleName`` for ``role_name``).

The classes are ``TypedDict``s: a call such as ``InstanceProfileArgs(mode="hybrid")`` builds a
plain dict, which is also what Pulumi's component provider hands the component for callers in
other languages. Their annotations are evaluated (no ``from __future__ import annotations``)
and each field's docstring follows it, because Pulumi's analyzer reads both to build the
package schema.
"""

import json
from collections.abc import Mapping
from typing import Any, Required, TypedDict, get_args, get_origin, is_typeddict

from ..errors import ConfigError
from .keys import KEYS
from .load import check_frame
from .reader import NAMESPACE, Reader, k

REGION_KEY = "aws:region"


class BucketArgs(TypedDict, total=False):
    """One of your own buckets for Systems Manager (guide case 2)."""

    name: Required[str]
    """The S3 bucket's name."""
    prefix: str
    """Limits the grant to NAME/PREFIX*; end it with / to mean a folder."""
    cross_account: bool
    """Also grant s3:PutObjectAcl, for a bucket of another account (default false)."""
    encrypted: bool
    """Also grant s3:GetEncryptionConfiguration on the bucket (default false)."""


class ActivationArgs(TypedDict, total=False):
    """An SSM hybrid activation for the service role (hybrid mode only)."""

    registration_limit: Required[int]
    """How many servers may register, 1 to 1000."""
    expiration_date: str
    """RFC 3339 timestamp with a zone, such as 2030-01-31T00:00:00Z (SSM: at most 30 days)."""
    description: str
    """The activation's description, at most 256 characters."""


class AcceptedFindingArgs(TypedDict, total=False):
    """One finding of the least-privilege gate accepted for one statement, with its reason."""

    sid: Required[str]
    """The statement's Sid."""
    finding: Required[str]
    """The finding's code, such as CREDENTIALS_EXPOSURE."""
    reason: Required[str]
    """Why the finding is accepted: one line of at most 500 characters."""
    subject: str
    """The action, resource or method the finding names, when the Sid has several."""


class InstanceProfileArgs(TypedDict, total=False):
    """The arguments of InstanceProfile: every ssm-profile stack key, in snake_case, all
    optional (docs/configuration.md has the rules of each)."""

    region: str
    """The stack's Region (aws:region): its partition names every ARN. Default: the aws:region
    config of the program."""
    mode: str
    """ec2 | existing-role | hybrid | default-host-management"""
    existing_role_name: str
    """existing-role mode: the role to attach the policies to (required there)."""
    role_name: str
    """Name of the role to create. Default: SSMInstanceProfile-<stack>."""
    instance_profile_name: str
    """Name of the instance profile. Default: the role's name."""
    description: str
    """The role's description."""
    custom_policy_name: str
    """Name of the first custom policy (packed parts add -2, -3). Default:
    SSMInstanceProfileS3Policy-<stack>."""
    custom_policy_description: str
    """Description of the first custom policy ("": none), kept when adopting a hand-made
    policy, as IAM cannot change a description in place."""
    path: str
    """IAM path of role, instance profile and policies."""
    permissions_boundary: str
    """ARN of the policy that sets the role's permissions boundary."""
    tags: dict[str, str]
    """Tags on the role, the custom policies, the instance profile and the activation."""
    regions: list[str]
    """The Regions whose AWS-owned SSM buckets and parameter paths are granted. Default: the
    stack's Region."""
    vpc_endpoints: bool
    """Grant the AWS-owned SSM buckets of each Region (guide case 1)."""
    aws_buckets: Any
    """Which AWS-owned buckets vpc_endpoints grants: a preset (current, guide, extended) or a
    list of features (agent-updates, documents, patching, patching-macos, distributor,
    inspector). Default: current."""
    buckets: list[BucketArgs]
    """Your own buckets for Systems Manager (guide case 2)."""
    core_policy: str
    """instance-core (AmazonSSMManagedInstanceCore) or default-host
    (AmazonSSMManagedEC2InstanceDefaultPolicy)."""
    parameter_paths: list[str]
    """With corePolicy default-host: parameter paths the instances may read."""
    directory_service: bool
    """Attach AmazonSSMDirectoryServiceAccess."""
    cloud_watch_agent: bool
    """Attach CloudWatchAgentServerPolicy."""
    managed_policies: list[str]
    """More AWS managed policies, by name or ARN."""
    create_instance_profile: bool
    """Whether to create an instance profile. Default: true in ec2 mode only."""
    max_managed_policies: int
    """The account's quota of managed policies per role (10 default, 20 at most)."""
    protect: bool
    """Protect role and instance profile from deletion."""
    plugins: list[str]
    """Plugins to enable (entry point names or module paths)."""
    plugin_config: dict[str, dict[str, Any]]
    """Settings of each plugin, keyed by its name in plugins."""
    activation: ActivationArgs
    """hybrid mode: an SSM hybrid activation for the service role."""
    accept_findings: list[AcceptedFindingArgs]
    """Findings of the least-privilege gate accepted, each for one statement."""


# Field -> stack key, from the one key table.
_KEY_OF_FIELD = {key.field: key for key in KEYS}


def _is_args_type(hint: Any) -> bool:
    inner = get_args(hint)[0] if get_origin(hint) is list else hint
    return is_typeddict(inner)


# The fields whose values are argument types (or lists of them): their field names are
# written in camelCase in the stack config. The values of the others (tag keys, plugin
# names and their settings) are passed as they are.
_NESTED = frozenset(
    field for field, hint in InstanceProfileArgs.__annotations__.items() if _is_args_type(hint)
)


def camel(name: str) -> str:
    """``cross_account`` -> ``crossAccount``: a nested field's name in the stack config."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def _whole(value: Any) -> Any:
    """A whole number that arrives as a float (Pulumi's wire carries every number as a
    double, so a component provider hands ``3.0`` for a caller's ``3``) as an int."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _config_value(value: Any) -> Any:
    """Nested arguments as the stack config writes them: camelCase field names."""
    if isinstance(value, Mapping):
        found: dict[str, Any] = {}
        for name, item in value.items():
            field = camel(str(name))
            if field in found:  # cross_account and crossAccount: one field twice
                raise ValueError(f"field {field} given twice, as {name!r} and another spelling")
            found[field] = _config_value(item)
        return found
    if isinstance(value, list | tuple):
        return [_config_value(item) for item in value]
    return _whole(value)


def _config_text(value: Any, nested: bool = False) -> str:
    """What the Pulumi CLI hands a program: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(_config_value(value) if nested else _whole(value))


def args_to_config(args: Mapping[str, Any], region: str | None = None) -> dict[str, str]:
    """The stack config these arguments stand for, ``namespace:key`` -> string.

    ``region`` is the default of ``args["region"]``. A field that is not an argument becomes
    an unknown ``ssm-profile:`` key, which :func:`~ssm_profile.config.load_settings` refuses
    with its suggestion.
    """
    if not isinstance(args, Mapping):
        raise ConfigError("args", f"expected InstanceProfileArgs (a mapping), got {type(args)}")
    raw: dict[str, str] = {}
    if args.get("region") is not None:
        region = args["region"]
    if region is not None:
        raw[REGION_KEY] = _config_text(region)
    for field, value in args.items():
        if field == "region" or value is None:
            continue
        key = _KEY_OF_FIELD.get(field)
        name = k(key.name if key else camel(str(field)))
        if name in raw:  # role_name and roleName: two spellings of one key
            raise ConfigError(name, f"given twice, as {field!r} and under another spelling")
        try:
            raw[name] = _config_text(value, field in _NESTED)
        except TypeError as error:
            # an Output, an object: arguments are plain values (the component validates
            # them before it registers anything, so it cannot wait for an Output)
            message = f"not a plain value (str, number, bool, list, dict): {error}"
            raise ConfigError(name, message) from None
        except ValueError as error:  # a nested field under two spellings
            raise ConfigError(name, str(error)) from None
    return raw


def args_from_config(raw: Mapping[str, str], stack: str) -> InstanceProfileArgs:
    """The arguments a stack's raw config stands for: each key read as its kind.

    The checks that come before any key (stack name, ``aws:region``, unknown keys) run
    here; a value that does not read as its kind is kept as its text, so that
    :func:`~ssm_profile.config.load_settings` reports it, in its order, with its message.
    """
    reader = Reader(raw)
    args: dict[str, Any] = {"region": check_frame(raw, stack)}
    for key in KEYS:
        if not reader.present(key.name):
            continue
        try:
            args[key.field] = reader.read(key.kind, key.name)
        except ConfigError:
            args[key.field] = raw[k(key.name)]
    return InstanceProfileArgs(**args)


__all__ = [
    "NAMESPACE",
    "AcceptedFindingArgs",
    "ActivationArgs",
    "BucketArgs",
    "InstanceProfileArgs",
    "args_from_config",
    "args_to_config",
]
