"""How the Pulumi CLI turns a ``config`` section into the strings the program receives.

Keys are read as the CLI's ``config.ParseKey`` reads them, values as yaml.v2 reads them
(:mod:`.goyaml`): a scalar is its text and null ``""``; an array or object is the JSON
``json.Marshal`` writes. ``Pulumi.yaml`` adds defaults, declared types and required keys.
No Pulumi import.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from ..errors import ConfigError, SsmProfileError
from . import goyaml, yamlfile
from .yamlfile import Mapping, Node, Scalar, Sequence

_TYPES = {"string": Scalar, "boolean": Scalar, "integer": Scalar, "array": Sequence,
          "object": Mapping}  # fmt: skip
# Go's strconv.ParseBool: the CLI checks a scalar stack value's text with it (and Atoi).
_GO_BOOLS = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
_GO_INT = re.compile(r"^[+-]?[0-9]+$")


def kind(node: Node) -> str:
    """What a node is, for error messages."""
    if isinstance(node, Mapping | Sequence):
        return "a mapping" if isinstance(node, Mapping) else "a list"
    value = node.value
    name = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}
    return "null" if value is None else name[type(value)]


def config_section(root: Mapping, path: Path) -> Mapping:
    """The ``config`` mapping of a project or stack file."""
    section = given(root.get("config"))
    if section is None:
        return Mapping()
    if not isinstance(section, Mapping):
        raise SsmProfileError(
            f"{path}: `config` must be a mapping of `namespace:key: value`, got {kind(section)}"
        )
    return section


def text_field(root: Mapping, field: str) -> str | None:
    node = root.get(field)
    return node.value if isinstance(node, Scalar) and isinstance(node.value, str) else None


def full_key(project: str, key: str, path: Path, line: int | None) -> str:
    """A config key as the CLI's ``ParseKey`` reads it: ``key`` is ``PROJECT:key``, and the
    old ``namespace:config:key`` is ``namespace:key``."""
    parts = key.split(":")
    if len(parts) == 1:
        return f"{project}:{key}"
    if len(parts) == 2:
        return key
    if len(parts) == 3 and parts[1] == "config":
        return f"{parts[0]}:{parts[2]}"
    raise SsmProfileError(
        f"{path}:{line}: could not parse {key} as a configuration key (configuration keys "
        "should be of the form `<namespace>:<name>`)"
    )


def config_keys(project: str, section: Mapping, path: Path) -> dict[str, tuple[str, Node]]:
    """Each full key -> (its spelling, its value); one key spelled twice is an error."""
    found: dict[str, tuple[str, Node]] = {}
    for key, node in section.items():
        line = section.key_lines[key]
        full = full_key(project, key, path, line)
        if full in found:
            other = found[full][0]
            raise ConfigError(
                full,
                f"is given twice, as {other} (line {section.key_lines[other]}) and {key} "
                f"(line {line}) ({path})",
            )
        found[full] = (key, node)
    return found


def check_value(value: Any, where: str, source: str, secrets: bool) -> None:
    """:class:`ConfigError` naming the key path ``where`` for what ``json.Marshal`` refuses
    (``.inf``, ``.nan``) and, with ``secrets``, a ``{secure: ...}`` value at any depth: the
    offline plan has no key to decrypt it."""
    if isinstance(value, dict):
        if secrets and set(value) == {"secure"}:
            raise ConfigError(where, "secret values cannot be decrypted offline")
        for key, item in value.items():
            check_value(item, f"{where}.{key}", source, secrets)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_value(item, f"{where}[{index}]", source, secrets)
    elif isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(where, f"{goyaml.yaml_text(value)} is not a finite number ({source})")


def wire(node: Node, full: str, path: Path, secrets: bool = True) -> str:
    """A config value as the CLI passes it to the program."""
    source = f"{path}:{node.line}"
    if not isinstance(node, Scalar):
        value = yamlfile.data(node)
        check_value(value, full, source, secrets)
        return goyaml.to_json(value)
    if node.value is None or isinstance(node.value, str):
        return node.value or ""
    written = goyaml.yaml_text(node.value)
    if written != node.text:
        raise ConfigError(
            full,
            f"{node.text} is read as {kind(node)}, which the Pulumi CLI passes as "
            f'"{written}" (older versions as "{node.text}"); quote it to mean the text '
            f'"{node.text}", or write {written} ({source})',
        )
    return written


def fits(declared: str, node: Node, wire: str) -> bool:
    """Whether the CLI accepts a value for a key of the declared type. Scalars reach it as
    text, so ``"true"`` passes for a boolean and ``"20"`` for an integer, as in the CLI."""
    if not isinstance(node, _TYPES[declared]):
        return False
    if declared == "boolean":
        return wire in _GO_BOOLS
    if declared == "integer":
        return bool(_GO_INT.match(wire))
    return True


def missing_error(stack: str, names: list[str], keys: list[str]) -> ConfigError:
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


def declared_type(full: str, spec: Mapping, path: Path) -> str | None:
    node = spec.get("type")
    if node is None:
        return None
    if not (isinstance(node, Scalar) and node.value in _TYPES):
        raise ConfigError(
            full,
            f"`type` must be one of {', '.join(_TYPES)}, got {getattr(node, 'text', kind(node))}"
            f" ({path}:{node.line})",
        )
    return node.value


def given(node: Node | None) -> Node | None:
    """A default or value, or None when absent or null."""
    return None if node is None or (isinstance(node, Scalar) and node.value is None) else node


def project_config(
    project: str, project_file: Mapping, path: Path
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Defaults, declared types and required keys of the project's ``config`` section."""
    config: dict[str, str] = {}
    types: dict[str, str] = {}
    required: dict[str, str] = {}  # full key -> key as Pulumi.yaml spells it
    section = Mapping() if text_field(project_file, "config") is not None else project_file
    for full, (key, spec) in config_keys(project, config_section(section, path), path).items():
        in_project = full.startswith(f"{project}:")
        fields = spec if isinstance(spec, Mapping) else {"default" if in_project else "value": spec}
        if isinstance(spec, Mapping) and (declared := declared_type(full, spec, path)):
            types[full] = declared
        # the CLI's rule: with neither `default` nor `value` (absent or null), a key of the
        # project's namespace is required: every stack must set it
        chosen = given(fields.get("default"))
        chosen = given(fields.get("value")) if chosen is None else chosen
        if chosen is not None:
            config[full] = wire(chosen, full, path, secrets=False)
        elif in_project:
            required[full] = key
    return config, types, required
