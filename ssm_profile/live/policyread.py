"""A hand-made custom policy read back into stack keys (pure): ``vpcEndpoints``,
``regions`` and ``awsBuckets`` from the AWS-owned buckets it grants, ``buckets`` (with
``prefix``, ``crossAccount`` and ``encrypted``) from the others; every grant no key
reproduces is listed, with why and what to do."""

from __future__ import annotations

import fnmatch
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..aws import buckets as facts
from ..aws.names import check_bucket_name
from ..aws.partitions import Partition
from ..errors import ConfigError
from .grants import Grant, expand, statements

_READ_WRITE = {"s3:GetObject", "s3:PutObject"}
_ACL = "s3:PutObjectAcl"
_ENCRYPTION = "s3:GetEncryptionConfiguration"
_WILDCARD = "a wildcard Region (the guide forbids it): replaced by one statement per Region"
_REGIONS = "list each Region the instances run in under ssm-profile:regions"
PLUGIN = (
    "a plugin's ssm_profile_statements if the instances need it (docs/plugins.md), else drop it"
)


@dataclass(frozen=True)
class Unmapped:
    """Grants of one statement that no key reproduces."""

    statement: str  # "statement 2 (Sid X)" or "statement 2"
    grants: tuple[str, ...]
    reason: str
    suggestion: str


@dataclass
class Reading:
    """What the policy says in stack keys, and what it says that no key can."""

    regions: list[str] = field(default_factory=list)
    aws_buckets: Any = None  # a preset name or a list of features; None: the default
    buckets: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    deviations: list[str] = field(default_factory=list)


def _owned_names(partition: Partition) -> dict[str, tuple[str, str]]:
    """Every AWS-owned bucket name the facts give in the partition -> (Region, bucket id)."""
    names = {}
    for region in partition.regions:
        for fact in facts.BUCKETS.values():
            name = fact.name_in(region)
            if name is not None:
                names[name] = (region, fact.id)
    return names


def _bucket_of(resource: str, partition: Partition) -> tuple[str, str | None] | None:
    """``arn:P:s3:::NAME/KEY`` -> (NAME, KEY); ``arn:P:s3:::NAME`` -> (NAME, None)."""
    prefix = partition.s3_arn("")
    if not resource.startswith(prefix):
        return None
    name, slash, key = resource[len(prefix) :].partition("/")
    return name, (key if slash else None)


def _label(index: int, statement: Any) -> str:
    sid = statement.get("Sid") if isinstance(statement, dict) else None
    return f"statement {index}" + (f" (Sid {sid})" if sid else "")


