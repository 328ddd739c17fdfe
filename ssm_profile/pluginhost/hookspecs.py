"""The hooks an ssm-profile plugin can implement (project name ``ssm_profile``).

A plugin is a module (or an installed distribution's entry point of group ``ssm_profile``)
with functions decorated by a plain ``ssm_profile.hookimpl`` (no ``tryfirst``, ``trylast``,
``optionalhook``, wrapper or renaming ``specname``) and named after these specs. It runs only
when a stack lists it in ``ssm-profile:plugins``. The host calls each plugin's hooks itself, one
plugin at a time in the listed order, so every result and failure is attributed to its
plugin. An implementation may accept fewer arguments than its spec (pluggy's rule), e.g.
``def ssm_profile_check(statements)``.

Order of calls for one stack: ``ssm_profile_statements``, ``ssm_profile_managed_policies``,
``ssm_profile_tags`` for every plugin; then the built-in and plugin contributions are merged,
packed and checked against IAM's limits; then ``ssm_profile_check`` for every plugin. Nothing
is registered until all hooks have run and every check has passed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .context import PluginContext

PROJECT_NAME = "ssm_profile"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def ssm_profile_statements(context: PluginContext) -> Sequence[Mapping[str, Any]] | None:
    """Extra IAM statements for the stack's custom policy.

    Called once per stack, before merging. Return a list of statement mappings with keys
    ``Sid`` (required, alphanumeric, unique across the stack), ``Effect`` (``Allow`` or
    ``Deny``), ``Action`` or ``NotAction`` (``service:Action``; never ``"*"``), ``Resource``
    or ``NotResource`` (ARNs in the stack's partition), and optionally ``Condition``; or
    ``None``/``[]`` to add nothing. Statements are validated, ``Allow`` ones against the
    least-privilege gate (:func:`ssm_profile.iam.gate.statement_problems`), then sorted by ``Sid``
    after the built-in ones and packed into the custom managed policy.

    :param context: the stack's facts and this plugin's ``pluginConfig`` entry.
    """


@hookspec
def ssm_profile_managed_policies(context: PluginContext) -> Sequence[str] | None:
    """Extra AWS managed policies to attach to the role, by name or ARN.

    Called once per stack, before merging. Return names (``AmazonSSMPatchAssociation``) or
    full ARNs in the stack's partition, or ``None``. They count against
    ``maxManagedPolicies`` like any other attachment.

    :param context: the stack's facts and this plugin's ``pluginConfig`` entry.
    """


@hookspec
def ssm_profile_tags(context: PluginContext) -> Mapping[str, str] | None:
    """Extra tags for every taggable resource (role, policies, instance profile, activation).

    Called once per stack, before merging. Return a mapping of tag key to value, or ``None``.
    A key that the stack's ``tags`` or another plugin sets to a different value is an error.

    :param context: the stack's facts and this plugin's ``pluginConfig`` entry.
    """


@hookspec
def ssm_profile_check(
    context: PluginContext,
    statements: Sequence[Mapping[str, Any]],
    managed_policy_arns: Sequence[str],
) -> Sequence[str] | None:
    """Inspect the final merged policies; each returned string is a problem that stops the run.

    Called after merging and packing, before anything is registered. Problems of all plugins
    are reported together. Return ``None`` or ``[]`` to approve.

    :param context: the stack's facts and this plugin's ``pluginConfig`` entry.
    :param statements: every statement of the custom policies, in deployment order, read-only;
        ``Action``/``NotAction``/``Resource``/``NotResource`` are always tuples of strings.
    :param managed_policy_arns: the ARNs of every AWS managed policy attached to the role.
    """


# Every hook, in the order the host calls them for one plugin.
HOOKS = (
    "ssm_profile_statements",
    "ssm_profile_managed_policies",
    "ssm_profile_tags",
    "ssm_profile_check",
)
