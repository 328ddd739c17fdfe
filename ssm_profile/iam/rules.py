"""Structural rules every Allow statement obeys, each defined once (pure, no Pulumi).

:func:`~ssm_profile.iam.parse.parse_statement` raises on them; the gate
(:func:`~ssm_profile.iam.gate.statement_problems`) reports them for statements that did not
come through the parser. The policy pack keeps its own copy (it runs without this package);
``tests/test_policy_pack.py`` holds it to these.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

# ``${...}``: a variable of an ARN, in AWS's ARN templates (``${KeyId}``, the group holding
# its name) and in policies (``${aws:username}``, which may hold colons).
VARIABLE = re.compile(r"\$\{([^}]*)\}")


def action_problem(action: str) -> str | None:
    """``"*"``, ``"*:*"`` and any wildcard in the service prefix name no service's actions."""
    if action == "*":
        return 'the action "*" grants every AWS action; name service:Action'
    service = action.partition(":")[0]
    if "*" in service or "?" in service:
        return (
            f"{json.dumps(action)} has a wildcard in its service prefix; name the service "
            "and its actions (service:Action)"
        )
    return None


def allow_with_not_problem(statement: Mapping[str, Any]) -> str | None:
    """``Allow`` with ``NotAction`` or ``NotResource`` grants everything not listed."""
    if statement.get("Effect") == "Allow" and (
        "NotAction" in statement or "NotResource" in statement
    ):
        return (
            "NotAction/NotResource with Allow grants everything not listed; use them only with Deny"
        )
    return None
