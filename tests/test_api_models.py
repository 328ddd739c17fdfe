"""Accepted means deployable: whatever the settings and the plugin host accept yields
registered inputs that the AWS API models in botocore accept (patterns, lengths, ranges), and
documents within IAM's rules. hypothesis draws stack configs and plugin statements, valid and
hostile alike; a refusal is fine, an accepted stack that IAM would refuse is a defect."""

from __future__ import annotations

import json
import os
from typing import Any

import apimodel_plugin
import pytest
from apimodel import api_calls, iam_problems, model_problems
from helpers import ACCOUNT, REPO
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ssm_profile.aws.buckets import FEATURES, PRESETS
from ssm_profile.aws.partitions import PARTITIONS, partition_of
from ssm_profile.config.stackfile import StackConfig
from ssm_profile.errors import SsmProfileError
from ssm_profile.offline.plan import run_program

HOSTILE = [" ", "\n", "\t", "\r", "/", ":", "*", "?", "é", "ÿ", "日", "\u2028", "\x00", "\x7f"]
NAME = list("abcXYZ019+=,.@_-")
PATH = [*"abcXYZ019.,+@=_-", *"~:!$'()[]{}<>#%&;", "/"]
TAG = [*"abcXYZ019_.:/=+-@ ", "ü", "日", "\u00a0"]

ROLE_NAMES = ["AppServers", "a" * 64, "a" * 65, "rôle", "App Servers", "App\n", "a/b", "x"]
PATHS = ["/", "/ssm/", "/team:ssm/", "/a b/", "/a//b/", "/日本/", "/ssm/\n", "/*/", "/~x/"]
PATHS += ["/" + "a" * 510 + "/", "/a.b,c+d@e=f_g-h/"]
TAG_KEYS = ["team", "Team", "TEAM", "aws:team", "AWS:x", "a" * 128, "a" * 129, "Équipe", "x\n"]
TAG_VALUES = ["", "platform", "aws:x", "AWS:x", "a" * 256, "a" * 257, "日本", "a\nb", "a\tb"]
DESCRIPTIONS = ["Role of the web tier", "Rôle", "日本", "a\nb", "a" * 1000, "a" * 1001, "\x00"]
POLICY_NAMES = ["SSMInstanceProfileS3Policy", "p" * 126, "p" * 128, "p" * 129, "S3 Policy", "a/b"]
POLICY_DESCRIPTIONS = [*DESCRIPTIONS, "", "日本語の説明"]
PREFIXES = ["logs/", "runs/2026/", "日本/", "a b/", "ü/", "\u2028", "x\n", "runs/*", "/abs"]
POLICY_REFS = [
    "AmazonSSMPatchAssociation",
    "service-role/AmazonEC2RoleforSSM",
    "aws-service-role/AmazonSSMServiceRolePolicy",
    "arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy",
    "arn:aws:iam::aws:policy/a b/X",
    "arn:aws:iam::aws:policy//X",
    "arn:aws:iam::aws:policy/x*/X",
    "arn:aws:iam::aws:policy/team:ssm/X",
    "arn:aws:iam::111122223333:policy/team:ssm/Boundary",
    "arn:aws:iam::111122223333:policy/team/Boundary",
    "arn:aws:iam::111122223333:policy/Boundary\n",
    "arn:aws:iam::111122223333:policy/Bound ary",
]
RESOURCES = [
    "arn:aws:s3:::acme-data/reports/*",
    "arn:aws:s3:::acme-data/日本/*",
    "arn:aws:s3:::acme-data/a b/*",
    "arn:aws:s3:::acme-data/\u2028/*",
    "arn:aws:ssm:us-east-1:123456789012:parameter/acme/*",
    "arn:aws:ssm:us-east-1:123456789012:parameter/acme/*\n",
    "arn:aws:logs:us-east-1:123456789012:log-group:/acme/ü:*",
]
CONDITION_VALUES = ["vpc-0123", "日本", "\u2028", "a\nb", "ü", "", "x" * 300]
# One or two Regions of every partition botocore knows: names, ARNs and principals differ.
REGIONS = [r for p in PARTITIONS.values() for r in sorted(p.regions)[:2]]
REGIONS += ["me-south-1", "ap-east-2", "sa-west-1", "eu-west-1"]  # odd bucket facts
FEATURE_LISTS = [*PRESETS, *([f] for f in FEATURES), list(FEATURES), ["patching", "guide"]]
PARAMETER_PATHS = [
    "/acme/app/",
    "/acme/db/",
    "/acme/*",
    "/日本/",
    "/a b/",
    "acme",
    "/" + "a" * 2048,
    "/x\n",
]
ALWAYS = {
    "Sid": "Always",
    "Effect": "Allow",
    "Action": "s3:GetObject",
    "Resource": "arn:aws:s3:::acme-data/*",
}


