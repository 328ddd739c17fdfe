"""The AWS-owned S3 buckets SSM Agent reads through VPC endpoints, per Region (pure data).

Sources and dates: docs/aws-facts.md.
"""

from __future__ import annotations

# Region exceptions of the guide's era.
_DISTRIBUTOR_INSTEAD_OF_BIRDWATCHER = frozenset({"af-south-1", "eu-south-1"})
PATCH_SNAPSHOT_SUFFIX = {
    "af-south-1": "tbxdb5b9",
    "me-south-1": "uduvl7q8",
    "ap-south-2": "50209442",
    "ap-southeast-3": "be0a3174",
    "ap-southeast-4": "dc6f76ce",
    "eu-south-2": "df2c9d70",
}


def aws_owned_buckets(region: str, extended: bool = False) -> tuple[str, ...]:
    """The AWS-owned buckets SSM Agent reads in ``region``, with the guide's exceptions."""
    birdwatcher = (
        f"aws-ssm-distributor-file-{region}"
        if region in _DISTRIBUTOR_INSTEAD_OF_BIRDWATCHER
        else f"{region}-birdwatcher-prod"
    )
    snapshot = f"patch-baseline-snapshot-{region}"
    if region in PATCH_SNAPSHOT_SUFFIX:
        snapshot += f"-{PATCH_SNAPSHOT_SUFFIX[region]}"
    names = [
        f"aws-ssm-{region}",
        f"aws-windows-downloads-{region}",
        f"amazon-ssm-{region}",
        f"amazon-ssm-packages-{region}",
        birdwatcher,
        snapshot,
    ]
    if extended:
        names += [f"aws-ssm-document-attachments-{region}", f"aws-patchmanager-macos-{region}"]
    return tuple(names)
