"""The diff rendered for a terminal (``text``) and a pull request comment (``markdown``).

Both are built as single lines: :func:`.report.text_block` escapes them for a terminal, and
:func:`.markdown.md_fence` for the ``diff`` block of a comment.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from .. import report
from ..markdown import md_code, md_document, md_fence, md_name, md_table
from .alerts import json_value
from .model import BROADENING, MISSING, NARROWING, InputDiff, PlanDiff, ResourceDiff, StatementDiff
from .tables import tables_markdown, tables_text

_SIGNS = {"add": "+", "remove": "-", "update": "~", "replace": "+-"}


def _line(sign: str, depth: int, text: str) -> str:
    # spaces only: str.rstrip() would also drop a value's trailing \x1f, \x85 or \u2028
    return f"{sign:<2} {'  ' * depth}{text}".rstrip(" ")


def _block(sign: str, depth: int, text: str) -> list[str]:
    return [_line(sign, depth, line) for line in text.split("\n")]


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
        return [_line("~", depth, f"{d.key}: {json_value(d.old)} -> {json_value(d.new)}")]
    if d.document.same_permissions:
        return [_line("~", depth, f"{d.key}: same permissions, new text (order or layout)")]
    lines = [_line("~", depth, f"{d.key}:")]
    lines += [_line(i.sign, depth + 1, f"{i.field}: {i.value}") for i in d.document.other]
    for s in d.document.statements:
        lines += _statement_lines(s, depth + 1)
    return lines


# In a comment's ``diff`` block a replacement reads ``-/+`` (delete, then create, as Pulumi does
# with deleteBeforeReplace): GitHub paints a line that starts with ``+`` as an addition.
MARKDOWN_REPLACE_SIGN = "-/+"


def detail_lines(diff: PlanDiff, replace_sign: str = _SIGNS["replace"]) -> list[str]:
    """Every change as sign-first lines (``+``, ``-``, ``~``, ``replace_sign`` for a
    replacement: ``+-`` in a terminal, :data:`MARKDOWN_REPLACE_SIGN` in a comment)."""
    lines = []
    signs = {**_SIGNS, "replace": replace_sign}
    for r in diff.resources:
        why = f": {', '.join(r.replaced_by)}" if r.replaced_by else ""
        lines.append(_line(signs[r.action], 0, f"{r.type} {r.name} ({r.action}{why})"))
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


def access(diff: PlanDiff) -> str:
    """``BROADENS ACCESS``, ``narrows access`` or ``""``: what the diff does to access."""
    grade = diff.risk.grade
    return {BROADENING: "BROADENS ACCESS", NARROWING: "narrows access"}.get(grade, "")


def summary(diff: PlanDiff, name: Callable[[str], str] = str) -> str:
    """``project / stack: [BROADENS ACCESS, ]N to add, N to change (N replaced), N to remove``
    or no changes; ``name`` quotes the project and stack names."""
    same = diff.old_stack == diff.new_stack
    stack = name(diff.new_stack) if same else f"{name(diff.old_stack)} -> {name(diff.new_stack)}"
    head = f"{name(diff.project)} / {stack}"
    if not diff.changed:
        return f"{head}: no changes"
    text = (
        f"{head}: {f'{a}, ' if (a := access(diff)) else ''}"
        f"{diff.count('add')} to add, {diff.count('update', 'replace')} to change"
        f"{f' ({n} replaced)' if (n := diff.count('replace')) else ''}, "
        f"{diff.count('remove')} to remove"
    )
    if not diff.resources:
        text += " (outputs only)"
    return text


def _graded(diff: PlanDiff, grade: str) -> list[str]:
    return [c.message for c in diff.risk.changes if c.grade == grade]


_HEADINGS = {
    BROADENING: "Access broadens ({n}): a reviewer must approve each of these",
    NARROWING: "Access narrows ({n})",
}


def _risk_text(diff: PlanDiff) -> list[str]:
    lines = []
    for grade in (BROADENING, NARROWING):
        found = _graded(diff, grade)
        if found:
            lines.append(_HEADINGS[grade].format(n=len(found)) + ":")
            lines += [("!!! " if grade == BROADENING else "    ") + m for m in found]
            lines.append("")
    return lines


def _note(diff: PlanDiff, name: Callable[[str], str] = str) -> list[str]:
    if diff.old_stack == diff.new_stack:
        return []
    return [
        f"note: comparing two stacks ({name(diff.old_stack)}, {name(diff.new_stack)}): "
        "resources are matched by URN without the stack name"
    ]


def to_text(diff: PlanDiff) -> str:
    """The diff for a terminal: summary, alerts (markdown with the values in backticks,
    which read as quotes), then every change."""
    lines = [summary(diff), *_note(diff)]
    if diff.changed:
        lines.append("")
        lines += _risk_text(diff)
        for w in diff.alerts:
            lines.append(("!!! " if w.level == "danger" else "!   ") + w.message)
        if diff.alerts:
            lines.append("")
        lines += tables_text(diff)
        lines += detail_lines(diff)
    return report.text_block(lines)


def _what(r: ResourceDiff) -> str:
    """The changed inputs of one resource, for the summary table."""
    parts = []
    for d in r.inputs:
        text = md_code(d.key)
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

    With ``limit``, a rendering longer than ``limit`` characters leaves out its last blocks,
    the ``diff`` block first, and says so, rather than be cut anywhere
    (:func:`.markdown.md_document`).
    """
    parts = [f"### {summary(diff, md_name)} (offline plan)"]
    parts += [f"*{n}*" for n in _note(diff, md_name)]
    if not diff.changed:
        return md_document(parts)
    parts += _risk_markdown(diff)
    for w in diff.alerts:
        kind = "CAUTION" if w.level == "danger" else "WARNING"
        parts.append(f"> [!{kind}]\n> {w.message}")
    if diff.resources:
        parts.append(
            md_table(
                ["change", "resource", "type", "what"],
                [[r.action, md_code(r.name), md_code(r.type), _what(r)] for r in diff.resources],
            )
        )
    parts += tables_markdown(diff)
    parts.append(md_fence(detail_lines(diff, MARKDOWN_REPLACE_SIGN), "diff"))
    return md_document(parts, limit, _too_long)


def _risk_markdown(diff: PlanDiff) -> list[str]:
    parts = []
    broadening, narrowing = _graded(diff, BROADENING), _graded(diff, NARROWING)
    if broadening:
        heading = _HEADINGS[BROADENING].format(n=len(broadening))
        parts.append(
            "\n".join(["> [!CAUTION]", f"> **{heading}:**", *(f"> - {m}" for m in broadening)])
        )
    if narrowing:
        heading = _HEADINGS[NARROWING].format(n=len(narrowing))
        parts.append("\n".join([f"**{heading}:**", *(f"- {m}" for m in narrowing)]))
    return parts


def _too_long(length: int) -> str:
    return (
        f"*The whole diff ({length:,} characters) is too long to show here: run "
        "`python -m ssm_profile diff OLD.json NEW.json` on the two plans.*"
    )


RENDERERS = {"markdown": to_markdown, "text": to_text}
