"""What a role is granted besides its statements, and where grants come from (pure).

Parliament's access levels of actions (:mod:`ssm_profile.iam.actions`), what an attached AWS
managed policy grants (:mod:`ssm_profile.iam.managed`), the permissions boundary, and the
source of each statement and policy: the keys behind a built-in statement
(:mod:`ssm_profile.iam.documents`) or the plugin, from the plan's ``plugins`` output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...aws import types
from ...config.reader import k
from ...iam import actions as iam_actions
from ...iam.documents import builtin_policy_source, builtin_statement_source
from ...iam.managed import managed_policy_info
from ..markdown import md_code
from .model import BROADENING, NARROWING, Change, PolicyRow
from .statements import as_list, keyed, statement_list, text

# --- access levels ---------------------------------------------------------------------------


def access_levels(action: str) -> tuple[str, ...]:
    """Parliament's access levels of an action or action pattern, worst last; empty if the
    database does not know it."""
    try:
        found = iam_actions.expand_action(action)
    except ValueError:
        return ()
    order = ("List", "Read", "Tagging", "Write", "Permissions management")
    levels = {a.access_level for a in found}
    return tuple(sorted(levels, key=lambda lv: (order.index(lv) if lv in order else 9, lv)))


def labelled(action: str) -> str:
    """``s3:PutObjectAcl (Permissions management)``; an unknown action says so."""
    if action == "*":
        return "* (every action)"
    levels = access_levels(action)
    return f"{action} ({', '.join(levels) if levels else 'not in parliament'})"


def actions_of(statement: Mapping[str, Any]) -> tuple[str, ...]:
    if "Action" in statement:
        return tuple(labelled(text(a)) for a in as_list(statement["Action"]))
    if "NotAction" in statement:
        return tuple(f"NOT {text(a)}" for a in as_list(statement["NotAction"]))
    return ()


def levels_text(statement: Mapping[str, Any]) -> str:
    actions = actions_of(statement)
    return ", ".join(md_code(a) for a in actions) if actions else "its actions"


# --- sources ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Origins:
    """Where statements and managed policies come from, from the plan's ``plugins`` output."""

    statements: Mapping[str, str]  # Sid -> plugin
    policies: Mapping[str, str]  # ARN -> plugin

    @classmethod
    def of(cls, plan: Mapping[str, Any]) -> Origins:
        statements: dict[str, str] = {}
        policies: dict[str, str] = {}
        plugins = plan["outputs"].get("plugins")
        for entry in plugins if isinstance(plugins, list) else ():
            if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                continue
            for sid in entry.get("statements") or ():
                statements[str(sid)] = entry["name"]
            for arn in entry.get("managedPolicies") or ():
                policies[str(arn)] = entry["name"]
        return cls(statements, policies)

    def statement(self, sid: str) -> str:
        if sid in self.statements:
            return f"plugin {self.statements[sid]}"
        base = sid.split("Part", 1)[0] if "Part" in sid else sid
        if base in self.statements:
            return f"plugin {self.statements[base]}"
        return builtin_statement_source(sid) or "(not recorded)"

    def policy(self, arn: str) -> str:
        if arn in self.policies:
            return f"plugin {self.policies[arn]}"
        info = managed_policy_info(arn)
        return builtin_policy_source(info.name) if info else k("managedPolicies")


# --- the role's documents, taken together ------------------------------------------------------


