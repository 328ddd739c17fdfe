"""The shipped data files' format (pure): JSON with one entry per line, read lazily.

``parliament_actions.json`` (one service per line) and ``managed_policies.json`` (one AWS
managed policy per line) are each a JSON object whose last key, the section, maps names to
entries::

    {"source":"...",...,"services":{
    "a4b":{...},
    "access-analyzer":{...}
    }}

A refresh therefore diffs one line per changed entry, and a reader decodes only the entries
it looks up: a plan that needs five of 420 services decodes five lines, not 1 MB.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

_COMPACT = (",", ":")


def render(head: Mapping[str, Any], section: str, entries: Mapping[str, Any]) -> str:
    """The file's text: ``head``'s keys, then ``section`` with one entry per line."""
    lines = [json.dumps({**head, section: {}}, separators=_COMPACT)[:-2]]  # ..."section":{
    items = list(entries.items())
    for i, (name, entry) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(name)}:{json.dumps(entry, separators=_COMPACT)}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


class LazyEntries(Mapping[str, Any]):
    """The section's entries by name; each is decoded from its line on first lookup."""

    def __init__(self, lines: Mapping[str, str]) -> None:
        self._lines = lines
        self._decoded: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        try:
            return self._decoded[name]
        except KeyError:
            value = self._decoded[name] = json.loads(self._lines[name])
            return value

    def __contains__(self, name: object) -> bool:
        return name in self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


_DECODER = json.JSONDecoder()


def read(path: Path, section: str) -> tuple[dict[str, Any], LazyEntries]:
    """``(head, entries)`` of a file :func:`render` wrote.

    Raises :class:`ValueError` naming the file when it is not in that format (a file edited
    by hand: regenerate it with ``make data``).
    """
    lines = path.read_text(encoding="utf-8").split("\n")
    opening = json.dumps({section: {}}, separators=_COMPACT)[1:-2]  # "section":{
    if len(lines) < 3 or not lines[0].endswith(opening) or lines[-2:] != ["}}", ""]:
        raise ValueError(f"{path}: not one {section} entry per line; regenerate it (make data)")
    head = json.loads(lines[0][: -len(opening)].rstrip(",") + "}")
    entries: dict[str, str] = {}
    for number, line in enumerate(lines[1:-2], start=2):
        try:
            name, end = _DECODER.raw_decode(line)
        except json.JSONDecodeError:
            name, end = None, 0
        if not isinstance(name, str) or line[end : end + 1] != ":":
            problem = f'{path}:{number}: expected "name":{{...}}'
            raise ValueError(f"{problem}; regenerate it (make data)")
        entries[name] = line[end + 1 :].removesuffix(",")
    return head, LazyEntries(entries)
