"""Read ``Pulumi.yaml`` and a stack file the way the Pulumi CLI does (no Pulumi import).

The CLI reads both with yaml.v2 (:mod:`.yamlfile`, :mod:`.goyaml`), qualifies a key without
a namespace with the project's name, merges the project's config defaults with the stack's
values, requires every key of the project's namespace that ``Pulumi.yaml`` declares without
a default, checks the declared types and hands the program strings: a scalar as its text,
null as ``""``, arrays and objects as ``json.Marshal`` writes them (keys sorted, ``1.0`` as
``1``). :func:`load_stack` reproduces that for the offline plan and the tests.

A plain top-level scalar that yaml.v2 reads as a number or a boolean reaches the program as
the CLI writes it back (``0x1F`` as ``31``, ``yes`` as ``true``) since the CLI rewrites the
stack file before reading its values; older CLIs passed the text. Where the two differ the
value is refused, so the plan never depends on the CLI's version.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, SsmProfileError
from . import cliconfig, yamlfile
from .yamlfile import Mapping, Scalar, YamlError


@dataclass(frozen=True)
class StackConfig:
    """A project name, a stack name and the config the program would receive."""

    project: str
    stack: str
    config: dict[str, str]
    project_dir: Path
    stacks_dir: Path
    # What the offline plan cannot see in the stack file, one line each (the plan shows them
    # with its warnings): an ESC ``environment:`` import.
    notes: tuple[str, ...] = ()


def find_project_dir(start: Path | None = None, stacks_dir: Path | None = None) -> Path:
    """The project of the stack files in ``stacks_dir``: the nearest folder at or above it
    holding ``Pulumi.yaml`` (an installed ``ssm-profile``, or a program's own project, run
    from another folder); failing that, at or above ``start`` (the working folder)."""
    here = (start or Path.cwd()).resolve()
    starts = ([stacks_dir.resolve()] if stacks_dir is not None else []) + [here]
    for begin in starts:
        for folder in (begin, *begin.parents):
            if (folder / "Pulumi.yaml").is_file():
                return folder
    above = f" nor at or above {starts[0]}" if len(starts) > 1 else ""
    raise SsmProfileError(f"no Pulumi.yaml in {here} or any parent folder{above}")


MAX_BYTES = 1 << 20  # a stack file is a few kilobytes


def _read_text(path: Path) -> str:
    """The file's text: UTF-8, an optional byte order mark dropped (as the CLI does)."""
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise SsmProfileError(f"{path}: is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        raise SsmProfileError(
            f"{path}:{line}: is not UTF-8 text (byte 0x{data[error.start]:02x})"
            + ("; it looks like UTF-16: save it as UTF-8" if utf16 else "")
        ) from None


def _where(path: tuple[str | int, ...]) -> str:
    """``("tags", "team")`` -> ``tags.team``; ``("buckets", 1)`` -> ``buckets[1]``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)[1:]


def _read_yaml(path: Path, project: str | None = None) -> Mapping:
    """The file's top-level mapping; a problem inside ``config`` names the full key."""
    try:
        root = yamlfile.compose(_read_text(path))
    except OSError as error:
        raise SsmProfileError(f"{path}: cannot read ({error.strerror})") from None
    except YamlError as error:
        at = f"{path}:{error.line}" if error.line else str(path)
        if project and len(error.path) > 1 and error.path[0] == "config":
            try:
                key = cliconfig.full_key(project, str(error.path[1]), path, error.line)
            except SsmProfileError:
                key = str(error.path[1])  # as written: the CLI cannot parse it either
            raise ConfigError(
                key + _where(("", *error.path[2:])), f"{error.problem} ({at})"
            ) from None
        inside = f" (at {_where(error.path)})" if error.path else ""
        raise SsmProfileError(f"{at}: {error.problem}{inside}") from None
    root = cliconfig.given(root)
    if root is None:
        return Mapping()
    if not isinstance(root, Mapping):
        raise SsmProfileError(f"{path}: expected a YAML mapping at the top level")
    return root


