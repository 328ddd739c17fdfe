"""Generate ``managed_policies.json``: every AWS managed policy, judged by the gate
(development only).

    .venv/bin/python -m ssm_profile.iam.managed_data      # or: make data

The source is the copy of AWS's managed policies that moto (a dev dependency) carries, with
each policy's document. Every Allow statement is run through the least-privilege gate
(:mod:`ssm_profile.iam.gate`); what it refuses in a managed policy (:data:`REFUSED`) is
kept, with the subjects, so that a plan knows without the documents whether a policy exists
and what it would let through. So are its Allow actions (up to :data:`MAX_LISTED_ACTIONS`)
and whether AWS has deprecated it (:data:`DEPRECATED`), which a diff shows a reviewer. A
policy the gate lets through also keeps the actions it grants of any privilege-escalation
method that takes several actions (``combines``): the role lint
(:mod:`ssm_profile.iam.rolelint`) finds a method completed by a managed policy and a custom
statement together.
``tests/test_managed_policies.py`` fails when the file no
longer equals what the installed moto gives.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from typing import Any

from . import linedata
from .gate import statement_findings
from .managed import DATA_FILE
from .rolelint import combining_names

# What an attached AWS managed policy may not grant, whatever its name: the classes the gate
# never lets through without an explicit acceptance, and which no acceptance covers here.
REFUSED = (
    "PRIVILEGE_ESCALATION",
    "CREDENTIALS_EXPOSURE",
    "PERMISSIONS_MANAGEMENT",
    "SERVICE_WIDE_ACTION",
    "BUCKET_WILDCARD",
)
# AWS managed policies AWS has announced as deprecated, with the announcement (a diff names
# them so; moto's copy carries no such mark). Only policies with a source are listed.
DEPRECATED = {
    "service-role/AmazonEC2RoleforSSM": "AWS Cloud Operations blog, 'Applying managed instance "
    "policy best practices': replace it with AmazonSSMManagedInstanceCore",
}
# A policy's Allow actions are kept when it has at most this many (a reviewer can read them in
# a diff); a larger policy keeps their number only, so the file stays small.
MAX_LISTED_ACTIONS = 50


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = document.get("Statement", [])
    return found if isinstance(found, list) else [found]


def verdict(document: dict[str, Any]) -> list[str]:
    """``CODE subject`` of each refused finding of the document's Allow statements."""
    found: dict[str, None] = {}
    for number, statement in enumerate(_statements(document)):
        if statement.get("Effect") != "Allow":
            continue
        for finding in statement_findings({"Sid": f"S{number}", **statement}):
            if finding.code in REFUSED:
                found[f"{finding.code} {finding.subject}"] = None
    return sorted(found, key=lambda f: (REFUSED.index(f.split(" ", 1)[0]), f))  # worst first


def allowed_actions(document: dict[str, Any]) -> list[str]:
    """The ``Action`` values of the document's Allow statements, sorted, each once."""
    found: set[str] = set()
    for statement in _statements(document):
        if statement.get("Effect") != "Allow":
            continue
        action = statement.get("Action", [])
        found.update([action] if isinstance(action, str) else action)
    return sorted(found)


def combining_actions(document: dict[str, Any]) -> list[str]:
    """The lowercase actions the document's Allow statements grant (wildcards expanded) that
    belong to an escalation method of two or more actions."""
    return sorted(combining_names(allowed_actions(document)))


def generate() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    policies = json.loads(aws_managed_policies_data)
    judged = {}
    for name, policy in policies.items():
        key = policy["Path"].lstrip("/") + name
        refused = verdict(policy["Document"])
        entry: dict[str, Any] = {"updated": policy["UpdateDate"][:10], "refused": refused[:3]}
        if len(refused) > 3:
            entry["more"] = len(refused) - 3  # the first three name the policy's problem
        actions = allowed_actions(policy["Document"])
        if len(actions) <= MAX_LISTED_ACTIONS:
            entry["actions"] = actions
        else:
            entry["actionCount"] = len(actions)
        combines = [] if refused else combining_actions(policy["Document"])
        if combines:
            entry["combines"] = combines
        if key in DEPRECATED:
            entry["deprecated"] = True
        judged[key] = entry
    newest = max(p["updated"] for p in judged.values())
    missing = sorted(set(DEPRECATED) - set(judged))
    if missing:
        raise SystemExit(f"DEPRECATED names policies moto does not have: {missing}")
    return {
        "source": f"moto {metadata.version('moto')}: AWS managed policies updated up to {newest}",
        "policies": dict(sorted(judged.items())),
    }


def render(data: dict[str, Any]) -> str:
    """One policy per line, so a refresh diffs readably."""
    return linedata.render({"source": data["source"]}, "policies", data["policies"])


def main() -> int:
    DATA_FILE.write_text(render(generate()), encoding="utf-8")
    print(f"wrote {DATA_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
