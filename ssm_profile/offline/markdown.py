"""GitHub-flavoured markdown building blocks, each escaping what it holds (pure).

The one place where text becomes markdown: plans, diffs and review comments use only these.
A value from the input (a name, an ARN, a config value, a plan file's strings) only ever
appears inside an inline code span (:func:`md_code`) or a fenced block (:func:`md_fence`),
where markdown, HTML, entities and autolinks are inert, or as a plain name of letters, digits
and hyphens (:func:`md_name`). Each first passes through :func:`~ssm_profile.errors.visible`,
so no value holds a line break that could end a table row or start a block.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ..errors import visible

# A name shown as plain text: nothing in it is markdown, HTML, an entity or an autolink.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9-]+")
# What an empty value shows: no code span can be empty (two backticks are literal text).
EMPTY = "*(empty)*"


def _longest_run(text: str, char: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        longest = max(longest, run)
    return longest


def md_code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks or spaces it holds."""
    text = visible(text)
    if not text:
        return EMPTY
    ticks = "`" * (_longest_run(text, "`") + 1)
    # CommonMark strips one space from each side of a span that begins and ends with one,
    # unless it is all spaces: pad, so that the span shows exactly ``text``.
    edged = text[0] in "` " or text[-1] in "` "
    pad = " " if edged and text.strip(" ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_name(text: str) -> str:
    """A name in running text or a heading: as it is when it is only letters, digits and
    hyphens, else as inline code."""
    return text if _PLAIN_NAME.fullmatch(text) else md_code(text)


def md_cell(text: str) -> str:
    """Markdown made safe for one table cell: one line, pipes escaped (GitHub unescapes
    ``\\|`` inside code spans of a table too)."""
    return visible(text).replace("|", "\\|")


def md_fence(lines: Iterable[str], info: str = "") -> str:
    """``lines`` as a fenced code block that none of them can close. Each is one line:
    :func:`~ssm_profile.errors.visible`, so a line break inside it cannot start another."""
    body = "\n".join(visible(line) for line in lines)
    ticks = "`" * max(3, _longest_run(body, "`") + 1)
    return f"{ticks}{info}\n{body}\n{ticks}"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured table; cells are markdown already (see :func:`md_cell`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def md_document(
    blocks: Sequence[str], limit: int | None = None, cut: Callable[[int], str] | None = None
) -> str:
    """Blocks joined by blank lines. Longer than ``limit`` characters, it keeps the leading
    blocks that fit and ends with ``cut(length)`` (saying what was left out), so no block
    (a table, a fenced block) is ever cut in two and left open."""
    text = "\n\n".join(blocks) + "\n"
    if limit is None or len(text) <= limit:
        return text
    note = cut(len(text)) if cut else "*(too long: the rest is left out)*"
    kept: list[str] = []
    size = len(note) + 1
    for block in blocks:
        size += len(block) + 2
        if size > limit:
            break
        kept.append(block)
    return "\n\n".join([*kept, note]) + "\n"
