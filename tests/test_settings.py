"""Every documented bad input (docs/configuration.md) is rejected before anything is
registered, with one line that names the key; the command line prints it as ``error:`` and
exits 2. The whole table runs against the pure stages; a sample runs end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import ACCOUNT, HARMLESS_MANAGED, REPO, write_stack

from ssm_profile.cli import main
from ssm_profile.config import KEYS, KNOWN_KEYS, load_settings
from ssm_profile.config.stackfile import load_stack
from ssm_profile.errors import ConfigError, PolicyError, SsmProfileError
from ssm_profile.offline.plan import run_program
from ssm_profile.pipeline import resolve

GOOD_BOUNDARY = "arn:aws:iam::111122223333:policy/Boundary"


def case(
    case_id: str,
    config: dict[str, Any],
    key: str,
    fragment: str,
    region: str | None = "us-east-2",
) -> Any:
    """One bad stack: its config, the key the error must name, a fragment of the cause."""
    return pytest.param(config, region, key, fragment, id=case_id)


ERROR_CASES = [
    # aws:region
    case("missing-aws-region", {}, "aws:region", "is required", region=None),
    case("wildcard-aws-region", {}, "aws:region", "wildcards are not allowed", "us-east-*"),
    case(
        "unknown-aws-region",
        {},
        "aws:region",
        '"us-east-7" is not an AWS Region; did you mean us-east-2?',
        "us-east-7",
    ),
    # regions
    case("wildcard-region", {"regions": ["us-east-*"]}, "ssm-profile:regions[0]", "wildcards"),
    case(
        "wildcard-region-?",
        {"regions": ["us-east-2", "eu-west-?"]},
        "ssm-profile:regions[1]",
        "wildcards",
    ),
    case("wildcard-region-all", {"regions": ["*"]}, "ssm-profile:regions[0]", "wildcards"),
    case(
        "unknown-region-suggests",
        {"regions": ["eu-wset-1"]},
        "ssm-profile:regions[0]",
        '"eu-wset-1" is not an AWS Region; did you mean eu-west-1?',
    ),
    case(
        "region-of-china-in-aws",
        {"regions": ["cn-north-1"]},
        "ssm-profile:regions[0]",
        '"cn-north-1" is in partition aws-cn, but the stack\'s aws:region is in aws',
    ),
    case(
        "region-of-aws-in-govcloud",
        {"regions": ["us-gov-west-1", "us-east-1"]},
        "ssm-profile:regions[1]",
        "is in partition aws, but the stack's aws:region is in aws-us-gov",
        region="us-gov-west-1",
    ),
    case(
        "region-of-govcloud-in-china",
        {"regions": ["us-gov-east-1"]},
        "ssm-profile:regions[0]",
        "partition aws-us-gov",
        region="cn-northwest-1",
    ),
    case(
        "region-twice",
        {"regions": ["us-east-2", "us-east-2"]},
        "ssm-profile:regions[1]",
        "listed twice",
    ),
    case("regions-empty", {"regions": []}, "ssm-profile:regions", "at least one Region"),
    case(
        "region-not-string",
        {"regions": [["us-east-2"]]},
        "ssm-profile:regions[0]",
        "expected a Region",
    ),
    # buckets: S3 naming rules and the guide's no-wildcard rule
    case(
        "bucket-uppercase",
        {"buckets": ["My-Bucket"]},
        "ssm-profile:buckets[0]",
        "lowercase letters",
    ),
    case(
        "bucket-underscore",
        {"buckets": ["my_bucket"]},
        "ssm-profile:buckets[0]",
        "lowercase letters",
    ),
    case(
        "bucket-starts-with-hyphen",
        {"buckets": ["-bucket"]},
        "ssm-profile:buckets[0]",
        "begin and end",
    ),
    case(
        "bucket-ends-with-dot", {"buckets": ["bucket."]}, "ssm-profile:buckets[0]", "begin and end"
    ),
    case("bucket-too-short", {"buckets": ["ab"]}, "ssm-profile:buckets[0]", "3 to 63 characters"),
    case(
        "bucket-too-long", {"buckets": ["b" * 64]}, "ssm-profile:buckets[0]", "3 to 63 characters"
    ),
    case("bucket-ip-address", {"buckets": ["192.168.5.4"]}, "ssm-profile:buckets[0]", "IP address"),
    case(
        "bucket-adjacent-dots",
        {"buckets": ["my..bucket"]},
        "ssm-profile:buckets[0]",
        "two adjacent dots",
    ),
    case("bucket-prefix-xn", {"buckets": ["xn--bucket"]}, "ssm-profile:buckets[0]", "reserves"),
    case(
        "bucket-prefix-sthree", {"buckets": ["sthree-bucket"]}, "ssm-profile:buckets[0]", "reserves"
    ),
    case(
        "bucket-suffix-s3alias",
        {"buckets": ["bucket-s3alias"]},
        "ssm-profile:buckets[0]",
        "reserves",
    ),
    case(
        "bucket-suffix-ol-s3", {"buckets": ["bucket--ol-s3"]}, "ssm-profile:buckets[0]", "reserves"
    ),
    case(
        "bucket-wildcard",
        {"buckets": ["my-bucket-*"]},
        "ssm-profile:buckets[0]",
        "wildcards are not allowed in a bucket name",
    ),
    case(
        "bucket-wildcard-?",
        {"buckets": ["ok-bucket", "my-bucket-?"]},
        "ssm-profile:buckets[1]",
        "wildcards",
    ),
    case(
        "bucket-object-wildcard",
        {"buckets": [{"name": "logs-*"}]},
        "ssm-profile:buckets[0].name",
        "wildcards",
    ),
    case(
        "bucket-prefix-wildcard",
        {"buckets": [{"name": "logs", "prefix": "a/*/b/"}]},
        "ssm-profile:buckets[0].prefix",
        "wildcards are not allowed in a bucket prefix",
    ),
    case(
        "bucket-prefix-slash",
        {"buckets": [{"name": "logs", "prefix": "/out/"}]},
        "ssm-profile:buckets[0].prefix",
        "must not begin with '/'",
    ),
    case(
        "bucket-prefix-empty",
        {"buckets": [{"name": "logs", "prefix": ""}]},
        "ssm-profile:buckets[0].prefix",
        "non-empty string",
    ),
    case(
        "bucket-without-name",
        {"buckets": [{"prefix": "out/"}]},
        "ssm-profile:buckets[0].name",
        "is required",
    ),
    case(
        "bucket-misspelt-field",
        {"buckets": [{"name": "logs", "crossAcount": True}]},
        "ssm-profile:buckets[0].crossAcount",
        "unknown bucket field; did you mean crossAccount?",
    ),
    case(
        "bucket-cross-account-not-bool",
        {"buckets": [{"name": "logs", "crossAccount": "yes"}]},
        "ssm-profile:buckets[0].crossAccount",
        "expected true or false",
    ),
    case(
        "bucket-encrypted-not-bool",
        {"buckets": [{"name": "logs", "encrypted": 1}]},
        "ssm-profile:buckets[0].encrypted",
        "expected true or false",
    ),
    case(
        "bucket-twice",
        {"buckets": ["logs", {"name": "logs"}]},
        "ssm-profile:buckets[1]",
        "listed twice",
    ),
    case(
        "bucket-not-name-or-object",
        {"buckets": [42]},
        "ssm-profile:buckets[0]",
        "expected a bucket name or an object",
    ),
    case("buckets-not-json-array", {"buckets": "logs"}, "ssm-profile:buckets", "expected an array"),
    case(
        "buckets-object", {"buckets": {"name": "logs"}}, "ssm-profile:buckets", "expected an array"
    ),
    # unknown and misspelt keys
    case(
        "misspelt-key",
        {"regoins": ["us-east-2"]},
        "ssm-profile:regoins",
        "unknown key; did you mean ssm-profile:regions?",
    ),
    case(
        "misspelt-key-case",
        {"RoleName": "x"},
        "ssm-profile:RoleName",
        "did you mean ssm-profile:roleName?",
    ),
    case(
        "misspelt-key-singular",
        {"vpcEndpoint": True},
        "ssm-profile:vpcEndpoint",
        "did you mean ssm-profile:vpcEndpoints?",
    ),
    case("unknown-key", {"colour": "blue"}, "ssm-profile:colour", "unknown key"),
    # mode
    case("unknown-mode", {"mode": "hybird"}, "ssm-profile:mode", "did you mean hybrid?"),
    case(
        "unknown-mode-ec3",
        {"mode": "ec3"},
        "ssm-profile:mode",
        "is not one of ec2, existing-role, hybrid, default-host-management",
    ),
    # names
    case(
        "role-name-too-long",
        {"roleName": "r" * 65},
        "ssm-profile:roleName",
        "is 65 characters long; IAM allows 64",
    ),
    case(
        "role-name-space",
        {"roleName": "ssm role"},
        "ssm-profile:roleName",
        "may contain only letters, digits",
    ),
    case("role-name-slash", {"roleName": "ssm/role"}, "ssm-profile:roleName", "may contain only"),
    case(
        "default-role-name-too-long",
        {},
        "ssm-profile:roleName",
        "IAM allows 64",
    ),
    case(
        "profile-name-too-long",
        {"instanceProfileName": "p" * 129},
        "ssm-profile:instanceProfileName",
        "IAM allows 128",
    ),
    case(
        "profile-name-bad-chars",
        {"instanceProfileName": "profile#1"},
        "ssm-profile:instanceProfileName",
        "may contain only",
    ),
    case(
        "description-too-long",
        {"description": "d" * 1001},
        "ssm-profile:description",
        "at most 1000",
    ),
    case(
        "description-outside-latin-1",
        {"description": "本番環境の Systems Manager 用ロール"},
        "ssm-profile:description",
        "printable Latin-1",
    ),
    case(
        "description-control-char",
        {"description": "a\x07b"},
        "ssm-profile:description",
        "printable",
    ),
    # the custom policy's name and description
    case(
        "custom-policy-name-too-long",
        {"customPolicyName": "p" * 129},
        "ssm-profile:customPolicyName",
        "is 129 characters long; IAM allows 128",
    ),
    case(
        "custom-policy-name-space",
        {"customPolicyName": "SSM policy"},
        "ssm-profile:customPolicyName",
        "may contain only letters, digits",
    ),
    case(
        "custom-policy-name-path",
        {"customPolicyName": "team/SSMInstanceProfileS3Policy"},
        "ssm-profile:customPolicyName",
        "may contain only",
    ),
    case(
        "custom-policy-name-not-string",
        {"customPolicyName": ["a"]},
        "ssm-profile:customPolicyName",
        "may contain only",
    ),
    case(
        "custom-policy-description-too-long",
        {"customPolicyDescription": "d" * 1001},
        "ssm-profile:customPolicyDescription",
        "1001 characters; IAM policy descriptions are at most 1000",
    ),
    # path
    case(
        "path-without-slashes", {"path": "ssm"}, "ssm-profile:path", "must begin and end with '/'"
    ),
    case(
        "path-without-trailing-slash",
        {"path": "/ssm"},
        "ssm-profile:path",
        "must begin and end with '/'",
    ),
    case("path-double-slash", {"path": "/a//b/"}, "ssm-profile:path", "single slashes"),
    case("path-non-ascii", {"path": "/équipe/"}, "ssm-profile:path", "printable ASCII"),
    case("path-space", {"path": "/my team/"}, "ssm-profile:path", "printable ASCII"),
    case("path-too-long", {"path": "/" + "p/" * 256}, "ssm-profile:path", "1 to 512 characters"),
    # modes and the keys that belong to them
    case(
        "existing-role-without-name",
        {"mode": "existing-role"},
        "ssm-profile:existingRoleName",
        "is required in existing-role mode",
    ),
    case(
        "existing-role-name-too-long",
        {"mode": "existing-role", "existingRoleName": "e" * 65},
        "ssm-profile:existingRoleName",
        "IAM allows 64",
    ),
    case(
        "existing-role-name-in-ec2",
        {"existingRoleName": "Theirs"},
        "ssm-profile:existingRoleName",
        "only allowed in existing-role mode (this stack's mode is ec2)",
    ),
    case(
        "existing-role-name-in-hybrid",
        {"mode": "hybrid", "existingRoleName": "Theirs"},
        "ssm-profile:existingRoleName",
        "mode is hybrid",
    ),
    case(
        "existing-role-name-in-dhmc",
        {"mode": "default-host-management", "existingRoleName": "Theirs"},
        "ssm-profile:existingRoleName",
        "mode is default-host-management",
    ),
    case(
        "role-name-in-existing-role",
        {"mode": "existing-role", "existingRoleName": "Theirs", "roleName": "Mine"},
        "ssm-profile:roleName",
        "existing-role mode creates none",
    ),
    case(
        "description-in-existing-role",
        {"mode": "existing-role", "existingRoleName": "Theirs", "description": "x"},
        "ssm-profile:description",
        "creates none",
    ),
    case(
        "boundary-in-existing-role",
        {
            "mode": "existing-role",
            "existingRoleName": "Theirs",
            "permissionsBoundary": GOOD_BOUNDARY,
        },
        "ssm-profile:permissionsBoundary",
        "creates none",
    ),
    case(
        "create-profile-in-hybrid",
        {"mode": "hybrid", "createInstanceProfile": True},
        "ssm-profile:createInstanceProfile",
        "hybrid mode builds no instance profile",
    ),
    case(
        "create-profile-in-dhmc",
        {"mode": "default-host-management", "createInstanceProfile": True},
        "ssm-profile:createInstanceProfile",
        "default-host-management mode builds no instance profile",
    ),
    case(
        "profile-name-without-profile",
        {"createInstanceProfile": False, "instanceProfileName": "p"},
        "ssm-profile:instanceProfileName",
        "creates no instance profile",
    ),
    case(
        "profile-name-in-existing-role",
        {"mode": "existing-role", "existingRoleName": "Theirs", "instanceProfileName": "p"},
        "ssm-profile:instanceProfileName",
        "creates no instance profile",
    ),
    # activation
    case(
        "activation-in-ec2",
        {"activation": {"registrationLimit": 1}},
        "ssm-profile:activation",
        "only allowed in hybrid mode (this stack's mode is ec2)",
    ),
    case(
        "activation-in-dhmc",
        {"mode": "default-host-management", "activation": {"registrationLimit": 1}},
        "ssm-profile:activation",
        "only allowed in hybrid mode",
    ),
    case(
        "activation-not-object",
        {"mode": "hybrid", "activation": [1]},
        "ssm-profile:activation",
        "expected an object",
    ),
    case(
        "activation-without-limit",
        {"mode": "hybrid", "activation": {"description": "x"}},
        "ssm-profile:activation.registrationLimit",
        "is required",
    ),
    case(
        "activation-limit-zero",
        {"mode": "hybrid", "activation": {"registrationLimit": 0}},
        "ssm-profile:activation.registrationLimit",
        "from 1 to 1000",
    ),
    case(
        "activation-limit-too-big",
        {"mode": "hybrid", "activation": {"registrationLimit": 1001}},
        "ssm-profile:activation.registrationLimit",
        "from 1 to 1000",
    ),
    case(
        "activation-limit-fraction",
        {"mode": "hybrid", "activation": {"registrationLimit": 1.5}},
        "ssm-profile:activation.registrationLimit",
        "expected a whole number from 1 to 1000, got 1.5",
    ),
    case(
        "activation-role-reference-too-long",
        {
            "mode": "hybrid",
            "path": "/on-premises/web-servers/",
            "roleName": "SSMServiceRole-for-the-web-servers-of-ops",
            "activation": {"registrationLimit": 1},
        },
        "ssm-profile:activation",
        "(path and name, 65 characters); its limit is 64",
    ),
    case(
        "activation-limit-string",
        {"mode": "hybrid", "activation": {"registrationLimit": "5"}},
        "ssm-profile:activation.registrationLimit",
        "whole number",
    ),
    case(
        "activation-limit-bool",
        {"mode": "hybrid", "activation": {"registrationLimit": True}},
        "ssm-profile:activation.registrationLimit",
        "whole number",
    ),
    case(
        "activation-misspelt-field",
        {"mode": "hybrid", "activation": {"registrationLimt": 5}},
        "ssm-profile:activation.registrationLimt",
        "unknown field; did you mean registrationLimit?",
    ),
    case(
        "activation-bad-date",
        {"mode": "hybrid", "activation": {"registrationLimit": 5, "expirationDate": "next week"}},
        "ssm-profile:activation.expirationDate",
        "not an RFC 3339 timestamp",
    ),
    case(
        "activation-date-only",
        {"mode": "hybrid", "activation": {"registrationLimit": 5, "expirationDate": "2030-01-31"}},
        "ssm-profile:activation.expirationDate",
        "not an RFC 3339 timestamp",
    ),
    case(
        "activation-date-without-zone",
        {
            "mode": "hybrid",
            "activation": {"registrationLimit": 5, "expirationDate": "2030-01-31T00:00:00"},
        },
        "ssm-profile:activation.expirationDate",
        "RFC 3339",
    ),
    case(
        "activation-date-impossible",
        {
            "mode": "hybrid",
            "activation": {"registrationLimit": 5, "expirationDate": "2030-02-30T00:00:00Z"},
        },
        "ssm-profile:activation.expirationDate",
        "RFC 3339",
    ),
    case(
        "activation-description-too-long",
        {"mode": "hybrid", "activation": {"registrationLimit": 5, "description": "d" * 257}},
        "ssm-profile:activation.description",
        "at most 256",
    ),
    case(
        "activation-description-not-string",
        {"mode": "hybrid", "activation": {"registrationLimit": 5, "description": 7}},
        "ssm-profile:activation.description",
        "expected a string",
    ),
    # tags
    case(
        "tag-aws-prefix",
        {"tags": {"aws:cost": "x"}},
        "ssm-profile:tags.aws:cost",
        "reserved for AWS",
    ),
    case(
        "tag-aws-prefix-upper",
        {"tags": {"AWS:cost": "x"}},
        "ssm-profile:tags.AWS:cost",
        "reserved for AWS",
    ),
    case(
        "too-many-tags",
        {"tags": {f"t{i}": "v" for i in range(51)}},
        "ssm-profile:tags",
        "51 tags; IAM allows 50",
    ),
    case(
        "tag-value-number",
        {"tags": {"cost-center": 4711}},
        "ssm-profile:tags.cost-center",
        "tag values must be strings, got 4711",
    ),
    case(
        "tag-value-bool",
        {"tags": {"critical": True}},
        "ssm-profile:tags.critical",
        "must be strings",
    ),
    case("tag-value-null", {"tags": {"owner": None}}, "ssm-profile:tags.owner", "must be strings"),
    case(
        "tag-key-too-long", {"tags": {"k" * 129: "v"}}, "ssm-profile:tags." + "k" * 129, "1 to 128"
    ),
    case("tag-value-too-long", {"tags": {"k": "v" * 257}}, "ssm-profile:tags.k", "at most 256"),
    case(
        "tag-bad-char", {"tags": {"owner": "team#1"}}, "ssm-profile:tags.owner", "tags may contain"
    ),
    case("tags-array", {"tags": ["environment=prod"]}, "ssm-profile:tags", "expected an object"),
    case(
        "tags-not-json",
        {"tags": "environment=prod"},
        "ssm-profile:tags",
        "expected an object (YAML list/map",
    ),
    # policy ARNs and names
    case(
        "boundary-other-partition",
        {"permissionsBoundary": "arn:aws-cn:iam::111122223333:policy/B"},
        "ssm-profile:permissionsBoundary",
        "is in partition aws-cn; this stack is in aws",
    ),
    case(
        "boundary-in-china-from-aws",
        {"permissionsBoundary": GOOD_BOUNDARY},
        "ssm-profile:permissionsBoundary",
        "is in partition aws; this stack is in aws-cn",
        region="cn-north-1",
    ),
    case(
        "boundary-not-arn",
        {"permissionsBoundary": "PlatformBoundary"},
        "ssm-profile:permissionsBoundary",
        "is not an IAM policy ARN",
    ),
    case(
        "boundary-role-arn",
        {"permissionsBoundary": "arn:aws:iam::111122223333:role/B"},
        "ssm-profile:permissionsBoundary",
        "is not an IAM policy ARN",
    ),
    case(
        "managed-policy-other-partition",
        {"managedPolicies": ["arn:aws:iam::aws:policy/AmazonSSMPatchAssociation"]},
        "ssm-profile:managedPolicies[0]",
        "is in partition aws; this stack is in aws-us-gov",
        region="us-gov-east-1",
    ),
    case(
        "managed-policy-bad-name",
        {"managedPolicies": ["Amazon SSM Patch"]},
        "ssm-profile:managedPolicies[0]",
        "may contain only",
    ),
    case(
        "managed-policy-bad-arn",
        {"managedPolicies": ["arn:aws:iam::aws:role/X"]},
        "ssm-profile:managedPolicies[0]",
        "not an IAM policy ARN",
    ),
    case(
        "managed-policy-twice",
        {
            "managedPolicies": [
                "AmazonSSMPatchAssociation",
                "arn:aws:iam::aws:policy/AmazonSSMPatchAssociation",
            ]
        },
        "ssm-profile:managedPolicies[1]",
        "listed twice",
    ),
    case(
        "managed-policy-not-string",
        {"managedPolicies": [{"name": "X"}]},
        "ssm-profile:managedPolicies[0]",
        "expected a policy name or ARN",
    ),
    case(
        "managed-policies-same-name",
        {
            "managedPolicies": [
                "arn:aws:iam::111122223333:policy/team-a/Base",
                "arn:aws:iam::111122223333:policy/team-b/Base",
            ]
        },
        "ssm-profile:managedPolicies[1]",
        "same policy name",
    ),
    case(
        "managed-policy-administrator-access",
        {"managedPolicies": ["AdministratorAccess"]},
        "ssm-profile:managedPolicies[0]",
        "grants administrator access; an instance profile must stay least-privilege",
    ),
    case(
        "managed-policy-power-user",
        {"managedPolicies": ["AmazonSSMPatchAssociation", "PowerUserAccess"]},
        "ssm-profile:managedPolicies[1]",
        "grants every action outside IAM and Organizations",
    ),
    case(
        "managed-policy-full-access-arn",
        {"managedPolicies": ["arn:aws:iam::aws:policy/IAMFullAccess"]},
        "ssm-profile:managedPolicies[0]",
        "grants full access to a whole service",
    ),
    # quota
    case(
        "max-managed-policies-zero",
        {"maxManagedPolicies": 0},
        "ssm-profile:maxManagedPolicies",
        "outside IAM's quota range 1 to 20",
    ),
    case(
        "max-managed-policies-21",
        {"maxManagedPolicies": 21},
        "ssm-profile:maxManagedPolicies",
        "outside IAM's quota range 1 to 20",
    ),
    case(
        "quota-exceeded",
        {
            "directoryService": True,
            "cloudWatchAgent": True,
            "buckets": ["logs"],
            "managedPolicies": list(HARMLESS_MANAGED[:8]),
        },
        "ssm-profile:maxManagedPolicies",
        "this stack needs 12 managed policies on the role (11 AWS managed, 1 custom) but the "
        "quota is 10",
    ),
    # declared types of Pulumi.yaml, checked as the CLI does
    case(
        "declared-boolean",
        {"vpcEndpoints": "yes"},
        "ssm-profile:vpcEndpoints",
        "must be of type boolean (Pulumi.yaml), got 'yes'",
    ),
    case(
        "declared-integer",
        {"maxManagedPolicies": 10.5},
        "ssm-profile:maxManagedPolicies",
        "must be of type integer",
    ),
    case(
        "declared-integer-not-bool",
        {"maxManagedPolicies": True},
        "ssm-profile:maxManagedPolicies",
        "must be of type integer",
    ),
    case(
        "declared-array",
        {"managedPolicies": "AmazonSSMPatchAssociation"},
        "ssm-profile:managedPolicies",
        "must be of type array",
    ),
    case("declared-string", {"path": ["a"]}, "ssm-profile:path", "must be of type string"),
    # keys Pulumi.yaml does not declare (their default is computed) are typed by the program
    case("undeclared-array", {"regions": "us-east-2"}, "ssm-profile:regions", "expected an array"),
    case(
        "undeclared-boolean",
        {"createInstanceProfile": "yes"},
        "ssm-profile:createInstanceProfile",
        'expected true or false, got "yes"',
    ),
    case(
        "undeclared-string",
        {"roleName": ["a"]},
        "ssm-profile:roleName",
        "may contain only letters, digits",
    ),
    case(
        "secret-offline",
        {"description": {"secure": "AAABAx"}},
        "ssm-profile:description",
        "secret values cannot be decrypted offline",
    ),
    # plugins and their config
    case(
        "plugin-config-unlisted",
        {"pluginConfig": {"cloudwatch_logs": {}}},
        "ssm-profile:pluginConfig.cloudwatch_logs",
        'plugin "cloudwatch_logs" is not listed in ssm-profile:plugins',
    ),
    case(
        "plugin-config-misspelt",
        {"plugins": ["cloudwatch_logs"], "pluginConfig": {"cloudwatch_log": {}}},
        "ssm-profile:pluginConfig.cloudwatch_log",
        "did you mean cloudwatch_logs?",
    ),
    case(
        "plugin-config-not-object",
        {"plugins": ["cloudwatch_logs"], "pluginConfig": {"cloudwatch_logs": "on"}},
        "ssm-profile:pluginConfig.cloudwatch_logs",
        "expected an object",
    ),
    case(
        "plugin-config-array",
        {"pluginConfig": ["cloudwatch_logs"]},
        "ssm-profile:pluginConfig",
        "expected an object",
    ),
    case(
        "plugin-empty-name", {"plugins": [" "]}, "ssm-profile:plugins[0]", "expected a plugin name"
    ),
    case("plugin-twice", {"plugins": ["a.b", "a.b"]}, "ssm-profile:plugins[1]", "listed twice"),
    # what IAM's API models refuse (tests/test_api_models.py found these classes)
    case(
        "role-name-trailing-newline",
        {"roleName": "AppServers\n"},
        "ssm-profile:roleName",
        "may contain only letters, digits",
    ),
    case(
        "profile-name-trailing-newline",
        {"instanceProfileName": "AppServers\n"},
        "ssm-profile:instanceProfileName",
        "may contain only letters, digits",
    ),
    case(
        "path-not-a-policy-path",
        {"path": "/team:ssm/"},
        "ssm-profile:path",
        '"/team:ssm/" is a valid role path but not a valid policy path',
    ),
    case(
        "tag-keys-differ-in-case",
        {"tags": {"Env": "a", "env": "b"}},
        "ssm-profile:tags.env",
        'differs from tag key "Env" only in case',
    ),
    case(
        "tag-value-aws-prefix",
        {"tags": {"team": "aws:platform"}},
        "ssm-profile:tags.team",
        "tag values beginning with 'aws:' are reserved",
    ),
    case(
        "managed-policy-service-role",
        {"managedPolicies": ["aws-service-role/AmazonSSMServiceRolePolicy"]},
        "ssm-profile:managedPolicies[0]",
        "is the policy of a service-linked role",
    ),
    case(
        "managed-policy-arn-bad-path",
        {"managedPolicies": ["arn:aws:iam::aws:policy//AmazonSSMPatchAssociation"]},
        "ssm-profile:managedPolicies[0]",
        "is not an IAM policy path",
    ),
    case(
        "boundary-path-with-space",
        {"permissionsBoundary": "arn:aws:iam::111122223333:policy/a b/Boundary"},
        "ssm-profile:permissionsBoundary",
        'its path "/a b/" is not an IAM policy path',
    ),
    case(
        "boundary-unicode-digits",
        {"permissionsBoundary": "arn:aws:iam::١١١١٢٢٢٢٣٣٣٣:policy/Boundary"},
        "ssm-profile:permissionsBoundary",
        "is not an IAM policy ARN",
    ),
    case(
        "bucket-prefix-beyond-latin-1",
        {"buckets": [{"name": "team-output", "prefix": "日本/"}]},
        "ssm-profile:buckets[0].prefix",
        "has the character U+65E5 at position 0; IAM policies hold only printable Latin-1",
    ),
    case(
        "activation-date-unicode-digits",
        {
            "mode": "hybrid",
            "activation": {"registrationLimit": 1, "expirationDate": "٢٠٣٠-01-31T00:00:00Z"},
        },
        "ssm-profile:activation.expirationDate",
        "is not an RFC 3339 timestamp",
    ),
    case(
        "managed-policy-is-the-stacks-own",
        {
            "buckets": ["logs"],
            "managedPolicies": ["arn:aws:iam::123456789012:policy/SSMInstanceProfileS3Policy-test"],
        },
        "ssm-profile:managedPolicies[0]",
        "is this stack's own custom policy, which the stack attaches already",
    ),
    case(
        "path-reserved-for-service-linked-roles",
        {"path": "/aws-service-role/ssm.amazonaws.com/"},
        "ssm-profile:path",
        "paths under /aws-service-role/ are AWS's own",
    ),
    case(
        "managed-policy-is-the-stacks-own-in-another-case",
        {
            "buckets": ["logs"],
            "managedPolicies": ["arn:aws:iam::123456789012:policy/ssminstanceprofiles3policy-test"],
        },
        "ssm-profile:managedPolicies[0]",
        "is this stack's own custom policy",
    ),
    case(
        "managed-policies-one-name-two-cases",
        {
            "managedPolicies": [
                "arn:aws:iam::123456789012:policy/Acme",
                "arn:aws:iam::123456789012:policy/team/acme",
            ]
        },
        "ssm-profile:managedPolicies[1]",
        "has the same policy name as arn:aws:iam::123456789012:policy/Acme",
    ),
    case(
        "boundary-not-an-aws-managed-policy",
        {"permissionsBoundary": "arn:aws:iam::aws:policy/NoSuchPolicyXyz"},
        "ssm-profile:permissionsBoundary",
        "is not an AWS managed policy",
    ),
    case(
        "boundary-of-a-service-linked-role",
        {
            "permissionsBoundary": "arn:aws:iam::aws:policy/aws-service-role/"
            "AmazonSSMServiceRolePolicy"
        },
        "ssm-profile:permissionsBoundary",
        "is the policy of a service-linked role",
    ),
    case(
        "existing-role-is-service-linked",
        {"mode": "existing-role", "existingRoleName": "AWSServiceRoleForAmazonSSM"},
        "ssm-profile:existingRoleName",
        "is a service-linked role: IAM refuses to attach policies to it",
    ),
    case(
        "path-reserved-for-sso-roles",
        {"path": "/aws-reserved/sso.amazonaws.com/"},
        "ssm-profile:path",
        "paths under /aws-reserved/ are AWS's own",
    ),
    case(
        "boundary-arn-too-long",
        {"permissionsBoundary": "arn:aws:iam::111122223333:policy/" + "a/" * 1010 + "B"},
        "ssm-profile:permissionsBoundary",
        "characters; IAM takes policy ARNs of at most 2048",
    ),
    # acceptFindings
    case(
        "accept-not-array",
        {"acceptFindings": {"sid": "A"}},
        "ssm-profile:acceptFindings",
        "expected an array",
    ),
    case(
        "accept-not-object",
        {"acceptFindings": ["A"]},
        "ssm-profile:acceptFindings[0]",
        "expected an object {sid, finding, reason}",
    ),
    case(
        "accept-without-reason",
        {"acceptFindings": [{"sid": "A", "finding": "CREDENTIALS_EXPOSURE"}]},
        "ssm-profile:acceptFindings[0].reason",
        "is required",
    ),
    case(
        "accept-empty-reason",
        {"acceptFindings": [{"sid": "A", "finding": "CREDENTIALS_EXPOSURE", "reason": " "}]},
        "ssm-profile:acceptFindings[0].reason",
        "say why the finding is accepted",
    ),
    case(
        "accept-two-line-reason",
        {"acceptFindings": [{"sid": "A", "finding": "CREDENTIALS_EXPOSURE", "reason": "a\nb"}]},
        "ssm-profile:acceptFindings[0].reason",
        "must be one line",
    ),
    case(
        "accept-misspelt-field",
        {"acceptFindings": [{"sid": "A", "findings": "X", "reason": "r"}]},
        "ssm-profile:acceptFindings[0].findings",
        "unknown field; did you mean finding?",
    ),
    case(
        "accept-bad-sid",
        {"acceptFindings": [{"sid": "a-b", "finding": "X", "reason": "r"}]},
        "ssm-profile:acceptFindings[0].sid",
        "expected a statement Sid",
    ),
    case(
        "accept-lowercase-code",
        {"acceptFindings": [{"sid": "A", "finding": "credentials", "reason": "r"}]},
        "ssm-profile:acceptFindings[0].finding",
        "expected a finding code",
    ),
    case(
        "accept-twice",
        {"acceptFindings": [{"sid": "A", "finding": "X", "reason": "r"}] * 2},
        "ssm-profile:acceptFindings[1]",
        "accepts X of A again (also at [0])",
    ),
    case(
        "accept-unknown-sid",
        {"buckets": ["logs"], "acceptFindings": [{"sid": "Nope", "finding": "X", "reason": "r"}]},
        "ssm-profile:acceptFindings[0]",
        'no statement has Sid "Nope"',
    ),
]
# The default role name is SSMInstanceProfile-<stack>: a 46-character stack name breaks it.
LONG_STACK = "s" * 46


def _stack_for(case_id: str) -> str:
    return LONG_STACK if case_id == "default-role-name-too-long" else "test"


def _config(config: dict[str, Any], region: str | None) -> dict[str, Any]:
    return config if region is None else {"aws:region": region, **config}


def _ids() -> list[str]:
    return [p.id for p in ERROR_CASES]


def _check_message(error: ConfigError, key: str, fragment: str) -> None:
    message = str(error)
    assert error.key == key
    assert message.startswith(f"{key}: ")
    assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize(("config", "region", "key", "fragment"), ERROR_CASES, ids=_ids())
def test_bad_stack_is_rejected_naming_the_key(request, tmp_path, config, region, key, fragment):
    """The whole table against the pure stages: stack file -> settings -> blueprint."""
    stack = _stack_for(request.node.callspec.id)
    write_stack(tmp_path, stack, _config(config, region))
    with pytest.raises(ConfigError) as caught:
        loaded = load_stack(stack, tmp_path, REPO)
        resolve(load_settings(loaded.config, loaded.project, loaded.stack), ACCOUNT)
    _check_message(caught.value, key, fragment)


# A few cases of each stage, end to end: through the program under mocks, and the CLI.
END_TO_END = [
    p
    for p in ERROR_CASES
    if p.id
    in {
        "missing-aws-region",  # the first rule
        "wildcard-region",
        "bucket-prefix-wildcard",
        "unknown-key",
        "role-name-in-existing-role",  # what the mode allows
        "activation-role-reference-too-long",  # a rule across keys
        "declared-boolean",  # the stack file against Pulumi.yaml
        "secret-offline",
        "default-role-name-too-long",  # a default that breaks a rule
        "quota-exceeded",  # the blueprint, the last stage before the component
    }
]


def test_the_end_to_end_sample_names_real_cases():
    assert len(END_TO_END) == 10


@pytest.mark.parametrize(
    ("config", "region", "key", "fragment"), END_TO_END, ids=[p.id for p in END_TO_END]
)
def test_bad_stack_registers_nothing_under_the_program(
    request, tmp_path, monitors, config, region, key, fragment
):
    stack = _stack_for(request.node.callspec.id)
    write_stack(tmp_path, stack, _config(config, region))
    with pytest.raises(ConfigError) as caught:
        run_program(load_stack(stack, tmp_path, REPO))
    _check_message(caught.value, key, fragment)
    assert all(not m.registrations for m in monitors)


@pytest.mark.parametrize(
    ("config", "region", "key", "fragment"), END_TO_END, ids=[p.id for p in END_TO_END]
)
def test_cli_prints_one_error_line_and_exits_2(
    request, tmp_path, monkeypatch, capsys, config, region, key, fragment
):
    stack = _stack_for(request.node.callspec.id)
    write_stack(tmp_path, stack, _config(config, region))
    monkeypatch.chdir(REPO)
    status = main(["plan", "--stack", stack, "--stacks-dir", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith(f"error: {key}: ")
    assert fragment in err
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err


def test_rejection_happens_before_any_registration_even_for_the_last_rule(plan_stack, monitors):
    """The quota is checked after every statement is known, still before the component."""
    with pytest.raises(ConfigError, match="quota is 1"):
        plan_stack({"maxManagedPolicies": 1, "buckets": ["logs"]})
    assert len(monitors) == 1 and monitors[0].registrations == []


def test_custom_policy_name_too_long_for_iam(tmp_path, monitors):
    """The policy names derive from the stack name; IAM allows 128 characters. With Pulumi's
    longest stack name (100), the second packed policy's name is 129."""
    stack = "s" * 100  # SSMInstanceProfileS3Policy- (27) + 100 + -2 = 129
    buckets = [{"name": f"team-{i:03d}-output-bucket", "prefix": "x" * 40} for i in range(120)]
    write_stack(
        tmp_path,
        stack,
        {
            "aws:region": "us-east-2",
            "roleName": "Short",
            "buckets": buckets,
            "maxManagedPolicies": 5,
        },
    )
    with pytest.raises(ConfigError, match="longer than IAM's 128 characters; set a shorter") as e:
        run_program(load_stack(stack, tmp_path, REPO))
    assert str(e.value).startswith("ssm-profile:customPolicyName: custom policy name 'SSMInst")
    assert all(not m.registrations for m in monitors)


