"""AWS managed policies judged by their content (pure, no Pulumi).

The shipped file ``managed_policies.json`` (:mod:`ssm_profile.iam.managed_data`) holds every
AWS managed policy moto's copy knows, with what the least-privilege gate refuses in it. A
policy the file does not know is most likely a typo, which AttachRolePolicy would refuse
with NoSuchEntity; one that grants what the gate refuses would hand the instances exactly
what plugin statements may not.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import linedata

DATA_FILE = Path(__file__).with_name("managed_policies.json")  # written by .managed_data

_AWS_MANAGED = re.compile(r"arn:[a-z-]+:iam::aws:policy/(.+)")


@functools.cache
def _data() -> Mapping[str, Any]:
    head, policies = linedata.read(DATA_FILE, "policies")
    return {**head, "policies": policies}


def source() -> str:
    return _data()["source"]


def unknown_managed_policy_problem(arn: str) -> str | None:
    """Why an AWS managed policy ARN names no policy AWS has, or ``None`` (also for customer
    managed policies, which are the account's own)."""
    match = _AWS_MANAGED.fullmatch(arn)
    if not match:
        return None
    name, policies = match.group(1), _data()["policies"]
    if name in policies:
        return None
    elsewhere = [known for known in policies if known.rsplit("/", 1)[-1] == name]
    close = elsewhere or difflib.get_close_matches(name, list(policies), n=1, cutoff=0.8)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"{arn} is not an AWS managed policy ({source()}), so IAM would refuse it{hint}"


def managed_policy_content_problem(arn: str) -> str | None:
    """Why an AWS managed policy may not be attached, by its content, or ``None`` (customer
    managed policies are the account's own and not judged)."""
    unknown = unknown_managed_policy_problem(arn)
    if unknown:
        return unknown
    match = _AWS_MANAGED.fullmatch(arn)
    if not match:
        return None
    entry = _data()["policies"][match.group(1)]
    if entry["refused"]:
        shown = ", ".join(entry["refused"])
        more = f" and {entry['more']} more" if entry.get("more") else ""
        return (
            f"{arn} grants what the least-privilege gate refuses ({shown}{more}); attach a "
            "narrower policy or grant what the instances need in statements"
        )
    return None


def combining_actions(arn: str) -> frozenset[str]:
    """The actions of an attached AWS managed policy that belong to an escalation method of
    several actions (lowercase; empty for customer managed and unknown policies), for the
    role lint (:mod:`ssm_profile.iam.rolelint`)."""
    match = _AWS_MANAGED.fullmatch(arn)
    entry = _data()["policies"].get(match.group(1)) if match else None
    return frozenset(entry.get("combines", ())) if entry else frozenset()


@dataclass(frozen=True)
class ManagedPolicyInfo:
    """What the shipped data says an AWS managed policy grants (for a reviewer).

    ``known``: the data has the policy; ``actions``: its Allow actions, or ``None`` when it
    has more than the data lists (``action_count`` says how many).
    """

    name: str
    known: bool
    deprecated: bool = False
    actions: tuple[str, ...] | None = None
    action_count: int = 0


def managed_policy_info(arn: str) -> ManagedPolicyInfo | None:
    """The data on an AWS managed policy ARN; ``None`` for a customer managed policy."""
    match = _AWS_MANAGED.fullmatch(arn)
    if not match:
        return None
    name = match.group(1)
    entry = _data()["policies"].get(name)
    if entry is None:
        return ManagedPolicyInfo(name, known=False)
    actions = entry.get("actions")
    return ManagedPolicyInfo(
        name,
        known=True,
        deprecated=bool(entry.get("deprecated")),
        actions=tuple(actions) if actions is not None else None,
        action_count=len(actions) if actions is not None else entry["actionCount"],
    )
