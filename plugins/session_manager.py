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

from plugins._config import check_known, flag, log_group
from ssm_profile import PluginContext, hookimpl
from ssm_profile.aws import check_bucket_name

__version__ = "1.0.0"

_KEYS = ("kmsKeyArn", "s3Bucket", "s3Prefix", "s3Encrypted", "logGroup")
_KMS_KEY = re.compile(r"arn:([a-z-]+):kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+")


def _settings(config: Mapping[str, Any]) -> dict[str, Any]:
    check_known(config, _KEYS)
    if not any(config.get(key) for key in ("kmsKeyArn", "s3Bucket", "logGroup")):
        raise ValueError("configure at least one of kmsKeyArn, s3Bucket, logGroup")
    key = config.get("kmsKeyArn")
    if key is not None and not (isinstance(key, str) and _KMS_KEY.fullmatch(key)):
        raise ValueError(
            f"kmsKeyArn: {key!r} is not a KMS key ARN (arn:…:kms:REGION:ACCOUNT:key/ID)"
        )
    bucket = config.get("s3Bucket")
    if bucket is not None:
        check_bucket_name("s3Bucket", bucket)  # S3's naming rules, as for ssm-profile:buckets
    prefix = config.get("s3Prefix", "")
    if not isinstance(prefix, str) or "*" in prefix or "?" in prefix or prefix.startswith("/"):
        raise ValueError(
            f"s3Prefix: {prefix!r} must be a key prefix without wildcards or leading /"
        )
    if prefix and bucket is None:
        raise ValueError("s3Prefix needs s3Bucket")
    group = config.get("logGroup")
    if group is not None:
        log_group("logGroup", group)
    return {
        "key": key,
        "bucket": bucket,
        "prefix": prefix,
        "group": group,
        "encrypted": flag(config, "s3Encrypted"),
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