def test_a_custom_policy_name_of_128_leaves_no_room_for_a_packed_part(tmp_path, monitors):
    """The -2 of a packed part counts against IAM's 128 characters of the name given."""
    buckets = [{"name": f"team-{i:03d}-output-bucket", "prefix": "x" * 40} for i in range(120)]
    config = {"customPolicyName": "p" * 128, "buckets": buckets, "maxManagedPolicies": 5}
    write_stack(tmp_path, "t", {"aws:region": "us-east-2", **config})
    with pytest.raises(
        ConfigError, match=r"^ssm-profile:customPolicyName: custom policy name 'p{128}-2'"
    ):
        run_program(load_stack("t", tmp_path, REPO))
    assert all(not m.registrations for m in monitors)


def test_an_empty_custom_policy_description_is_none():
    """``""`` (or an empty value in the stack file) registers no description, like a policy
    made in the console without one; the other string keys refuse it."""
    settings = load_settings(
        {"aws:region": "us-east-2", "ssm-profile:customPolicyDescription": ""}, "ssm-profile", "t"
    )
    assert settings.custom_policy_description == ""


# --- raw strings, as the engine hands them to the program under `pulumi up` ------------------


def raw(**values: str) -> dict[str, str]:
    return {"aws:region": "us-east-2", **{f"ssm-profile:{k}": v for k, v in values.items()}}


