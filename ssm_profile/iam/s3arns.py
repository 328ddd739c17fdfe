"""What an S3 ARN names: a bucket (and its objects) or an access point, and whether a
wildcard there reaches every bucket (pure, no Pulumi; the gate's S3 rules,
:mod:`ssm_profile.iam.gate`)."""

from __future__ import annotations

import functools

from .actions import services


@functools.cache
def _s3_typed_heads() -> tuple[str, ...]:
    """The starts of S3's ARNs that are not buckets or objects (``accesspoint/``, ``job/``,
    ...), from AWS's templates: a bucket or object ARN starts with the bucket's name."""
    templates = (t for _, t in services()["s3"]["resources"].values())
    return tuple(sorted({t.split("${", 1)[0] for t in templates} - {""}))


def _s3_parts(resource: str) -> list[str] | None:
    """An S3 ARN's six fields (``arn``, partition, ``s3``, Region, account, resource), or
    ``None`` for any other resource."""
    parts = resource.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "s3":
        return None
    return parts


def s3_bucket_arn(resource: str) -> tuple[str, str, str] | None:
    """``(bucket, Region, account)`` of an S3 bucket or object ARN, else ``None``."""
    parts = _s3_parts(resource)
    if parts is None or parts[5].startswith(_s3_typed_heads()):
        return None
    return parts[5].split("/", 1)[0], parts[3], parts[4]


def s3_access_point_wildcard(resource: str) -> bool:
    """An S3 access point ARN (or an object through one) with ``*`` or ``?`` in the access
    point's name (``arn:aws:s3:eu-west-1:111122223333:accesspoint/*/object/*``): as wide as
    a wildcard bucket, since an access point reaches its bucket's objects."""
    parts = _s3_parts(resource)
    if parts is None:
        return False
    kind, _, rest = parts[5].partition("/")
    return kind == "accesspoint" and wild(rest.split("/", 1)[0] or "*")


def s3_bucket_wildcard(resource: str) -> bool:
    """An S3 bucket or object ARN with ``*`` or ``?`` in the bucket name
    (``arn:aws:s3:::aws-ssm-*/*``), whatever stands in its Region and account."""
    found = s3_bucket_arn(resource)
    return found is not None and wild(found[0])


def wild(text: str) -> bool:
    return "*" in text or "?" in text
