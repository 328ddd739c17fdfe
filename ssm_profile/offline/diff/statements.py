"""IAM documents compared as IAM, not as text (pure).

Statements are matched by ``Sid`` and, inside a changed statement, the actions, resources,
principals and conditions added or removed are listed one by one.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from .model import MISSING, DocumentDiff, Item, StatementDiff

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


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def field_list(key: str, value: Any) -> list[str]:
    """A statement field as readable values in the document's order, each once."""
    if key in ("Principal", "NotPrincipal") and isinstance(value, dict):
        found = [f"{kind} {text(v)}" for kind, vs in value.items() for v in as_list(vs)]
    elif key == "Condition" and isinstance(value, dict):
        found = []
        for operator, tests in value.items():
            if not isinstance(tests, dict):
                found.append(f"{operator} {text(tests)}")
                continue
            for name, vs in tests.items():
                # The first " = " separates key and value: a key that holds one itself (tag
                # keys may) is quoted, so that two different conditions never read the same.
                shown = json.dumps(name) if " = " in name or name.startswith('"') else name
                found += [f"{operator} {shown} = {text(v)}" for v in as_list(vs)]
    else:
        found = [text(v) for v in as_list(value)]
    return list(dict.fromkeys(found))


def _field_values(key: str, value: Any) -> set[str]:
    """A statement field as a set of readable values: order and one-vs-list do not matter."""
    return set(field_list(key, value))


def fields(statement: Mapping[str, Any]) -> dict[str, set[str]]:
    return {k: _field_values(k, v) for k, v in statement.items() if k != "Sid"}


def _ordered(keys: Iterable[str]) -> list[str]:
    keys = set(keys)
    return [k for k in _FIELD_ORDER if k in keys] + sorted(keys - set(_FIELD_ORDER))


def keyed(statements: list[Any]) -> dict[str, Mapping[str, Any]]:
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


def statement_list(text: Any) -> tuple[dict[str, Any], list[Any]] | None:
    if not isinstance(text, str):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or "Statement" not in doc:
        return None
    return doc, as_list(doc["Statement"])


def diff_document(old: Any, new: Any) -> DocumentDiff | None:
    """Two IAM documents (JSON strings) compared as IAM; ``None`` if either is not one."""
    parsed_old, parsed_new = statement_list(old), statement_list(new)
    if parsed_old is None or parsed_new is None:
        return None
    (old_doc, old_list), (new_doc, new_list) = parsed_old, parsed_new
    before, after = keyed(old_list), keyed(new_list)
    statements = []
    for sid, statement in after.items():
        if sid not in before:
            statements.append(StatementDiff(sid, "added", None, statement))
            continue
        was, now = fields(before[sid]), fields(statement)
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
        Item(sign, key, text(doc[key]))
        for key in sorted((old_doc.keys() | new_doc.keys()) - {"Statement"})
        if old_doc.get(key, MISSING) != new_doc.get(key, MISSING)
        for sign, doc in (("-", old_doc), ("+", new_doc))
        if key in doc
    )
    return DocumentDiff(tuple(statements), other)
