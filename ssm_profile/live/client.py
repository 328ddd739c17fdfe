"""boto3 clients for the live account, and AWS's errors as one line.

Credentials come from boto3's standard chain (environment, ``--profile``, SSO, instance
metadata); ``AWS_ENDPOINT_URL`` is honoured. Throttling is retried in botocore's standard
retry mode (``AWS_MAX_ATTEMPTS`` sets the attempts, 3 by default). Every failure becomes a
:class:`LiveError` naming the API call and the permission it needs; no credential ever
reaches a message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions as bx
from botocore.config import Config
from botocore.parsers import ResponseParserError

from ..errors import SsmProfileError

_CONFIG = Config(retries={"mode": "standard"}, connect_timeout=10, read_timeout=30)
_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
_EXPIRED = {
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "TokenRefreshRequired",
}
_THROTTLED = {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests"}
POLICY_DOC = "docs/live.md#permissions"


class LiveError(SsmProfileError):
    """A call to AWS failed: the call, the permission it needs and why, on one line."""


class NotFoundError(Exception):
    """The entity a read asked for does not exist (IAM's NoSuchEntity)."""


def permission(service: str, operation: str) -> str:
    """The IAM action an API call needs: ``iam:GetRole``."""
    return f"{service}:{operation}"


class Account:
    """Read-only calls to IAM and STS with one session."""

    def __init__(self, profile: str | None = None, region: str | None = None) -> None:
        try:
            self._session = boto3.Session(profile_name=profile, region_name=region)
        except bx.ProfileNotFound:
            raise LiveError(f"--profile {profile}: no such profile in the AWS config") from None
        self._clients: dict[str, Any] = {}

    @property
    def region(self) -> str | None:
        return self._session.region_name

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(
                service, region_name=self._session.region_name or "us-east-1", config=_CONFIG
            )
        return self._clients[service]

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """One API call (``operation`` in AWS's spelling, ``GetRole``)."""
        client = self._client(service)
        method = getattr(client, _snake(operation))
        with self._translated(service, operation):
            return method(**params)

    def pages(self, service: str, operation: str, key: str, **params: Any) -> Iterator[Any]:
        """Every item under ``key`` of a paginated call."""
        paginator = self._client(service).get_paginator(_snake(operation))
        with self._translated(service, operation):
            for page in paginator.paginate(**params):
                yield from page.get(key, [])

    def _translated(self, service: str, operation: str) -> _Translate:
        return _Translate(self, service, operation)

    def secrets(self) -> list[str]:
        """The credential values in use, to keep them out of every message."""
        values = [os.environ.get(n, "") for n in ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")]
        try:
            credentials = self._session.get_credentials()
        except bx.BotoCoreError:
            credentials = None
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            values += [frozen.access_key or "", frozen.secret_key or "", frozen.token or ""]
        return [v for v in values if len(v) >= 8]


class _Translate:
    """A context that turns botocore's exceptions into :class:`LiveError` (or NotFoundError)."""

    def __init__(self, account: Account, service: str, operation: str) -> None:
        self.account, self.service, self.operation = account, service, operation

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, tb: Any) -> bool:
        if error is None or not isinstance(
            error, bx.BotoCoreError | bx.ClientError | ResponseParserError
        ):
            return False
        if isinstance(error, bx.ClientError) and _code(error) == "NoSuchEntity":
            raise NotFoundError(self.operation) from None
        message = self._message(error)
        for secret in self.account.secrets():
            message = message.replace(secret, "***")
        raise LiveError(message) from None

    def _message(self, error: Exception) -> str:
        call = f"{self.operation} ({permission(self.service, self.operation)})"
        if isinstance(error, bx.ClientError):
            code = _code(error)
            text = error.response.get("Error", {}).get("Message", "")
            if code in _DENIED:
                return (
                    f"{call}: access denied: the credentials lack "
                    f"{permission(self.service, self.operation)} ({code}: {text}); "
                    f"the read-only policy both commands need is in {POLICY_DOC}"
                )
            if code in _EXPIRED:
                return (
                    f"{call}: the credentials were refused ({code}: {text}): the session "
                    "has expired or the keys are wrong; renew them and run again"
                )
            if code in _THROTTLED:
                return f"{call}: AWS is throttling requests ({code}), even after retries"
            return f"{call}: {code}: {text}"
        if isinstance(error, bx.NoCredentialsError | bx.PartialCredentialsError):
            return (
                f"{call}: no AWS credentials found (environment, --profile, AWS_PROFILE, "
                "the AWS config files or instance metadata)"
            )
        if isinstance(error, bx.EndpointConnectionError | bx.ConnectTimeoutError):
            endpoint = getattr(error, "kwargs", {}).get("endpoint_url", "the endpoint")
            return f"{call}: cannot reach {endpoint} (is AWS_ENDPOINT_URL right?)"
        if isinstance(error, ResponseParserError):
            return f"{call}: the endpoint's answer is not an AWS API response"
        return f"{call}: {error}"


def _code(error: bx.ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def _snake(operation: str) -> str:
    """``GetRole`` -> ``get_role`` (boto3's method name)."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
