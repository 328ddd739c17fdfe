"""AWS's refusals as one ``error:`` line naming the call and the permission, exit 2, no
traceback and no credential: an endpoint that denies access, an expired session, throttling
(retried in botocore's standard mode first), a closed port, no credentials at all."""

from __future__ import annotations

import socket

import pytest
from awsapi import point_at
from refusing import refusing_server

from ssm_profile.cli import main

SECRET = "fake-secret-for-tests-only"
KEY = "AKIDFAKEFORTESTS0001"


@pytest.fixture
def refusing(monkeypatch, tmp_path):
    with refusing_server() as refusal:
        point_at(monkeypatch, refusal.url, tmp_path)
        yield refusal


COMMANDS = {
    "adopt": ["adopt", "--stack", "dev", "--role", "SSMInstanceProfile"],
    "drift": ["drift", "--stack", "dev"],
}


def run(capsys, argv, tmp_path) -> tuple[int, str, str]:
    if argv[0] == "adopt":
        argv = [*argv, "--out", str(tmp_path / "out")]
    status = main(argv)
    out, err = capsys.readouterr()
    assert KEY not in out + err and SECRET not in out + err
    return status, out, err


@pytest.mark.parametrize("command", COMMANDS)
def test_access_denied_names_the_call_and_the_permission(refusing, capsys, tmp_path, command):
    status, out, err = run(capsys, COMMANDS[command], tmp_path)
    assert (status, out) == (2, "")
    assert err == (
        "error: GetRole (iam:GetRole): access denied: the credentials lack iam:GetRole "
        "(AccessDenied: User: arn:aws:iam::123456789012:user/reader is not authorized to "
        "perform: iam:GetRole because no identity-based policy allows the iam:GetRole "
        "action); the read-only policy both commands need is in docs/live.md#permissions\n"
    )
    assert not (tmp_path / "out").exists()


def test_an_expired_session_is_one_line(refusing, capsys, tmp_path):
    message = "The security token included in the request is expired"
    refusing.refuse["GetCallerIdentity"] = (403, "ExpiredToken", message)
    status, _, err = run(capsys, COMMANDS["drift"], tmp_path)
    assert status == 2
    assert err == (
        "error: GetCallerIdentity (sts:GetCallerIdentity): the credentials were refused "
        f"(ExpiredToken: {message}): the session has expired or the keys are wrong; renew "
        "them and run again\n"
    )


def test_throttling_is_retried_in_standard_mode_then_one_line(refusing, capsys, tmp_path):
    refusing.refuse["GetRole"] = (400, "Throttling", "Rate exceeded")
    status, _, err = run(capsys, COMMANDS["adopt"], tmp_path)
    assert status == 2
    assert err == (
        "error: GetRole (iam:GetRole): AWS is throttling requests (Throttling), "
        "even after retries\n"
    )
    assert refusing.seen["GetRole"] == 3  # standard mode: 3 attempts (legacy mode makes 5)


def test_attempts_follow_aws_max_attempts(refusing, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    refusing.refuse["GetRole"] = (400, "Throttling", "Rate exceeded")
    assert run(capsys, COMMANDS["adopt"], tmp_path)[0] == 2
    assert refusing.seen["GetRole"] == 2


def test_a_credential_echoed_by_the_endpoint_is_not_printed(refusing, capsys, tmp_path):
    refusing.refuse["GetRole"] = (403, "InvalidClientTokenId", f"key {KEY} secret {SECRET}")
    status, _, err = run(capsys, COMMANDS["adopt"], tmp_path)
    assert status == 2 and "key *** secret ***" in err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unreachable_endpoint_is_one_line(monkeypatch, capsys, tmp_path, command):
    url = f"http://127.0.0.1:{_closed_port()}"
    point_at(monkeypatch, url, tmp_path)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    status, out, err = run(capsys, COMMANDS[command], tmp_path)
    assert (status, out) == (2, "")
    assert err == (
        f"error: GetCallerIdentity (sts:GetCallerIdentity): cannot reach {url}/ "
        "(is AWS_ENDPOINT_URL right?)\n"
    )


def test_no_credentials_is_one_line(refusing, monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    status, _, err = run(capsys, COMMANDS["drift"], tmp_path)
    assert status == 2
    assert err.startswith("error: GetCallerIdentity (sts:GetCallerIdentity): no AWS credentials")
    assert err.count("\n") == 1


def test_an_unknown_profile_is_one_line(refusing, capsys, tmp_path):
    status, _, err = run(capsys, [*COMMANDS["drift"], "--profile", "nope"], tmp_path)
    assert (status, err) == (2, "error: --profile nope: no such profile in the AWS config\n")