@pytest.mark.parametrize(
    ("values", "key", "fragment"),
    [
        ({"vpcEndpoints": "yes"}, "ssm-profile:vpcEndpoints", 'expected true or false, got "yes"'),
        ({"protect": "1"}, "ssm-profile:protect", "expected true or false"),
        ({"directoryService": ""}, "ssm-profile:directoryService", "expected true or false"),
        (
            {"maxManagedPolicies": "ten"},
            "ssm-profile:maxManagedPolicies",
            "expected a whole number",
        ),
        (
            {"maxManagedPolicies": "1.5"},
            "ssm-profile:maxManagedPolicies",
            "expected a whole number",
        ),
        ({"regions": "us-east-2"}, "ssm-profile:regions", "expected an array"),
        ({"regions": '["us-east-2"'}, "ssm-profile:regions", "expected an array"),
        ({"buckets": '{"name": "logs"}'}, "ssm-profile:buckets", "expected an array"),
        ({"tags": "[1]"}, "ssm-profile:tags", "expected an object"),
        ({"pluginConfig": "{"}, "ssm-profile:pluginConfig", "expected an object"),
        ({"awsBuckets": "all"}, "ssm-profile:awsBuckets", '"all" is not a preset (current,'),
        ({"awsBuckets": "extend"}, "ssm-profile:awsBuckets", "did you mean extended?"),
        ({"awsBuckets": '["patching"'}, "ssm-profile:awsBuckets", "expected a preset name or"),
    ],
)
def test_raw_string_values_are_typed_or_rejected(values, key, fragment):
    with pytest.raises(ConfigError) as caught:
        load_settings(raw(**values), "ssm-profile", "test")
    assert caught.value.key == key
    assert fragment in str(caught.value)


