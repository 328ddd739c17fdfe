"""The real account in the offline plan: ``aws:allowedAccountIds`` of a stack file names the
account of every ARN, ``--account-id`` overrides it; an ESC ``environment:`` is noted in the
plan; a ``secure:`` value stays an error naming its key."""

from __future__ import annotations

import json
import re

import pytest

from ssm_profile.cli import main

ACCOUNT_STACK = """\
config:
  aws:region: eu-west-1
  aws:allowedAccountIds: {accounts}
  ssm-profile:buckets: [logs-bucket]
"""


def _plan(tmp_path, capsys, text: str, *args: str) -> tuple[int, str, str]:
    (tmp_path / "Pulumi.acct-1234.yaml").write_text(text)
    status = main(["plan", "--stack", "acct-1234", "--stacks-dir", str(tmp_path), *args])
    out, err = capsys.readouterr()
    return status, out, err


def _accounts(plan_text: str) -> set[str]:
    """Every account id an ARN of the plan names (AWS-owned ``aws`` and S3's empty one aside)."""
    return set(re.findall(r"arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):", plan_text))


def test_the_allowed_account_is_the_account_of_every_arn(tmp_path, capsys):
    text = ACCOUNT_STACK.format(accounts='["111122223333"]')
    status, out, err = _plan(tmp_path, capsys, text, "--format", "json")
    assert (status, err) == (0, "")
    plan = json.loads(out)
    assert (
        plan["outputs"]["roleArn"] == "arn:aws:iam::111122223333:role/SSMInstanceProfile-acct-1234"
    )
    assert _accounts(out) == {"111122223333"}


def test_account_id_overrides_the_stack_files_account(tmp_path, capsys):
    text = ACCOUNT_STACK.format(accounts='["111122223333"]')
    status, out, _ = _plan(
        tmp_path, capsys, text, "--format", "json", "--account-id", "444455556666"
    )
    assert status == 0 and _accounts(out) == {"444455556666"}


def test_several_allowed_accounts_leave_the_placeholder(tmp_path, capsys):
    text = ACCOUNT_STACK.format(accounts='["111122223333", "444455556666"]')
    status, out, _ = _plan(tmp_path, capsys, text, "--format", "json")
    assert status == 0 and _accounts(out) == {"123456789012"}


@pytest.mark.parametrize("accounts", ['["1111"]', "[]", "111122223333", "[111122223333]"])
def test_a_bad_allowed_accounts_value_is_one_error_line(tmp_path, capsys, accounts):
    status, out, err = _plan(tmp_path, capsys, ACCOUNT_STACK.format(accounts=accounts))
    assert (status, out) == (2, "")
    assert err.startswith(
        "error: aws:allowedAccountIds: must be a list of 12-digit AWS account ids"
    )
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_esc_environment_is_noted_in_the_plan(tmp_path, capsys):
    text = "environment:\n  - platform/prod\n" + ACCOUNT_STACK.format(accounts='["111122223333"]')
    status, out, err = _plan(tmp_path, capsys, text, "--format", "json")
    assert status == 0
    (note,) = json.loads(out)["warnings"]
    assert "values from ESC not available offline" in note
    assert err == f"warning: {note}\n"
    status, out, _ = _plan(tmp_path, capsys, text)
    assert status == 0 and "values from ESC not available offline" in out


def test_a_secure_value_stays_an_error_naming_its_key(tmp_path, capsys):
    text = ACCOUNT_STACK.format(accounts='["111122223333"]') + (
        "  ssm-profile:description:\n    secure: AAABAxyz\n"
    )
    status, out, err = _plan(tmp_path, capsys, text)
    assert (status, out) == (2, "")
    assert err.startswith("error: ssm-profile:description: ")
    assert "secret values cannot be decrypted offline" in err and err.count("\n") == 1
