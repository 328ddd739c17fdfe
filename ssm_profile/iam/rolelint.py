"""The lint of the role's final statements, all custom policies together (pure, no Pulumi).

The gate judges each plugin statement alone. Privilege escalation can also come from a
combination of actions that are harmless one by one, granted by different statements or
plugins, and packed into different policies on the same role, or completed by an AWS managed
policy attached to it. :func:`role_findings` looks at every ``Allow`` statement the role will
hold and at the escalation actions of its AWS managed policies (from the shipped data,
:func:`ssm_profile.iam.managed.combining_actions`), at plan and ``pulumi up`` time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import wording
from .actions import expand_action, privilege_escalation_methods
from .findings import Finding
from .statement import Statement


def _granted(statement: Statement) -> set[str]:
    if statement.effect != "Allow":
        return set()
    names = set()
    for pattern in statement.actions:
        try:
            names |= {str(a).lower() for a in expand_action(pattern)}
        except ValueError:
            continue
    return names


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
    for method, names in privilege_escalation_methods().items():
        wanted = set(names)
        if len(wanted) < 2 or not wanted <= every:
            continue
        if any(wanted <= actions for actions in [*granted.values(), *policies.values()]):
            continue
        sids = tuple(sid for sid, actions in granted.items() if actions & wanted)
        arns = tuple(arn for arn, actions in policies.items() if actions & wanted)
        message = wording.combination(method, sids, arns)
        findings.append(Finding("PRIVILEGE_ESCALATION", message, sids, method))
    return findings
