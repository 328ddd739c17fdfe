"""The sentences of the gate's findings: each names the action or resource and says what to do."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Sequence

from .actions import Action, privilege_escalation_methods, services, supplemented


def _unique_names(actions: Iterable[Action]) -> list[str]:
    """``service:Action`` names, each once (parliament may list an action in two rows that
    differ in access level or resource types)."""
    names: dict[str, str] = {}
    for action in actions:
        names.setdefault(str(action).lower(), str(action))
    return list(names.values())


def about(pattern: str, actions: Sequence[Action], one: str, many: str) -> str:
    """``action X <one>`` or ``action X* matches A, B, C and N more, which <one|many>``."""
    unique = _unique_names(actions)
    if len(unique) == 1 and unique[0].lower() == pattern.lower():
        return f"action {unique[0]} {one}"
    names = ", ".join(unique[:3])
    more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
    return f"action {pattern} matches {names}{more}, which {one if len(unique) == 1 else many}"


def unknown(action: str) -> str:
    service, _, name = action.partition(":")
    known = services().get(service.lower())
    if known is None and "*" not in service and "?" not in service:
        return f"action {action} is unknown: parliament's IAM database has no service {service!r}"
    if "*" in action or "?" in action:
        return f"action {action} matches no action in parliament's IAM database"
    close = _closest(service.lower(), name.lower()) if known else None
    hint = f"; did you mean {close}?" if close else ""
    return f"action {action} is unknown: not in parliament's IAM database{hint}"


@functools.lru_cache(maxsize=1024)
def _closest(service: str, name: str) -> str | None:
    """The known ``service:Action`` closest to the unknown ``name``, if one is close."""
    names = _action_names(service)
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


@functools.lru_cache(maxsize=64)
def _action_names(service: str) -> dict[str, str]:
    return {row[0].lower(): f"{service}:{row[0]}" for row in services()[service]["actions"]}


def service_wide(action: str) -> str:
    service = action.partition(":")[0]
    return f"action {action} grants every {service} action; name the actions explicitly"


def bucket_wildcard(resource: str) -> str:
    return (
        f"resource {resource} has a wildcard in its bucket name; the guide forbids wildcards "
        "in bucket names and Regions: list each bucket"
    )


def access_point_wildcard(resource: str) -> str:
    return (
        f"resource {resource} has a wildcard in its access point name, which reaches the "
        "bucket behind every matching access point; the guide forbids wildcards in bucket "
        "names: list each access point"
    )


def s3_region_or_account(resource: str) -> str:
    return (
        f"resource {resource}: S3 bucket and object ARNs have no Region and no account "
        "(arn:PARTITION:s3:::BUCKET/KEY)"
    )


def every_bucket(pattern: str, where: str) -> str:
    return (
        f"{pattern} on {where} reaches every bucket; the guide forbids wildcards in bucket "
        "names: list each bucket"
    )


def broad(pattern: str, offending: Sequence[Action], where: str) -> str:
    return about(
        pattern,
        offending,
        f"supports resource-level permissions; grant it on specific ARNs, not {where}",
        f"support resource-level permissions; grant them on specific ARNs, not {where}",
    )


def manages_permissions(pattern: str, managing: Sequence[Action]) -> str:
    return about(
        pattern,
        managing,
        "manages permissions; an instance role must not change policies, grants or ACLs or "
        "pass roles: remove it",
        "manage permissions; an instance role must not change policies, grants or ACLs or "
        "pass roles: remove them",
    )


def _methods_of(actions: Sequence[Action]) -> list[str]:
    names = {str(a).lower() for a in actions}
    return [m for m, acts in privilege_escalation_methods().items() if set(acts) <= names]


def _source(names: set[str]) -> str:
    """Who lists these: parliament, or this project's supplement to it (actiondata.py)."""
    return "ssm-profile's supplement to parliament" if supplemented(names) else "parliament"


def escalates(pattern: str, actions: Sequence[Action]) -> str:
    methods = _methods_of(actions)
    said = f"({_source(set(methods))}: {', '.join(methods)})"
    return about(
        pattern,
        actions,
        f"allows privilege escalation {said}; remove it",
        f"allow privilege escalation {said}; remove them",
    )


def exposes_credentials(pattern: str, actions: Sequence[Action]) -> str:
    listed = f"({_source({str(a).lower() for a in actions})}'s credentials-exposure list)"
    return about(
        pattern,
        actions,
        f"can return credentials to the caller {listed}; remove it",
        f"can return credentials to the caller {listed}; remove them",
    )


def combination(method: str, sids: Sequence[str] = (), policies: Sequence[str] = ()) -> str:
    """The finding of an escalation method; ``sids`` and ``policies`` (managed policy ARNs)
    name who grants it together, none when one statement does."""
    actions = ", ".join(privilege_escalation_methods()[method])
    named = [f"statement{'s' if len(sids) > 1 else ''} {' and '.join(sids)}"] if sids else []
    named += [f"managed policy {arn}" for arn in policies]
    where = f"{' and '.join(named)} together grant" if named else "grants"
    return (
        f"{where} {actions}, which together allow privilege escalation ({_source({method})}: "
        f"{method}); remove one of them"
    )


def wildcard_field(resource: str, field: str, pattern: str, helper: str) -> str:
    return (
        f"resource {resource} has a wildcard in its {field}; {pattern} supports resource-level "
        f"permissions: name the {field} ({helper})"
    )


def every_resource(resource: str, type_name: str, pattern: str) -> str:
    return (
        f"resource {resource} names any {type_name} (a wildcard in an id AWS assigns, or "
        f"after fewer than 3 characters of a name); {pattern} supports resource-level "
        "permissions: name the resources, or a prefix of at least 3 characters"
    )
