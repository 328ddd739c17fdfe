"""Compare two offline plans the way a reviewer reads them (pure, no Pulumi).

The plans are the JSON objects of ``plan --format json`` (SPEC section 6); resources are
matched by URN. IAM documents (inputs ``policy`` and ``assumeRolePolicy``) are compared as IAM,
not as text: statements are matched by ``Sid`` and, inside a changed statement, the actions,
resources, principals and conditions added or removed are listed one by one. A change that
makes Pulumi replace (or remove) the role or the instance profile gets a loud warning: running
instances lose their Systems Manager credentials until the new one is attached.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import report
from .errors import SsmProfileError

ROLE = "aws:iam/role:Role"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ACTIVATION = "aws:ssm/activation:Activation"

# Inputs the AWS provider cannot change in place: a new value replaces the resource.
REPLACED_BY: dict[str, tuple[str, ...]] = {
    ROLE: ("name", "path"),
    PROFILE: ("name", "path"),
    POLICY: ("name", "path", "description"),  # IAM policy descriptions are immutable
    ATTACHMENT: ("policyArn", "role"),
    ACTIVATION: ("description", "expirationDate", "iamRole", "registrationLimit"),
}
# Resources whose loss strands running instances without credentials.
CREDENTIAL_HOLDERS = {ROLE: "role", PROFILE: "instance profile"}
CONSEQUENCE = {
    ROLE: "running instances lose their Systems Manager credentials until the new role is "
    "in their instance profile",
    PROFILE: "running instances lose their Systems Manager credentials until each one is "
    "associated with the new instance profile (and launch templates name it)",
}

# Statement fields in reading order; any other key follows, sorted.
_FIELD_ORDER = (
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_SIGNS = {"add": "+", "remove": "-", "update": "~", "replace": "+-"}


class PlanFormatError(SsmProfileError):
    """A file given to ``diff`` is not the JSON object that ``plan --format json`` prints."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# --- input checking ---------------------------------------------------------------------------

_KINDS: tuple[tuple[str, type, str], ...] = (
    ("project", str, "a string"),
    ("stack", str, "a string"),
    ("resources", list, "an array"),
    ("outputs", dict, "an object"),
)
_RESOURCE_KINDS: tuple[tuple[str, type, str], ...] = (
    ("urn", str, "a string"),
    ("type", str, "a string"),
    ("name", str, "a string"),
    ("inputs", dict, "an object"),
)

# Inputs the diff compares as text (a renamed attachment is matched by role and policy).
_STRING_INPUTS: dict[str, tuple[str, ...]] = {ATTACHMENT: ("role", "policyArn")}


def _json_kind(value: Any) -> str:
    for kind, name in ((dict, "an object"), (list, "an array"), (str, "a string")):
        if isinstance(value, kind):
            return name
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else f"a {type(value).__name__}"


def check_plan(data: Any, source: str) -> dict[str, Any]:
    """``data`` if it is a plan object, else :class:`PlanFormatError` naming ``source``."""

    def bad(why: str) -> PlanFormatError:
        return PlanFormatError(
            f"{source}: not a plan ({why}); expected the output of `plan --format json`"
        )

    if not isinstance(data, dict):
        raise bad(f"the top level is {_json_kind(data)}, not an object")
    for key, kind, name in _KINDS:
        if key not in data:
            raise bad(f'"{key}" is missing')
        if not isinstance(data[key], kind):
            raise bad(f'"{key}" is {_json_kind(data[key])}, not {name}')
    seen: set[str] = set()
    for index, resource in enumerate(data["resources"]):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            raise bad(f"{where} is {_json_kind(resource)}, not an object")
        for key, kind, name in _RESOURCE_KINDS:
            if not isinstance(resource.get(key, MISSING), kind):
                found = "missing" if key not in resource else _json_kind(resource[key])
                raise bad(f'{where}."{key}" is {found}, not {name}')
        for key in _STRING_INPUTS.get(resource["type"], ()):
            value = resource["inputs"].get(key, MISSING)
            if value is not MISSING and not isinstance(value, str):
                raise bad(f'{where}.inputs."{key}" is {_json_kind(value)}, not a string')
        if resource["urn"] in seen:
            raise bad(f"{where}: urn {resource['urn']} appears twice")
        seen.add(resource["urn"])
    return data


