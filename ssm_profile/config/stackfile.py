"""Read ``Pulumi.yaml`` and a stack file the way the Pulumi CLI does (no Pulumi import).

The CLI merges the project's config defaults with the stack's values, requires every key of
the project's namespace that ``Pulumi.yaml`` declares without a default, checks the declared
types, and hands the program strings: booleans as ``"true"``, numbers as text, arrays and
objects as JSON. :func:`load_stack` reproduces that for the offline plan and the tests.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import ConfigError, SsmProfileError


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
    "object": (dict,),
}
# Go's strconv.ParseBool: the CLI checks a scalar stack value's text with it (and Atoi).
_GO_BOOLS = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
_GO_INT = re.compile(r"^[+-]?[0-9]+$")


def _fits(declared: str, value: Any) -> bool:
    """Whether the CLI accepts ``value`` for a key of the declared type. Scalars reach it as
    text, so ``"true"`` passes for a boolean and ``"20"`` for an integer, as in the CLI."""
    if declared in ("array", "object"):
        return isinstance(value, _TYPES[declared])
    if isinstance(value, (list, dict)):
        return False
    text = to_wire(value)
    if declared == "boolean":
        return text in _GO_BOOLS
    if declared == "integer":
        return bool(_GO_INT.match(text))
    return True


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


def _kind(value: Any) -> str:
    """What a YAML value is, for error messages."""
    if isinstance(value, set):
        return "a YAML set (!!set)"
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if isinstance(value, datetime.date):
        return "a timestamp (!!timestamp)"
    name = {dict: "mapping", list: "list", str: "string", type(None): "null"}.get(
        type(value), type(value).__name__
    )
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _show_key(key: Any) -> str:
    """A mapping key as YAML spells it (``1``, ``true``, ``[a, b]``)."""
    try:
        return json.dumps(key)
    except TypeError:
        return repr(key)


def _check_value(value: Any, where: str, source: Path, secrets: bool = True) -> None:
    """:class:`ConfigError` naming the key path ``where`` unless ``value`` is something Pulumi
    config holds: strings, finite numbers, booleans, null, lists and string-keyed mappings.
    With ``secrets``, a ``{secure: ...}`` value at any depth is refused too: the offline plan
    has no key to decrypt it."""
    if isinstance(value, dict):
        if secrets and set(value) == {"secure"}:
            raise ConfigError(where, "secret values cannot be decrypted offline")
        for key, item in value.items():
            if not isinstance(key, str):
                raise ConfigError(
                    where, f"key {_show_key(key)} is not a string; quote it ({source})"
                )
            _check_value(item, f"{where}.{key}", source, secrets)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_value(item, f"{where}[{index}]", source, secrets)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(where, f"{value} is not a finite number ({source})")
    elif not (value is None or isinstance(value, str | bool | int | float)):
        raise ConfigError(
            where,
            f"{_kind(value)} is not a config value; use a string, number, boolean, list or "
            f"mapping ({source})",
        )


def _config_section(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """The ``config`` mapping of a project or stack file, its keys checked."""
    section = data.get("config")
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise SsmProfileError(
            f"{path}: `config` must be a mapping of `namespace:key: value`, got {_kind(section)}"
        )
    for key in section:
        if not isinstance(key, str):
            raise SsmProfileError(f"{path}: config key {_show_key(key)} is not a string")
    return section


def _stack_config_dir(project_dir: Path, project_file: dict[str, Any]) -> Path:
    """``stackConfigDir``; a string ``config`` is its old spelling, as the CLI accepts it."""
    path = project_dir / "Pulumi.yaml"
    folder = project_file.get("stackConfigDir")
    legacy = project_file.get("config")
    if isinstance(legacy, str):
        if folder is not None:
            raise SsmProfileError(
                f"{path}: should not use both config and stackConfigDir to define the stack "
                "directory; use only stackConfigDir"
            )
        folder = legacy
    if folder is None:
        return project_dir
    if not isinstance(folder, str):
        raise SsmProfileError(f"{path}: `stackConfigDir` must be a string, got {_kind(folder)}")
    return project_dir / folder


def default_stacks_dir(project_dir: Path | None = None) -> Path:
    """The folder of stack files: ``stackConfigDir`` of ``Pulumi.yaml`` (else the project)."""
    project_dir = project_dir or find_project_dir()
    return _stack_config_dir(project_dir, _read_yaml(project_dir / "Pulumi.yaml"))


def to_wire(value: Any) -> str:
    """A config value (checked by :func:`_check_value`) as the CLI passes it to a program."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _qualify(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _missing_error(stack: str, names: list[str], keys: list[str]) -> ConfigError:
    """The CLI's "Stack 'dev' is missing configuration value 'x'", naming the full keys."""
    quoted = [f"'{name}'" for name in names]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    one = len(names) == 1
    return ConfigError(
        ", ".join(keys),
        f"Stack '{stack}' is missing configuration value{'' if one else 's'} {listed} "
        f"(Pulumi.yaml declares {'it' if one else 'them'} without a default, so every stack "
        f"must set {'it' if one else 'them'})",
    )