class _Reader:
    def __init__(self, partition: Partition, region: str) -> None:
        self.partition, self.region = partition, region
        self.owned = _owned_names(partition)
        self.reading = Reading()
        self.granted: dict[str, set[str]] = {}  # Region -> AWS-owned bucket names
        self.own: dict[tuple[str, str | None], set[str]] = {}  # (bucket, prefix) -> actions
        self.own_grants: dict[tuple[str, str | None], list[tuple[str, Grant]]] = {}
        self.encryption: dict[str, tuple[str, Grant]] = {}

    def unmapped(self, label: str, grants: Sequence[Any], reason: str, suggestion: str) -> None:
        self.reading.unmapped.append(
            Unmapped(label, tuple(str(g) for g in grants), reason, suggestion)
        )

    def grant(self, label: str, g: Grant) -> str | None:
        """Take one grant; the reason it maps to no key, or None."""
        if g.effect != "Allow" or g.condition:
            return "the stack's keys grant only unconditional Allow"
        place = _bucket_of(g.resource, self.partition)
        if place is None:
            return "no key grants this service or resource"
        name, key = place
        if "*" in name or "?" in name:
            return self.wildcard(label, g, name)
        if name in self.owned:
            if g.action != "s3:GetObject" or key != "*":
                return "the stack grants AWS-owned buckets s3:GetObject on every object only"
            region, _ = self.owned[name]
            self.granted.setdefault(region, set()).add(name)
            return None
        try:
            check_bucket_name("bucket", name)
        except ConfigError:
            return "not a bucket name the buckets key takes"
        if key is None:
            if g.action != _ENCRYPTION:
                return "the stack grants only s3:GetEncryptionConfiguration on a bucket itself"
            self.encryption[name] = (label, g)
            return None
        if key != "*" and (not key.endswith("*") or "*" in key[:-1] or "?" in key):
            return "a bucket's objects are granted as NAME/* or NAME/PREFIX* only"
        prefix = key[:-1] or None
        self.own.setdefault((name, prefix), set()).add(g.action)
        self.own_grants.setdefault((name, prefix), []).append((label, g))
        return None

    def wildcard(self, label: str, g: Grant, name: str) -> str:
        hits = sorted({self.owned[n][0] for n in self.owned if fnmatch.fnmatchcase(n, name)})
        if not hits:
            return "a wildcard bucket name, which the buckets key refuses"
        self.reading.deviations.append(
            f"{label}: {g.resource} has a wildcard Region, which the guide forbids (it matches "
            f"the buckets of {len(hits)} Regions); the stack grants the buckets of each Region "
            f"in ssm-profile:regions instead, one statement per Region"
        )
        self.granted.setdefault(self.region, set())
        return _WILDCARD

    def read(self, documents: Sequence[Any]) -> Reading:
        index = 0
        for document in documents:
            for statement in statements(document):
                index += 1
                label = _label(index, statement)
                grants = expand(statement)
                if grants is None:
                    self.unmapped(label, [statement], "cannot be read as single grants", PLUGIN)
                    continue
                why: dict[str, list[Grant]] = {}
                for g in grants:
                    reason = self.grant(label, g)
                    if reason is not None:
                        why.setdefault(reason, []).append(g)
                for reason, left in why.items():
                    self.unmapped(label, left, reason, _REGIONS if reason == _WILDCARD else PLUGIN)
        self.own_buckets()
        self.reading.regions = list(self.granted)
        if self.granted:
            self.reading.aws_buckets = self.selection()
        return self.reading

    def own_buckets(self) -> None:
        seen: set[str] = set()
        for (name, prefix), actions in self.own.items():
            label = self.own_grants[(name, prefix)][0][0]
            grants = [g for _, g in self.own_grants[(name, prefix)]]
            if not _READ_WRITE <= actions or name in seen:
                reason = (
                    f"bucket {name} is listed with two prefixes; the buckets key takes one"
                    if name in seen
                    else "the buckets key grants s3:GetObject and s3:PutObject together"
                    + (
                        " (s3:PutObjectAcl only with them, as crossAccount: true)"
                        if _ACL in actions
                        else ""
                    )
                )
                self.unmapped(label, grants, reason, _suggest_bucket(name, actions))
                continue
            seen.add(name)
            extra = actions - _READ_WRITE - {_ACL}
            if extra:
                left = [g for g in grants if g.action in extra]
                self.unmapped(label, left, "no bucket field grants these actions", PLUGIN)
            entry: dict[str, Any] = {"name": name}
            if prefix:
                entry["prefix"] = prefix
            if _ACL in actions:
                entry["crossAccount"] = True
            if name in self.encryption:
                entry["encrypted"] = True
            self.reading.buckets.append(entry)
        for name, (label, g) in self.encryption.items():
            if name not in seen:
                self.unmapped(
                    label, [g], "encrypted: true belongs to a bucket of the buckets key", PLUGIN
                )

    def selection(self) -> Any:
        """The awsBuckets value that grants exactly these buckets in each Region, or the
        closest (a deviation naming what changes)."""
        granted = {region: names for region, names in self.granted.items() if names}
        if not granted:
            return None
        best: tuple[int, int, Any] | None = None
        for rank, choice, selection in _candidates():
            off = 0
            for region, names in granted.items():
                off += len(set(facts.grant(selection, region)[0]) ^ names)
            key = (off, rank)
            if best is None or key < best[:2]:
                best = (off, rank, choice)
        assert best is not None
        if best[0]:
            self.reading.deviations.append(
                f"the AWS-owned buckets granted match no ssm-profile:awsBuckets choice; the "
                f"closest, {best[2]!r}, differs by {best[0]} bucket(s): see the changes below"
            )
        return best[2]


def _candidates() -> list[tuple[int, Any, facts.Selection]]:
    """Presets first (the default first of all), then feature lists, shortest first."""
    found = [(0, p, facts.Selection.of_preset(p)) for p in facts.PRESETS]
    found.sort(key=lambda c: c[1] != facts.DEFAULT_PRESET)
    names = list(facts.FEATURES)
    for size in range(1, len(names) + 1):
        for combo in itertools.combinations(names, size):
            found.append((size, list(combo), facts.Selection(None, combo)))
    return found


def _suggest_bucket(name: str, actions: set[str]) -> str:
    if _ACL in actions:
        return (
            f"if instances write to {name} cross-account, list it in buckets with "
            "crossAccount: true (which also grants s3:GetObject and s3:PutObject); else drop it"
        )
    return f"list {name} in buckets (grants s3:GetObject and s3:PutObject), or " + PLUGIN


def read_policy_documents(documents: Sequence[Any], partition: Partition, region: str) -> Reading:
    """Read the custom policy (its parts, in order) into stack keys."""
    return _Reader(partition, region).read(documents)
