"""Property tests over settings and packing: any valid combination of Regions, own buckets and
plugin-like statements renders policies that each fit IAM's 6,144 characters, grant exactly
what was asked (every Region's AWS-owned buckets once, every own bucket, every statement), and
never name a Region by wildcard."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssm_profile.aws import check_bucket_name
from ssm_profile.aws.buckets import FEATURES, PRESETS, Selection, grant
from ssm_profile.aws.limits import POLICY_SIZE_LIMIT
from ssm_profile.aws.partitions import PARTITIONS
from ssm_profile.blueprint import build_blueprint
from ssm_profile.config import load_settings
from ssm_profile.errors import ConfigError
from ssm_profile.iam.statement import Statement
from ssm_profile.pluginhost.contributions import Contributions

ACCOUNT = "123456789012"
PLUGIN_ACTIONS = ("s3:GetObject", "s3:PutObject", "kms:Decrypt", "logs:PutLogEvents")


def _valid_bucket(name: str) -> bool:
    try:
        check_bucket_name("b", name)
    except ConfigError:
        return False
    return True


bucket_names = st.from_regex(r"[a-z0-9][a-z0-9-]{1,40}[a-z0-9]", fullmatch=True).filter(
    _valid_bucket
)
prefixes = st.none() | st.from_regex(r"[a-z0-9][a-z0-9/_-]{0,15}/", fullmatch=True)
buckets = st.lists(
    st.fixed_dictionaries(
        {
            "name": bucket_names,
            "prefix": prefixes,
            "crossAccount": st.booleans(),
            "encrypted": st.booleans(),
        }
    ),
    max_size=25,
    unique_by=lambda b: b["name"],
)


@st.composite
def stacks(draw):
    partition = PARTITIONS[draw(st.sampled_from(sorted(PARTITIONS)))]
    regions = draw(st.lists(st.sampled_from(partition.regions), min_size=1, unique=True))
    own = draw(buckets)
    raw = {
        "aws:region": draw(st.sampled_from(partition.regions)),
        "ssm-profile:regions": json.dumps(regions),
        "ssm-profile:vpcEndpoints": "true",
        "ssm-profile:awsBuckets": draw(
            st.sampled_from(PRESETS)
            | st.lists(st.sampled_from(sorted(FEATURES)), min_size=1, unique=True).map(json.dumps)
        ),
        "ssm-profile:buckets": json.dumps(
            [{k: v for k, v in b.items() if v is not None} for b in own]
        ),
        "ssm-profile:maxManagedPolicies": "20",
    }
    count = draw(st.integers(min_value=0, max_value=8))
    plugin = []
    for i in range(count):
        names = draw(st.lists(bucket_names, min_size=1, max_size=120, unique=True))
        plugin.append(
            Statement(
                sid=f"Plugin{i}",
                actions=tuple(draw(st.lists(st.sampled_from(PLUGIN_ACTIONS), min_size=1))),
                resources=tuple(f"arn:{partition.name}:s3:::{n}/data/*" for n in names),
            )
        )
    return raw, regions, own, plugin


def size(text: str) -> int:
    return sum(1 for c in text if c not in " \t\n\r\f\v")


def _list(value):
    return [value] if isinstance(value, str) else list(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stacks())
def test_packed_policies_fit_and_grant_exactly_what_was_asked(stack):
    raw, regions, own, plugin = stack
    settings_ = load_settings(raw, "ssm-profile", "prop")
    blueprint = build_blueprint(settings_, ACCOUNT, Contributions(statements=tuple(plugin)))
    p = settings_.partition.name

    rendered = [json.loads(policy.document) for policy in blueprint.custom_policies]
    for policy in blueprint.custom_policies:
        assert size(policy.document) <= POLICY_SIZE_LIMIT
    statements = [s for doc in rendered for s in doc["Statement"]]
    granted = Counter(
        (a, r) for s in statements for a in _list(s["Action"]) for r in _list(s["Resource"])
    )

    expected = Counter()
    chosen = raw["ssm-profile:awsBuckets"]
    selection = (
        Selection(None, tuple(json.loads(chosen)))
        if chosen.startswith("[")
        else Selection.of_preset(chosen)
    )
    assert settings_.aws_buckets == selection
    for region in regions:
        names, _ = grant(selection, region)
        assert names and all(region in n for n in names)
        expected.update(("s3:GetObject", f"arn:{p}:s3:::{n}/*") for n in names)
    for b in own:
        objects = f"arn:{p}:s3:::{b['name']}/{b['prefix'] or ''}*"
        expected.update([("s3:GetObject", objects), ("s3:PutObject", objects)])
        if b["crossAccount"]:
            expected[("s3:PutObjectAcl", objects)] += 1
        if b["encrypted"]:
            expected[("s3:GetEncryptionConfiguration", f"arn:{p}:s3:::{b['name']}")] += 1
    for s in plugin:
        expected.update((a, r) for a in s.actions for r in s.resources)
    # each Region's buckets, each own bucket and each plugin grant exactly once, nothing else
    assert granted == expected

    for s in statements:
        for resource in _list(s["Resource"]):
            bucket = resource.split(":::", 1)[1].split("/", 1)[0]
            assert "*" not in bucket and "?" not in bucket, resource
    assert len({s["Sid"] for s in statements}) == len(statements)
