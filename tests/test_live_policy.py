"""The read-only policy of adopt and drift (ssm_profile/live/live-policy.json, published in
docs/live.md): exactly the IAM calls the code makes, each of access level List or Read,
granted on its own resource type, and clean under parliament (ssm_profile/iam/lint.py)."""

from __future__ import annotations

import json
import re

from helpers import REPO

from ssm_profile.iam.actions import expand_action
from ssm_profile.iam.lint import lint_document

LIVE = REPO / "ssm_profile" / "live"
POLICY = json.loads((LIVE / "live-policy.json").read_text(encoding="utf-8"))


def granted() -> dict[str, list[str]]:
    return {
        a: s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        for s in POLICY["Statement"]
        for a in s["Action"]
    }


def called() -> set[str]:
    """Every IAM API call in the code of ssm_profile/live."""
    found = set()
    for source in LIVE.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        found |= {f"iam:{m}" for m in re.findall(r'\.(?:call|pages)\(\s*"iam",\s*"(\w+)"', text)}
    return found


def test_the_policy_grants_exactly_the_calls_the_code_makes():
    assert called() and set(granted()) == called()


def test_every_action_only_reads():
    for action in granted():
        (known,) = expand_action(action)
        assert known.access_level in ("List", "Read"), action


def test_each_action_is_granted_on_its_own_resource_type():
    for action, resources in granted().items():
        (known,) = expand_action(action)
        prefixes = {
            f"arn:aws:iam::*:{template.split('$')[0]}" for _, _, template in known.arn_templates
        }
        assert all(any(r.startswith(p) for p in prefixes) for r in resources), action


def test_parliament_finds_nothing():
    assert lint_document(POLICY) == []


def test_the_docs_publish_this_policy():
    text = (REPO / "docs" / "live.md").read_text(encoding="utf-8")
    assert "(../ssm_profile/live/live-policy.json)" in text
