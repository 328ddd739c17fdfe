"""The plugin host (docs/plugins.md): call each plugin's hooks, validate and merge results.

The host calls each plugin's implementations itself, one plugin at a time in the listed order,
so every result and every failure names its plugin and hook. The merged result does not
depend on the order of ``plugins``. The pipeline is one way (:mod:`ssm_profile.pipeline`):
:meth:`PluginHost.contributions` feeds the pure blueprint, then :meth:`PluginHost.check`
inspects what the blueprint resolved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from ..aws.managed import policy_ref_arn
from ..aws.names import check_tags
from ..config.reader import k
from ..config.settings import Settings
from ..errors import ConfigError, PluginError, SsmProfileError
from ..iam.findings import Accepted, accept, acceptance_hint
from ..iam.gate import statement_findings
from ..iam.parse import StatementError, parse_statement, sid_of
from ..iam.statement import Statement
from .context import make_context
from .contributions import Contributions
from .loading import LoadedPlugin, load_plugins, output_to_stderr, raised

STATEMENTS = "ssm_profile_statements"
MANAGED_POLICIES = "ssm_profile_managed_policies"
TAGS = "ssm_profile_tags"
CHECK = "ssm_profile_check"


def _sequence(plugin: LoadedPlugin, hook: str, result: Any, what: str) -> Sequence[Any]:
    if result is None:
        return ()
    if isinstance(result, (str, bytes, Mapping)) or not isinstance(result, Sequence):
        raise PluginError(
            plugin.name, hook, f"returned {type(result).__name__}; expected a list of {what}"
        )
    return result


class PluginHost:
    """The enabled plugins of one stack, loaded and ready to be called."""

    def __init__(
        self, settings: Settings, account_id: str, preloaded: Mapping[str, Any] | None = None
    ) -> None:
        self.settings = settings
        self.account_id = account_id
        self.manager, self.plugins = (
            load_plugins(settings.plugins, preloaded) if settings.plugins else (None, [])
        )

    def _call(self, plugin: LoadedPlugin, hook: str, **kwargs: Any) -> Any:
        """Call one plugin's implementation of ``hook``; failures name the plugin and hook."""
        assert self.manager is not None
        caller = getattr(self.manager.hook, hook)
        impls = [i for i in caller.get_hookimpls() if i.plugin_name == plugin.name]
        if not impls:
            return None
        impl = impls[0]
        kwargs["context"] = make_context(self.settings, self.account_id, plugin.name)
        try:
            with output_to_stderr():
                return impl.function(*[kwargs[a] for a in impl.argnames])
        except SsmProfileError as error:
            raise PluginError(plugin.name, hook, str(error)) from error
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # the plugin's bug (even SystemExit), reported as such
            raise PluginError(plugin.name, hook, f"raised {raised(error)}") from error

    def contributions(self) -> Contributions:
        """Run every plugin's statements, managed-policies and tags hooks, and merge them."""
        merge = _Merge(self.settings)
        for plugin in self.plugins:
            merge.add_statements(plugin, self._call(plugin, STATEMENTS))
            merge.add_managed_policies(plugin, self._call(plugin, MANAGED_POLICIES))
            merge.add_tags(plugin, self._call(plugin, TAGS))
        return merge.contributions(self.plugins)

    def check(self, statements: Sequence[Statement], arns: Sequence[str]) -> None:
        """Run every plugin's ``ssm_profile_check`` on the final statements and ARNs; the
        problems of all plugins stop the run together."""
        deployed = tuple(s.deployed_form() for s in statements)
        problems = []
        for plugin in self.plugins:
            result = self._call(plugin, CHECK, statements=deployed, managed_policy_arns=tuple(arns))
            for problem in _sequence(plugin, CHECK, result, "problem strings"):
                if not isinstance(problem, str):
                    raise PluginError(
                        plugin.name, CHECK, f"returned {problem!r}; problems must be strings"
                    )
                problems.append(f'plugin "{plugin.name}": {problem}')
        if problems:
            raise SsmProfileError(
                f"{k('plugins')}: ssm_profile_check stopped the deployment: " + "; ".join(problems)
            )


