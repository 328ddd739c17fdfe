"""The plugin host (SPEC section 5): load the stack's plugins, call them, validate and merge.

Plugins are named explicitly in ``ssm-profile:plugins``: an entry point name of group
``ssm_profile`` first, else an importable module path. Installed but unlisted plugins are never
loaded. The host calls each plugin's hook implementation itself, in the listed order, so every
result and every failure names its plugin; pluggy registers and verifies the implementations.
The merged result does not depend on the order of ``plugins``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from types import MappingProxyType
from typing import Any

import pluggy

from . import documents, hookspecs, lint
from .blueprint import CheckHook, Contributions
from .context import make_context
from .documents import Statement
from .errors import ConfigError, PluginError, SsmProfileError, StatementSizeError
from .settings import Settings, check_tags, freeze, k, policy_ref_arn, suggest
from .validation import StatementError, parse_statement, sid_of

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME
HOOKS = (
    "ssm_profile_statements",
    "ssm_profile_managed_policies",
    "ssm_profile_tags",
    "ssm_profile_check",
)


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


def _entry_point(name: str) -> metadata.EntryPoint | None:
    found = list(metadata.entry_points(group=ENTRY_POINT_GROUP, name=name))
    if len(found) > 1:
        where = ", ".join(sorted(str(ep.dist.name if ep.dist else ep.value) for ep in found))
        raise PluginError(name, None, f"several distributions register this entry point: {where}")
    return found[0] if found else None


def _raised(error: BaseException) -> str:
    """``ValueError: message`` (``SystemExit`` alone when there is no message)."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _import(name: str) -> tuple[Any, str, str | None]:
    """The plugin object, its source description and its version."""
    entry_point = _entry_point(name)
    try:
        if entry_point is not None:
            module = entry_point.load()
            dist = entry_point.dist
            if dist is not None:
                return module, f"{dist.name} {dist.version} ({entry_point.value})", dist.version
            return module, entry_point.value, None
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
        raise PluginError(name, None, f"cannot be imported: {_raised(error)}") from error
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


def _call(manager: pluggy.PluginManager, plugin: LoadedPlugin, hook: str, **kwargs: Any) -> Any:
    """Call one plugin's implementation of ``hook``; failures name the plugin and hook."""
    impls = [i for i in getattr(manager.hook, hook).get_hookimpls() if i.plugin_name == plugin.name]
    if not impls:
        return None
    impl = impls[0]
    try:
        return impl.function(*[kwargs[a] for a in impl.argnames])
    except SsmProfileError as error:
        raise PluginError(plugin.name, hook, str(error)) from error
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the plugin's bug (even SystemExit), reported as such
        raise PluginError(plugin.name, hook, f"raised {_raised(error)}") from error


def _sequence(plugin: LoadedPlugin, hook: str, result: Any, what: str) -> Sequence[Any]:
    if result is None:
        return ()
    if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Sequence):
        raise PluginError(
            plugin.name, hook, f"returned {type(result).__name__}; expected a list of {what}"
        )
    return result


def deployed_form(statement: Statement) -> Mapping[str, Any]:
    """A statement as deployed, read-only, with list-valued keys always tuples."""
    data = dict(statement.to_json())
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        if isinstance(data.get(key), str):
            data[key] = (data[key],)
    return freeze(data)


