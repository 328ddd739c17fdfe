"""Everything a stack will deploy, decided before any resource exists (pure, no Pulumi).

:func:`build_blueprint` joins the stack's own statements and managed policies with what
plugins contributed, packs the custom policy and checks IAM's limits. The component then
turns the blueprint into resources one-to-one, so a blueprint that builds is a stack that
deploys, and a stack that fails here has registered nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .aws import limits
from .aws.naming import ENDPOINT_POLICY_OUTPUT, attachment_key, custom_policy_names
from .config.reader import k
from .config.settings import Settings
from .errors import ConfigError, PluginError, PolicyError, StatementSizeError, q, suggest
from .iam import documents
from .iam.findings import CODES, Accepted, accept, acceptance_hint
from .iam.managed import (
    combining_actions,
    managed_policy_content_problem,
    unknown_managed_policy_problem,
)
from .iam.packing import min_policies, pack
from .iam.rolelint import role_findings
from .iam.statement import Statement, document, json_size, render
from .pluginhost.contributions import Contributions

SERVICE_SETTING_PATH = "/ssm/managed-instance/default-ec2-instance-management-role"


@dataclass(frozen=True)
class PolicySpec:
    """One customer managed policy of the stack."""

    name: str
    statements: tuple[Statement, ...]

    @property
    def document(self) -> str:
        """The policy JSON exactly as the provider receives it."""
        return render(document(self.statements))


@dataclass(frozen=True)
class Blueprint:
    """The resolved plan of one stack; the component registers exactly this."""

    settings: Settings
    account_id: str
    trust_policy: str | None
    managed_policy_arns: tuple[str, ...]
    custom_policies: tuple[PolicySpec, ...]
    tags: Mapping[str, str]
    plugins: tuple[Mapping[str, Any], ...] = ()
    accepted_findings: tuple[Accepted, ...] = ()
    # The S3 gateway endpoint policy the network team attaches (with vpcEndpoints).
    endpoint_policy: str | None = None
    # What the stack cannot do as configured, one line each: `pulumi up` and the offline
    # plan print them as warnings (docs/configuration.md).
    warnings: tuple[str, ...] = ()

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for p in self.custom_policies for s in p.statements)

    @property
    def service_setting_ids(self) -> tuple[tuple[str, str], ...]:
        """(Region, ARN) of each DHMC service setting, one per Region of ``regions``
        (``default-host-management`` mode only)."""
        s = self.settings
        if s.mode != "default-host-management":
            return ()
        path = f"servicesetting{SERVICE_SETTING_PATH}"
        return tuple((r, s.partition.arn("ssm", r, self.account_id, path)) for r in s.regions)


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _check_attachment_keys(settings: Settings, arns: Sequence[str]) -> None:
    """Two policies of one name would give two attachments one Pulumi name."""
    seen: dict[str, str] = {}
    for arn in arns:
        # IAM's names are unique whatever their case: policy/x and policy/X are one name.
        other = seen.setdefault(attachment_key(arn).lower(), arn)
        if other != arn:
            message = (
                f"{arn} has the same policy name as {other}; attach at most one policy of a name"
            )
            if arn in settings.managed_policies:
                key = f"{k('managedPolicies')}[{settings.managed_policies.index(arn)}]"
                raise ConfigError(key, message)
            raise PolicyError(message)


def _policy_names(settings: Settings, count: int) -> list[str]:
    names = custom_policy_names(settings.custom_policy_name, count)
    for name in names:
        if len(name) > limits.POLICY_NAME_LIMIT:
            raise ConfigError(
                k("customPolicyName"),
                f"custom policy name {name!r} is longer than IAM's {limits.POLICY_NAME_LIMIT} "
                "characters; set a shorter customPolicyName (or stack name)",
            )
    return names


def _check_managed_content(settings: Settings, arns: Sequence[str], extra: Contributions) -> None:
    """Every AWS managed policy exists and grants nothing the gate refuses
    (:mod:`ssm_profile.iam.managed`), named by its key or plugin."""
    for arn in arns:
        problem = managed_policy_content_problem(arn)
        if problem is None:
            continue
        if arn in settings.managed_policies:
            raise ConfigError(
                f"{k('managedPolicies')}[{settings.managed_policies.index(arn)}]", problem
            )
        if arn in extra.policy_owners:
            raise PluginError(extra.policy_owners[arn], "ssm_profile_managed_policies", problem)
        raise PolicyError(problem)  # a policy the guide attaches: the data file is wrong


def _check_boundary(settings: Settings) -> None:
    """An AWS managed boundary must exist (PutRolePermissionsBoundary: NoSuchEntity)."""
    arn = settings.permissions_boundary
    problem = unknown_managed_policy_problem(arn) if arn is not None else None
    if problem:
        raise ConfigError(k("permissionsBoundary"), problem)


def _check_not_own_policies(settings: Settings, account_id: str, names: Sequence[str]) -> None:
    """The stack's own custom policies are attached by the stack already: listing one in
    managedPolicies would give one IAM attachment two owners."""
    own = {n.lower() for n in names}  # IAM's policy names are unique whatever path and case
    account = settings.partition.arn("iam", "", account_id, "policy/")
    for index, arn in enumerate(settings.managed_policies):
        if arn.startswith(account) and attachment_key(arn).lower() in own:
            raise ConfigError(
                f"{k('managedPolicies')}[{index}]",
                f"{arn} is this stack's own custom policy, which the stack attaches already; "
                "remove it",
            )


def _check_quota(settings: Settings, managed: int, custom: int, exact: bool) -> None:
    """Attachments beyond ``maxManagedPolicies`` are an error; ``custom`` is the number of
    custom policies, or (``exact=False``) a lower bound on it."""
    if managed + custom <= settings.max_managed_policies:
        return
    least = "" if exact else "at least "
    raise ConfigError(
        k("maxManagedPolicies"),
        f"this stack needs {least}{managed + custom} managed policies on the role ({managed} "
        f"AWS managed, {least}{custom} custom) but the quota is "
        f"{settings.max_managed_policies}; drop policies or raise the quota (IAM allows up to "
        f"{limits.MAX_MANAGED_POLICIES_QUOTA} after a quota increase)",
    )


def _pack(statements: list[Statement], owners: Mapping[str, str]) -> list[list[Statement]]:
    """:func:`~ssm_profile.iam.packing.pack`, a statement too large named with its plugin."""
    try:
        groups = pack(statements)
    except StatementSizeError as error:
        owner = owners.get(error.sid)
        if owner is None:
            raise
        raise PluginError(owner, "ssm_profile_statements", error.detail, error.sid) from None
    seen: set[str] = set()
    for sid in (s.sid for group in groups for s in group):  # split parts are SidPart2, ...
        if sid in seen:
            raise PolicyError(
                f"statement Sid {sid} is used twice (statements too large for one "
                "policy are split into SidPart2, SidPart3, ...)"
            )
        seen.add(sid)
    return groups


def _accepted_findings(
    settings: Settings,
    statements: Sequence[Statement],
    extra: Contributions,
    arns: Sequence[str] = (),
) -> tuple[Accepted, ...]:
    """The role lint on every final statement and the attached AWS managed policies, then the
    acceptances checked: each must match a finding, so that none outlives the grant it was
    written for."""
    managed = {arn: combining_actions(arn) for arn in arns}
    accepted, refused = accept(role_findings(statements, managed), settings.accept_findings)
    if refused:
        plugins = sorted({extra.owners[s] for f in refused for s in f.sids if s in extra.owners})
        who = " and ".join(f'plugin "{p}"' for p in plugins) or "the stack"
        raise PolicyError(
            f"{who}: " + "; ".join(f.text() for f in refused) + acceptance_hint(refused)
        )
    found = sorted([*extra.accepted, *accepted], key=lambda a: (a.sid, a.finding, a.subject))
    sids = [s.sid for s in statements]
    for index, entry in enumerate(settings.accept_findings):
        if any(
            (a.sid, a.finding) == (entry.sid, entry.finding) and entry.subject in (None, a.subject)
            for a in found
        ):
            continue
        key = f"{k('acceptFindings')}[{index}]"
        if entry.sid not in sids:
            raise ConfigError(key, f"no statement has Sid {q(entry.sid)}{suggest(entry.sid, sids)}")
        if entry.finding not in CODES:
            hint = suggest(entry.finding, list(CODES))
            raise ConfigError(key, f"{q(entry.finding)} is not a finding code{hint}")
        what = f"{entry.finding} finding" + (f" on {entry.subject}" if entry.subject else "")
        raise ConfigError(
            key,
            f"statement {entry.sid} has no {what}; remove this entry (an acceptance must match "
            "a finding of the gate)",
        )
    return tuple(found)


def build_blueprint(
    settings: Settings, account_id: str, contributions: Contributions | None = None
) -> Blueprint:
    """Resolve the stack's documents, attachments and tags, enforcing IAM's limits."""
    extra = contributions or Contributions()
    statements = documents.builtin_statements(settings, account_id)
    builtin = {s.sid for s in statements}
    for statement in sorted(extra.statements, key=lambda s: s.sid):
        if statement.sid in builtin:
            raise PluginError(
                extra.owners[statement.sid],
                "ssm_profile_statements",
                f"Sid {statement.sid} is already used by a built-in statement",
                statement.sid,
            )
        statements.append(statement)
    arns = _unique(documents.builtin_managed_policy_arns(settings) + extra.managed_policy_arns)
    _check_attachment_keys(settings, arns)
    _check_managed_content(settings, arns, extra)
    _check_boundary(settings)
    # A stack that cannot fit its quota fails before the packing work.
    least = min_policies(statements)  # exact when everything fits one policy
    _check_quota(settings, len(arns), least, exact=least <= 1)
    groups = _pack(statements, extra.owners)
    names = _policy_names(settings, len(groups))
    _check_not_own_policies(settings, account_id, names)
    _check_quota(settings, len(arns), len(groups), exact=True)

    tags = dict(settings.tags)
    tags.update(extra.tags)
    if len(tags) > limits.MAX_TAGS:
        raise ConfigError(
            k("tags"), f"{len(tags)} tags with plugin tags; IAM allows {limits.MAX_TAGS}"
        )

    trust = documents.trust_policy(settings, account_id)
    if trust is not None and json_size(trust) > limits.TRUST_POLICY_SIZE_LIMIT:
        raise PolicyError("the role's trust policy exceeds IAM's 2,048 characters")

    accepted = _accepted_findings(settings, [s for g in groups for s in g], extra, arns)
    endpoint_policy, endpoint_warnings = _endpoint_policy(settings)
    return Blueprint(
        settings=settings,
        account_id=account_id,
        trust_policy=render(trust) if trust is not None else None,
        managed_policy_arns=arns,
        custom_policies=tuple(PolicySpec(n, tuple(g)) for n, g in zip(names, groups, strict=True)),
        tags=MappingProxyType(tags),
        plugins=extra.sources,
        accepted_findings=accepted,
        endpoint_policy=endpoint_policy,
        warnings=(*documents.bucket_warnings(settings), *endpoint_warnings),
    )


def _endpoint_policy(settings: Settings) -> tuple[str | None, list[str]]:
    """The rendered endpoint policy, and a warning when it exceeds what an endpoint holds."""
    policy = documents.endpoint_policy(settings)
    if policy is None:
        return None, []
    text = render(policy)
    if len(text) <= limits.ENDPOINT_POLICY_SIZE_LIMIT:
        return text, []
    return text, [
        f"the S3 endpoint policy (output {ENDPOINT_POLICY_OUTPUT}) is {len(text)} characters; "
        f"a VPC endpoint policy holds {limits.ENDPOINT_POLICY_SIZE_LIMIT}, whitespace included: "
        f"split {k('regions')} across stacks"
    ]
