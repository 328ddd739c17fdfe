"""The AWS-owned buckets (ssm_profile/aws/buckets.py and buckets.json, docs/aws-facts.md): the
table agrees with the doc, every Region of the doc's Patch Manager table gets its suffixed
buckets, each feature and preset of ``awsBuckets`` grants exactly its buckets, and what the
facts do not give is left out or flagged, never guessed silently."""

from __future__ import annotations

import re

import pytest
from helpers import REPO, grants

from ssm_profile.aws import buckets as data
from ssm_profile.aws.buckets import Gap, Selection, grant
from ssm_profile.aws.partitions import PARTITIONS

FACTS = (REPO / "docs" / "aws-facts.md").read_text(encoding="utf-8")

# --- the table and the doc ------------------------------------------------------------------


def _shown(template: str) -> str:
    return template.format(region="R", suffix="SUFFIX")


def bucket_cell(fact: data.BucketFact) -> str:
    """How the doc names a bucket: its pattern, its suffixed form, its Region exceptions."""
    text = f"`{_shown(fact.pattern or fact.suffixed)}`"
    if fact.pattern and fact.suffixed:
        text += f" (`{_shown(fact.suffixed)}` where a suffix is listed)"
    elif fact.suffixed:
        text += " (only where a suffix is listed)"
    for name in dict.fromkeys(fact.instead.values()):
        regions = [r for r, n in fact.instead.items() if n == name]
        text += f" (`{_shown(name)}` in {', '.join(regions)})"
    return text


def doc_tables() -> list[str]:
    """The doc's tables of sources, buckets, features, presets and suffixes, from the data."""
    sources = ["| source | document | date |", "| --- | --- | --- |"]
    sources += [f"| `{key}` | {s.name} | {s.date} |" for key, s in data.SOURCES.items()]
    buckets = [
        "| bucket (R = the Region) | for | features | sources |",
        "| --- | --- | --- | --- |",
    ]
    for fact in data.BUCKETS.values():
        used = [f"`{f}`" for f, ids in data.FEATURES.items() if fact.id in ids]
        if fact.id in data.PRESET_BUCKETS["guide"]:
            used.append("preset `guide`")
        cited = ", ".join(f"`{s}`" for s in fact.sources)
        buckets.append(f"| {bucket_cell(fact)} | {fact.purpose} | {', '.join(used)} | {cited} |")
    features = ["| feature | buckets |", "| --- | --- |"]
    features += [
        f"| `{name}` | {', '.join(bucket_cell(data.BUCKETS[i]) for i in ids)} |"
        for name, ids in data.FEATURES.items()
    ]
    presets = ["| preset | grants |", "| --- | --- |"]
    for name in data.PRESETS:
        if name in data.PRESET_FEATURES:
            listed = ", ".join(f"`{f}`" for f in data.PRESET_FEATURES[name])
            presets.append(f"| `{name}` | the features {listed} |")
        else:
            listed = ", ".join(bucket_cell(data.BUCKETS[i]) for i in data.PRESET_BUCKETS[name])
            presets.append(f"| `{name}` | the buckets {listed} |")
    tables = ["\n".join(t) for t in (sources, buckets, features, presets)]
    for key, regions in data.SUFFIXES.items():
        cited = ", ".join(f"`{s}`" for s in data.SUFFIX_SOURCES[key])
        rows = [f"| Region | `{key}` suffix ({cited}) |", "| --- | --- |"]
        rows += [f"| {region} | `{suffix}` |" for region, suffix in regions.items()]
        tables.append("\n".join(rows))
    return tables


@pytest.mark.parametrize("index", range(6))
def test_the_doc_shows_the_table_as_it_is(index):
    assert doc_tables()[index] in FACTS


def test_the_doc_names_the_data_version_and_where_the_names_are_documented():
    assert f"Data version `{data.DATA_VERSION}`" in FACTS
    assert data.DOCUMENTED_PARTITIONS == ("aws",)