# --- the diff, as data ------------------------------------------------------------------------


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


@dataclass(frozen=True)
class PlanDiff:
    """Everything that differs between two plans, in the new plan's order."""

    project: str
    old_stack: str
    new_stack: str
    resources: tuple[ResourceDiff, ...]
    outputs: tuple[InputDiff, ...]
    alerts: tuple[Alert, ...]

    @property
    def changed(self) -> bool:
        return bool(self.resources or self.outputs)

    def count(self, *actions: str) -> int:
        return sum(1 for r in self.resources if r.action in actions)


# --- IAM documents ----------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _field_values(key: str, value: Any) -> set[str]:
    """A statement field as a set of readable values: order and one-vs-list do not matter."""
    if key in ("Principal", "NotPrincipal") and isinstance(value, dict):
        return {f"{kind} {_text(v)}" for kind, vs in value.items() for v in _as_list(vs)}
    if key == "Condition" and isinstance(value, dict):
        values = set()
        for operator, tests in value.items():
            if not isinstance(tests, dict):
                values.add(f"{operator} {_text(tests)}")
                continue
            for name, vs in tests.items():
                values.update(f"{operator} {name} = {_text(v)}" for v in _as_list(vs))
        return values
    return {_text(v) for v in _as_list(value)}


def _fields(statement: Mapping[str, Any]) -> dict[str, set[str]]:
    return {k: _field_values(k, v) for k, v in statement.items() if k != "Sid"}


