"""IAM, S3 and tag naming rules, and the names the project derives (pure, no Pulumi).

Each ``check_*`` function returns the value it accepts or raises
:class:`~ssm_profile.errors.ConfigError` naming ``key``: the config key or plugin setting
the value came from. Plugins may use them (``from ssm_profile.aws import check_bucket_name``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ConfigError, SsmProfileError, q, suggest
from . import limits
from .partitions import ALL_REGIONS, Partition, partition_of

_IAM_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+")
_POLICY_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]+(/[A-Za-z0-9+=,.@_-]+)*")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_IP_LIKE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_BUCKET_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_TAG_CHARS = set("_.:/=+-@ ")
# IAM CreateRole's pattern for Description.
_ROLE_DESCRIPTION = re.compile(r"[\t\n\r\u0020-\u007E\u00A1-\u00FF]*")
_POLICY_ARN = re.compile(r"arn:([a-z-]+):iam::(aws|[0-9]{12}):policy/(.+)")
# Path prefixes IAM keeps for AWS: CreateRole refuses them ("Path prefix '/aws-service-role/'
# can only be used for AWS Service linked Roles"; /aws-reserved/ holds SSO's roles).
_RESERVED_PATHS = ("/aws-service-role/", "/aws-reserved/")
# CreatePolicy's Path: stricter than a role's (no ':', '*', '~', ...)
_POLICY_PATH = re.compile(r"(/[A-Za-z0-9.,+@=_-]+)*/")
# SSM parameter names: letters, digits, _.- and / between the levels of a hierarchy.
_PARAMETER_PATH = re.compile(r"(/[A-Za-z0-9_.-]+)+/?")
PARAMETER_LEVELS_LIMIT = 15


_SID = re.compile(r"[A-Za-z0-9]{1,128}")


def is_sid(value: str) -> bool:
    """A statement Sid as IAM takes it: 1 to 128 ASCII letters and digits."""
    return bool(_SID.fullmatch(value))


def is_account_id(value: str) -> bool:
    """Twelve ASCII digits."""
    return len(value) == 12 and value.isascii() and value.isdigit()


def check_name(key: str, value: str, limit: int, pattern: re.Pattern[str] = _IAM_NAME) -> str:
    """An IAM name (role, instance profile, policy) of at most ``limit`` characters."""
    if not value:
        raise ConfigError(key, "must not be empty")
    if len(value) > limit:
        raise ConfigError(key, f"{q(value)} is {len(value)} characters long; IAM allows {limit}")
    if not pattern.fullmatch(value):
        raise ConfigError(
            key, f"{q(value)} may contain only letters, digits and the characters +=,.@_-"
        )
    return value


def check_no_wildcard(key: str, value: str, what: str) -> None:
    """The guide's rule: no ``*`` or ``?`` in a Region, bucket name or prefix."""
    if "*" in value or "?" in value:
        raise ConfigError(
            key,
            f"{q(value)}: wildcards are not allowed in a {what} (the guide forbids them: "
            "a wildcard can grant buckets you did not mean to); list each one explicitly",
        )


# What a value inside a policy document may hold: CreatePolicy's PolicyDocument allows
# [\t\n\r\x20-\xFF] and nothing else; control characters make no sense in an ARN or a
# condition value, so only printable Latin-1 is taken.
_POLICY_TEXT = re.compile(r"[\u0020-\u007E\u00A0-\u00FF]*")


def policy_text_problem(value: str) -> str | None:
    """Why ``value`` cannot go into a policy document, or ``None``."""
    if _POLICY_TEXT.fullmatch(value):
        return None
    index, char = next((i, c) for i, c in enumerate(value) if not _POLICY_TEXT.fullmatch(c))
    return (
        f"{q(value)} has the character U+{ord(char):04X} at position {index}; IAM policies "
        "hold only printable Latin-1 (U+0020-U+007E, U+00A0-U+00FF)"
    )


_STACK = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def check_stack_name(stack: str) -> str:
    """A Pulumi stack name: letters, digits, ``_.-``, at most 100 characters (the CLI's
    rule; the policy names derive from it, and CreatePolicy takes no space)."""
    if not _STACK.fullmatch(stack):
        raise SsmProfileError(
            f"stack {q(stack)}: Pulumi stack names are 1 to 100 letters, digits and _.-"
        )
    return stack


