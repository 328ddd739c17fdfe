"""The plan file: the JSON object ``plan --format json`` prints and ``diff`` reads (pure).

``{"project", "stack", "resources": [{"urn", "type", "name", "inputs", "options"}],
"outputs", "warnings"}``: the one owner of that format, written by :func:`to_text` and read back by
:func:`read_plan` (docs/review.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..aws import types
from ..errors import SsmProfileError

# (key, JSON type, how an error names it), in the order a plan file holds them.
TOP_LEVEL: tuple[tuple[str, type, str], ...] = (
    ("project", str, "a string"),
    ("stack", str, "a string"),
    ("resources", list, "an array"),
    ("outputs", dict, "an object"),
)
# Keys a plan file may lack: plans written before they existed.
OPTIONAL_TOP_LEVEL: tuple[tuple[str, type, str], ...] = (("warnings", list, "an array"),)
RESOURCE_FIELDS: tuple[tuple[str, type, str], ...] = (
    ("urn", str, "a string"),
    ("type", str, "a string"),
    ("name", str, "a string"),
    ("inputs", dict, "an object"),
)
# Each resource's options, always all of them, in this order; named as Pulumi's
# RegisterResourceRequest names them. Plans written before "options" existed have none and are
# read all the same (CI diffs against older bases).
OPTION_FIELDS: tuple[tuple[str, type, str], ...] = (
    ("protect", bool, "a boolean"),
    ("retainOnDelete", bool, "a boolean"),
    ("deleteBeforeReplace", bool, "a boolean"),
)
# Options a plan's ``options`` may lack (written before they were recorded); new plans write
# them. ``aliases``: the URNs the resource was known by before (Pulumi's alias option), each a
# string, so that ``diff`` matches a renamed resource to its old URN as Pulumi does.
OPTIONAL_OPTION_FIELDS: tuple[tuple[str, type, str], ...] = (("aliases", list, "an array"),)
# Inputs the diff compares as text (a renamed attachment is matched by role and policy).
_STRING_INPUTS: dict[str, tuple[str, ...]] = {types.ATTACHMENT: ("role", "policyArn")}
_MISSING: Any = object()


class PlanFormatError(SsmProfileError):
    """A file given to ``diff`` is not the JSON object that ``plan --format json`` prints."""


def plan_object(
    project: str,
    stack: str,
    resources: Sequence[Mapping[str, Any]],
    outputs: Mapping[str, Any],
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The plan file's object from the recorded registrations and warnings."""
    return {
        "project": project,
        "stack": stack,
        "resources": [_resource(r) for r in resources],
        "outputs": dict(outputs),
        "warnings": list(warnings),
    }


def _resource(recorded: Mapping[str, Any]) -> dict[str, Any]:
    resource = {key: recorded[key] for key, _, _ in RESOURCE_FIELDS}
    options = recorded["options"]
    resource["options"] = {
        key: options[key]
        for key, _, _ in (*OPTION_FIELDS, *OPTIONAL_OPTION_FIELDS)
        if key in options
    }
    return resource


def to_text(plan: Mapping[str, Any]) -> str:
    """The ``--format json`` text: stable key order, one trailing newline."""
    return json.dumps(plan, indent=2, ensure_ascii=False) + "\n"


def _json_kind(value: Any) -> str:
    for kind, name in ((dict, "an object"), (list, "an array"), (str, "a string")):
        if isinstance(value, kind):
            return name
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else f"a {type(value).__name__}"


def _options_problem(options: Any) -> str | None:
    """Why a resource's ``options`` is not the object :func:`plan_object` writes, or ``None``."""
    if not isinstance(options, dict):
        return f'"options" is {_json_kind(options)}, not an object'
    for key, kind, name in OPTION_FIELDS:
        if not isinstance(options.get(key, _MISSING), kind):
            found = "missing" if key not in options else _json_kind(options[key])
            return f'"options"."{key}" is {found}, not {name}'
    for key, kind, name in OPTIONAL_OPTION_FIELDS:
        if key in options and not isinstance(options[key], kind):
            return f'"options"."{key}" is {_json_kind(options[key])}, not {name}'
    for index, alias in enumerate(options.get("aliases", ())):
        if not isinstance(alias, str):
            return f'"options"."aliases"[{index}] is {_json_kind(alias)}, not a string'
    known = {key for key, _, _ in (*OPTION_FIELDS, *OPTIONAL_OPTION_FIELDS)}
    unknown = sorted(set(options) - known)
    if unknown:
        return f'"options"."{unknown[0]}" is not a resource option this tool knows'
    return None


def check_plan(data: Any, source: str) -> dict[str, Any]:
    """``data`` if it is a plan object, else :class:`PlanFormatError` naming ``source``."""

    def bad(why: str) -> PlanFormatError:
        return PlanFormatError(
            f"{source}: not a plan ({why}); expected the output of `plan --format json`"
        )

    if not isinstance(data, dict):
        raise bad(f"the top level is {_json_kind(data)}, not an object")
    for key, kind, name in TOP_LEVEL:
        if key not in data:
            raise bad(f'"{key}" is missing')
        if not isinstance(data[key], kind):
            raise bad(f'"{key}" is {_json_kind(data[key])}, not {name}')
    for key, kind, name in OPTIONAL_TOP_LEVEL:
        if key in data and not isinstance(data[key], kind):
            raise bad(f'"{key}" is {_json_kind(data[key])}, not {name}')
    for index, warning in enumerate(data.get("warnings", ())):
        if not isinstance(warning, str):
            raise bad(f"warnings[{index}] is {_json_kind(warning)}, not a string")
    seen: set[str] = set()
    for index, resource in enumerate(data["resources"]):
        where = f"resources[{index}]"
        if not isinstance(resource, dict):
            raise bad(f"{where} is {_json_kind(resource)}, not an object")
        for key, kind, name in RESOURCE_FIELDS:
            if not isinstance(resource.get(key, _MISSING), kind):
                found = "missing" if key not in resource else _json_kind(resource[key])
                raise bad(f'{where}."{key}" is {found}, not {name}')
        if "options" in resource:
            problem = _options_problem(resource["options"])
            if problem:
                raise bad(f"{where} ({resource['name']}): {problem}")
        for key in _STRING_INPUTS.get(resource["type"], ()):
            value = resource["inputs"].get(key, _MISSING)
            if value is not _MISSING and not isinstance(value, str):
                raise bad(f'{where}.inputs."{key}" is {_json_kind(value)}, not a string')
        if resource["urn"] in seen:
            raise bad(f"{where}: urn {resource['urn']} appears twice")
        seen.add(resource["urn"])
    return data


def parse_plan(text: str, source: str) -> dict[str, Any]:
    """A plan file's text, parsed and checked; errors name ``source``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanFormatError(
            f"{source}: not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise PlanFormatError(f"{source}: not JSON this tool reads (nested too deeply)") from None
    except ValueError:  # Python refuses to convert integers of more digits than its limit
        raise PlanFormatError(
            f"{source}: not JSON this tool reads (a number of more than "
            f"{sys.get_int_max_str_digits()} digits)"
        ) from None
    return check_plan(data, source)


def read_plan(path: Path) -> dict[str, Any]:
    """A ``plan --format json`` file, checked; :class:`PlanFormatError` names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PlanFormatError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise PlanFormatError(f"{path}: not JSON (not UTF-8 text)") from None
    return parse_plan(text, str(path))