def policy_statements(plan: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every statement of the plan's customer managed policies, by Sid."""
    found: list[Any] = []
    for r in plan["resources"]:
        if r["type"] == types.POLICY:
            parsed = statement_list(r["inputs"].get("policy"))
            if parsed is not None:
                found += parsed[1]
    return keyed(found)


def _own_policy_arns(plan: Mapping[str, Any]) -> set[str]:
    """ARN endings (``policy/PATH/NAME``) of the plan's own customer managed policies (an
    AWS managed ARN, account ``aws``, is never one of them, whatever its name)."""
    ends = set()
    for r in plan["resources"]:
        if r["type"] == types.POLICY:
            name, path = r["inputs"].get("name"), r["inputs"].get("path") or "/"
            if isinstance(name, str) and isinstance(path, str):
                ends.add(f":policy{path}{name}")
    return ends


def attached(plan: Mapping[str, Any]) -> dict[str, bool]:
    """ARNs of the managed policies the plan attaches, other than its own custom policies,
    each with whether its attachment is ``retainOnDelete`` (stays in AWS when removed)."""
    own = _own_policy_arns(plan)
    found: dict[str, bool] = {}
    for r in plan["resources"]:
        arn = r["inputs"].get("policyArn") if r["type"] == types.ATTACHMENT else None
        customer = isinstance(arn, str) and ":iam::aws:" not in arn
        if isinstance(arn, str) and not (customer and any(arn.endswith(end) for end in own)):
            found[arn] = bool((r.get("options") or {}).get("retainOnDelete"))
    return found


def role_inputs(plan: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((r["inputs"] for r in plan["resources"] if r["type"] == types.ROLE), None)


def policy_grants(arn: str) -> tuple[str, bool, str]:
    """``(name, deprecated, what it grants)`` of a managed policy ARN, for a reviewer."""
    info = managed_policy_info(arn)
    if info is None:
        return (
            arn.rsplit("/", 1)[-1],
            False,
            "a customer managed policy: its document is not in the plan",
        )
    if not info.known:
        return info.name, False, "not in the shipped data of AWS managed policies"
    if info.actions is None:
        return info.name, info.deprecated, f"{info.action_count} actions (too many to list here)"
    return info.name, info.deprecated, ", ".join(labelled(a) for a in info.actions)


def policy_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], origins: tuple[Origins, Origins]
) -> tuple[list[Change], list[PolicyRow]]:
    before, after = attached(old), attached(new)
    changes, rows = [], []
    for sign, arns, origin in (
        ("+", [a for a in after if a not in before], origins[1]),
        ("-", [a for a in before if a not in after], origins[0]),
    ):
        for arn in arns:
            name, deprecated, grants = policy_grants(arn)
            if sign == "-" and before[arn]:
                grants = "stays attached in AWS (retainOnDelete): detach it by hand if you mean it"
            rows.append(PolicyRow(sign, arn, name, deprecated, grants, origin.policy(arn)))
            mark = " (**deprecated by AWS**)" if deprecated else ""
            if sign == "+":
                changes.append(
                    Change(
                        BROADENING,
                        f"attaches managed policy {md_code(name)}{mark}: {_grants_md(arn)}",
                    )
                )
            elif not before[arn]:
                changes.append(Change(NARROWING, f"detaches managed policy {md_code(name)}{mark}"))
            # a retained attachment (existing-role mode) leaves the policy attached: no change
    return changes, rows


def _grants_md(arn: str) -> str:
    """What a managed policy grants, short: its actions when a few, else their number by
    access level (the managed policy table lists them all)."""
    info = managed_policy_info(arn)
    if info is None or not info.known:
        return policy_grants(arn)[2]
    if info.actions is None:
        return f"{info.action_count} actions"
    if len(info.actions) <= 5:
        return ", ".join(md_code(labelled(a)) for a in info.actions)
    levels: dict[str, int] = {}
    for action in info.actions:
        for level in access_levels(action) or ("not in parliament",):
            levels[level] = levels.get(level, 0) + 1
    counted = ", ".join(f"{n} {level}" for level, n in sorted(levels.items(), key=lambda i: -i[1]))
    return f"{len(info.actions)} actions ({counted})"


def boundary_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    before, after = role_inputs(old), role_inputs(new)
    if before is None or after is None:
        return []
    was, now = before.get("permissionsBoundary"), after.get("permissionsBoundary")
    if was == now:
        return []
    if not now:
        return [
            Change(
                BROADENING,
                f"permissions boundary {md_code(text(was))} removed: the role's "
                "policies are no longer capped",
            )
        ]
    if not was:
        return [Change(NARROWING, f"permissions boundary {md_code(text(now))} added")]
    return [
        Change(
            BROADENING,
            f"permissions boundary {md_code(text(was))} -> {md_code(text(now))}: "
            "the plan does not hold either document, so the new one may allow more",
        )
    ]
