"""A YAML file read the way the Pulumi CLI's yaml.v2 reads it, within fixed limits.

The document is composed from the parser's events, without PyYAML's composer or
constructors: iteratively (no recursion, so no depth can exhaust a stack), with every
scalar keeping its text next to the value yaml.v2 reads from it (:mod:`.goyaml`), and with
aliases counted at their expanded size, so that an alias bomb stops at :data:`MAX_NODES`
instead of growing. The events come from ``yaml.SafeLoader``'s parser or, alike, from
libyaml's (``yaml.CSafeLoader``). Everything yaml.v2 would read differently from what the
file seems to say is a :class:`YamlError` naming the line and the path: duplicate keys,
keys that are not strings, merge keys (``<<``), tags other than the core ones, undefined
or recursive aliases, a second document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from . import goyaml

MAX_NODES = 200_000  # nodes of a document, each alias counted at its expanded size: room for
# 8,000 buckets with prefixes (5 nodes each), far below what an alias bomb asks for
MAX_DEPTH = 50  # mappings and sequences nested in one another

_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SURROGATE = re.compile("[\ud800-\udfff]")


class YamlError(Exception):
    """Why a document cannot be read as Pulumi reads it; ``line`` is 1-based (or None) and
    ``path`` the keys and indexes of the node at fault."""

    def __init__(self, problem: str, line: int | None, path: tuple[str | int, ...] = ()):
        super().__init__(problem)
        self.problem, self.line, self.path = problem, line, path


@dataclass(frozen=True, slots=True)
class Scalar:
    """A scalar: its text as written (quotes and escapes undone), the value yaml.v2 reads
    from it (str, int, float, bool or None), whether it was plain (unquoted, untagged)."""

    text: str
    value: Any
    plain: bool
    line: int


class Mapping(dict):
    """A mapping of string keys to nodes, with the line of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}
        self.line = line


class Sequence(list):
    __slots__ = ("line",)

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line


Node = Scalar | Mapping | Sequence


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _scalar(event: yaml.ScalarEvent, path: tuple) -> Scalar:
    line = event.start_mark.line + 1
    text, tag = event.value, event.tag
    if _SURROGATE.search(text):
        raise YamlError("holds an escaped UTF-16 surrogate, which is not a character", line, path)
    plain = tag is None and bool(event.implicit[0])
    if tag is None:
        tag = None if plain else goyaml.STR
    elif tag == "!":
        tag = goyaml.STR  # the non-specific tag: a string, for yaml.v2
    elif tag not in goyaml.SCALAR_TAGS:
        raise YamlError(
            f"the tag {_short(tag)} is not supported; write the value untagged", line, path
        )
    try:
        return Scalar(text, goyaml.resolve(text, tag), plain, line)
    except goyaml.ResolveError as error:
        raise YamlError(str(error), line, path) from None


@dataclass
class _Open:
    """A mapping or sequence being composed."""

    node: Mapping | Sequence
    anchor: str | None
    count: int  # nodes counted before it began
    key: Scalar | None = None  # a mapping's key whose value is being composed