def test_the_table_is_consistent():
    for fact in data.BUCKETS.values():
        assert fact.pattern or fact.suffixed, fact.id
        assert fact.sources and set(fact.sources) <= set(data.SOURCES), fact.id
        assert fact.suffixes is None or fact.suffixes in data.SUFFIXES, fact.id
    for ids in (*data.FEATURES.values(), *data.PRESET_BUCKETS.values()):
        assert set(ids) <= set(data.BUCKETS)
    for features in data.PRESET_FEATURES.values():
        assert set(features) <= set(data.FEATURES)
    assert set(data.PRESET_FEATURES) | set(data.PRESET_BUCKETS) == set(data.PRESETS)
    assert set(data.ALIASES.values()) <= set(data.PRESETS)
    assert all(set(s) <= set(data.SOURCES) for s in data.SUFFIX_SOURCES.values())
    aws = set(PARTITIONS["aws"].regions)
    for regions in data.SUFFIXES.values():
        assert set(regions) <= aws
    assert all(s.name and s.date for s in data.SOURCES.values())


# --- the 29 Regions of the doc's Patch Manager table ----------------------------------------


def patch_manager_suffixes() -> dict[str, str]:
    """The doc's Patch Manager suffix table, read from docs/aws-facts.md itself."""
    section = FACTS[FACTS.index("| Region | `patch-manager` suffix") :]
    section = section[: section.index("\n\n")]
    return dict(re.findall(r"^\| ([a-z0-9-]+) \| `([0-9a-f]+)` \|$", section, re.M))


def test_the_doc_lists_29_regions_with_a_patch_manager_suffix():
    assert len(patch_manager_suffixes()) == 29


@pytest.mark.parametrize("region", sorted(patch_manager_suffixes()))
def test_default_buckets_grant_the_suffixed_patch_manager_buckets(resolve_stack, region):
    suffix = patch_manager_suffixes()[region]
    blueprint = resolve_stack({"vpcEndpoints": True}, region=region)
    resources = {r for s in blueprint.statements for r in s.resources}
    assert f"arn:aws:s3:::aws-patch-manager-{region}-{suffix}/*" in resources
    assert f"arn:aws:s3:::aws-patchmanager-macos-{region}-{suffix}/*" in resources
    assert not any(
        r.startswith(f"arn:aws:s3:::aws-patchmanager-macos-{region}/") for r in resources
    )
    assert blueprint.warnings == ()


def test_all_29_regions_in_one_stack_plan_with_their_suffixes(plan_stack):
    suffixes = patch_manager_suffixes()
    plan = plan_stack(
        {"vpcEndpoints": True, "regions": sorted(suffixes), "maxManagedPolicies": 20},
        region="us-east-1",
    )
    granted = {resource for _, resource in grants(plan)}
    for region, suffix in suffixes.items():
        assert f"arn:aws:s3:::aws-patch-manager-{region}-{suffix}/*" in granted
        assert f"arn:aws:s3:::aws-patchmanager-macos-{region}-{suffix}/*" in granted
    assert plan.warnings == []


def test_me_south_1_patches_from_its_suffixed_patch_manager_bucket():
    names, gaps = grant(Selection(None, ("patching",)), "me-south-1")
    assert set(names) == {
        "aws-ssm-me-south-1",
        "patch-baseline-snapshot-me-south-1-uduvl7q8",
        "aws-patch-manager-me-south-1-a53fc9dce",
    }
    assert gaps == ()


# --- features and presets -------------------------------------------------------------------

# The issue's table, restated here as the test's own expectation (R = us-east-2).
FEATURE_BUCKETS = {
    "agent-updates": {"amazon-ssm-{r}"},
    "documents": {"aws-ssm-{r}", "aws-windows-downloads-{r}"},
    "patching": {"aws-ssm-{r}", "patch-baseline-snapshot-{r}", "aws-patch-manager-{r}-552881074"},
    "patching-macos": {"aws-patchmanager-macos-{r}-552881074", "patch-baseline-snapshot-{r}"},
    "distributor": {
        "{r}-birdwatcher-prod",
        "amazon-ssm-packages-{r}",
        "aws-ssm-document-attachments-{r}",
    },
    "inspector": {"aws-ssm-document-attachments-{r}"},
}
GUIDE_SIX = {
    "aws-ssm-{r}",
    "aws-windows-downloads-{r}",
    "amazon-ssm-{r}",
    "amazon-ssm-packages-{r}",
    "{r}-birdwatcher-prod",
    "patch-baseline-snapshot-{r}",
}


def arns(names: set[str], region: str = "us-east-2") -> set[tuple[str, str]]:
    return {("s3:GetObject", f"arn:aws:s3:::{n.format(r=region)}/*") for n in names}