def test_raw_string_values_parse_like_the_cli_hands_them():
    settings = load_settings(
        raw(
            vpcEndpoints="true",
            protect="false",
            maxManagedPolicies="20",
            regions='["us-east-2", "us-west-2"]',
            tags='{"team": "platform"}',
        ),
        "ssm-profile",
        "test",
    )
    assert settings.vpc_endpoints is True
    assert settings.protect is False
    assert settings.max_managed_policies == 20
    assert settings.regions == ("us-east-2", "us-west-2")
    assert dict(settings.tags) == {"team": "platform"}


def test_other_namespaces_are_not_checked():
    """`aws:profile` and other providers' keys belong to them, not to ssm-profile."""
    settings = load_settings(
        {**raw(), "aws:profile": "prod", "aws:skipMetadataApiCheck": "false"},
        "ssm-profile",
        "test",
    )
    assert settings.region == "us-east-2"


def test_settings_are_frozen():
    settings = load_settings(raw(tags='{"a": "b"}'), "ssm-profile", "test")
    with pytest.raises(AttributeError):
        settings.mode = "hybrid"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.tags["a"] = "c"  # type: ignore[index]


def test_every_error_is_an_ssm_profile_error():
    """The CLI and `pulumi up` turn exactly this class into one line without a traceback."""
    assert issubclass(ConfigError, SsmProfileError)
    assert issubclass(PolicyError, SsmProfileError)