class _Merge:
    """Accumulates plugin contributions, attributing each to its plugin."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.statements: dict[str, tuple[str, Statement]] = {}
        self.accepted: list[Accepted] = []
        self.arns: dict[str, str] = {}  # ARN -> the first plugin that asked for it
        # tag key -> (owner, value); the owner None is the stack's own ssm-profile:tags
        self.tags: dict[str, tuple[str | None, str]] = {
            key: (None, value) for key, value in settings.tags.items()
        }

    def add_statements(self, plugin: LoadedPlugin, result: Any) -> None:
        for item in _sequence(plugin, STATEMENTS, result, "statement mappings"):
            try:
                statement = parse_statement(item, self.settings.partition)
            except StatementError as error:
                raise PluginError(plugin.name, STATEMENTS, str(error), sid_of(item)) from None
            sid = statement.sid
            findings = statement_findings(statement.to_json())
            accepted, refused = accept(findings, self.settings.accept_findings, plugin.name)
            if refused:
                message = "; ".join(f.text() for f in refused) + acceptance_hint(refused)
                raise PluginError(plugin.name, STATEMENTS, message, sid)
            self.accepted += accepted
            if sid in self.statements:
                first = self.statements[sid][0]
                owners = " and ".join(f'plugin "{n}"' for n in sorted({first, plugin.name}))
                raise PluginError(
                    plugin.name, STATEMENTS, f"Sid {sid} is returned by {owners}", sid
                )
            self.statements[sid] = (plugin.name, statement)

    def add_managed_policies(self, plugin: LoadedPlugin, result: Any) -> None:
        for index, item in enumerate(
            _sequence(plugin, MANAGED_POLICIES, result, "policy names or ARNs")
        ):
            try:
                arn = policy_ref_arn(f"[{index}]", item, self.settings.partition)
                self.arns.setdefault(arn, plugin.name)
            except ConfigError as error:
                raise PluginError(plugin.name, MANAGED_POLICIES, f"policy {error}") from None

    def add_tags(self, plugin: LoadedPlugin, result: Any) -> None:
        if result is None:
            return
        if not isinstance(result, Mapping):
            raise PluginError(
                plugin.name, TAGS, f"returned {type(result).__name__}; expected a mapping"
            )
        try:
            tags = check_tags("tags", dict(result))
        except ConfigError as error:
            raise PluginError(plugin.name, TAGS, str(error)) from None
        keys = {known.lower(): known for known in self.tags}
        for key, value in tags.items():
            known = keys.get(key.lower())
            if known is not None and (known, self.tags[known][1]) != (key, value):
                owner, old = self.tags[known]
                who = f"the stack's {k('tags')}" if owner is None else f'plugin "{owner}"'
                was = f"{old!r}" if known == key else f"{known}={old!r}; IAM's tag keys ignore case"
                raise PluginError(
                    plugin.name, TAGS, f"tag {key}={value!r} conflicts with {who} ({was})"
                )
            self.tags.setdefault(key, (plugin.name, value))

    def _source(self, plugin: LoadedPlugin) -> dict[str, Any]:
        """The plugin's description with the Sids and managed policies it contributed: the
        stack output ``plugins``, from which a diff names where a statement came from."""
        return {
            **plugin.describe(),
            "statements": sorted(
                s for s, (owner, _) in self.statements.items() if owner == plugin.name
            ),
            "managedPolicies": sorted(a for a, owner in self.arns.items() if owner == plugin.name),
        }

    def contributions(self, plugins: Sequence[LoadedPlugin]) -> Contributions:
        plugin_tags = {key: value for key, (owner, value) in self.tags.items() if owner is not None}
        return Contributions(
            statements=tuple(s for _, s in self.statements.values()),
            owners=MappingProxyType({sid: owner for sid, (owner, _) in self.statements.items()}),
            managed_policy_arns=tuple(sorted(self.arns)),
            policy_owners=MappingProxyType(dict(sorted(self.arns.items()))),
            tags=MappingProxyType(dict(sorted(plugin_tags.items()))),
            sources=tuple(self._source(p) for p in sorted(plugins, key=lambda p: p.name)),
            accepted=tuple(self.accepted),
        )
