"""parliament's findings for whole policy documents (pure, no Pulumi).

Runs parliament's own checks and its community auditors (privilege escalation, credentials
exposure, permissions management, NotResource with Allow, ...).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .actiondata import import_parliament

# parliament findings we do not report, and why (docs/guardrails.md):
# - PERMISSIONS_MANAGEMENT_ACTIONS (community auditor) for s3:PutObjectAcl only: the guide
#   requires s3:PutObjectAcl for own buckets written cross-account; the program grants it
#   only for buckets declared `crossAccount: true`, and the policy pack enforces exactly that.
_TOLERATED_PERMISSIONS_MANAGEMENT = frozenset({"s3:putobjectacl"})


@functools.cache
def _parliament_with_community_config() -> Any:
    parliament = import_parliament()
    overrides = Path(parliament.__file__).parent / "community_auditors" / "config_override.yaml"
    parliament.override_config(str(overrides))
    return parliament


def _tolerated(issue: str, location: Mapping[str, Any]) -> bool:
    if issue == "PERMISSIONS_MANAGEMENT_ACTIONS":
        return set(location.get("actions", ())) <= _TOLERATED_PERMISSIONS_MANAGEMENT
    return False


def lint_document(document: Mapping[str, Any]) -> list[str]:
    """parliament's findings for a policy document, one line each; ``[]`` means clean.

    Runs parliament's own checks and its community auditors (privilege escalation,
    credentials exposure, permissions management, NotResource with Allow, ...). The one
    finding not reported is ``PERMISSIONS_MANAGEMENT_ACTIONS`` for ``s3:PutObjectAcl`` alone,
    which the guide requires for buckets declared cross-account.
    """
    parliament = _parliament_with_community_config()
    policy = parliament.analyze_policy_string(
        json.dumps(document), ignore_private_auditors=True, include_community_auditors=True
    )
    sids = {id(f): stmt.sid for stmt in policy.statements for f in stmt.findings}
    problems = []
    for finding in policy.findings:
        parliament.enhance_finding(finding)
        location = finding.location if isinstance(finding.location, Mapping) else {}
        if _tolerated(finding.issue, location):
            continue
        text = f"{finding.issue} ({finding.severity}): {finding.title.strip()}"
        if sids.get(id(finding)):
            text += f" in statement {sids[id(finding)]}"
        if finding.detail:
            text += f": {finding.detail}"
        elif location.get("actions"):
            text += f": {', '.join(sorted(location['actions']))}"
        problems.append(text)
    return problems
