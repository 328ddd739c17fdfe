"""The diff of two plans, as data: what changed, resource by resource and statement by
statement (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Item:
    """One line inside a changed statement: ``+ Action: s3:PutObject``."""

    sign: str
    field: str
    value: str


@dataclass(frozen=True)
class StatementDiff:
    """A statement added, removed or changed; ``note`` says where a moved one went."""

    sid: str
    kind: str  # "added" | "removed" | "changed"
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    items: tuple[Item, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class DocumentDiff:
    """An IAM document compared as IAM; ``same_permissions``: only order or layout differ."""

    statements: tuple[StatementDiff, ...]
    other: tuple[Item, ...]

    @property
    def same_permissions(self) -> bool:
        return not self.statements and not self.other


@dataclass(frozen=True)
class InputDiff:
    """One input (or output) whose value differs; ``document`` for IAM documents."""

    key: str
    old: Any
    new: Any
    document: DocumentDiff | None = None


@dataclass(frozen=True)
class ResourceDiff:
    """A resource added, removed, updated in place or replaced."""

    action: str  # "add" | "remove" | "update" | "replace"
    urn: str
    type: str
    name: str
    old: Mapping[str, Any] | None
    new: Mapping[str, Any] | None
    inputs: tuple[InputDiff, ...] = ()
    replaced_by: tuple[str, ...] = ()
    # The resource options of each plan (None: a plan written before options were recorded).
    old_options: Mapping[str, Any] | None = None
    new_options: Mapping[str, Any] | None = None

    @property
    def protected(self) -> bool:
        """``protect`` in the plan it is in now: ``pulumi up`` refuses to delete it."""
        return bool((self.old_options or {}).get("protect"))

    @property
    def retained(self) -> bool:
        """``retainOnDelete``: deleting it in Pulumi leaves it in AWS."""
        return bool((self.old_options or {}).get("retainOnDelete"))

    @property
    def physical_name(self) -> str:
        for inputs in (self.new, self.old):
            if inputs and isinstance(inputs.get("name"), str):
                return inputs["name"]
        return self.name


@dataclass(frozen=True)
class Alert:
    """``danger``: instances lose credentials; ``warning``: a policy is re-created."""

    level: str
    message: str


BROADENING, NARROWING, NEUTRAL = "broadening", "narrowing", "neutral"


@dataclass(frozen=True)
class Change:
    """One graded change; ``message`` is markdown (values as inline code)."""

    grade: str
    message: str


@dataclass(frozen=True)
class Row:
    """One row of the IAM statement changes table (a statement as it was or as it is now)."""

    sign: str  # "+" now, "-" before
    effect: str
    actions: tuple[str, ...]  # each with its access level: "s3:GetObject (Read)"
    resources: tuple[str, ...]
    condition: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class PolicyRow:
    """An AWS or customer managed policy attached (``+``) or detached (``-``)."""

    sign: str
    arn: str
    name: str
    deprecated: bool
    grants: str  # its actions with access levels, or what the data knows of them
    source: str


@dataclass(frozen=True)
class Risk:
    """The graded changes of a diff, broadening first, and the tables that show them."""

    changes: tuple[Change, ...] = ()
    statements: tuple[Row, ...] = ()
    policies: tuple[PolicyRow, ...] = ()

    def has(self, grade: str) -> bool:
        return any(c.grade == grade for c in self.changes)

    @property
    def grade(self) -> str:
        """``broadening`` if anything broadens, else ``narrowing`` if anything narrows."""
        for grade in (BROADENING, NARROWING):
            if self.has(grade):
                return grade
        return NEUTRAL


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between two plans, in the new plan's order."""

    project: str
    old_stack: str
    new_stack: str
    resources: tuple[ResourceDiff, ...]
    outputs: tuple[InputDiff, ...]
    alerts: tuple[Alert, ...]
    risk: Risk = Risk()
    # The new plan's acceptedFindings output: gate findings the stack accepts.
    accepted: tuple[Mapping[str, Any], ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.resources or self.outputs)

    def count(self, *actions: str) -> int:
        return sum(1 for r in self.resources if r.action in actions)
