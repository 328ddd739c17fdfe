"""Everything a stack will deploy, decided before any resource exists (pure, no Pulumi).

``build_blueprint`` joins the built-in statements and managed policies of the settings with
what plugins contributed, packs the custom policy, and checks IAM's limits. The component then
turns the blueprint into resources one-to-one, so a blueprint that builds is a stack that
deploys, and a stack that fails here has registered nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import documents
from .documents import Statement
from .errors import ConfigError, PolicyError
from .settings import MAX_TAGS, Settings, k

CheckHook = Callable[[Sequence[Statement], Sequence[str]], None]


@dataclass(frozen=True)
class Contributions:
    """What plugins add to the built-in policies (empty without plugins)."""

    statements: tuple[Statement, ...] = ()
    managed_policy_arns: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class PolicySpec:
    """One customer managed policy of the stack."""

    name: str
    statements: tuple[Statement, ...]

    @property
    def document(self) -> str:
        """The policy JSON exactly as the provider receives it."""
        return documents.render(documents.document(self.statements))


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

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for p in self.custom_policies for s in p.statements)

    @property
    def service_setting_id(self) -> str | None:
        """ARN of the DHMC service setting (``default-host-management`` mode only)."""
        s = self.settings
        if s.mode != "default-host-management":
            return None
        return s.partition.arn(
            "ssm",
            s.region,
            self.account_id,
            "servicesetting/ssm/managed-instance/default-ec2-instance-management-role",
        )


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def attachment_key(arn: str) -> str:
    """The part of a managed policy ARN that names its attachment resource (the policy name)."""
    return arn.rsplit("/", 1)[-1]


def _check_attachment_keys(settings: Settings, arns: Sequence[str]) -> None:
    """Two policies of one name would give two attachments one Pulumi name."""
    seen: dict[str, str] = {}
    for arn in arns:
        other = seen.setdefault(attachment_key(arn), arn)
        if other != arn:
            message = (
                f"{arn} has the same policy name as {other}; attach at most one policy of a name"
            )
            if arn in settings.managed_policies:
                key = f"{k('managedPolicies')}[{settings.managed_policies.index(arn)}]"
                raise ConfigError(key, message)
            raise PolicyError(message)


def policy_names(settings: Settings, count: int) -> list[str]:
    """``SSMInstanceProfileS3Policy-<stack>``, then ``...-2``, ``...-3`` for packed parts."""
    base = settings.custom_policy_name
    names = [base if i == 1 else f"{base}-{i}" for i in range(1, count + 1)]
    for name in names:
        if len(name) > 128:
            raise PolicyError(
                f"custom policy name {name!r} is longer than IAM's 128 characters; "
                "use a shorter stack name"
            )
    return names


def build_blueprint(
    settings: Settings,
    account_id: str,
    contributions: Contributions | None = None,
    check: CheckHook | None = None,
) -> Blueprint:
    """Resolve the stack's documents, attachments and tags, enforcing IAM's limits."""
    extra = contributions or Contributions()
    statements = documents.builtin_statements(settings)
    statements += sorted(extra.statements, key=lambda s: s.sid)
    arns = _unique(documents.builtin_managed_policy_arns(settings) + extra.managed_policy_arns)
    _check_attachment_keys(settings, arns)
    groups = documents.pack(statements)
    seen: set[str] = set()
    for sid in (s.sid for group in groups for s in group):  # split parts are SidPart2, ...
        if sid in seen:
            raise PolicyError(
                f"statement Sid {sid} is used twice (statements too large for one "
                "policy are split into SidPart2, SidPart3, ...)"
            )
        seen.add(sid)
    names = policy_names(settings, len(groups))
    needed = len(arns) + len(groups)
    if needed > settings.max_managed_policies:
        raise ConfigError(
            k("maxManagedPolicies"),
            f"this stack needs {needed} managed policies on the role ({len(arns)} AWS managed, "
            f"{len(groups)} custom) but the quota is {settings.max_managed_policies}; drop "
            f"policies or raise the quota (IAM allows up to 20 after a quota increase)",
        )

    tags = dict(settings.tags)
    tags.update(extra.tags)
    if len(tags) > MAX_TAGS:
        raise ConfigError(k("tags"), f"{len(tags)} tags with plugin tags; IAM allows {MAX_TAGS}")

    trust = documents.trust_policy(settings, account_id)
    if trust is not None and documents.json_size(trust) > documents.TRUST_POLICY_SIZE_LIMIT:
        raise PolicyError("the role's trust policy exceeds IAM's 2,048 characters")

    policies = tuple(PolicySpec(n, tuple(g)) for n, g in zip(names, groups, strict=True))
    if check is not None:
        check([s for p in policies for s in p.statements], arns)

    return Blueprint(
        settings=settings,
        account_id=account_id,
        trust_policy=documents.render(trust) if trust is not None else None,
        managed_policy_arns=arns,
        custom_policies=policies,
        tags=MappingProxyType(tags),
        plugins=extra.sources,
    )
