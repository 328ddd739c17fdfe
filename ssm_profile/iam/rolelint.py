"""The lint of the role's final statements, all custom policies together (pure, no Pulumi).

The gate judges each plugin statement alone. Privilege escalation can also come from a
combination of actions that are harmless one by one, granted by different statements or
plugins, and packed into different policies on the same role, or completed by an AWS managed
policy attached to it. :func:`role_findings` looks at every ``Allow`` statement the role will
hold and at the escalation actions of its AWS managed policies (from the shipped data,
:func:`ssm_profile.iam.managed.combining_actions`), at plan and ``pulumi up`` time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

from . import wording
from .actions import expand_action, privilege_escalation_methods
from .findings import Finding
from .statement import Statement


def granted_names(patterns: Iterable[str]) -> set[str]:
    """The lowercase actions these action patterns name (``logs:Put*`` expanded)."""
    names: set[str] = set()
    for pattern in patterns:
        try:
            names |= {str(a).lower() for a in expand_action(pattern)}
        except ValueError:
            continue
    return names


@functools.cache
def _combined_methods() -> dict[str, frozenset[str]]:
    """The escalation methods that take two or more actions (one alone is the gate's)."""
    methods = privilege_escalation_methods().items()
    return {m: frozenset(acts) for m, acts in methods if len(acts) > 1}


def combining_names(patterns: Iterable[str]) -> set[str]:
    """The actions these patterns grant that belong to an escalation method of several
    actions: what a managed policy adds to the lint (:mod:`.managed_data` ships them)."""
    wanted = set().union(*_combined_methods().values())
    return granted_names(patterns) & wanted


def _granted(statement: Statement) -> set[str]:
    return granted_names(statement.actions) if statement.effect == "Allow" else set()


def role_findings(
    statements: Sequence[Statement], managed: Mapping[str, frozenset[str]] | None = None
) -> list[Finding]:
    """Escalation methods whose actions the role's statements and AWS managed policies
    (``managed``: policy ARN -> its escalation actions) grant together, but no one statement
    alone (a statement that grants a whole method is the gate's finding, a managed policy
    that does is refused by its content)."""
    granted = {s.sid: _granted(s) for s in statements}
    policies = {arn: set(actions) for arn, actions in (managed or {}).items() if actions}
    every = set().union(*granted.values(), *policies.values())
    findings = []
    for method, wanted in _combined_methods().items():
        if not wanted <= every:
            continue
        if any(wanted <= actions for actions in [*granted.values(), *policies.values()]):
            continue
        sids = tuple(sid for sid, actions in granted.items() if actions & wanted)
        arns = tuple(arn for arn, actions in policies.items() if actions & wanted)
        message = wording.combination(method, sids, arns)
        findings.append(Finding("PRIVILEGE_ESCALATION", message, sids, method))
    return findings
