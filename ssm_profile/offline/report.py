"""Render a plan (the plan file's object, docs/review.md) for people (pure, no Pulumi).

``text`` for a terminal, ``json`` for machines and ``markdown`` for a pull request comment
(GitHub-flavoured: a resources table, each policy document in a fenced json block, outputs).
Text for a terminal is built as single lines and joined by :func:`text_block`, the one place
where it is escaped; markdown is escaped by the blocks of :mod:`.markdown`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from ..aws.naming import ENDPOINT_POLICY_OUTPUT
from ..errors import visible
from . import planfile
from .markdown import md_code, md_document, md_fence, md_name, md_table

# Inputs that hold IAM JSON documents as strings; shown parsed and pretty-printed.
DOCUMENT_KEYS = ("assumeRolePolicy", "policy")
# Outputs that hold a policy document, each shown as a section of its own.
DOCUMENT_OUTPUTS = {ENDPOINT_POLICY_OUTPUT: "S3 gateway endpoint policy"}


def text_block(lines: Iterable[str]) -> str:
    """Lines for a terminal, each :func:`~ssm_profile.errors.visible` and ended by a newline:
    no value can start a line, move the cursor or reorder what follows it."""
    return "".join(visible(line) + "\n" for line in lines)


def value_text(value: Any) -> str:
    """A plain input value: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line for line in text.split("\n")]


def document_text(value: str) -> str:
    """A policy document string pretty-printed (unchanged if it is not JSON)."""
    try:
        return json.dumps(json.loads(value), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return value


def json_text(plan: dict[str, Any]) -> str:
    """The plan file's text (:func:`.planfile.to_text`) with every character that does not
    show as itself as its JSON escape: the same JSON value, safe in a terminal."""
    return text_block(planfile.to_text(plan).rstrip("\n").split("\n"))


def title(plan: dict[str, Any], name: Callable[[str], str] = str) -> str:
    """``project / stack``, the heading of every rendering; ``name`` quotes each."""
    return f"{name(plan['project'])} / {name(plan['stack'])}"


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
                lines += _indent(document_text(value), "      ")
            else:
                lines.append(f"    {key}: {value_text(value)}")
        lines.append("")
    lines.append("Outputs:")
    for key, value in plan["outputs"].items():
        if key in DOCUMENT_OUTPUTS and isinstance(value, str):
            lines.append(f"    {key}:")
            lines += _indent(document_text(value), "      ")
        else:
            lines.append(f"    {key}: {value_text(value)}")
    return text_block(lines)


def md_value(value: Any) -> str:
    """A plain value as inline code (strings unquoted, the rest as compact JSON)."""
    return md_code(value_text(value))


def is_document(key: str, value: Any) -> bool:
    """Whether an input (or output) holds an IAM JSON document (shown as a block, not inline)."""
    return (key in DOCUMENT_KEYS or key in DOCUMENT_OUTPUTS) and isinstance(value, str)


def to_markdown(
    plan: dict[str, Any], limit: int | None = None, cut: Callable[[int], str] | None = None
) -> str:
    """The plan for a pull request comment: resources table, documents as json blocks,
    outputs table. With ``limit``, a longer rendering keeps its leading blocks and ends with
    ``cut(length)`` (:func:`.markdown.md_document`)."""
    resources = plan["resources"]
    parts = [f"### {title(plan, md_name)}: {len(resources)} resources (offline plan)"]
    if plan.get("warnings"):
        parts.append("#### Warnings")
        parts.append("\n".join(f"- warning: {md_code(w)}" for w in plan["warnings"]))
    rows = []
    documents = []
    for number, resource in enumerate(resources, start=1):
        inputs = []
        for key, value in resource["inputs"].items():
            if is_document(key, value):
                inputs.append(f"{key}: see *Policy documents*")
                documents.append((resource, key, value))
            else:
                inputs.append(f"{md_name(key)}: {md_value(value)}")
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
            parts.append(md_fence(document_text(value).split("\n"), "json"))
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
            parts.append(md_fence(document_text(outputs[key]).split("\n"), "json"))
    return md_document(parts, limit, cut)


def _md_output(key: str, value: Any) -> str:
    if key in DOCUMENT_OUTPUTS and isinstance(value, str):
        return f"see *{DOCUMENT_OUTPUTS[key]}*"
    if isinstance(value, list) and value:
        return "<br>".join(md_value(v) for v in value)
    return md_value(value)


RENDERERS = {"json": json_text, "markdown": to_markdown, "text": to_text}
