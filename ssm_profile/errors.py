"""Errors that stop a run before anything is registered, and text that shows as what it is.

Every error carries a one-line cause that names the config key, plugin or statement at fault.
The command line prints it as ``error: <cause>`` and exits 2; under ``pulumi up`` it becomes a
``pulumi.RunError`` (no traceback, nothing registered).

:func:`visible` is the one place where text is made safe to show: the error lines, the plan
and diff for a terminal (``offline/report.py``) and the markdown blocks
(``offline/markdown.py``) all pass what they show through it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any

# A line break (as str.splitlines sees one) and the whitespace around it.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]\s*")
# What may not show as itself: anything but printable ASCII, then each character Python does
# not call printable: controls (C0, DEL, C1: ESC starts terminal sequences, CR and backspace
# rewrite a line, LF starts one), format characters (bidi overrides and isolates, zero-width
# and tag characters), separators other than the space (line, paragraph, no-break spaces),
# lone surrogates (no UTF-8 stream can hold one), private-use and unassigned characters.
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def one_line(text: str) -> str:
    """``text`` with each line break and the whitespace around it collapsed to one space."""
    return _LINE_BREAK.sub(" ", text).strip()


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char.isprintable() else json.dumps(char)[1:-1]  # \n, \u001b, \u202e


def visible(text: str) -> str:
    """``text`` with every character that does not show as itself written as its JSON escape
    (``\\r``, ``\\u001b``, ``\\u202e``): one line that moves no cursor and reorders nothing.

    Inside a JSON string such a character becomes the escape JSON has for it, so the
    ``visible`` lines of a JSON text are the same JSON value.
    """
    return _NOT_PRINTABLE_ASCII.sub(_escape, text)


def q(value: Any) -> str:
    """A value quoted for an error message, as JSON (``"us-east-*"``), with every character
    that is not printable escaped (``"a\\u2028"``, :func:`visible`), so that nothing in it
    can break the line."""
    return visible(json.dumps(value, ensure_ascii=False))


def suggest(word: str, choices: Sequence[str], prefix: str = "") -> str:
    """``'; did you mean X?'`` for the closest choice, or ``''``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close and choices:
        lowered = {c.lower(): c for c in choices}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"; did you mean {prefix}{close[0]}?" if close else ""


class SsmProfileError(Exception):
    """Base class: ``str(error)`` is the one-line cause shown to the user.

    Line breaks in the message (a plugin's exception text or check problem, a value quoted
    from input) are collapsed, so the cause always stays on one line, and every other
    character that does not show as itself is escaped (:func:`visible`).
    """

    def __init__(self, message: str) -> None:
        super().__init__(visible(one_line(message)))


class ConfigError(SsmProfileError):
    """A stack configuration value is missing, malformed or not allowed."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(f"{key}: {message}")


class PolicyError(SsmProfileError):
    """The policies a stack would deploy break an IAM limit or rule."""


class StatementSizeError(PolicyError):
    """A statement that no split by resources fits into one managed policy."""

    def __init__(self, sid: str, detail: str) -> None:
        self.sid = sid
        self.detail = detail  # what is wrong, without the statement's name
        super().__init__(f"statement {sid} {detail}")


class PluginError(SsmProfileError):
    """A plugin failed to load, raised, returned malformed data or vetoed the deployment."""

    def __init__(self, plugin: str, hook: str | None, message: str, sid: str | None = None) -> None:
        self.plugin = plugin
        self.hook = hook
        self.sid = sid
        where = f'plugin "{plugin}"'
        if hook:
            where += f" ({hook})"
        if sid:
            where += f" statement {sid}"
        super().__init__(f"{where}: {message}")
