"""Read ``Pulumi.yaml`` and a stack file the way the Pulumi CLI does (no Pulumi import).

The CLI merges the project's config defaults with the stack's values, checks the declared
types, and hands the program strings: booleans as ``"true"``, numbers as text, arrays and
objects as JSON. :func:`load_stack` reproduces that for the offline plan and the tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, SsmProfileError


class _Loader(yaml.SafeLoader):
    """YAML as the Pulumi CLI reads config: booleans only true/false (never yes/no/on/off),
    and dates and timestamps stay strings."""


_NOT_RESOLVED = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NOT_RESOLVED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "array": (list,),
}


@dataclass(frozen=True)
class StackConfig:
    """A project name, a stack name and the config the program would receive."""

    project: str
    stack: str
    config: dict[str, str]
    project_dir: Path
    stacks_dir: Path


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding ``Pulumi.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "Pulumi.yaml").is_file():
            return folder
    raise SsmProfileError(f"no Pulumi.yaml in {here} or any parent folder")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as error:
        raise SsmProfileError(f"{path}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise SsmProfileError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SsmProfileError(f"{path}: expected a YAML mapping at the top level")
    return data


def to_wire(value: Any) -> str:
    """A config value as the CLI passes it to a program."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _qualify(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def load_stack(
    stack: str, stacks_dir: Path | None = None, project_dir: Path | None = None
) -> StackConfig:
    """Merge ``Pulumi.yaml`` defaults and ``STACKS_DIR/Pulumi.STACK.yaml`` values."""
    project_dir = project_dir or find_project_dir()
    project_file = _read_yaml(project_dir / "Pulumi.yaml")
    project = project_file.get("name")
    if not isinstance(project, str):
        raise SsmProfileError(f"{project_dir / 'Pulumi.yaml'}: `name` is missing")
    if stacks_dir is None:
        stacks_dir = project_dir / project_file.get("stackConfigDir", ".")
    stack_path = stacks_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = list_stacks(stacks_dir)
        raise SsmProfileError(
            f"no stack file {stack_path} (stacks there: {', '.join(known) or 'none'})"
        )

    config: dict[str, str] = {}
    types: dict[str, str] = {}
    for key, spec in (project_file.get("config") or {}).items():
        full = _qualify(project, key)
        if isinstance(spec, dict) and ("type" in spec or "default" in spec):
            if "type" in spec:
                types[full] = spec["type"]
            if "default" in spec:
                config[full] = to_wire(spec["default"])
        elif isinstance(spec, dict) and "value" in spec:
            config[full] = to_wire(spec["value"])
        else:
            config[full] = to_wire(spec)

    for key, value in (_read_yaml(stack_path).get("config") or {}).items():
        full = _qualify(project, key)
        if isinstance(value, dict) and set(value) == {"secure"}:
            raise ConfigError(full, "secret values cannot be decrypted offline")
        declared = types.get(full)
        if declared in _TYPES and (
            not isinstance(value, _TYPES[declared])
            or (declared == "integer" and isinstance(value, bool))
        ):
            raise ConfigError(
                full, f"must be of type {declared} (Pulumi.yaml), got {to_wire(value)!r}"
            )
        config[full] = to_wire(value)
    return StackConfig(project, stack, config, project_dir, stacks_dir)


def list_stacks(stacks_dir: Path) -> list[str]:
    """Names of the stacks that have a file in ``stacks_dir``, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))
