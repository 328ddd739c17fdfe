"""Render a plan (the plan file's object, docs/review.md) for people (pure, no Pulumi).

``text`` for a terminal, ``json`` for machines and ``markdown`` for a pull request comment
(GitHub-flavoured: a resources table, each policy document in a fenced json block, outputs).
"""

from __future__ import annotations

import json
from typing import Any

from ..blueprint import ENDPOINT_POLICY_OUTPUT
from . import planfile
from .markdown import md_cell, md_code, md_fence, md_table

# Inputs that hold IAM JSON documents as strings; shown parsed and pretty-printed.
DOCUMENT_KEYS = ("assumeRolePolicy", "policy")
# Outputs that hold a policy document, each shown as a section of its own.
DOCUMENT_OUTPUTS = {ENDPOINT_POLICY_OUTPUT: "S3 gateway endpoint policy"}


def value_text(value: Any) -> str:
    """A plain input value: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def document_text(value: str) -> str:
    """A policy document string pretty-printed (unchanged if it is not JSON)."""
    try:
        return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
    except ValueError:
        return value


def title(plan: dict[str, Any]) -> str:
    """``project / stack``, the heading of every rendering."""
    return f"{plan['project']} / {plan['stack']}"


def to_text(plan: dict[str, Any]) -> str:
    """A readable list of resources, each policy document pretty-printed."""
    lines = [
        f"{title(plan)}: {len(plan['resources'])} resources (offline plan)",
        "",
    ]
    if plan.get("warnings"):
        lines += ["Warnings:", *(f"    warning: {w}" for w in plan["warnings"]), ""]
    for resource in plan["resources"]:
        lines.append(f"+ {resource['type']}  {resource['name']}")
        for key, value in resource["inputs"].items():
            if is_document(key, value):
                lines.append(f"    {key}:")
                lines.append(_indent(document_text(value), "      "))
            else:
                lines.append(f"    {key}: {value_text(value)}")
        lines.append("")
    lines.append("Outputs:")
    for key, value in plan["outputs"].items():
        if key in DOCUMENT_OUTPUTS and isinstance(value, str):
            lines.append(f"    {key}:")
            lines.append(_indent(document_text(value), "      "))
        else:
            lines.append(f"    {key}: {value_text(value)}")
    return "\n".join(lines) + "\n"


def md_value(value: Any) -> str:
    """A plain value as inline code (strings unquoted, the rest as compact JSON)."""
    return md_code(value_text(value))


def is_document(key: str, value: Any) -> bool:
    """Whether an input (or output) holds an IAM JSON document (shown as a block, not inline)."""
    return (key in DOCUMENT_KEYS or key in DOCUMENT_OUTPUTS) and isinstance(value, str)


def to_markdown(plan: dict[str, Any]) -> str:
    """The plan for a pull request comment: resources table, documents as json blocks,
    outputs table."""
    resources = plan["resources"]
    parts = [f"### {title(plan)}: {len(resources)} resources (offline plan)"]
    if plan.get("warnings"):
        parts.append("#### Warnings")
        parts.append("\n".join(f"- warning: {md_cell(w)}" for w in plan["warnings"]))
    rows = []
    documents = []
    for number, resource in enumerate(resources, start=1):
        inputs = []
        for key, value in resource["inputs"].items():
            if is_document(key, value):
                inputs.append(f"{key}: see *Policy documents*")
                documents.append((resource, key, value))
            else:
                inputs.append(f"{key}: {md_value(value)}")
        rows.append(
            [str(number), md_code(resource["name"]), md_code(resource["type"]), "<br>".join(inputs)]
        )
    parts.append(md_table(["#", "resource", "type", "inputs"], rows))
    if documents:
        parts.append("#### Policy documents")
        for resource, key, value in documents:
            name = resource["inputs"].get("name")
            label = f"{md_code(resource['name'])} {key}"
            if isinstance(name, str):
                label += f" ({md_code(name)})"
            parts.append(f"**{label}**")
            parts.append(md_fence(document_text(value), "json"))
    parts.append("#### Outputs")
    outputs = plan["outputs"]
    if outputs:
        parts.append(
            md_table(
                ["output", "value"],
                [[md_code(key), _md_output(key, value)] for key, value in outputs.items()],
            )
        )
    else:
        parts.append("(none)")
    for key, heading in DOCUMENT_OUTPUTS.items():
        if isinstance(outputs.get(key), str):
            parts.append(f"#### {heading}")
            parts.append(f"Output {md_code(key)}:")
            parts.append(md_fence(document_text(outputs[key]), "json"))
    return "\n\n".join(parts) + "\n"


def _md_output(key: str, value: Any) -> str:
    if key in DOCUMENT_OUTPUTS and isinstance(value, str):
        return f"see *{DOCUMENT_OUTPUTS[key]}*"
    if isinstance(value, list) and value:
        return "<br>".join(md_value(v) for v in value)
    return md_value(value)


RENDERERS = {"json": planfile.to_text, "markdown": to_markdown, "text": to_text}