def _stack_config_dir(project_dir: Path, project_file: Mapping) -> Path:
    """``stackConfigDir``; a string ``config`` is its old spelling, as the CLI accepts it."""
    path = project_dir / "Pulumi.yaml"
    folder = cliconfig.given(project_file.get("stackConfigDir"))
    if cliconfig.text_field(project_file, "config") is not None:
        if folder is not None:
            raise SsmProfileError(
                f"{path}: should not use both config and stackConfigDir to define the stack "
                "directory; use only stackConfigDir"
            )
        folder = project_file["config"]
    if folder is None:
        return project_dir
    if not (isinstance(folder, Scalar) and isinstance(folder.value, str)):
        raise SsmProfileError(
            f"{path}: `stackConfigDir` must be a string, got {cliconfig.kind(folder)}"
        )
    return project_dir / folder.value


def default_stacks_dir(project_dir: Path | None = None) -> Path:
    """The folder of stack files: ``stackConfigDir`` of ``Pulumi.yaml`` (else the project)."""
    project_dir = project_dir or find_project_dir()
    return _stack_config_dir(project_dir, _read_yaml(project_dir / "Pulumi.yaml"))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # _project reports it
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=16)
def _project(
    project_path: Path, stamp: tuple[int, int] | None
) -> tuple[str, Path, tuple[dict[str, str], dict[str, str], dict[str, str]]]:
    """``Pulumi.yaml`` read and checked once per process for all its stacks (``plan --all``);
    ``stamp`` (modification time and size) reads it again when it changes. Callers copy
    what they change."""
    project_file = _read_yaml(project_path)
    project = cliconfig.text_field(project_file, "name")
    if not project:
        raise SsmProfileError(f"{project_path}: `name` is missing or not a string")
    folder = _stack_config_dir(project_path.parent, project_file)  # checked even when unused
    return project, folder, cliconfig.project_config(project, project_file, project_path)


def load_stack(
    stack: str, stacks_dir: Path | None = None, project_dir: Path | None = None
) -> StackConfig:
    """Merge ``Pulumi.yaml`` defaults and ``STACKS_DIR/Pulumi.STACK.yaml`` values."""
    project_dir = project_dir or find_project_dir(stacks_dir=stacks_dir)
    project_path = project_dir / "Pulumi.yaml"
    project, folder, (defaults, types, required) = _project(project_path, _stamp(project_path))
    stacks_dir = folder if stacks_dir is None else stacks_dir
    stack_path = stacks_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = list_stacks(stacks_dir)
        raise SsmProfileError(
            f"no stack file {stack_path} (stacks there: {', '.join(known) or 'none'})"
        )
    config = dict(defaults)

    stack_file = _read_yaml(stack_path, project)
    environment = stack_file.get("environment")
    notes: tuple[str, ...] = ()
    if environment is not None and yamlfile.data(environment) not in (None, [], {}):
        notes = (
            f"{stack_path}:{environment.line}: `environment` imports Pulumi ESC environments: "
            "values from ESC not available offline; this plan has only the stack file's own "
            "values, and `pulumi preview` may differ",
        )
    values = cliconfig.config_keys(
        project, cliconfig.config_section(stack_file, stack_path), stack_path
    )
    missing = sorted((name, full) for full, name in required.items() if full not in values)
    if missing:
        raise cliconfig.missing_error(
            stack, [name for name, _ in missing], [full for _, full in missing]
        )
    for full, (_, node) in values.items():
        wire = cliconfig.wire(node, full, stack_path)
        declared = types.get(full)
        if declared and not cliconfig.fits(declared, node, wire):
            raise ConfigError(full, f"must be of type {declared} (Pulumi.yaml), got {wire!r}")
        config[full] = wire
    return StackConfig(project, stack, config, project_dir, stacks_dir, notes)


def list_stacks(stacks_dir: Path) -> list[str]:
    """Names of the stacks that have a file in ``stacks_dir``, sorted."""
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))