def _ordered(keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    return [k for k in _FIELD_ORDER if k in keys] + sorted(keys - set(_FIELD_ORDER))


def _keyed(statements: list[Any]) -> dict[str, Mapping[str, Any]]:
    """Statements by ``Sid``; unnamed ones by position (``#1``), repeats get ``(2)``."""
    keyed: dict[str, Mapping[str, Any]] = {}
    seen: Counter[str] = Counter()
    unnamed = 0
    for statement in statements:
        if not isinstance(statement, Mapping):
            statement = {"(not a statement)": statement}
        sid = statement.get("Sid")
        if isinstance(sid, str) and sid:
            seen[sid] += 1
            key = sid if seen[sid] == 1 else f"{sid} ({seen[sid]})"
        else:
            unnamed += 1
            key = f"#{unnamed}"
        keyed[key] = statement
    return keyed


def _statement_list(text: Any) -> tuple[dict[str, Any], list[Any]] | None:
    if not isinstance(text, str):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or "Statement" not in doc:
        return None
    return doc, _as_list(doc["Statement"])


def diff_document(old: Any, new: Any) -> DocumentDiff | None:
    """Two IAM documents (JSON strings) compared as IAM; ``None`` if either is not one."""
    parsed_old, parsed_new = _statement_list(old), _statement_list(new)
    if parsed_old is None or parsed_new is None:
        return None
    (old_doc, old_list), (new_doc, new_list) = parsed_old, parsed_new
    before, after = _keyed(old_list), _keyed(new_list)
    statements = []
    for sid, statement in after.items():
        if sid not in before:
            statements.append(StatementDiff(sid, "added", None, statement))
            continue
        was, now = _fields(before[sid]), _fields(statement)
        items = tuple(
            Item(sign, key, value)
            for key in _ordered(was.keys() | now.keys())
            for sign, values in (
                ("-", was.get(key, set()) - now.get(key, set())),
                ("+", now.get(key, set()) - was.get(key, set())),
            )
            for value in sorted(values)
        )
        if items:
            statements.append(StatementDiff(sid, "changed", before[sid], statement, items))
    statements += [
        StatementDiff(sid, "removed", statement, None)
        for sid, statement in before.items()
        if sid not in after
    ]
    other = tuple(
        Item(sign, key, _text(doc[key]))
        for key in sorted((old_doc.keys() | new_doc.keys()) - {"Statement"})
        if old_doc.get(key, MISSING) != new_doc.get(key, MISSING)
        for sign, doc in (("-", old_doc), ("+", new_doc))
        if key in doc
    )
    return DocumentDiff(tuple(statements), other)


# --- plans ------------------------------------------------------------------------------------


def _key(urn: str, stack: str) -> str:
    """The URN without its stack, so plans of two stacks can be compared too."""
    prefix = f"urn:pulumi:{stack}::"
    return urn[len(prefix) :] if urn.startswith(prefix) else urn


def _input_diffs(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[InputDiff, ...]:
    diffs = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if before == after:
            continue
        document = diff_document(before, after) if key in report.DOCUMENT_KEYS else None
        diffs.append(InputDiff(key, before, after, document))
    return tuple(diffs)


def _resource_diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> ResourceDiff:
    either = new or old
    assert either is not None
    common = {"urn": either["urn"], "type": either["type"], "name": either["name"]}
    if old is None or new is None:
        action = "add" if old is None else "remove"
        return ResourceDiff(action, **common, old=old and old["inputs"], new=new and new["inputs"])
    inputs = _input_diffs(old["inputs"], new["inputs"])
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


def _change_list(resource: ResourceDiff) -> str:
    by_key = {d.key: d for d in resource.inputs}
    return ", ".join(
        f"{key} {_json(by_key[key].old)} -> {_json(by_key[key].new)}"
        for key in resource.replaced_by
    )


def _pairs(
    gone: list[ResourceDiff], new: list[ResourceDiff]
) -> list[tuple[ResourceDiff, ResourceDiff]]:
    """Removed and added resources of one type that are one resource under a new URN:
    same physical name first, then in order."""
    pairs = []
    gone, new = list(gone), list(new)
    for old in list(gone):
        match = next((n for n in new if n.physical_name == old.physical_name), None)
        if match is not None:
            pairs.append((old, match))
            gone.remove(old)
            new.remove(match)
    return pairs + list(zip(gone, new, strict=False))


def _alerts(resources: tuple[ResourceDiff, ...]) -> tuple[Alert, ...]:
    """Replacements and removals of what running instances depend on, dangers first."""
    alerts: list[Alert] = []
    for r in resources:
        if r.action != "replace" or r.type not in (*CREDENTIAL_HOLDERS, POLICY):
            continue
        if r.type in CREDENTIAL_HOLDERS:
            what = CREDENTIAL_HOLDERS[r.type]
            alerts.append(
                Alert(
                    "danger",
                    f"REPLACES the {what} `{r.name}` ({_change_list(r)}): it is deleted and "
                    f"created anew; {CONSEQUENCE[r.type]}.",
                )
            )
        else:
            alerts.append(
                Alert(
                    "warning",
                    f"replaces the customer managed policy `{r.name}` ({_change_list(r)}): it "
                    "is detached, deleted and created anew; the role lacks its permissions "
                    "in between.",
                )
            )
    for typ in (*CREDENTIAL_HOLDERS, POLICY):
        gone = [r for r in resources if r.action == "remove" and r.type == typ]
        new = [r for r in resources if r.action == "add" and r.type == typ]
        pairs = _pairs(gone, new)
        paired = {id(old) for old, _ in pairs}
        what = CREDENTIAL_HOLDERS.get(typ, "customer managed policy")
        for old, added in pairs:
            if old.physical_name == added.physical_name:
                how = (
                    f"the new one keeps the name `{added.physical_name}`, so creating it fails "
                    "while the old one exists"
                )
            else:
                how = f"name `{old.physical_name}` -> `{added.physical_name}`"
            text = (
                f"the {what} `{old.name}`: its URN changes (now `{added.name}`; {how}), so "
                f"Pulumi deletes the old {what} and creates another; add an alias to keep it"
            )
            if typ in CREDENTIAL_HOLDERS:
                alerts.append(Alert("danger", f"REPLACES {text}. Meanwhile {CONSEQUENCE[typ]}."))
            else:
                alerts.append(Alert("warning", f"replaces {text}."))
        for old in gone:
            if typ in CREDENTIAL_HOLDERS and id(old) not in paired:
                alerts.append(
                    Alert(
                        "danger",
                        f"REMOVES the {what} `{old.name}` (`{old.physical_name}`): running "
                        "instances that use it lose their Systems Manager credentials.",
                    )
                )
    alerts += _renamed_attachments(resources)
    return tuple(sorted(alerts, key=lambda a: a.level != "danger"))


def _renamed_attachments(resources: tuple[ResourceDiff, ...]) -> list[Alert]:
    """An attachment under a new URN with the same role and policy: Pulumi attaches again
    (a no-op in IAM), then deletes the old resource, and that detaches the policy."""
    gone = {
        (r.old.get("role"), r.old.get("policyArn")): r
        for r in resources
        if r.action == "remove" and r.type == ATTACHMENT and r.old
    }
    alerts = []
    for r in resources:
        if r.action != "add" or r.type != ATTACHMENT or not r.new:
            continue
        role, arn = r.new.get("role"), r.new.get("policyArn")
        old = gone.get((role, arn))
        if old is not None:
            alerts.append(
                Alert(
                    "danger",
                    f"DETACHES `{arn}` from the role `{role}`: its attachment gets a new URN "
                    f"(`{old.name}` -> `{r.name}`), so Pulumi attaches the policy again (a "
                    "no-op in IAM) and then deletes the old attachment, which detaches it; "
                    "add an alias to the attachment.",
                )
            )
    return alerts


def _document_statements(inputs: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    parsed = _statement_list((inputs or {}).get("policy"))
    if parsed is None:
        return {}
    return {sid: s for sid, s in _keyed(parsed[1]).items() if not sid.startswith("#")}


def _mark_moves(resources: tuple[ResourceDiff, ...]) -> tuple[ResourceDiff, ...]:
    """Note statements that only moved between customer managed policies (packing)."""
    left: dict[str, tuple[str, Mapping[str, Any]]] = {}  # sid -> (resource, statement)
    arrived: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for r in resources:
        if r.type != POLICY:
            continue
        before, after = _document_statements(r.old), _document_statements(r.new)
        for sid in before.keys() - after.keys():
            left[sid] = (r.name, before[sid])
        for sid in after.keys() - before.keys():
            arrived[sid] = (r.name, after[sid])
    moved = {
        sid
        for sid in left.keys() & arrived.keys()
        if _fields(left[sid][1]) == _fields(arrived[sid][1])
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
        outputs=_input_diffs(old["outputs"], new["outputs"]),
        alerts=_alerts(diffs),
    )


# --- rendering --------------------------------------------------------------------------------


def _json(value: Any) -> str:
    return "(none)" if value is MISSING else json.dumps(value, ensure_ascii=False)


def _line(sign: str, depth: int, text: str) -> str:
    return f"{sign:<2} {'  ' * depth}{text}".rstrip()


def _block(sign: str, depth: int, text: str) -> list[str]:
    return [_line(sign, depth, line) for line in text.splitlines()]


def _value_lines(sign: str, depth: int, key: str, value: Any) -> list[str]:
    if report.is_document(key, value):
        return [
            _line(sign, depth, f"{key}:"),
            *_block(sign, depth + 1, report.document_text(value)),
        ]
    return [_line(sign, depth, f"{key}: {report.value_text(value)}")]


def _statement_lines(s: StatementDiff, depth: int) -> list[str]:
    if s.kind == "changed":
        head = _line("~", depth, f"statement {s.sid} (changed)")
        return [head, *(_line(i.sign, depth + 1, f"{i.field}: {i.value}") for i in s.items)]
    sign, statement = ("+", s.new) if s.kind == "added" else ("-", s.old)
    if s.note:
        return [_line(sign, depth, f"statement {s.sid} ({s.note})")]
    body = json.dumps(statement, indent=2, ensure_ascii=False)
    return [_line(sign, depth, f"statement {s.sid} ({s.kind})"), *_block(sign, depth + 1, body)]


def _input_lines(d: InputDiff, depth: int) -> list[str]:
    if d.old is MISSING:
        return _value_lines("+", depth, d.key, d.new)
    if d.new is MISSING:
        return _value_lines("-", depth, d.key, d.old)
    if d.document is None:
        return [_line("~", depth, f"{d.key}: {_json(d.old)} -> {_json(d.new)}")]
    if d.document.same_permissions:
        return [_line("~", depth, f"{d.key}: same permissions, new text (order or layout)")]
    lines = [_line("~", depth, f"{d.key}:")]
    lines += [_line(i.sign, depth + 1, f"{i.field}: {i.value}") for i in d.document.other]
    for s in d.document.statements:
        lines += _statement_lines(s, depth + 1)
    return lines


def detail_lines(diff: PlanDiff) -> list[str]:
    """Every change as sign-first lines (``+``, ``-``, ``~``, ``+-`` for a replacement)."""
    lines = []
    for r in diff.resources:
        why = f": {', '.join(r.replaced_by)}" if r.replaced_by else ""
        lines.append(_line(_SIGNS[r.action], 0, f"{r.type} {r.name} ({r.action}{why})"))
        if r.action in ("add", "remove"):
            sign = _SIGNS[r.action]
            for key, value in (r.new if r.action == "add" else r.old or {}).items():
                lines += _value_lines(sign, 1, key, value)
        for d in r.inputs:
            lines += _input_lines(d, 1)
    if diff.outputs:
        lines.append(_line("", 0, "Outputs:"))
        for d in diff.outputs:
            lines += _input_lines(d, 1)
    return lines


def summary(diff: PlanDiff) -> str:
    """``project / stack: N to add, N to change (N replaced), N to remove`` or no changes."""
    same = diff.old_stack == diff.new_stack
    stack = diff.new_stack if same else f"{diff.old_stack} -> {diff.new_stack}"
    head = f"{diff.project} / {stack}"
    if not diff.changed:
        return f"{head}: no changes"
    text = (
        f"{head}: {diff.count('add')} to add, {diff.count('update', 'replace')} to change"
        f"{f' ({n} replaced)' if (n := diff.count('replace')) else ''}, "
        f"{diff.count('remove')} to remove"
    )
    if not diff.resources:
        text += " (outputs only)"
    return text


def _note(diff: PlanDiff) -> list[str]:
    if diff.old_stack == diff.new_stack:
        return []
    return [
        f"note: comparing two stacks ({diff.old_stack}, {diff.new_stack}): resources are "
        "matched by URN without the stack name"
    ]


def to_text(diff: PlanDiff) -> str:
    """The diff for a terminal: summary, alerts, then every change."""
    lines = [summary(diff), *_note(diff)]
    if diff.changed:
        lines.append("")
        for w in diff.alerts:
            lines.append(("!!! " if w.level == "danger" else "!   ") + w.message)
        if diff.alerts:
            lines.append("")
        lines += detail_lines(diff)
    return "\n".join(lines) + "\n"


def _what(r: ResourceDiff) -> str:
    """The changed inputs of one resource, for the summary table."""
    parts = []
    for d in r.inputs:
        text = report.md_code(d.key)
        if d.key in r.replaced_by:
            text += " **forces replacement**"
        if d.document is not None and d.document.same_permissions:
            text += ": order or layout only"
        elif d.document is not None and d.document.statements:
            kinds = Counter("moved" if s.note else s.kind for s in d.document.statements)
            counted = (f"{kinds[k]} {k}" for k in ("added", "changed", "removed", "moved"))
            text += ": statements " + ", ".join(c for c in counted if not c.startswith("0 "))
        parts.append(text)
    return "<br>".join(parts)


def to_markdown(diff: PlanDiff, limit: int | None = None) -> str:
    """The diff for a pull request comment: summary, alerts, a table, a ``diff`` block.

    With ``limit``, a rendering longer than ``limit`` characters leaves out the ``diff`` block
    (and says so) rather than be cut anywhere.
    """
    parts = [f"### {summary(diff)} (offline plan)"]
    parts += [f"*{n}*" for n in _note(diff)]
    if not diff.changed:
        return "\n\n".join(parts) + "\n"
    for w in diff.alerts:
        kind = "CAUTION" if w.level == "danger" else "WARNING"
        parts.append(f"> [!{kind}]\n> {w.message}")
    if diff.resources:
        parts.append(
            report.md_table(
                ["change", "resource", "type", "what"],
                [
                    [r.action, report.md_code(r.name), report.md_code(r.type), _what(r)]
                    for r in diff.resources
                ],
            )
        )
    details = report.md_fence("\n".join(detail_lines(diff)), "diff")
    text = "\n\n".join([*parts, details]) + "\n"
    if limit is None or len(text) <= limit:
        return text
    parts.append(
        f"*The detailed diff ({len(details):,} characters) is too long to show here: run "
        "`python -m ssm_profile diff OLD.json NEW.json` on the two plans.*"
    )
    return "\n\n".join(parts) + "\n"


RENDERERS = {"markdown": to_markdown, "text": to_text}
