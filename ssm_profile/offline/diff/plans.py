"""Two plans matched resource by resource, by URN without the stack (pure).

A change to an input the AWS provider cannot update in place is a replacement; statements
that only moved between packed policies are noted as moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ...aws import types
from ..planfile import OPTION_FIELDS
from ..report import DOCUMENT_KEYS, DOCUMENT_OUTPUTS
from .alerts import alerts_for
from .model import MISSING, InputDiff, PlanDiff, ResourceDiff, StatementDiff
from .risk import accepted_findings, grade
from .statements import diff_document, fields, keyed, statement_list

# Inputs the AWS provider cannot change in place: a new value replaces the resource.
REPLACED_BY: dict[str, tuple[str, ...]] = {
    types.ROLE: ("name", "path"),
    types.PROFILE: ("name", "path"),
    types.POLICY: ("name", "path", "description"),  # IAM policy descriptions are immutable
    types.ATTACHMENT: ("policyArn", "role"),
    # SSM cannot add or remove an activation's tags: a tag change replaces it (new id, code)
    types.ACTIVATION: ("description", "expirationDate", "iamRole", "registrationLimit", "tags"),
}


def _key(urn: str, stack: str) -> str:
    """The URN without its stack, so plans of two stacks can be compared too."""
    prefix = f"urn:pulumi:{stack}::"
    return urn[len(prefix) :] if urn.startswith(prefix) else urn


def _input_diffs(
    old: Mapping[str, Any], new: Mapping[str, Any], documents: tuple[str, ...] = DOCUMENT_KEYS
) -> tuple[InputDiff, ...]:
    diffs = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if before == after:
            continue
        document = diff_document(before, after) if key in documents else None
        diffs.append(InputDiff(key, before, after, document))
    return tuple(diffs)


def _option_diffs(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[InputDiff, ...]:
    """Changed resource options, as ``options.protect`` and so on (none when a plan predates
    options)."""
    was, now = old.get("options"), new.get("options")
    if was is None or now is None:
        return ()
    return tuple(
        InputDiff(f"options.{key}", was[key], now[key])
        for key, _, _ in OPTION_FIELDS
        if was[key] != now[key]
    )


def _resource_diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> ResourceDiff:
    either = new or old
    assert either is not None
    common = {
        "urn": either["urn"],
        "type": either["type"],
        "name": either["name"],
        "old_options": old and old.get("options"),
        "new_options": new and new.get("options"),
    }
    if old is None or new is None:
        action = "add" if old is None else "remove"
        return ResourceDiff(action, **common, old=old and old["inputs"], new=new and new["inputs"])
    inputs = _input_diffs(old["inputs"], new["inputs"]) + _option_diffs(old, new)
    replaced_by = tuple(d.key for d in inputs if d.key in REPLACED_BY.get(either["type"], ()))
    action = "replace" if replaced_by else "update"
    return ResourceDiff(
        action,
        **common,
        old=old["inputs"],
        new=new["inputs"],
        inputs=inputs,
        replaced_by=replaced_by,
    )


def _match_aliases(
    before: dict[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]], stack: str
) -> dict[str, Mapping[str, Any]]:
    """``before`` with each resource that a new resource names as an alias under the new
    resource's key: Pulumi updates an aliased resource in place instead of replacing it."""
    matched = dict(before)
    for key, resource in after.items():
        if key in before:
            continue
        for alias in (resource.get("options") or {}).get("aliases", ()):
            old_key = _key(alias, stack)
            if old_key in matched and old_key not in after:
                matched[key] = matched.pop(old_key)
                break
    return matched


def _document_statements(inputs: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    parsed = statement_list((inputs or {}).get("policy"))
    if parsed is None:
        return {}
    return {sid: s for sid, s in keyed(parsed[1]).items() if not sid.startswith("#")}


def _mark_moves(resources: tuple[ResourceDiff, ...]) -> tuple[ResourceDiff, ...]:
    """Note statements that only moved between customer managed policies (packing)."""
    left: dict[str, tuple[str, Mapping[str, Any]]] = {}  # sid -> (resource, statement)
    arrived: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for r in resources:
        if r.type != types.POLICY:
            continue
        before, after = _document_statements(r.old), _document_statements(r.new)
        for sid in before.keys() - after.keys():
            left[sid] = (r.name, before[sid])
        for sid in after.keys() - before.keys():
            arrived[sid] = (r.name, after[sid])
    moved = {
        sid
        for sid in left.keys() & arrived.keys()
        if fields(left[sid][1]) == fields(arrived[sid][1])
    }
    if not moved:
        return resources

    def note(s: StatementDiff) -> StatementDiff:
        if s.sid not in moved or s.kind == "changed":
            return s
        if s.kind == "removed":
            return replace(s, note=f"moved to `{arrived[s.sid][0]}`, unchanged")
        return replace(s, note=f"moved from `{left[s.sid][0]}`, unchanged")

    marked = []
    for r in resources:
        inputs = tuple(
            replace(
                d,
                document=replace(d.document, statements=tuple(map(note, d.document.statements))),
            )
            if d.document is not None
            else d
            for d in r.inputs
        )
        marked.append(replace(r, inputs=inputs))
    return tuple(marked)


def diff_plans(old: Mapping[str, Any], new: Mapping[str, Any]) -> PlanDiff:
    """What changes from plan ``old`` to plan ``new`` (both checked by :func:`check_plan`)."""
    before = {_key(r["urn"], old["stack"]): r for r in old["resources"]}
    after = {_key(r["urn"], new["stack"]): r for r in new["resources"]}
    before = _match_aliases(before, after, old["stack"])
    resources = []
    # New plan's order, each removed resource where it stood in the old plan.
    order = list(after)
    for position, key in enumerate(before):
        if key not in after:
            previous = list(before)[:position]
            at = max((order.index(k) + 1 for k in previous if k in order), default=0)
            order.insert(at, key)
    for key in order:
        r = _resource_diff(before.get(key), after.get(key))
        if r.action in ("add", "remove") or r.inputs:
            resources.append(r)
    diffs = _mark_moves(tuple(resources))
    return PlanDiff(
        project=new["project"],
        old_stack=old["stack"],
        new_stack=new["stack"],
        resources=diffs,
        outputs=_input_diffs(old["outputs"], new["outputs"], tuple(DOCUMENT_OUTPUTS)),
        alerts=alerts_for(diffs),
        risk=grade(old, new),
        accepted=accepted_findings(new),
    )
