"""The stack file ``adopt`` writes: ``aws:region`` and the ``ssm-profile:`` keys in the
order of the key table, every string quoted (as JSON, which YAML reads as it is), so that
the Pulumi CLI and the offline plan read back exactly these values (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..config.keys import KNOWN_KEYS
from ..config.reader import k


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # Readable as it is, unless a character would not show as itself or YAML reads it as a
    # line break (U+2028, U+0085) or refuses it: then every non-ASCII one as a \u escape,
    # which YAML's double-quoted scalars read back to the same text.
    printable = not isinstance(value, str) or value.isprintable()
    return json.dumps(value, ensure_ascii=not printable)


def _lines(value: Any, indent: int) -> list[str]:
    """A non-empty list or mapping as block YAML, ``indent`` spaces deep."""
    pad = " " * indent
    if isinstance(value, Mapping):
        return [f"{pad}{_scalar(key)}: {_scalar(v)}" for key, v in value.items()]
    lines = []
    for item in value:
        if isinstance(item, Mapping):
            fields = [f"{_scalar(key)}: {_scalar(v)}" for key, v in item.items()]
            lines.append(f"{pad}- {fields[0]}")
            lines += [f"{pad}  {field}" for field in fields[1:]]
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def stack_file(region: str, config: Mapping[str, Any], comments: Iterable[str]) -> str:
    """The stack file's text: ``comments`` first (``#`` lines), then ``config:``."""
    lines = [f"# {line}".rstrip() for line in comments]
    lines += ["config:", f"  aws:region: {_scalar(region)}"]
    for key in sorted(config, key=KNOWN_KEYS.index):
        value = config[key]
        if isinstance(value, list | dict) and value:
            lines += [f"  {k(key)}:", *_lines(value, 4)]
        else:
            lines.append(f"  {k(key)}: {_scalar(value)}")
    return "\n".join(lines) + "\n"
