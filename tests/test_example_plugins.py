"""The plugins shipped in plugins/, tested the way a plugin author would: ssm_profile.testing."""

from __future__ import annotations

import pytest

from ssm_profile.testing import run_plugin

KEY = "arn:aws:kms:eu-west-1:111122223333:key/5f2b8c1e-7d4a-4e0b-9c3f-2a6d8e1b4c70"
LOGS = "plugins.cloudwatch_logs"
SESSIONS = "plugins.session_manager"


def test_cloudwatch_logs_grants_named_groups_in_every_region():
    run = run_plugin(
        LOGS,
        region="eu-west-1",
        config={"logGroups": ["/ssm/messages", "/ssm/secure"]},
        stack_config={"regions": ["eu-west-1", "eu-central-1"]},
    )
    assert run.errors == []
    assert run.statement("CloudWatchLogsWriteNamedGroups") == {
        "Sid": "CloudWatchLogsWriteNamedGroups",
        "Effect": "Allow",
        "Action": ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"),
        "Resource": tuple(
            sorted(
                f"arn:aws:logs:{region}:123456789012:log-group:{group}:*"
                for region in ("eu-west-1", "eu-central-1")
                for group in ("/ssm/messages", "/ssm/secure")
            )
        ),
    }


@pytest.mark.parametrize(
    ("region", "prefix"),
    [
        ("cn-north-1", "arn:aws-cn:logs:cn-north-1"),
        ("us-gov-west-1", "arn:aws-us-gov:logs:us-gov-west-1"),
    ],
)
def test_cloudwatch_logs_builds_arns_in_the_stacks_partition(region, prefix):
    run = run_plugin(
        LOGS, region=region, config={"logGroups": ["/ssm/x"]}, account_id="210987654321"
    )
    assert run.statement("CloudWatchLogsWriteNamedGroups")["Resource"] == (
        f"{prefix}:210987654321:log-group:/ssm/x:*",
    )


def test_cloudwatch_logs_optionally_creates_log_groups():
    run = run_plugin(LOGS, config={"logGroups": ["/ssm/x"], "createLogGroups": True})
    assert "logs:CreateLogGroup" in run.statement("CloudWatchLogsWriteNamedGroups")["Action"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, "logGroups must be a non-empty list"),
        ({"logGroups": ["/ssm/*"]}, "'/ssm/*' is not a log group name"),
        ({"logGroups": ["/ssm/x"], "logGroup": "y"}, "unknown setting(s) logGroup"),
        ({"logGroups": ["/ssm/x"], "createLogGroups": "true"}, "createLogGroups must be true or"),
    ],
)
def test_cloudwatch_logs_rejects_bad_config(config, expected):
    run = run_plugin(LOGS, config=config)
    assert len(run.errors) == 1
    assert run.errors[0].startswith(f'plugin "{LOGS}" (ssm_profile_statements): raised ValueError')
    assert expected in run.errors[0]


def test_cloudwatch_logs_vetoes_the_broad_agent_policy():
    run = run_plugin(LOGS, config={"logGroups": ["/ssm/x"]}, stack_config={"cloudWatchAgent": True})
    assert run.blueprint is None
    assert run.errors == [
        "ssm-profile:plugins: ssm_profile_check stopped the deployment: "
        f'plugin "{LOGS}": arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy grants CloudWatch '
        "Logs on every log group; this plugin replaces it with named log groups: set "
        "ssm-profile:cloudWatchAgent to false"
    ]


def test_session_manager_full_config():
    run = run_plugin(
        SESSIONS,
        region="eu-west-1",
        config={
            "kmsKeyArn": KEY,
            "s3Bucket": "session-logs",
            "s3Prefix": "sessions/",
            "s3Encrypted": True,
            "logGroup": "/ssm/sessions",
        },
    )
    assert run.errors == []
    assert [s["Sid"] for s in run.statements] == [
        "SessionManagerCloudWatchLogs",
        "SessionManagerDescribeLogGroups",
        "SessionManagerKms",
        "SessionManagerS3Logs",
        "SessionManagerS3LogsEncryption",
    ]
    assert run.statement("SessionManagerKms")["Action"] == ("kms:Decrypt", "kms:GenerateDataKey")
    assert run.statement("SessionManagerKms")["Resource"] == (KEY,)
    assert run.statement("SessionManagerS3Logs")["Resource"] == (
        "arn:aws:s3:::session-logs/sessions/*",
    )
    assert run.statement("SessionManagerS3LogsEncryption")["Resource"] == (
        "arn:aws:s3:::session-logs",
    )
    assert run.statement("SessionManagerCloudWatchLogs")["Action"] == (
        "logs:CreateLogStream",
        "logs:DescribeLogStreams",
        "logs:PutLogEvents",
    )


def test_session_manager_kms_only_decrypts():
    run = run_plugin(SESSIONS, region="eu-west-1", config={"kmsKeyArn": KEY})
    assert [s["Sid"] for s in run.statements] == ["SessionManagerKms"]
    assert run.statement("SessionManagerKms")["Action"] == ("kms:Decrypt",)


def test_session_manager_key_of_another_partition_is_rejected_by_the_host():
    run = run_plugin(SESSIONS, region="cn-north-1", config={"kmsKeyArn": KEY})
    assert run.errors == [
        f'plugin "{SESSIONS}" (ssm_profile_statements) statement SessionManagerKms: '
        f'"{KEY}" is in partition aws; this stack deploys to aws-cn (build ARNs with context.arn())'
    ]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, "configure at least one of kmsKeyArn, s3Bucket, logGroup"),
        ({"kmsKeyArn": "alias/ssm"}, "kmsKeyArn: 'alias/ssm' is not a KMS key ARN"),
        ({"s3Bucket": "Bad_Bucket"}, 's3Bucket: "Bad_Bucket" is not a valid S3 bucket name'),
        ({"s3Bucket": "xn--logs"}, "uses a prefix or suffix that S3 reserves"),
        ({"s3Bucket": "logs-bucket", "s3Encrypted": "yes"}, "s3Encrypted must be true or false"),
        ({"s3Bucket": "logs-bucket", "s3Prefix": "a/*"}, "s3Prefix: 'a/*' must be a key prefix"),
        ({"logGroup": "/ssm/sessions", "bucket": "x"}, "unknown setting(s) bucket"),
    ],
)
def test_session_manager_rejects_bad_config(config, expected):
    run = run_plugin(SESSIONS, config=config)
    assert len(run.errors) == 1 and expected in run.errors[0]


def test_a_second_plugin_without_its_config_fails_naming_it():
    run = run_plugin(SESSIONS, config={"logGroup": "/ssm/sessions"}, others=[LOGS])
    assert run.errors == [
        f'plugin "{LOGS}" (ssm_profile_statements): raised ValueError: '
        "logGroups must be a non-empty list of log group names"
    ]
