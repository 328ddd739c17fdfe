"""Loading the plugins a stack names (docs/plugins.md): entry points first, then modules.

Plugins are named explicitly in ``ssm-profile:plugins``: an entry point name of group
``ssm_profile`` first, else an importable module path. Installed but unlisted plugins are never
loaded. pluggy registers and verifies the implementations; the host then calls them itself.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from ..errors import PluginError, suggest
from . import hookspecs
from .hookspecs import HOOKS

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME


@dataclass(frozen=True)
class LoadedPlugin:
    """One enabled plugin: its name in ``plugins``, where it came from, what it implements."""

    name: str
    module: Any
    source: str
    version: str | None
    hooks: tuple[str, ...]

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (``plugins`` command and the stack's audit output)."""
        return {
            "name": self.name,
            "source": self.source,
            "version": self.version,
            "hooks": list(self.hooks),
        }


def new_manager() -> pluggy.PluginManager:
    """A plugin manager with this project's hook specs (one per stack run: no global state)."""
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    return manager


@functools.lru_cache(maxsize=8)
def _entry_points(path: tuple[str, ...]) -> tuple[metadata.EntryPoint, ...]:
    """Every installed entry point of group ``ssm_profile`` on ``path`` (``sys.path``): one
    scan of the installed distributions per process, not one per plugin name and stack."""
    return tuple(metadata.entry_points(group=ENTRY_POINT_GROUP))


def _entry_point(name: str) -> metadata.EntryPoint | None:
    found = [ep for ep in _entry_points(tuple(sys.path)) if ep.name == name]
    if len(found) > 1:
        where = ", ".join(sorted(str(ep.dist.name if ep.dist else ep.value) for ep in found))
        raise PluginError(name, None, f"several distributions register this entry point: {where}")
    return found[0] if found else None


def _flushed(*streams: Any) -> bool:
    """Flush each stream; whether all of them could be."""
    done = True
    for stream in streams:
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            done = False
    return done


def _descriptor_1_to_2() -> int | None:
    """Point file descriptor 1 at 2; the saved descriptor 1, or ``None`` if there is none."""
    try:
        saved = os.dup(1)
    except OSError:
        return None
    try:
        os.dup2(2, 1)
    except OSError:
        os.close(saved)
        return None
    return saved


@contextlib.contextmanager
def output_to_stderr() -> Iterator[None]:
    """Run plugin code with its output on stderr: ``print`` (``sys.stdout``) and file
    descriptor 1 too (a subprocess, C code), so stdout holds only what ssm-profile prints
    (``plan --format json`` stays JSON, an error leaves it empty)."""
    # what ssm-profile printed before goes to stdout first; if it cannot, it stays buffered
    # for the command line to report, and nothing of it is flushed to stderr below
    clean = _flushed(sys.stdout, sys.__stdout__)
    saved = _descriptor_1_to_2()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        _flushed(*((sys.__stdout__,) if clean else ()), sys.stderr)  # the plugin's, to fd 2
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def raised(error: BaseException) -> str:
    """``ValueError: message`` (``SystemExit`` alone when there is no message)."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _import(name: str) -> tuple[Any, str, str | None]:
    """The plugin object, its source description and its version."""
    entry_point = _entry_point(name)
    try:
        if entry_point is not None:
            with output_to_stderr():
                module = entry_point.load()
            dist = entry_point.dist
            if dist is not None:
                return module, f"{dist.name} {dist.version} ({entry_point.value})", dist.version
            return module, entry_point.value, None
        with output_to_stderr():
            module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name and (name == error.name or name.startswith(error.name + ".")):
            raise PluginError(
                name,
                None,
                f"no entry point of group {ENTRY_POINT_GROUP!r} and no importable module of that "
                "name; install the plugin's distribution or check the module path",
            ) from None
        raise PluginError(name, None, f"cannot be imported: {error}") from error
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # a plugin's import-time failure is the plugin's fault
        raise PluginError(name, None, f"cannot be imported: {raised(error)}") from error
    version = getattr(module, "__version__", None)
    return module, f"module {name}", version if isinstance(version, str) else None


# Why each pluggy hookimpl option other than its default is refused: the host calls every
# implementation itself, one plugin at a time in the listed order.
_UNSUPPORTED_OPTIONS = {
    "tryfirst": "plugins are called one by one in the order of ssm-profile:plugins",
    "trylast": "plugins are called one by one in the order of ssm-profile:plugins",
    "optionalhook": "every hook must be one of ssm-profile's hooks (an unknown name is an error)",
    "wrapper": "the host calls each implementation itself, so there is nothing to wrap",
    "hookwrapper": "the host calls each implementation itself, so there is nothing to wrap",
}


def _check_hookimpl_options(name: str, hook: str, attr: str, opts: Mapping[str, Any]) -> None:
    """Refuse every ``@hookimpl(...)`` option that is not pluggy's default."""
    for option, value in opts.items():
        if option == "specname":
            if value not in (None, attr):
                raise PluginError(
                    name,
                    hook,
                    f"@hookimpl(specname=...) is not supported: name the function {hook} "
                    f"instead of {attr}",
                )
            continue
        if value:
            why = _UNSUPPORTED_OPTIONS.get(option, "the host calls each implementation itself")
            raise PluginError(
                name, hook, f"@hookimpl({option}=True) is not supported: {why}; remove it"
            )


def _hook_functions(manager: pluggy.PluginManager, name: str, plugin: Any) -> dict[str, Any]:
    """Hook implementations of ``plugin`` by hook name, checked against the specs."""
    found: dict[str, Any] = {}
    for attr in dir(plugin):
        opts = manager.parse_hookimpl_opts(plugin, attr)
        if opts is None:
            if attr.startswith("ssm_profile_") and callable(getattr(plugin, attr, None)):
                raise PluginError(name, attr, "is not decorated with @ssm_profile.hookimpl")
            continue
        hook = opts.get("specname") or attr
        if hook not in HOOKS:
            raise PluginError(name, hook, f"unknown hook{suggest(hook, HOOKS)}")
        _check_hookimpl_options(name, hook, attr, opts)
        function = getattr(plugin, attr)
        spec_args = list(inspect.signature(getattr(hookspecs, hook)).parameters)
        impl_args = list(inspect.signature(function).parameters)
        unknown = [a for a in impl_args if a not in spec_args]
        if unknown:
            raise PluginError(
                name,
                hook,
                f"takes argument(s) {', '.join(unknown)} that the hook does not provide "
                f"(it provides {', '.join(spec_args)})",
            )
        found[hook] = function
    return found


def load_plugins(
    names: Sequence[str], preloaded: Mapping[str, Any] | None = None
) -> tuple[pluggy.PluginManager, list[LoadedPlugin]]:
    """Load and register the named plugins; ``preloaded`` maps names to ready objects."""
    manager = new_manager()
    loaded = []
    for name in names:
        if preloaded and name in preloaded:
            plugin, source, version = preloaded[name], f"object {name}", None
        else:
            plugin, source, version = _import(name)
        functions = _hook_functions(manager, name, plugin)
        if not functions:
            raise PluginError(
                name, None, "implements no ssm_profile hook (decorate functions with @hookimpl)"
            )
        try:
            manager.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as error:
            raise PluginError(name, None, str(error).splitlines()[0]) from None
        hooks = tuple(h for h in HOOKS if h in functions)
        loaded.append(LoadedPlugin(name, plugin, source, version, hooks))
    return manager, loaded