# --- the documented keys are the keys the program knows --------------------------------------


def test_every_key_is_in_the_configuration_reference_in_table_order():
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = text.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^### `([A-Za-z]+)`", section, flags=re.MULTILINE)
    assert documented == [key.name for key in KEYS]


def test_pulumi_yaml_types_exactly_the_keys_the_table_declares():
    """Pulumi.yaml declares (typed) the keys whose default does not depend on the stack: a
    declared key without a default would be required by the Pulumi CLI."""
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert project["config"] == {key.name: key.schema for key in KEYS if key.schema}
    for key in KEYS:
        if key.schema:
            assert key.schema["default"] == key.default and not callable(key.default)


def test_stack_files_in_the_repo_use_only_known_keys():
    for path in sorted(Path(REPO / "stacks").glob("Pulumi.*.yaml")):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))["config"]
        for key in config:
            namespace, _, name = key.partition(":")
            assert namespace in ("aws", "ssm-profile"), path
            if namespace == "ssm-profile":
                assert name in KNOWN_KEYS, f"{path.name}: {key}"


@pytest.mark.parametrize("key", ["roleName", "instanceProfileName", "path", "mode", "awsBuckets"])
def test_an_empty_string_is_an_error_not_the_default(key):
    from ssm_profile.config import load_settings
    from ssm_profile.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_settings({"aws:region": "us-east-1", f"ssm-profile:{key}": ""}, "ssm-profile", "t")
    assert str(caught.value) == (f"ssm-profile:{key}: is empty; remove the key to use the default")


