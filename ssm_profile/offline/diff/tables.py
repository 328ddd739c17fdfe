"""The IAM tables of a diff, in a terminal and in markdown (pure): statement changes in the
style of ``cdk diff``, managed policy changes and the accepted findings."""

from __future__ import annotations

from ..markdown import md_code, md_table
from .model import PlanDiff

STATEMENT_HEADER = ["", "Effect", "Action (access level)", "Resource", "Condition", "Source"]
POLICY_HEADER = ["", "Managed policy", "Deprecated by AWS", "Grants (access level)", "Source"]
ACCEPTED_HEADER = ["Sid", "Finding", "Subject", "Reason", "Plugin"]


def _statement_cells(diff: PlanDiff) -> list[list[list[str]]]:
    return [
        [[r.sign], [r.effect], list(r.actions), list(r.resources), list(r.condition), [r.source]]
        for r in diff.risk.statements
    ]


def _policy_cells(diff: PlanDiff) -> list[list[list[str]]]:
    return [
        [[p.sign], [p.name], ["yes" if p.deprecated else "no"], p.grants.split(", "), [p.source]]
        for p in diff.risk.policies
    ]


def _accepted_cells(diff: PlanDiff) -> list[list[list[str]]]:
    return [
        [[str(a.get(key) or "")] for key in ("sid", "finding", "subject", "reason", "plugin")]
        for a in diff.accepted
    ]


def _text_table(header: list[str], rows: list[list[list[str]]]) -> list[str]:
    """Columns padded to their widest line; a cell of several values takes several lines."""
    widths = [len(h) for h in header]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max([widths[i], *(len(v) for v in cell)])

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    lines = [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for row in rows:
        for n in range(max(1, *(len(c) for c in row))):
            lines.append(line([c[n] if n < len(c) else "" for c in row]))
    return lines


def tables_text(diff: PlanDiff) -> list[str]:
    lines = []
    for title, header, rows in (
        ("IAM statement changes", STATEMENT_HEADER, _statement_cells(diff)),
        ("Managed policy changes", POLICY_HEADER, _policy_cells(diff)),
        ("Accepted findings (ssm-profile:acceptFindings)", ACCEPTED_HEADER, _accepted_cells(diff)),
    ):
        if rows:
            lines += [f"{title}:", *_text_table(header, rows), ""]
    return lines


def _md_cells(rows: list[list[list[str]]], plain: tuple[int, ...] = (0,)) -> list[list[str]]:
    """Each value as inline code, several in one cell joined by line breaks; columns in
    ``plain`` (the sign) as they are."""
    return [
        [
            "<br>".join(v if i in plain else md_code(v) for v in cell) if cell else ""
            for i, cell in enumerate(row)
        ]
        for row in rows
    ]


def tables_markdown(diff: PlanDiff) -> list[str]:
    parts = []
    for title, header, rows in (
        ("IAM statement changes", STATEMENT_HEADER, _statement_cells(diff)),
        ("Managed policy changes", POLICY_HEADER, _policy_cells(diff)),
        (
            "Accepted findings (`ssm-profile:acceptFindings`)",
            ACCEPTED_HEADER,
            _accepted_cells(diff),
        ),
    ):
        if rows:
            plain = (0,) if header[0] == "" else ()  # the +/- column
            parts += [f"#### {title}", md_table(header, _md_cells(rows, plain))]
    return parts