def test_the_feature_names_are_the_issues():
    assert set(data.FEATURES) == set(FEATURE_BUCKETS)
    assert data.PRESETS == ("current", "guide", "extended")


@pytest.mark.parametrize("feature", sorted(FEATURE_BUCKETS))
def test_each_feature_grants_exactly_its_buckets(plan_stack, feature):
    plan = plan_stack({"vpcEndpoints": True, "awsBuckets": [feature]})
    assert grants(plan) == arns(FEATURE_BUCKETS[feature])
    assert plan.warnings == []


def test_features_combine_without_duplicates(plan_stack):
    plan = plan_stack({"vpcEndpoints": True, "awsBuckets": ["inspector", "distributor"]})
    assert grants(plan) == arns(FEATURE_BUCKETS["distributor"])


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        (
            "current",
            set().union(*(FEATURE_BUCKETS[f] for f in ("agent-updates", "documents", "patching")))
            | FEATURE_BUCKETS["patching-macos"],
        ),
        ("extended", set().union(*FEATURE_BUCKETS.values())),
        ("guide", GUIDE_SIX),
    ],
)
def test_each_preset_grants_exactly_its_buckets(plan_stack, preset, expected):
    plan = plan_stack({"vpcEndpoints": True, "awsBuckets": preset})
    assert grants(plan) == arns(expected)


def test_current_is_the_default(plan_stack):
    assert grants(plan_stack({"vpcEndpoints": True})) == grants(
        plan_stack({"vpcEndpoints": True, "awsBuckets": "current"})
    )


@pytest.mark.parametrize(
    ("region", "feature", "name"),
    [
        ("af-south-1", "distributor", "aws-ssm-distributor-file-af-south-1"),
        ("eu-south-1", "distributor", "aws-ssm-distributor-file-eu-south-1"),
        ("af-south-1", "patching", "patch-baseline-snapshot-af-south-1-tbxdb5b9"),
        ("ap-south-2", "patching-macos", "patch-baseline-snapshot-ap-south-2-50209442"),
        ("ap-southeast-3", "patching", "patch-baseline-snapshot-ap-southeast-3-be0a3174"),
        ("ap-southeast-4", "patching", "patch-baseline-snapshot-ap-southeast-4-dc6f76ce"),
        ("eu-south-2", "patching", "patch-baseline-snapshot-eu-south-2-df2c9d70"),
        ("me-south-1", "patching", "patch-baseline-snapshot-me-south-1-uduvl7q8"),
    ],
)
def test_region_exceptions(region, feature, name):
    names, _ = grant(Selection(None, (feature,)), region)
    assert name in names
    assert f"{region}-birdwatcher-prod" not in names
    assert f"patch-baseline-snapshot-{region}" not in names


def test_the_guide_preset_keeps_the_region_exceptions():
    names, _ = grant(Selection.of_preset("guide"), "af-south-1")
    assert set(names) == {
        "aws-ssm-af-south-1",
        "aws-windows-downloads-af-south-1",
        "amazon-ssm-af-south-1",
        "amazon-ssm-packages-af-south-1",
        "aws-ssm-distributor-file-af-south-1",
        "patch-baseline-snapshot-af-south-1-tbxdb5b9",
    }


# --- what the facts do not give ---------------------------------------------------------------