def test_a_latin_1_description_with_accents_is_accepted():
    settings = load_settings(
        {"aws:region": "eu-west-1", "ssm-profile:description": "Rôle SSM des serveurs de Zürich"},
        "ssm-profile",
        "t",
    )
    assert settings.description == "Rôle SSM des serveurs de Zürich"


BROAD = (
    "; an instance profile must stay least-privilege: attach a narrower AWS managed policy or "
    "grant the actions the instances need in statements"
)


@pytest.mark.parametrize(
    ("policy", "arn", "grants"),
    [
        (
            "AdministratorAccess",
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "administrator access",
        ),
        (
            "AdministratorAccess-Amplify",
            "arn:aws:iam::aws:policy/AdministratorAccess-Amplify",
            "administrator access",
        ),
        (
            "PowerUserAccess",
            "arn:aws:iam::aws:policy/PowerUserAccess",
            "every action outside IAM and Organizations",
        ),
        (
            "IAMFullAccess",
            "arn:aws:iam::aws:policy/IAMFullAccess",
            "full access to a whole service",
        ),
        (
            "AmazonSSMFullAccess",
            "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
            "full access to a whole service",
        ),
        (
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            "full access to a whole service",
        ),
    ],
)
def test_over_broad_aws_managed_policies_are_refused_by_name(policy, arn, grants):
    raw = {"aws:region": "us-east-1", "ssm-profile:managedPolicies": f'["{policy}"]'}
    with pytest.raises(ConfigError) as caught:
        load_settings(raw, "ssm-profile", "test")
    assert str(caught.value) == f"ssm-profile:managedPolicies[0]: {arn} grants {grants}{BROAD}"


