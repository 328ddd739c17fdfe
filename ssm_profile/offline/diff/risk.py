"""What a change does to the role's access: broadening, narrowing or neutral (pure).

The role's permissions are its customer managed policies' statements taken together (matched
by Sid, so a statement that moved between packed parts is no change), its attached managed
policies, its permissions boundary and, for who may use it, its trust policy. Every change is
graded (docs/review.md):

- *broadening*: a new Allow statement, action or resource, a wider resource (a prefix widened
  to its bucket, a name to a wildcard), a Condition removed or loosened, a new managed
  policy, the boundary removed or replaced, a Deny removed, a new trusted principal;
- *narrowing*: the reverse;
- *neutral*: moves between policies, order and layout (these produce no :class:`Change`).

Access levels are parliament's (:mod:`ssm_profile.iam.actions`), and what an attached AWS
managed policy grants is the shipped data's (:mod:`ssm_profile.iam.managed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...config.reader import k
from ...iam import actions as iam_actions
from ..markdown import md_code
from .grants import (
    Origins,
    actions_of,
    boundary_changes,
    labelled,
    levels_text,
    policy_changes,
    policy_statements,
    role_inputs,
)
from .holders import structure_changes
from .model import BROADENING, NARROWING, NEUTRAL, Change, Risk, Row
from .statements import field_list, fields, keyed, statement_list, text

# --- grading -----------------------------------------------------------------------------------


def _values(statement: Mapping[str, Any] | None, key: str) -> list[str]:
    """A field's values in the document's order (none when absent)."""
    if statement is None or key not in statement:
        return []
    return field_list(key, statement[key])


def _condition(statement: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(_values(statement, "Condition"))


def _row(sign: str, statement: Mapping[str, Any], source: str, trust: bool) -> Row:
    if trust:
        resources = tuple(f"trust: {p}" for p in _values(statement, "Principal"))
    else:
        resources = tuple(_values(statement, "Resource"))
        resources += tuple(f"NOT {r}" for r in _values(statement, "NotResource"))
    effect = text(statement.get("Effect", ""))
    return Row(sign, effect, actions_of(statement), resources, _condition(statement), source)


def _covers(wide: str, narrow: str) -> bool:
    return wide != narrow and bool(iam_actions.resource_pattern(wide).fullmatch(narrow))


def _whole_statement(sid: str, statement: Mapping[str, Any], added: bool, trust: bool) -> Change:
    """A statement added or removed: an Allow added (a Deny removed) broadens."""
    allow = statement.get("Effect") == "Allow"
    grade = BROADENING if allow == added else NARROWING
    head = f"{'new' if added else 'removed'} {'Allow' if allow else 'Deny'}"
    if trust:
        who = ", ".join(md_code(p) for p in _values(statement, "Principal")) or "a principal"
        return Change(grade, f"{head} trust statement {md_code(sid)}: {who} may assume the role")
    on = ", ".join(md_code(r) for r in _row("", statement, "", False).resources)
    return Change(grade, f"{head} statement {md_code(sid)}: {levels_text(statement)} on {on}")


# How each field widens a statement when a value comes: True (Action, Resource, Principal),
# False (NotAction, NotResource). A Deny statement widens the other way round. Conditions are
# graded by key and value (:func:`_condition_changes`).
_WIDENS_WHEN_ADDED = {
    "Action": True,
    "NotAction": False,
    "Resource": True,
    "NotResource": False,
    "Principal": True,
    "NotPrincipal": False,
}


def _added_value(key: str, value: str, name: str, new: Mapping[str, Any], wider: list[str]) -> str:
    if key == "Action":
        return f"{name}: new Action {md_code(labelled(value))}"
    if key == "Principal":
        return f"{name}: {md_code(value)} may now assume the role"
    if wider:
        was = ", ".join(md_code(w) for w in wider)
        return f"{name}: wider resource {md_code(value)} (was {was}) for {levels_text(new)}"
    if key == "Resource":
        return f"{name}: new Resource {md_code(value)} for {levels_text(new)}"
    return f"{name}: {key} {md_code(value)} added"


def _removed_value(key: str, value: str, name: str) -> str:
    shown = md_code(labelled(value)) if key == "Action" else md_code(value)
    return f"{name}: {key} {shown} removed"


# A field and its negation: moving a statement from one to the other changes what it means
# (every action but one), so neither side's values grade it.
_NEGATED = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))


def _switched(pair: tuple[str, str], old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    negation = pair[1]
    return (negation in old) != (negation in new)


def _negations(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """A statement moved between ``X`` and ``NotX``: always broadening, since ``NotX`` in an
    Allow grants everything it does not name, and leaving it may re-grant in a Deny."""
    changes = []
    for pair in _NEGATED:
        if _switched(pair, old, new):
            was, now = (pair[1], pair[0]) if pair[1] in old else pair
            shown = ", ".join(md_code(v) for v in _values(new, now)) or "nothing"
            changes.append(Change(BROADENING, f"{name}: {was} -> {now} {shown}"))
    return changes


def _condition_groups(statement: Mapping[str, Any]) -> dict[str, set[str]]:
    """``operator`` and key -> the values (as the diff shows them): IAM ORs the values of
    one key and ANDs the keys."""
    groups: dict[str, set[str]] = {}
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return groups
    for operator, tests in condition.items():
        pairs = tests.items() if isinstance(tests, Mapping) else [("", tests)]
        for key, values in pairs:
            group = groups.setdefault(json.dumps([operator, key]), set())
            group.update(field_list("Condition", {operator: {key: values}}))
    return groups


def _condition_changes(
    name: str, old: Mapping[str, Any], new: Mapping[str, Any], allow: bool
) -> list[Change]:
    """A new key narrows an Allow (one more test to pass), a removed key widens it; a new
    value under a kept key widens it (one more value that passes), a removed value narrows
    it. A Deny statement the other way round."""
    before, after = _condition_groups(old), _condition_groups(new)
    changes = []
    for group in [*after, *(g for g in before if g not in after)]:
        if group not in before:
            grade = NARROWING if allow else BROADENING
            values = ", ".join(md_code(v) for v in sorted(after[group]))
            changes.append(Change(grade, f"{name}: Condition {values} added"))
        elif group not in after:
            grade = BROADENING if allow else NARROWING
            values = ", ".join(md_code(v) for v in sorted(before[group]))
            changes.append(Change(grade, f"{name}: Condition {values} removed or loosened"))
        else:
            for value in sorted(after[group] - before[group]):
                grade = BROADENING if allow else NARROWING
                changes.append(
                    Change(
                        grade,
                        f"{name}: Condition {md_code(value)} added, another value "
                        "that passes the test",
                    )
                )
            for value in sorted(before[group] - after[group]):
                grade = NARROWING if allow else BROADENING
                changes.append(Change(grade, f"{name}: Condition {md_code(value)} removed"))
    return changes


def _statement_changes(
    sid: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, trust: bool
) -> list[Change]:
    """The graded changes of one statement (added, removed or changed), in document order."""
    if old is None or new is None:
        return [_whole_statement(sid, new or old or {}, old is None, trust)]
    name = f"{'trust statement' if trust else 'statement'} {md_code(sid)}"
    allow = new.get("Effect") == "Allow"
    if old.get("Effect") != new.get("Effect"):
        was, now = md_code(text(old.get("Effect"))), md_code(text(new.get("Effect")))
        return [Change(BROADENING if allow else NARROWING, f"{name}: Effect {was} -> {now}")]
    changes = _negations(name, old, new)
    switched = {key for pair in _NEGATED for key in pair if _switched(pair, old, new)}
    changes += _condition_changes(name, old, new, allow)
    for key, widens in _WIDENS_WHEN_ADDED.items():
        if key in switched:
            continue
        before, after = _values(old, key), _values(new, key)
        plus = [v for v in after if v not in before]
        minus = [v for v in before if v not in after]
        covered: set[str] = set()
        for value in plus:
            wider = [m for m in minus if _covers(value, m)] if key == "Resource" else []
            covered.update(wider)
            grade = BROADENING if widens == allow else NARROWING
            changes.append(Change(grade, _added_value(key, value, name, new, wider)))
        for value in minus:
            if value not in covered:
                grade = NARROWING if widens == allow else BROADENING
                changes.append(Change(grade, _removed_value(key, value, name)))
    return changes


def _document_changes(
    before: Mapping[str, Mapping[str, Any]],
    after: Mapping[str, Mapping[str, Any]],
    origins: tuple[Origins, Origins],
    trust: bool,
) -> tuple[list[Change], list[Row]]:
    changes: list[Change] = []
    rows: list[Row] = []
    old_origins, new_origins = origins
    for sid in [*after, *(s for s in before if s not in after)]:
        old, new = before.get(sid), after.get(sid)
        if old is not None and new is not None and fields(old) == fields(new):
            continue
        found = _statement_changes(sid, old, new, trust)
        changes += found
        if old is not None:
            rows.append(_row("-", old, k("mode") if trust else old_origins.statement(sid), trust))
        if new is not None:
            rows.append(_row("+", new, k("mode") if trust else new_origins.statement(sid), trust))
    return changes, rows


def _trust_statements(plan: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    role = role_inputs(plan)
    parsed = statement_list((role or {}).get("assumeRolePolicy"))
    return keyed(parsed[1]) if parsed else {}


def grade(old: Mapping[str, Any], new: Mapping[str, Any]) -> Risk:
    """Every change from plan ``old`` to plan ``new`` that widens or narrows the role's
    access, broadening first, with the tables a reviewer reads."""
    origins = (Origins.of(old), Origins.of(new))
    changes = boundary_changes(old, new) + structure_changes(old, new)
    found, rows = _document_changes(policy_statements(old), policy_statements(new), origins, False)
    changes += found
    attached_changes, policy_rows = policy_changes(old, new, origins)
    changes += attached_changes
    found, trust_rows = _document_changes(
        _trust_statements(old), _trust_statements(new), origins, True
    )
    changes += found
    ordered = sorted(changes, key=lambda c: (BROADENING, NARROWING, NEUTRAL).index(c.grade))
    return Risk(tuple(ordered), tuple(rows + trust_rows), tuple(policy_rows))


def accepted_findings(plan: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The plan's ``acceptedFindings`` output (``ssm-profile:acceptFindings`` that matched)."""
    found = plan["outputs"].get("acceptedFindings")
    return tuple(f for f in found if isinstance(f, Mapping)) if isinstance(found, list) else ()