def _project_config(
    project: str, project_file: dict[str, Any], project_path: Path
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Defaults, declared types and required keys of the project's ``config`` section."""
    config: dict[str, str] = {}
    types: dict[str, str] = {}
    required: dict[str, str] = {}  # full key -> key as Pulumi.yaml spells it
    project_config = {} if isinstance(project_file.get("config"), str) else project_file
    for key, spec in _config_section(project_config, project_path).items():
        full = _qualify(project, key)
        in_project = full.startswith(f"{project}:")
        if not isinstance(spec, dict):  # shorthand: a default here, a value elsewhere
            spec = {"default" if in_project else "value": spec}
        for field in spec:
            if not isinstance(field, str):
                raise ConfigError(full, f"key {_show_key(field)} is not a string ({project_path})")
        if "type" in spec:
            if not isinstance(spec["type"], str) or spec["type"] not in _TYPES:
                raise ConfigError(
                    full,
                    f"`type` must be one of {', '.join(_TYPES)}, got {_show_key(spec['type'])} "
                    f"({project_path})",
                )
            types[full] = spec["type"]
        # the CLI's rule: with neither `default` nor `value` (absent or null), a key of the
        # project's namespace is required: every stack must set it
        given = spec.get("default")
        if given is None:
            given = spec.get("value")
        if given is not None:
            _check_value(given, full, project_path, secrets=False)
            config[full] = to_wire(given)
        elif in_project:
            required[full] = key

    return config, types, required


def load_stack(
    stack: str, stacks_dir: Path | None = None, project_dir: Path | None = None
) -> StackConfig:
    """Merge ``Pulumi.yaml`` defaults and ``STACKS_DIR/Pulumi.STACK.yaml`` values."""
    project_dir = project_dir or find_project_dir()
    project_path = project_dir / "Pulumi.yaml"
    project_file = _read_yaml(project_path)
    project = project_file.get("name")
    if not isinstance(project, str):
        raise SsmProfileError(f"{project_path}: `name` is missing")
    folder = _stack_config_dir(project_dir, project_file)  # checks it even when not used
    if stacks_dir is None:
        stacks_dir = folder
    stack_path = stacks_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = list_stacks(stacks_dir)
        raise SsmProfileError(
            f"no stack file {stack_path} (stacks there: {', '.join(known) or 'none'})"
        )

    config, types, required = _project_config(project, project_file, project_path)

    stack_values = _config_section(_read_yaml(stack_path), stack_path)
    given_keys = {_qualify(project, k) for k in stack_values}
    missing = sorted((name, full) for full, name in required.items() if full not in given_keys)
    if missing:
        raise _missing_error(stack, [name for name, _ in missing], [full for _, full in missing])

    for key, value in stack_values.items():
        full = _qualify(project, key)
        _check_value(value, full, stack_path)
        declared = types.get(full)
        if declared in _TYPES and not _fits(declared, value):
            raise ConfigError(
                full, f"must be of type {declared} (Pulumi.yaml), got {to_wire(value)!r}"
            )
        config[full] = to_wire(value)
    return StackConfig(project, stack, config, project_dir, stacks_dir)


def list_stacks(stacks_dir: Path) -> list[str]:
    """Names of the stacks that have a file in ``stacks_dir``, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))