def test_over_broad_rule_follows_the_partition():
    raw = {"aws:region": "cn-north-1", "ssm-profile:managedPolicies": '["AdministratorAccess"]'}
    with pytest.raises(ConfigError) as caught:
        load_settings(raw, "ssm-profile", "test")
    assert str(caught.value) == (
        "ssm-profile:managedPolicies[0]: arn:aws-cn:iam::aws:policy/AdministratorAccess "
        f"grants administrator access{BROAD}"
    )


def test_narrow_and_customer_managed_policies_pass_the_over_broad_rule():
    policies = [
        "AmazonSSMPatchAssociation",
        "service-role/CloudWatchEventsInvocationAccess",
        "arn:aws:iam::111122223333:policy/TeamFullAccess",  # the account's own: not judged
    ]
    raw = {"aws:region": "us-east-1", "ssm-profile:managedPolicies": json.dumps(policies)}
    assert load_settings(raw, "ssm-profile", "test").managed_policies == (
        "arn:aws:iam::aws:policy/AmazonSSMPatchAssociation",
        "arn:aws:iam::aws:policy/service-role/CloudWatchEventsInvocationAccess",
        "arn:aws:iam::111122223333:policy/TeamFullAccess",
    )


def test_a_stack_name_pulumi_would_refuse_is_one_error(tmp_path, capsys, monkeypatch):
    """Red team: a file named 'Pulumi.prod copy.yaml' planned, and its policy name had a
    space CreatePolicy refuses."""
    write_stack(tmp_path, "prod copy", {"aws:region": "eu-west-1", "buckets": ["logs"]})
    monkeypatch.chdir(REPO)
    status = main(["plan", "--stack", "prod copy", "--stacks-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err == (
        'error: stack "prod copy": Pulumi stack names are 1 to 100 letters, digits and _.-\n'
    )
