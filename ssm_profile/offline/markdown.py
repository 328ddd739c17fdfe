"""GitHub-flavoured markdown building blocks, each escaping what it holds (pure).

The one place where text becomes markdown: plans, diffs and review comments use only these.
"""

from __future__ import annotations


def _longest_run(text: str, char: str) -> int:
    longest = run = 0
    for c in text:
        run = run + 1 if c == char else 0
        longest = max(longest, run)
    return longest


def md_code(text: str) -> str:
    """``text`` as an inline code span, whatever backticks it holds."""
    ticks = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_cell(text: str) -> str:
    """Markdown made safe for one table cell: no line breaks, pipes escaped."""
    return text.replace("\n", " ").replace("|", "\\|")


def md_fence(text: str, info: str = "") -> str:
    """``text`` as a fenced code block that no line of ``text`` can close."""
    ticks = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def md_table(header: list[str], rows: list[list[str]]) -> str:
    """A GitHub-flavoured table; cells are markdown already (see :func:`md_cell`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
