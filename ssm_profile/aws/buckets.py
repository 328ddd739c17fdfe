"""The AWS-owned S3 buckets SSM Agent reads through VPC endpoints, per Region (pure data).

The one table is ``buckets.json`` beside this file: each bucket with its name pattern, its
Region exceptions and suffixes, what it is for and its sources (name and date), the features
that use it, the presets of ``ssm-profile:awsBuckets`` and :data:`DATA_VERSION`.
docs/aws-facts.md lists the same table; ``tests/test_buckets.py`` holds the two together.

No name is guessed: a name whose Region suffix AWS has not published cannot be formed and is
left out; a name that follows the documented pattern outside the partitions AWS documents
(``aws``) is granted but unconfirmed. :func:`grant` reports both as a :class:`Gap`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

from .partitions import partition_of

_DATA: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath("buckets.json").read_text(encoding="utf-8")
)

DATA_VERSION: str = _DATA["dataVersion"]
# Where AWS documents these names; in every other partition they are unconfirmed.
DOCUMENTED_PARTITIONS: tuple[str, ...] = tuple(_DATA["documentedPartitions"])
PLACEHOLDER_SUFFIX = "SUFFIX"  # how a name that cannot be formed is shown


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: a document's name and the date of the copy read."""

    name: str
    date: str


@dataclass(frozen=True)
class BucketFact:
    """One AWS-owned bucket: its name in each Region, what it is for, its sources."""

    id: str
    purpose: str
    sources: tuple[str, ...]
    pattern: str | None  # ``{region}``-templated name; None when a suffix is required
    suffixed: str | None = None  # the name in Regions of the suffix table
    suffixes: str | None = None  # which suffix table
    instead: Mapping[str, str] = field(default_factory=dict, hash=False)  # Region -> name

    def name_in(self, region: str) -> str | None:
        """The bucket's name in ``region``, or ``None`` when it cannot be formed there."""
        if region in self.instead:
            return self.instead[region].format(region=region)
        suffix = SUFFIXES[self.suffixes].get(region) if self.suffixes else None
        if suffix and self.suffixed:
            return self.suffixed.format(region=region, suffix=suffix)
        return self.pattern.format(region=region) if self.pattern else None

    def placeholder_in(self, region: str) -> str:
        """The name with ``SUFFIX`` where the unpublished suffix would stand."""
        assert self.suffixed is not None
        return self.suffixed.format(region=region, suffix=PLACEHOLDER_SUFFIX)


SOURCES: Mapping[str, Source] = MappingProxyType(
    {key: Source(**value) for key, value in _DATA["sources"].items()}
)
SUFFIXES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {key: MappingProxyType(value["regions"]) for key, value in _DATA["suffixes"].items()}
)
SUFFIX_SOURCES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {key: tuple(value["sources"]) for key, value in _DATA["suffixes"].items()}
)
BUCKETS: Mapping[str, BucketFact] = MappingProxyType(
    {
        key: BucketFact(
            id=key,
            purpose=value["purpose"],
            sources=tuple(value["sources"]),
            pattern=value.get("name"),
            suffixed=value.get("suffixed"),
            suffixes=value.get("suffixes"),
            instead=MappingProxyType(value.get("instead", {})),
        )
        for key, value in _DATA["buckets"].items()
    }
)
FEATURES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {key: tuple(value) for key, value in _DATA["features"].items()}
)
PRESET_FEATURES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {key: tuple(p["features"]) for key, p in _DATA["presets"].items() if "features" in p}
)
PRESET_BUCKETS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {key: tuple(p["buckets"]) for key, p in _DATA["presets"].items() if "buckets" in p}
)
PRESETS: tuple[str, ...] = tuple(_DATA["presets"])
ALIASES: Mapping[str, str] = MappingProxyType(_DATA["aliases"])  # old name -> preset
DEFAULT_PRESET = "current"


@dataclass(frozen=True)
class Selection:
    """What ``ssm-profile:awsBuckets`` chose: a preset, or a list of features."""

    preset: str | None  # current, guide, extended; None for a list of features
    features: tuple[str, ...]  # the features it grants (the guide preset grants buckets)
    alias: str | None = None  # the old name the stack used for the preset (standard)

    @classmethod
    def of_preset(cls, name: str, alias: str | None = None) -> Selection:
        return cls(name, PRESET_FEATURES.get(name, ()), alias)

    def groups(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``(label, bucket ids)`` per feature, or the guide preset's one group."""
        if self.preset in PRESET_BUCKETS:
            return ((f"preset {self.preset}", PRESET_BUCKETS[self.preset]),)
        return tuple((f"feature {f}", FEATURES[f]) for f in self.features)


@dataclass(frozen=True)
class Gap:
    """Bucket names of one Region and one feature (or preset) that the facts do not give."""

    region: str
    partition: str
    group: str  # "feature patching", "preset guide"
    left_out: tuple[str, ...]  # cannot be formed: the Region's suffix is unpublished
    unconfirmed: tuple[str, ...]  # granted by the documented pattern, unconfirmed here


def grant(selection: Selection, region: str) -> tuple[tuple[str, ...], tuple[Gap, ...]]:
    """The bucket names ``selection`` grants in ``region``, and what the facts lack there."""
    partition = partition_of(region)
    assert partition is not None, region
    documented = partition.name in DOCUMENTED_PARTITIONS
    names: dict[str, None] = {}
    gaps = []
    for label, ids in selection.groups():
        left_out, unconfirmed = [], []
        for fact in (BUCKETS[i] for i in ids):
            name = fact.name_in(region)
            if name is None:
                left_out.append(fact.placeholder_in(region))
                continue
            names[name] = None
            if not documented:
                unconfirmed.append(name)
        if left_out or unconfirmed:
            gaps.append(Gap(region, partition.name, label, tuple(left_out), tuple(unconfirmed)))
    return tuple(names), tuple(gaps)


def aws_owned_buckets(region: str, selection: Selection | None = None) -> tuple[str, ...]:
    """The bucket names granted in ``region`` (by default, the default preset's)."""
    return grant(selection or Selection.of_preset(DEFAULT_PRESET), region)[0]