def text(alphabet: list[str], max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    base = st.text(st.sampled_from(alphabet + HOSTILE), min_size=min_size, max_size=max_size)
    return st.one_of(base, base.map(lambda s: s + "\n"))


def pool(values: list[Any], alphabet: list[str], max_size: int) -> st.SearchStrategy[Any]:
    """Known members of each class (valid, near misses, hostile) or random text."""
    return st.one_of(st.sampled_from(values), text(alphabet, max_size, 1))


def case_twins(tags: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """The same tags, sometimes with a key repeated in another case (Env, env)."""
    twins = {k.swapcase(): v for k, v in list(tags.items())[:1] if k.swapcase() != k}
    return st.sampled_from([tags, {**tags, **twins}])


def in_partition(resource: str, region: str) -> str:
    """A sample resource ARN moved into the drawn Region's partition and Region."""
    partition = partition_of(region).name
    return resource.replace("arn:aws:", f"arn:{partition}:").replace("us-east-1", region)


@st.composite
def statements(draw: Any, region: str = "us-east-1", hostile: bool = True) -> list[dict[str, Any]]:
    found = []
    sids = (
        (lambda i: [f"Acme{i}", f"Acme{i}\n", f"Acme {i}"]) if hostile else (lambda i: [f"Acme{i}"])
    )
    actions = ["s3:GetObject", ["ssm:GetParameter"], "s3:GetObject\n"][: 3 if hostile else 2]
    resources = RESOURCES if hostile else [RESOURCES[0], RESOURCES[4]]
    for i in range(draw(st.integers(0, 2))):
        statement: dict[str, Any] = {
            "Sid": draw(st.sampled_from(sids(i))),
            "Effect": "Allow",
            "Action": draw(st.sampled_from(actions)),
            "Resource": [
                in_partition(r, region)
                for r in draw(st.lists(st.sampled_from(resources), min_size=1, max_size=2))
            ],
        }
        if draw(st.booleans()):
            key = draw(st.sampled_from(["aws:SourceVpc", "s3:prefix", "aws:PrincipalTag/日"]))
            statement["Condition"] = {"StringEquals": {key: draw(pool(CONDITION_VALUES, TAG, 9))}}
        found.append(statement)
    return found


@st.composite
def stacks(draw: Any) -> tuple[dict[str, str], list[dict[str, Any]]]:
    config: dict[str, Any] = {}
    # Half the stacks draw only valid-looking values, so that many are accepted and checked
    # against the models; the other half mix in near misses and hostile text.
    hostile = draw(st.booleans())

    def pick(values: list[Any], alphabet: list[str], max_size: int) -> st.SearchStrategy[Any]:
        return pool(values, alphabet, max_size) if hostile else st.sampled_from(values[:2])

    modes = ["ec2", "ec2", "existing-role", "hybrid", "default-host-management"]
    mode = draw(st.sampled_from(modes))
    config["mode"] = mode
    region = draw(st.sampled_from(REGIONS))
    if mode == "existing-role":
        config["existingRoleName"] = draw(pick(ROLE_NAMES, NAME, 66))
    if draw(st.booleans()):
        config["vpcEndpoints"] = True
        same = [r for r in REGIONS if partition_of(r) == partition_of(region)]
        regions = st.lists(st.sampled_from(same), min_size=1, max_size=3, unique=not hostile)
        config["regions"] = draw(regions)
    if draw(st.booleans()):
        config["awsBuckets"] = draw(st.sampled_from(FEATURE_LISTS))
    if draw(st.booleans()):
        config["corePolicy"] = "default-host"
        if draw(st.booleans()):
            paths = st.lists(
                pick(PARAMETER_PATHS, PATH, 12), min_size=1, max_size=2, unique=not hostile
            )
            config["parameterPaths"] = draw(paths)
    # Keys that describe a new role: existing-role mode refuses them, so valid-looking
    # stacks of that mode leave them out.
    new_role = hostile or mode != "existing-role"
    if new_role and draw(st.booleans()):
        config["roleName"] = draw(pick(ROLE_NAMES, NAME, 66))
    if mode == "ec2" and draw(st.booleans()):
        config["instanceProfileName"] = draw(pick(ROLE_NAMES, NAME, 130))
    if draw(st.booleans()):
        config["customPolicyName"] = draw(pick(POLICY_NAMES, NAME, 130))
    if draw(st.booleans()):
        config["customPolicyDescription"] = draw(pick(POLICY_DESCRIPTIONS, [*NAME, " "], 30))
    if new_role and draw(st.booleans()):
        config["path"] = draw(pick(PATHS, PATH, 20).map(lambda p: p if p[:1] == "/" else f"/{p}/"))
    if new_role and draw(st.booleans()):
        config["description"] = draw(pick(DESCRIPTIONS, [*NAME, " "], 30))
    if new_role and draw(st.booleans()):
        keys, values = pick(TAG_KEYS, TAG, 10), pick(TAG_VALUES, TAG, 10)
        tags = st.dictionaries(keys, values, max_size=3)
        config["tags"] = draw(tags.flatmap(case_twins) if hostile else tags)
    if draw(st.booleans()):
        config["buckets"] = [{"name": "acme-bucket", "prefix": draw(pick(PREFIXES, PATH, 10))}]
    if draw(st.booleans()):
        refs = st.lists(
            st.sampled_from(POLICY_REFS if hostile else POLICY_REFS[:4]), max_size=2, unique=True
        )
        config["managedPolicies"] = [in_partition(r, region) for r in draw(refs)]
    if new_role and draw(st.booleans()):
        boundary = draw(st.sampled_from(POLICY_REFS[4:] if hostile else POLICY_REFS[9:10]))
        config["permissionsBoundary"] = in_partition(boundary, region)
    if mode == "hybrid" and draw(st.booleans()):
        description = draw(pick([*DESCRIPTIONS[:4], "a" * 257], TAG, 20))
        config["activation"] = {"registrationLimit": 2, "description": description}
    plugin = draw(statements(region, hostile))
    if not plugin and "buckets" not in config and draw(st.booleans()):
        plugin = [ALWAYS]  # a custom policy, so that CreatePolicy sees the path and tags
    if plugin:
        config["plugins"] = ["apimodel_plugin"]
    raw = {"aws:region": region}
    raw |= {
        f"ssm-profile:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in config.items()
    }
    return raw, plugin


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(stacks())
def test_what_is_accepted_is_what_the_api_models_accept(stack):
    raw, plugin = stack
    apimodel_plugin.STATEMENTS[:] = plugin
    try:
        plan = run_program(StackConfig("ssm-profile", "prop", raw, REPO, REPO), ACCOUNT)
    except SsmProfileError as error:
        assert "\n" not in str(error)
        event("refused")
        return
    event(f"accepted: {partition_of(raw['aws:region']).name}, {raw.get('ssm-profile:mode')}")
    problems = [p for call in api_calls(plan.resources) for p in model_problems(*call)]
    problems += iam_problems(plan.resources)
    assert problems == [], raw


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    [
        ("iam", "CreateRole", {"RoleName": "rôle", "AssumeRolePolicyDocument": "{}"}, "RoleName"),
        ("iam", "CreateRole", {"RoleName": "a\n", "AssumeRolePolicyDocument": "{}"}, "RoleName"),
        (
            "iam",
            "CreatePolicy",
            {"PolicyName": "p", "PolicyDocument": "{}", "Path": "/a:b/"},
            "Path",
        ),
        ("iam", "CreatePolicy", {"PolicyName": "p", "PolicyDocument": '"日"'}, "PolicyDocument"),
        ("iam", "TagRole", {"RoleName": "r", "Tags": [{"Key": "a\n", "Value": ""}]}, "Key"),
    ],
)
def test_the_model_check_refuses_what_the_api_refuses(service, operation, params, expected):
    """The checker itself can fail: Java's \\w is ASCII and matches() takes the whole string."""
    (problem,) = model_problems(service, operation, params)
    assert expected in problem


def test_the_model_check_accepts_unicode_tags_as_the_api_does():
    tags = [{"Key": "Équipe 日本", "Value": "ü"}]
    assert model_problems("iam", "TagRole", {"RoleName": "r", "Tags": tags}) == []