class _Composer:
    def __init__(self) -> None:
        self.open: list[_Open] = []
        # anchor -> (node, expanded size), or the _Open it names while it is being composed:
        # as in yaml.v2, an anchor is defined where its node begins, and a later one wins
        self.anchors: dict[str, tuple[Node, int] | _Open] = {}
        self.count = 0
        self.root: Node | None = None

    def path(self) -> tuple[str | int, ...]:
        """The keys and indexes leading to the node being composed."""
        path: list[str | int] = []
        for frame in self.open:
            if isinstance(frame.node, Sequence):
                path.append(len(frame.node))
            elif frame.key is not None:
                path.append(frame.key.value)
        return tuple(path)

    def counted(self, nodes: int, line: int) -> None:
        self.count += nodes
        if self.count > MAX_NODES:
            raise YamlError(
                f"has more than {MAX_NODES:,} values once its aliases are expanded",
                line,
                self.path(),
            )

    def start(self, event: yaml.CollectionStartEvent, node: Mapping | Sequence, tag: str) -> None:
        line = event.start_mark.line + 1
        if event.tag not in (None, "!", tag):
            raise YamlError(f"the tag {_short(event.tag)} is not supported here", line, self.path())
        if len(self.open) >= MAX_DEPTH:
            raise YamlError(f"nests more than {MAX_DEPTH} levels deep", line, self.path())
        node.line = line
        self.counted(1, line)
        frame = _Open(node, event.anchor, self.count - 1)
        self.open.append(frame)
        if event.anchor is not None:
            self.anchors[event.anchor] = frame

    def end(self) -> None:
        frame = self.open.pop()
        size = self.count - frame.count
        if frame.anchor is not None and self.anchors.get(frame.anchor) is frame:
            self.anchors[frame.anchor] = (frame.node, size)
        self.add(frame.node)

    def scalar(self, event: yaml.ScalarEvent) -> None:
        node = _scalar(event, self.path())
        self.counted(1, node.line)
        if event.anchor is not None:
            self.anchors[event.anchor] = (node, 1)
        self.add(node)

    def alias(self, event: yaml.AliasEvent) -> None:
        line = event.start_mark.line + 1
        target = self.anchors.get(event.anchor)
        if target is None:
            raise YamlError(f"the alias *{event.anchor} has no anchor before it", line, self.path())
        if isinstance(target, _Open):
            raise YamlError(
                f"the alias *{event.anchor} is inside its own anchor", line, self.path()
            )
        node, size = target
        self.counted(size, line)
        self.add(node)

    def add(self, node: Node) -> None:
        if not self.open:
            self.root = node
            return
        frame = self.open[-1]
        if isinstance(frame.node, Sequence):
            frame.node.append(node)
        elif frame.key is None:
            frame.key = self._key(frame.node, node)
        else:
            frame.node[frame.key.value] = node
            frame.node.key_lines[frame.key.value] = frame.key.line
            frame.key = None

    def _key(self, mapping: Mapping, key: Node) -> Scalar:
        path = self.path()
        if not isinstance(key, Scalar):
            kind = "mapping" if isinstance(key, Mapping) else "list"
            raise YamlError(f"a key is a {kind}; keys must be strings", key.line, path)
        if key.plain and key.text == "<<":
            raise YamlError("merge keys (<<) are not supported; write the keys out", key.line, path)
        if not isinstance(key.value, str):
            raise YamlError(
                f"the key {key.text or '(empty)'} is read as {_kind(key)}, not a string; quote it",
                key.line,
                path,
            )
        if key.value in mapping:
            first = mapping.key_lines[key.value]
            raise YamlError(
                f"the key {key.value} is given twice (lines {first} and {key.line})",
                key.line,
                (*path, key.value),
            )
        return key


def _kind(key: Scalar) -> str:
    if key.value is None:
        return "null"
    name = {bool: "a boolean", int: "an integer", float: "a number"}[type(key.value)]
    written = goyaml.yaml_text(key.value)
    return name if written == key.text else f"{name} ({written})"


def _parse_error(error: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    """A parser's error as one problem and its line."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = "; ".join(part for part in (error.context, error.problem) if part)
        if (mark and text[mark.index : mark.index + 1] == "\t") or "'\\t'" in problem:
            problem += " (YAML indents with spaces, never tabs)"
        return f"is not valid YAML: {problem}", (mark.line + 1 if mark else None)
    position = getattr(error, "position", None)
    line = text[:position].count("\n") + 1 if isinstance(position, int) else None
    reason = getattr(error, "reason", None) or str(error).splitlines()[0]
    character = getattr(error, "character", None)
    if isinstance(character, str) and len(character) == 1:
        character = ord(character)
    shown = f"#x{character:04x}" if isinstance(character, int) else repr(character)
    return f"is not valid YAML: character {shown}: {reason}", line


_EVENTS = {
    yaml.ScalarEvent: lambda c, e: c.scalar(e),
    yaml.AliasEvent: lambda c, e: c.alias(e),
    yaml.MappingStartEvent: lambda c, e: c.start(e, Mapping(), _MAP),
    yaml.SequenceStartEvent: lambda c, e: c.start(e, Sequence(), _SEQ),
    yaml.MappingEndEvent: lambda c, e: c.end(),
    yaml.SequenceEndEvent: lambda c, e: c.end(),
}


# libyaml's parser when PyYAML was built with it (4 to 10 times faster), else PyYAML's own:
# the same events either way (tests/test_yamlfile.py runs both).
PARSER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def compose(text: str, loader: type = PARSER) -> Node | None:
    """The document in ``text`` (None when there is none); ``loader`` supplies the parser:
    ``yaml.SafeLoader`` or ``yaml.CSafeLoader``."""
    composer, documents, parser = _Composer(), 0, None
    try:
        parser = loader(text)
        while parser.check_event():
            event = parser.get_event()
            handle = _EVENTS.get(type(event))
            if handle is not None:
                handle(composer, event)
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlError(
                        "holds a second YAML document (---); a stack file is one document",
                        event.start_mark.line + 1,
                    )
    except yaml.YAMLError as error:
        problem, line = _parse_error(error, text)
        raise YamlError(problem, line, composer.path()) from None
    finally:
        if parser is not None:
            parser.dispose()
    return composer.root


def data(node: Node | None) -> Any:
    """A node as plain Python values: dicts, lists and the values yaml.v2 reads."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Mapping):
        return {key: data(value) for key, value in node.items()}
    if isinstance(node, Sequence):
        return [data(item) for item in node]
    return None