def check_region(key: str, value: Any, partition: Partition | None) -> str:
    """A Region identifier that AWS has (in ``partition``, when given)."""
    if not isinstance(value, str):
        raise ConfigError(key, f"expected a Region identifier string, got {json.dumps(value)}")
    check_no_wildcard(key, value, "Region")
    owner = partition_of(value)
    if owner is None:
        choices = list(partition.regions) if partition else list(ALL_REGIONS)
        raise ConfigError(key, f"{q(value)} is not an AWS Region{suggest(value, choices)}")
    if partition is not None and owner is not partition:
        raise ConfigError(
            key,
            f"{q(value)} is in partition {owner.name}, but the stack's aws:region is in "
            f"{partition.name}; one stack deploys to one partition",
        )
    return value


def check_bucket_name(key: str, name: Any) -> str:
    """Apply S3's bucket naming rules (and the guide's no-wildcard rule) to ``name``."""
    if not isinstance(name, str):
        raise ConfigError(key, f"expected a bucket name string, got {json.dumps(name)}")
    check_no_wildcard(key, name, "bucket name")
    problem = None
    if not 3 <= len(name) <= 63:
        problem = "must be 3 to 63 characters long"
    elif not _BUCKET.fullmatch(name):
        problem = (
            "may contain only lowercase letters, digits, dots and hyphens, and must begin "
            "and end with a letter or digit"
        )
    elif ".." in name:
        problem = "must not contain two adjacent dots"
    elif _IP_LIKE.fullmatch(name):
        problem = "must not be formatted as an IP address"
    elif name.startswith(_BUCKET_BAD_PREFIXES) or name.endswith(_BUCKET_BAD_SUFFIXES):
        problem = "uses a prefix or suffix that S3 reserves"
    if problem:
        raise ConfigError(key, f"{q(name)} is not a valid S3 bucket name: {problem}")
    return name


def check_tags(key: str, tags: dict[Any, Any]) -> dict[str, str]:
    """IAM's tag rules: at most 50; keys 1-128 and values up to 256 characters; keys unique
    whatever their case; neither a key nor a value beginning with ``aws:``."""
    if len(tags) > limits.MAX_TAGS:
        raise ConfigError(key, f"{len(tags)} tags; IAM allows {limits.MAX_TAGS} per resource")
    seen: dict[str, str] = {}
    for name, value in tags.items():
        if not isinstance(name, str):
            raise ConfigError(
                key, f"tag key {name!r} is {type(name).__name__}; tag keys are strings"
            )
        where = f"{key}.{name}"
        other = seen.setdefault(name.lower(), name)
        if other != name:
            raise ConfigError(
                where, f"differs from tag key {q(other)} only in case; IAM's tag keys ignore case"
            )
        if not 1 <= len(name) <= 128:
            raise ConfigError(where, "tag keys must be 1 to 128 characters long")
        if name.lower().startswith("aws:"):
            raise ConfigError(where, "tag keys beginning with 'aws:' are reserved for AWS")
        if isinstance(value, str) and value.lower().startswith("aws:"):
            raise ConfigError(where, "tag values beginning with 'aws:' are reserved for AWS")
        if not isinstance(value, str):
            raise ConfigError(
                where, f"tag values must be strings, got {json.dumps(value, default=repr)}"
            )
        if len(value) > 256:
            raise ConfigError(where, "tag values may be at most 256 characters long")
        for text in (name, value):
            if any(not (c.isalnum() or c in _TAG_CHARS) for c in text):
                raise ConfigError(
                    where, f"{q(text)}: tags may contain letters, digits, spaces and _.:/=+-@"
                )
    return dict(tags)


def check_path(key: str, path: str) -> str:
    """An IAM path for the role, the instance profile and the customer managed policies:
    ``/`` or ``/a/b/``, at most 512 characters, each segment of letters, digits and
    ``.,+@=_-`` (CreatePolicy's rule, stricter than CreateRole's)."""
    if not 1 <= len(path) <= limits.PATH_LIMIT:
        raise ConfigError(key, f"IAM paths are 1 to {limits.PATH_LIMIT} characters long")
    if not (path.startswith("/") and path.endswith("/")):
        raise ConfigError(key, f"{q(path)} must begin and end with '/' (e.g. /ssm/)")
    if "//" in path or any(not 0x21 <= ord(c) <= 0x7E for c in path):
        raise ConfigError(
            key, f"{q(path)}: use printable ASCII segments separated by single slashes"
        )
    reserved = next((r for r in _RESERVED_PATHS if path.startswith(r)), None)
    if reserved:
        raise ConfigError(
            key, f"{q(path)}: paths under {reserved} are AWS's own (service-linked and SSO roles)"
        )
    if not _POLICY_PATH.fullmatch(path):
        raise ConfigError(
            key,
            f"{q(path)} is a valid role path but not a valid policy path, and the stack's "
            "policies use it too: use letters, digits and .,+@=_- between the slashes",
        )
    return path


