"""What the least-privilege gate reports: findings with a code a stack can accept (pure).

Every finding of :mod:`ssm_profile.iam.gate` and :mod:`ssm_profile.iam.rolelint` has a code.
A stack may accept one finding of one statement with an ``ssm-profile:acceptFindings`` entry
(its Sid, the code and a reason). What is accepted is deployed and shown in the plan and the
review; every other finding stops the run. docs/guardrails.md lists the codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..config.settings import AcceptedFinding

# code -> what it means, for docs and error messages
CODES = {
    "UNKNOWN_ACTION": "an action that parliament's IAM database does not know",
    "SERVICE_WIDE_ACTION": "an action pattern that names a whole service (iam:*)",
    "PERMISSIONS_MANAGEMENT": "an action that changes policies, grants or ACLs, or passes a role",
    "PRIVILEGE_ESCALATION": "actions that together let the instance raise its own privileges",
    "CREDENTIALS_EXPOSURE": "an action that returns credentials to the caller",
    "RESOURCE_WILDCARD": 'a resource-level action granted on "*", an ARN as broad, or NotResource',
    "REGION_WILDCARD": "a resource-level action granted on an ARN with a wildcard Region",
    "ACCOUNT_WILDCARD": "a resource-level action granted on an ARN with a wildcard account",
    "RESOURCE_ID_WILDCARD": "a resource-level action granted on every resource of its type",
}
# Never acceptable: the guide forbids them outright (see ssm_profile.iam.rules for the others)
BUCKET_WILDCARD = "BUCKET_WILDCARD"


@dataclass(frozen=True)
class Finding:
    """One thing the gate refuses; ``sids`` are the statements it concerns."""

    code: str
    message: str
    sids: tuple[str, ...] = ()

    @property
    def acceptable(self) -> bool:
        return self.code in CODES

    def text(self) -> str:
        """The message with its code, as errors show it."""
        return f"{self.message} [{self.code}]"


def messages(findings: Iterable[Finding]) -> list[str]:
    return [f.message for f in findings]


def acceptance_hint(findings: Sequence[Finding]) -> str:
    """How to accept the findings, when all of them can be accepted."""
    if not findings or not all(f.acceptable for f in findings):
        return ""
    return (
        "; if this is intended, accept it in ssm-profile:acceptFindings with the Sid, the "
        "finding code and a reason (docs/guardrails.md)"
    )


@dataclass(frozen=True)
class Accepted:
    """A finding the stack accepted: deployed, and shown in the plan and the review."""

    sid: str
    finding: str
    reason: str
    detail: str
    plugin: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "sid": self.sid,
            "finding": self.finding,
            "reason": self.reason,
            "detail": self.detail,
            "plugin": self.plugin,
        }


def accept(
    findings: Sequence[Finding],
    acceptances: Sequence[AcceptedFinding],
    plugin: str | None = None,
) -> tuple[list[Accepted], list[Finding]]:
    """Split ``findings`` into those an acceptance covers (by Sid and code) and the rest."""
    by_key = {(a.sid, a.finding): a for a in acceptances}
    accepted, refused = [], []
    for finding in findings:
        entry = next(
            (by_key[(sid, finding.code)] for sid in finding.sids if (sid, finding.code) in by_key),
            None,
        )
        if entry is None or not finding.acceptable:
            refused.append(finding)
        else:
            accepted.append(
                Accepted(entry.sid, finding.code, entry.reason, finding.message, plugin)
            )
    return accepted, refused
