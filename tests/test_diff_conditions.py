"""Two different Conditions never compare equal in the diff (red team: a tag key may hold
" = ", so "key = value" read the same for two different conditions)."""

from __future__ import annotations

import json

from ssm_profile.offline.diff.statements import diff_document


def _document(condition: dict) -> str:
    statement = {
        "Sid": "A",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::acme/*",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_a_tag_key_holding_an_equals_sign_is_not_the_same_condition():
    old = _document({"StringEquals": {"aws:ResourceTag/env": "prod = yes"}})
    new = _document({"StringEquals": {"aws:ResourceTag/env = prod": "yes"}})
    found = diff_document(old, new)
    assert found is not None
    assert not found.same_permissions


def test_the_same_condition_in_another_layout_is_the_same_permissions():
    old = _document({"StringEquals": {"aws:SourceVpc": ["vpc-1", "vpc-2"]}})
    new = _document({"StringEquals": {"aws:SourceVpc": ["vpc-2", "vpc-1"]}})
    found = diff_document(old, new)
    assert found is None or found.same_permissions
