"""Alerts a reviewer must not miss: replacements and removals of what running instances
depend on (pure).

A message is markdown: every value in it (a name, an ARN, an input's JSON) is an inline code
span (:func:`.markdown.md_code`), so it cannot turn into a link or end the alert box, and in a
terminal its backticks read as quotes.
"""

from __future__ import annotations

import json
from typing import Any

from ...aws import types
from ..markdown import md_code
from .model import MISSING, Alert, ResourceDiff

# Resources whose loss strands running instances without credentials.
CREDENTIAL_HOLDERS = {types.ROLE: "role", types.PROFILE: "instance profile"}
CONSEQUENCE = {
    types.ROLE: "running instances lose their Systems Manager credentials until the new role "
    "is in their instance profile",
    types.PROFILE: "running instances lose their Systems Manager credentials until each one is "
    "associated with the new instance profile (and launch templates name it)",
}
# How to let `pulumi up` replace or delete a protected resource.
PROTECTED_FIX = "`ssm-profile:protect: false` for one deployment, or `pulumi state unprotect`"


def json_value(value: Any) -> str:
    """A value for a reader: JSON, or ``(none)`` when absent."""
    return "(none)" if value is MISSING else json.dumps(value, ensure_ascii=False)


def _code(value: Any) -> str:
    """A value in a message: a string as it is, anything else as JSON, as inline code."""
    return md_code(value if isinstance(value, str) else json_value(value))


def _change_list(resource: ResourceDiff) -> str:
    by_key = {d.key: d for d in resource.inputs}
    return ", ".join(
        f"{key} {md_code(json_value(by_key[key].old))} -> {md_code(json_value(by_key[key].new))}"
        for key in resource.replaced_by
    )


def _pairs(
    gone: list[ResourceDiff], new: list[ResourceDiff]
) -> list[tuple[ResourceDiff, ResourceDiff]]:
    """Removed and added resources of one type that are one resource under a new URN:
    same physical name first, then in order."""
    pairs = []
    gone, new = list(gone), list(new)
    for old in list(gone):
        match = next((n for n in new if n.physical_name == old.physical_name), None)
        if match is not None:
            pairs.append((old, match))
            gone.remove(old)
            new.remove(match)
    return pairs + list(zip(gone, new, strict=False))


def alerts_for(resources: tuple[ResourceDiff, ...]) -> tuple[Alert, ...]:
    """Replacements and removals of what running instances depend on, dangers first."""
    alerts = [a for r in resources if (a := _replacement(r)) is not None]
    for typ in (*CREDENTIAL_HOLDERS, types.POLICY):
        alerts += _new_urns(resources, typ)
    alerts += _renamed_attachments(resources)
    return tuple(sorted(alerts, key=lambda a: a.level != "danger"))


def _replacement(r: ResourceDiff) -> Alert | None:
    """A role, instance profile or custom policy replaced because an input changed."""
    if r.action != "replace" or r.type not in (*CREDENTIAL_HOLDERS, types.POLICY):
        return None
    if r.type in CREDENTIAL_HOLDERS:
        what = CREDENTIAL_HOLDERS[r.type]
        if r.protected:
            return Alert(
                "danger",
                f"REPLACES a protected {what} {_code(r.name)} ({_change_list(r)}): `pulumi up` "
                f"will refuse until you unprotect it ({PROTECTED_FIX}); once "
                f"replaced, {CONSEQUENCE[r.type]}.",
            )
        return Alert(
            "danger",
            f"REPLACES the {what} {_code(r.name)} ({_change_list(r)}): it is "
            f"deleted and created anew; {CONSEQUENCE[r.type]}.",
        )
    return Alert(
        "warning",
        f"replaces the customer managed policy {_code(r.name)} ({_change_list(r)}): it "
        "is detached, deleted and created anew; the role lacks its permissions "
        "in between.",
    )


def _new_urns(resources: tuple[ResourceDiff, ...], typ: str) -> list[Alert]:
    """Resources of ``typ`` removed and added under another URN (replaced, unless aliased),
    and credential holders removed outright."""
    alerts = []
    gone = [r for r in resources if r.action == "remove" and r.type == typ]
    new = [r for r in resources if r.action == "add" and r.type == typ]
    pairs = _pairs(gone, new)
    paired = {id(old) for old, _ in pairs}
    what = CREDENTIAL_HOLDERS.get(typ, "customer managed policy")
    for old, added in pairs:
        if old.physical_name == added.physical_name:
            how = (
                f"the new one keeps the name {_code(added.physical_name)}, so creating it fails "
                "while the old one exists"
            )
        else:
            how = f"name {_code(old.physical_name)} -> {_code(added.physical_name)}"
        text = (
            f"the {what} {_code(old.name)}: its URN changes (now {_code(added.name)}; {how}), so "
            f"Pulumi deletes the old {what} and creates another; add an alias to keep it"
        )
        if typ in CREDENTIAL_HOLDERS and old.protected:
            alerts.append(
                Alert(
                    "danger",
                    f"REPLACES a protected {text.removeprefix('the ')}. `pulumi up` will refuse "
                    f"until you unprotect it ({PROTECTED_FIX}) or alias it; once replaced, "
                    f"{CONSEQUENCE[typ]}.",
                )
            )
        elif typ in CREDENTIAL_HOLDERS:
            alerts.append(Alert("danger", f"REPLACES {text}. Meanwhile {CONSEQUENCE[typ]}."))
        else:
            alerts.append(Alert("warning", f"replaces {text}."))
    for old in gone:
        if typ in CREDENTIAL_HOLDERS and id(old) not in paired:
            refuses = (
                f" `pulumi up` will refuse to delete it until you unprotect it ({PROTECTED_FIX})."
                if old.protected
                else ""
            )
            alerts.append(
                Alert(
                    "danger",
                    f"REMOVES the {what} {_code(old.name)} ({_code(old.physical_name)}): running "
                    f"instances that use it lose their Systems Manager credentials.{refuses}",
                )
            )
    return alerts


def _renamed_attachments(resources: tuple[ResourceDiff, ...]) -> list[Alert]:
    """An attachment under a new URN with the same role and policy: Pulumi attaches again
    (a no-op in IAM), then deletes the old resource, and that detaches the policy."""
    gone = {
        (r.old.get("role"), r.old.get("policyArn")): r
        for r in resources
        if r.action == "remove" and r.type == types.ATTACHMENT and r.old
    }
    alerts = []
    for r in resources:
        if r.action != "add" or r.type != types.ATTACHMENT or not r.new:
            continue
        role, arn = r.new.get("role"), r.new.get("policyArn")
        old = gone.get((role, arn))
        if old is not None:
            alerts.append(
                Alert(
                    "danger",
                    f"DETACHES {_code(arn)} from the role {_code(role)}: its attachment gets a "
                    f"new URN ({_code(old.name)} -> {_code(r.name)}), so Pulumi attaches the "
                    "policy again (a no-op in IAM) and then deletes the old attachment, which "
                    "detaches it; add an alias to the attachment.",
                )
            )
    return alerts