class _Merge:
    """Accumulates plugin contributions, attributing each to its plugin."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.statements: dict[str, tuple[str, Statement]] = {}
        self.builtin = {s.sid for s in documents.builtin_statements(settings)}
        self.arns: set[str] = set()
        self.tags: dict[str, tuple[str, str]] = {
            key: ("the stack's ssm-profile:tags", value) for key, value in settings.tags.items()
        }

    def add_statements(self, plugin: LoadedPlugin, result: Any) -> None:
        hook = "ssm_profile_statements"
        for item in _sequence(plugin, hook, result, "statement mappings"):
            try:
                statement = parse_statement(item, self.settings.partition)
            except StatementError as error:
                raise PluginError(plugin.name, hook, str(error), sid_of(item)) from None
            sid = statement.sid
            problems = lint.statement_problems(statement.to_json())
            if problems:
                raise PluginError(plugin.name, hook, "; ".join(problems), sid)
            try:
                documents.split_oversized(statement)  # what pack() will do with it
            except StatementSizeError as error:
                raise PluginError(plugin.name, hook, error.detail, sid) from None
            if sid in self.builtin:
                raise PluginError(
                    plugin.name, hook, f"Sid {sid} is already used by a built-in statement", sid
                )
            if sid in self.statements:
                first = self.statements[sid][0]
                owners = " and ".join(f'plugin "{n}"' for n in sorted({first, plugin.name}))
                raise PluginError(plugin.name, hook, f"Sid {sid} is returned by {owners}", sid)
            self.statements[sid] = (plugin.name, statement)

    def add_managed_policies(self, plugin: LoadedPlugin, result: Any) -> None:
        hook = "ssm_profile_managed_policies"
        for index, item in enumerate(_sequence(plugin, hook, result, "policy names or ARNs")):
            try:
                self.arns.add(policy_ref_arn(f"[{index}]", item, self.settings.partition))
            except ConfigError as error:
                raise PluginError(plugin.name, hook, f"policy {error}") from None

    def add_tags(self, plugin: LoadedPlugin, result: Any) -> None:
        hook = "ssm_profile_tags"
        if result is None:
            return
        if not isinstance(result, Mapping):
            raise PluginError(
                plugin.name, hook, f"returned {type(result).__name__}; expected a mapping"
            )
        try:
            tags = check_tags("tags", dict(result))
        except ConfigError as error:
            raise PluginError(plugin.name, hook, str(error)) from None
        for key, value in tags.items():
            if key in self.tags and self.tags[key][1] != value:
                owner, old = self.tags[key]
                owner = owner if owner.startswith("the stack") else f'plugin "{owner}"'
                raise PluginError(
                    plugin.name, hook, f"tag {key}={value!r} conflicts with {owner} ({old!r})"
                )
            self.tags.setdefault(key, (plugin.name, value))

    def contributions(self, plugins: Sequence[LoadedPlugin]) -> Contributions:
        plugin_tags = {
            key: value for key, (owner, value) in self.tags.items() if not owner.startswith("the")
        }
        return Contributions(
            statements=tuple(s for _, s in self.statements.values()),
            managed_policy_arns=tuple(sorted(self.arns)),
            tags=MappingProxyType(dict(sorted(plugin_tags.items()))),
            sources=tuple(p.describe() for p in sorted(plugins, key=lambda p: p.name)),
        )


def collect(
    settings: Settings, account_id: str, preloaded: Mapping[str, Any] | None = None
) -> tuple[Contributions, CheckHook | None]:
    """Run the enabled plugins' contribution hooks; returns the merge and the check hook."""
    if not settings.plugins:
        return Contributions(), None
    manager, plugins = load_plugins(settings.plugins, preloaded)
    merge = _Merge(settings)
    for plugin in plugins:
        context = make_context(settings, account_id, plugin.name)
        merge.add_statements(plugin, _call(manager, plugin, HOOKS[0], context=context))
        merge.add_managed_policies(plugin, _call(manager, plugin, HOOKS[1], context=context))
        merge.add_tags(plugin, _call(manager, plugin, HOOKS[2], context=context))

    def check(statements: Sequence[Statement], arns: Sequence[str]) -> None:
        deployed = tuple(deployed_form(s) for s in statements)
        problems = []
        for plugin in plugins:
            context = make_context(settings, account_id, plugin.name)
            result = _call(
                manager,
                plugin,
                HOOKS[3],
                context=context,
                statements=deployed,
                managed_policy_arns=tuple(arns),
            )
            for problem in _sequence(plugin, HOOKS[3], result, "problem strings"):
                if not isinstance(problem, str):
                    raise PluginError(
                        plugin.name, HOOKS[3], f"returned {problem!r}; problems must be strings"
                    )
                problems.append(f'plugin "{plugin.name}": {problem}')
        if problems:
            raise SsmProfileError(
                f"{k('plugins')}: ssm_profile_check stopped the deployment: " + "; ".join(problems)
            )

    return merge.contributions(plugins), check