def check_parameter_path(key: str, value: Any) -> str:
    """A Parameter Store path (``/app/prod/``, every parameter below it) or a parameter's full
    name (``/app/prod/db-host``), as SSM names them: ``/`` between levels, at most 15 levels,
    no name beginning with ``aws`` or ``ssm`` (reserved by AWS)."""
    if not isinstance(value, str):
        raise ConfigError(key, f"expected a parameter path string, got {json.dumps(value)}")
    if "*" in value or "?" in value:
        raise ConfigError(
            key,
            f"{q(value)}: wildcards are not allowed in a parameter path (a wildcard can grant "
            "parameters you did not mean to); a path ending in / grants every parameter below it",
        )
    if not _PARAMETER_PATH.fullmatch(value):
        raise ConfigError(
            key,
            f"{q(value)} is not a parameter path: begin with '/', separate levels by single "
            "slashes, use letters, digits and _.- (e.g. /app/prod/ or /app/prod/db-host)",
        )
    levels = value.strip("/").split("/")
    if len(levels) > PARAMETER_LEVELS_LIMIT:
        raise ConfigError(
            key, f"{q(value)} has {len(levels)} levels; SSM allows {PARAMETER_LEVELS_LIMIT}"
        )
    if levels[0].lower().startswith(("aws", "ssm")):
        raise ConfigError(
            key,
            f"{q(value)}: parameter names beginning with aws or ssm are reserved by AWS; "
            "this key grants your own parameters",
        )
    return value


def check_role_description(key: str, description: str) -> str:
    """CreateRole's Description: at most 1,000 characters of printable Latin-1."""
    if len(description) > limits.ROLE_DESCRIPTION_LIMIT or not _ROLE_DESCRIPTION.fullmatch(
        description
    ):
        raise ConfigError(
            key,
            "IAM role descriptions are at most 1000 characters of printable Latin-1 "
            "(letters with accents are fine; other scripts and emoji are not)",
        )
    return description


def check_policy_description(key: str, description: str) -> str:
    """CreatePolicy's Description: at most 1,000 characters (its model sets no character
    pattern); ``""`` is no description."""
    if len(description) > limits.POLICY_DESCRIPTION_LIMIT:
        raise ConfigError(
            key,
            f"{len(description)} characters; IAM policy descriptions are at most "
            f"{limits.POLICY_DESCRIPTION_LIMIT}",
        )
    return description


def check_policy_arn(key: str, arn: str, partition: Partition) -> str:
    """Reject a policy ARN that is malformed or belongs to another partition."""
    match = _POLICY_ARN.fullmatch(arn)
    if len(arn) > limits.POLICY_ARN_LIMIT:
        raise ConfigError(
            key,
            f"{len(arn)} characters; IAM takes policy ARNs of at most {limits.POLICY_ARN_LIMIT}",
        )
    if not match:
        raise ConfigError(key, f"{q(arn)} is not an IAM policy ARN (arn:{partition.name}:iam::…)")
    if match.group(1) != partition.name:
        raise ConfigError(
            key, f"{q(arn)} is in partition {match.group(1)}; this stack is in {partition.name}"
        )
    path, _, name = ("/" + match.group(3)).rpartition("/")
    if not _POLICY_PATH.fullmatch(path + "/"):
        raise ConfigError(
            key,
            f"{q(arn)}: its path {q(path + '/')} is not an IAM policy path (segments of "
            "letters, digits and .,+@=_- between single slashes)",
        )
    check_name(key, name, limits.POLICY_NAME_LIMIT)
    return arn


def check_managed_policy_name(key: str, name: str) -> str:
    """An AWS managed policy named without its ARN (``AmazonSSMPatchAssociation``, or with a
    path, ``service-role/AmazonEC2RoleforSSM``)."""
    return check_name(key, name, limits.POLICY_NAME_LIMIT, _POLICY_NAME)
