"""What the least-privilege gate reports: findings with a code a stack can accept (pure).

Every finding of :mod:`ssm_profile.iam.gate` and :mod:`ssm_profile.iam.rolelint` has a code.
A stack may accept one finding of one statement with an ``ssm-profile:acceptFindings`` entry
(its Sid, the code and a reason). What is accepted is deployed and shown in the plan and the
review; every other finding stops the run. docs/guardrails.md lists the codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..config.reader import k
from ..config.settings import AcceptedFinding
from ..errors import ConfigError

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
    subject: str = ""  # the action pattern, resource or escalation method it names

    @property
    def acceptable(self) -> bool:
        """A stack can accept it: a code it may accept, on a statement it can name (what
        AWS managed policies grant together has no Sid of the stack's)."""
        return self.code in CODES and bool(self.sids)

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
    subject: str
    reason: str
    detail: str
    plugin: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {
            "sid": self.sid,
            "finding": self.finding,
            "subject": self.subject,
            "reason": self.reason,
            "detail": self.detail,
            "plugin": self.plugin,
        }


def _covers(entry: AcceptedFinding, finding: Finding) -> bool:
    return (
        entry.sid in finding.sids
        and entry.finding == finding.code
        and entry.subject in (None, finding.subject)
    )


def accept(
    findings: Sequence[Finding],
    acceptances: Sequence[AcceptedFinding],
    plugin: str | None = None,
) -> tuple[list[Accepted], list[Finding]]:
    """Split ``findings`` into those an acceptance covers and the rest.

    An acceptance covers one finding: its Sid and code, and its subject (the action,
    resource or method the finding names) when it gives one. An entry without a subject that
    would cover several findings is an error naming the entry and the subjects to choose
    from, so one entry never accepts more than was reviewed.
    """
    accepted, refused = [], []
    for finding in findings:
        covering = [
            (i, e) for i, e in enumerate(acceptances) if finding.acceptable and _covers(e, finding)
        ]
        if not covering:
            refused.append(finding)
            continue
        index, entry = covering[0]
        others = [f for f in findings if _covers(entry, f)]
        if len(others) > 1:
            subjects = ", ".join(f.subject for f in others)
            raise ConfigError(
                f"{k('acceptFindings')}[{index}]",
                f"would accept {len(others)} {entry.finding} findings of statement {entry.sid} "
                f"({subjects}); an entry accepts one: give each its own entry with subject",
            )
        accepted.append(
            Accepted(
                entry.sid, finding.code, finding.subject, entry.reason, finding.message, plugin
            )
        )
    return accepted, refused
