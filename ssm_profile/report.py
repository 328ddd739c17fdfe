"""Render a plan (the JSON object of SPEC section 6) for people (pure, no Pulumi)."""

from __future__ import annotations

import json
from typing import Any

# Inputs that hold IAM JSON documents as strings; shown parsed and pretty-printed.
DOCUMENT_KEYS = ("assumeRolePolicy", "policy")


def to_json(plan: dict[str, Any]) -> str:
    """The ``--format json`` text: stable key order, one trailing newline."""
    return json.dumps(plan, indent=2, ensure_ascii=False) + "\n"


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def document_text(value: str) -> str:
    """A policy document string pretty-printed (unchanged if it is not JSON)."""
    try:
        return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
    except ValueError:
        return value


def to_text(plan: dict[str, Any]) -> str:
    """A readable list of resources, each policy document pretty-printed."""
    lines = [
        f"{plan['project']} / {plan['stack']}: {len(plan['resources'])} resources (offline plan)",
        "",
    ]
    for resource in plan["resources"]:
        lines.append(f"+ {resource['type']}  {resource['name']}")
        for key, value in resource["inputs"].items():
            if key in DOCUMENT_KEYS and isinstance(value, str):
                lines.append(f"    {key}:")
                lines.append(_indent(document_text(value), "      "))
            else:
                lines.append(f"    {key}: {_value(value)}")
        lines.append("")
    lines.append("Outputs:")
    for key, value in plan["outputs"].items():
        lines.append(f"    {key}: {_value(value)}")
    return "\n".join(lines) + "\n"


RENDERERS = {"json": to_json, "text": to_text}
