"""A real AWS API for the tests of ``adopt`` and ``drift``: moto in server mode on 127.0.0.1,
reached by endpoint URL (``AWS_ENDPOINT_URL``) exactly as a user points boto3 at AWS, with
fake credentials in the environment. No mock object: the code under test makes HTTP calls.

:func:`replay_console` is the guide's console walkthrough done with boto3: the custom policy
``SSMInstanceProfileS3Policy`` from the guide's JSON (us-east-2, ``my-bucket-name``), the
role ``SSMInstanceProfile`` trusted by EC2 with Core and that policy attached, and the
instance profile of the same name holding the role (the console makes it with the role).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# moto reads this when it builds an IAM backend: AWS's managed policies, as in an account.
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-2"
ROLE = "SSMInstanceProfile"
POLICY = "SSMInstanceProfileS3Policy"
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
ACCOUNT = "123456789012"  # moto's default account
# What the console writes when you pick "AWS service: EC2" as the trusted entity.
CONSOLE_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["sts:AssumeRole"],
            "Principal": {"Service": ["ec2.amazonaws.com"]},
        }
    ],
}
CONSOLE_DESCRIPTION = "Allows EC2 instances to call AWS services on your behalf."
TAGS = {"team": "platform", "environment": "prod"}


def guide_policy(region: str = REGION, bucket: str = "my-bucket-name") -> dict[str, Any]:
    """The guide's custom S3 policy, its ``region`` and bucket filled in."""
    owned = [
        f"aws-ssm-{region}",
        f"aws-windows-downloads-{region}",
        f"amazon-ssm-{region}",
        f"amazon-ssm-packages-{region}",
        f"{region}-birdwatcher-prod",
        f"patch-baseline-snapshot-{region}",
    ]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"arn:aws:s3:::{name}/*" for name in owned],
            },
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:PutObjectAcl"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
        ],
    }


@dataclass(frozen=True)
class AwsApi:
    """The running server, and boto3 clients pointed at it."""

    url: str

    def client(self, service: str = "iam") -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=self.url)


def replay_console(
    api: AwsApi, policy: dict[str, Any] | None = None, tags: dict[str, str] | None = None
) -> None:
    """The guide's console steps (Task 1, then Task 2), as the console makes the calls.

    With ``tags``, the policy and the role get them (the console's optional tag steps) and
    so does the instance profile (the console has no step for it: ``aws iam
    tag-instance-profile``, as a user who tags everything would)."""
    iam = api.client()
    tagged = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
    document = json.dumps(policy or guide_policy())
    arn = iam.create_policy(PolicyName=POLICY, PolicyDocument=document, **tagged)["Policy"]["Arn"]
    iam.create_role(
        RoleName=ROLE,
        AssumeRolePolicyDocument=json.dumps(CONSOLE_TRUST),
        Description=CONSOLE_DESCRIPTION,
        **tagged,
    )
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=CORE)
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)
    iam.create_instance_profile(InstanceProfileName=ROLE)
    iam.add_role_to_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    if tags:
        iam.tag_instance_profile(InstanceProfileName=ROLE, **tagged)


@pytest.fixture(scope="session")
def _moto_server() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def point_at(monkeypatch: pytest.MonkeyPatch, url: str, folder: Path) -> None:
    """The environment of a user whose AWS is ``url``: fake keys, no config files."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ENDPOINT_URL", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFAKEFORTESTS0001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-for-tests-only")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(folder / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(folder / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_api(
    _moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> AwsApi:
    """An empty account (AWS's managed policies only) behind moto server, and the
    environment pointed at it."""
    reset = urllib.request.Request(f"{_moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(reset, timeout=30):
        pass
    point_at(monkeypatch, _moto_server, tmp_path_factory.mktemp("aws"))
    return AwsApi(_moto_server)


@pytest.fixture
def console_account(aws_api: AwsApi) -> AwsApi:
    """The account after the guide's console steps (:func:`replay_console`), no tags."""
    replay_console(aws_api)
    return aws_api


@pytest.fixture
def tagged_account(aws_api: AwsApi) -> AwsApi:
    """The console steps with :data:`TAGS` on the role, the policy and the profile."""
    replay_console(aws_api, tags=TAGS)
    return aws_api
