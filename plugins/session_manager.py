"""Session Manager extras from the AWS docs: KMS session encryption and session logging.

Stack config (every setting optional, at least one required)::

    ssm-profile:plugins: [plugins.session_manager]
    ssm-profile:pluginConfig:
      plugins.session_manager:
        kmsKeyArn: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
        s3Bucket: prod-session-logs      # session logs to S3 ...
        s3Prefix: sessions/              # ... under this prefix
        s3Encrypted: true                # the bucket has default encryption
        logGroup: /ssm/sessions          # session logs to CloudWatch Logs

Grants ``kms:Decrypt`` on the key (and ``kms:GenerateDataKey`` when logs are written to S3
with it), ``s3:PutObject`` on ``bucket/prefix*`` (``s3:GetEncryptionConfiguration`` on the
bucket when encrypted), and ``logs:CreateLogStream``, ``logs:PutLogEvents``,
``logs:DescribeLogStreams`` on the log group, and ``logs:DescribeLogGroups``, which IAM only
grants on ``"*"`` (a read-only List action).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ssm_profile import PluginContext, hookimpl

__version__ = "1.0.0"

_KEYS = ("kmsKeyArn", "s3Bucket", "s3Prefix", "s3Encrypted", "logGroup")
_KMS_KEY = re.compile(r"^arn:([a-z-]+):kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_LOG_GROUP = re.compile(r"^[A-Za-z0-9._/#-]{1,512}$")


def _settings(config: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(config) - set(_KEYS))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(_KEYS)}")
    if not any(config.get(key) for key in ("kmsKeyArn", "s3Bucket", "logGroup")):
        raise ValueError("configure at least one of kmsKeyArn, s3Bucket, logGroup")
    key = config.get("kmsKeyArn")
    if key is not None and not (isinstance(key, str) and _KMS_KEY.match(key)):
        raise ValueError(
            f"kmsKeyArn: {key!r} is not a KMS key ARN (arn:…:kms:REGION:ACCOUNT:key/ID)"
        )
    bucket = config.get("s3Bucket")
    if bucket is not None and not (isinstance(bucket, str) and _BUCKET.match(bucket)):
        raise ValueError(f"s3Bucket: {bucket!r} is not an S3 bucket name")
    prefix = config.get("s3Prefix", "")
    if not isinstance(prefix, str) or "*" in prefix or "?" in prefix or prefix.startswith("/"):
        raise ValueError(
            f"s3Prefix: {prefix!r} must be a key prefix without wildcards or leading /"
        )
    if prefix and bucket is None:
        raise ValueError("s3Prefix needs s3Bucket")
    group = config.get("logGroup")
    if group is not None and not (isinstance(group, str) and _LOG_GROUP.match(group)):
        raise ValueError(f"logGroup: {group!r} is not a log group name")
    return {
        "key": key,
        "bucket": bucket,
        "prefix": prefix,
        "group": group,
        "encrypted": config.get("s3Encrypted", False) is True,
    }


@hookimpl
def ssm_profile_statements(context: PluginContext) -> list[dict[str, Any]]:
    s = _settings(context.config)
    statements = []
    if s["key"]:
        actions = ["kms:Decrypt"] + (["kms:GenerateDataKey"] if s["bucket"] else [])
        statements.append(
            {"Sid": "SessionManagerKms", "Effect": "Allow", "Action": actions, "Resource": s["key"]}
        )
    if s["bucket"]:
        statements.append(
            {
                "Sid": "SessionManagerS3Logs",
                "Effect": "Allow",
                "Action": "s3:PutObject",
                "Resource": context.s3_arn(s["bucket"], f"{s['prefix']}*"),
            }
        )
        if s["encrypted"]:
            statements.append(
                {
                    "Sid": "SessionManagerS3LogsEncryption",
                    "Effect": "Allow",
                    "Action": "s3:GetEncryptionConfiguration",
                    "Resource": context.s3_arn(s["bucket"]),
                }
            )
    if s["group"]:
        statements.append(
            {
                "Sid": "SessionManagerCloudWatchLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                "Resource": [
                    context.arn("logs", f"log-group:{s['group']}:*", region=r)
                    for r in context.regions
                ],
            }
        )
        statements.append(
            {
                "Sid": "SessionManagerDescribeLogGroups",
                "Effect": "Allow",
                "Action": "logs:DescribeLogGroups",
                "Resource": "*",  # DescribeLogGroups has no resource-level permissions
            }
        )
    return statements
