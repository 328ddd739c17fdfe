"""What the live account holds for one stack: the role, its attachments and inline
policies, its instance profiles, and the customer managed policies (read-only calls only:
the permissions in docs/live.md)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client import Account, NotFoundError


@dataclass(frozen=True)
class LivePolicy:
    """A customer managed policy: its default version's document."""

    arn: str
    name: str
    path: str
    description: str | None
    tags: Mapping[str, str]
    document: Any


@dataclass(frozen=True)
class LiveProfile:
    name: str
    path: str
    roles: tuple[str, ...]
    tags: Mapping[str, str]


@dataclass(frozen=True)
class LiveRole:
    name: str
    path: str
    description: str | None
    trust: Any
    boundary: str | None
    tags: Mapping[str, str]
    attached: tuple[str, ...]  # managed policy ARNs, as IAM lists them
    inline: Mapping[str, Any]  # inline policy name -> document
    profiles: tuple[LiveProfile, ...]


@dataclass(frozen=True)
class LiveAccount:
    """The account id and what was found; a missing role or policy is absent."""

    account_id: str
    role: LiveRole | None
    policies: Mapping[str, LivePolicy] = field(default_factory=dict)  # ARN -> policy
    profiles: Mapping[str, LiveProfile] = field(default_factory=dict)  # name -> profile


def _tags(items: Iterable[Mapping[str, str]]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items}


def _document(value: Any) -> Any:
    """IAM returns documents URL-encoded; boto3 decodes most of them already."""
    if isinstance(value, str):
        return json.loads(urllib.parse.unquote(value))
    return value


def _profile(item: Mapping[str, Any]) -> LiveProfile:
    """A profile as GetInstanceProfile returns it (list calls leave out the tags)."""
    roles = tuple(r["RoleName"] for r in item["Roles"])
    return LiveProfile(
        item["InstanceProfileName"], item["Path"], roles, _tags(item.get("Tags", []))
    )


def read_role(api: Account, name: str) -> LiveRole | None:
    try:
        role = api.call("iam", "GetRole", RoleName=name)["Role"]
    except NotFoundError:
        return None
    attached = api.pages("iam", "ListAttachedRolePolicies", "AttachedPolicies", RoleName=name)
    inline = {
        policy: _document(
            api.call("iam", "GetRolePolicy", RoleName=name, PolicyName=policy)["PolicyDocument"]
        )
        for policy in api.pages("iam", "ListRolePolicies", "PolicyNames", RoleName=name)
    }
    profiles = api.pages("iam", "ListInstanceProfilesForRole", "InstanceProfiles", RoleName=name)
    return LiveRole(
        name=role["RoleName"],
        path=role["Path"],
        description=role.get("Description") or None,
        trust=_document(role["AssumeRolePolicyDocument"]),
        boundary=(role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
        tags=_tags(role.get("Tags", [])),
        attached=tuple(p["PolicyArn"] for p in attached),
        inline=inline,
        profiles=tuple(
            p for item in profiles if (p := read_profile(api, item["InstanceProfileName"]))
        ),
    )


def read_policy(api: Account, arn: str) -> LivePolicy | None:
    try:
        policy = api.call("iam", "GetPolicy", PolicyArn=arn)["Policy"]
        version = api.call(
            "iam", "GetPolicyVersion", PolicyArn=arn, VersionId=policy["DefaultVersionId"]
        )["PolicyVersion"]
    except NotFoundError:
        return None
    return LivePolicy(
        arn=arn,
        name=policy["PolicyName"],
        path=policy["Path"],
        description=policy.get("Description") or None,
        tags=_tags(policy.get("Tags", [])),
        document=_document(version["Document"]),
    )


def read_profile(api: Account, name: str) -> LiveProfile | None:
    try:
        item = api.call("iam", "GetInstanceProfile", InstanceProfileName=name)["InstanceProfile"]
    except NotFoundError:
        return None
    return _profile(item)


def is_customer_managed(arn: str) -> bool:
    """A policy of an account (``arn:...:iam::123456789012:policy/...``), not AWS's."""
    return arn.split(":")[4:5] != ["aws"]


def read_account(
    api: Account, role: str, policies: Iterable[str] = (), profiles: Iterable[str] = ()
) -> LiveAccount:
    """The role named ``role`` with everything attached to it, the customer managed
    ``policies`` (ARNs) and instance ``profiles`` (names), each read once."""
    account_id = api.call("sts", "GetCallerIdentity")["Account"]
    live_role = read_role(api, role)
    arns = dict.fromkeys(policies)
    names = dict.fromkeys(profiles)
    found_profiles: dict[str, LiveProfile] = {}
    if live_role is not None:
        arns.update(dict.fromkeys(a for a in live_role.attached if is_customer_managed(a)))
        found_profiles = {p.name: p for p in live_role.profiles}
    found = {arn: p for arn in arns if (p := read_policy(api, arn)) is not None}
    for name in names:
        if name not in found_profiles and (p := read_profile(api, name)) is not None:
            found_profiles[name] = p
    return LiveAccount(account_id, live_role, found, found_profiles)