UNPUBLISHED = ["ap-east-2", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1"]
UNPUBLISHED += ["me-west-1", "sa-west-1"]


@pytest.mark.parametrize("region", UNPUBLISHED)
def test_a_region_without_a_suffix_leaves_the_patch_manager_buckets_out(region):
    names, gaps = grant(Selection.of_preset("current"), region)
    assert not any(n.startswith(("aws-patch-manager-", "aws-patchmanager-macos-")) for n in names)
    assert gaps == (
        Gap(region, "aws", "feature patching", (f"aws-patch-manager-{region}-SUFFIX",), ()),
        Gap(
            region,
            "aws",
            "feature patching-macos",
            (f"aws-patchmanager-macos-{region}-SUFFIX",),
            (),
        ),
    )


def test_outside_aws_names_are_granted_unconfirmed_and_unformable_ones_left_out():
    names, gaps = grant(Selection(None, ("agent-updates", "patching")), "eusc-de-east-1")
    assert names == (
        "amazon-ssm-eusc-de-east-1",
        "aws-ssm-eusc-de-east-1",
        "patch-baseline-snapshot-eusc-de-east-1",
    )
    assert gaps == (
        Gap(
            "eusc-de-east-1",
            "aws-eusc",
            "feature agent-updates",
            (),
            ("amazon-ssm-eusc-de-east-1",),
        ),
        Gap(
            "eusc-de-east-1",
            "aws-eusc",
            "feature patching",
            ("aws-patch-manager-eusc-de-east-1-SUFFIX",),
            ("aws-ssm-eusc-de-east-1", "patch-baseline-snapshot-eusc-de-east-1"),
        ),
    )


def test_the_guide_preset_outside_aws_is_one_gap_per_region():
    _, gaps = grant(Selection.of_preset("guide"), "us-gov-west-1")
    assert [(g.group, g.left_out, len(g.unconfirmed)) for g in gaps] == [("preset guide", (), 6)]


def test_every_region_of_every_partition_resolves():
    for partition in PARTITIONS.values():
        for region in partition.regions:
            names, gaps = grant(Selection.of_preset("extended"), region)
            assert names and all(region in n for n in names)
            assert all(g.partition == partition.name for g in gaps)
            assert bool(gaps) == (
                partition.name != "aws" or region not in data.SUFFIXES["patch-manager"]
            )


# --- what awsBuckets refuses: one error line each -------------------------------------------

FEATURE_LIST = "agent-updates, documents, patching, patching-macos, distributor, inspector"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "curent",
            f'ssm-profile:awsBuckets: "curent" is not a preset (current, guide, extended) nor a '
            f"list of features ({FEATURE_LIST}); did you mean current?",
        ),
        (
            "patchng",
            f'ssm-profile:awsBuckets: "patchng" is not a preset (current, guide, extended) nor a '
            f"list of features ({FEATURE_LIST}); did you mean patching?",
        ),
        (
            "patching",
            'ssm-profile:awsBuckets: "patching" is a feature, not a preset: write a list, '
            "[patching]",
        ),
        (
            ["agent-updates", "pathcing"],
            f'ssm-profile:awsBuckets[1]: "pathcing" is not a feature ({FEATURE_LIST}); did you '
            "mean patching?",
        ),
        (
            ["current"],
            'ssm-profile:awsBuckets[0]: "current" is a preset, not a feature: set '
            f"ssm-profile:awsBuckets: current, or list features ({FEATURE_LIST})",
        ),
        (
            ["standard"],
            'ssm-profile:awsBuckets[0]: "standard" is a preset, not a feature: set '
            f"ssm-profile:awsBuckets: guide, or list features ({FEATURE_LIST})",
        ),
        (
            ["patching", "documents", "patching"],
            'ssm-profile:awsBuckets[2]: "patching" is listed twice (also at [0])',
        ),
        ([], "ssm-profile:awsBuckets: lists no feature; list at least one, or name a preset"),
        ([7], "ssm-profile:awsBuckets[0]: expected a feature name, got 7"),
        ([["patching"]], 'ssm-profile:awsBuckets[0]: expected a feature name, got ["patching"]'),
        (
            {"patching": True},
            "ssm-profile:awsBuckets: expected a preset name or a list of features, got "
            '"{\\"patching\\":true}"',  # the object as the CLI passes it: Go's compact JSON
        ),
        (
            "Current",
            f'ssm-profile:awsBuckets: "Current" is not a preset (current, guide, extended) nor a '
            f"list of features ({FEATURE_LIST}); did you mean current?",
        ),
    ],
    ids=lambda v: str(v)[:30],
)
def test_a_bad_aws_buckets_value_is_one_error_line(resolve_stack, value, message):
    from helpers import error_of

    assert error_of(resolve_stack, {"vpcEndpoints": True, "awsBuckets": value}) == message


def test_a_list_reaches_the_program_as_json_text_as_the_cli_passes_it():
    from ssm_profile.config import load_settings

    raw = {"aws:region": "eu-west-1", "ssm-profile:awsBuckets": '["inspector", "documents"]'}
    settings = load_settings(raw, "ssm-profile", "t")
    assert settings.aws_buckets == Selection(None, ("inspector", "documents"))
    settings = load_settings({**raw, "ssm-profile:awsBuckets": "extended"}, "ssm-profile", "t")
    assert settings.aws_buckets == Selection.of_preset("extended")
    assert settings.aws_buckets.features == data.PRESET_FEATURES["extended"]
