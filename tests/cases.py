"""The stacks the guardrail tests run: the example stacks plus one configuration per mode and
partition (and a stack large enough to be packed into several policies).

Plans are recorded once per session (the program is deterministic) and handed out as deep
copies, so a test that mutates one for a negative case cannot disturb another.
"""

from __future__ import annotations

import copy
import functools
import tempfile
from pathlib import Path
from typing import Any

from helpers import REPO, write_stack

from ssm_profile.aws.partitions import PARTITIONS
from ssm_profile.config.stackfile import list_stacks, load_stack
from ssm_profile.offline.plan import Plan, run_program

EXAMPLE_STACKS = tuple(list_stacks(REPO / "stacks"))

# name -> (aws:region, ssm-profile config)
CONFIGURATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "ec2-minimal": ("us-east-2", {}),
    "ec2-guide-example": (
        "us-east-2",
        {
            "vpcEndpoints": True,
            "awsBuckets": "guide",
            "buckets": [{"name": "my-bucket-name", "crossAccount": True}],
        },
    ),
    "ec2-region-exceptions": (
        "af-south-1",
        {
            "vpcEndpoints": True,
            "awsBuckets": "extended",
            "regions": ["af-south-1", "eu-south-1", "me-south-1", "ap-south-2", "eu-south-2"],
            "directoryService": True,
            "cloudWatchAgent": True,
            "managedPolicies": ["AmazonSSMPatchAssociation"],
            "tags": {"environment": "test", "owner": "platform"},
        },
    ),
    "existing-role": (
        "eu-west-1",
        {
            "mode": "existing-role",
            "existingRoleName": "LegacyApplicationRole",
            "createInstanceProfile": True,
            "buckets": [{"name": "legacy-ssm-output", "prefix": "runs/", "encrypted": True}],
        },
    ),
    "hybrid": (
        "eu-central-1",
        {
            "mode": "hybrid",
            "vpcEndpoints": True,
            "path": "/hybrid/",
            "activation": {"registrationLimit": 25, "description": "on-premises web servers"},
            "buckets": ["onprem-ssm-scripts"],
        },
    ),
    "default-host-management": (
        "us-west-2",
        {"mode": "default-host-management", "path": "/ssm/", "vpcEndpoints": True},
    ),
    "china": (
        "cn-north-1",
        {
            "vpcEndpoints": True,
            "regions": list(PARTITIONS["aws-cn"].regions),
            "buckets": [{"name": "cn-ssm-output", "encrypted": True, "crossAccount": True}],
            "directoryService": True,
        },
    ),
    "govcloud": (
        "us-gov-west-1",
        {
            "mode": "hybrid",
            "vpcEndpoints": True,
            "regions": list(PARTITIONS["aws-us-gov"].regions),
            "cloudWatchAgent": True,
            "buckets": ["gov-ssm-output"],
        },
    ),
    "ec2-core-default-host": (
        "eu-west-1",
        {
            "corePolicy": "default-host",
            "parameterPaths": ["/app/prod/", "/shared/ami-id"],
            "regions": ["eu-west-1", "eu-central-1"],
            "vpcEndpoints": True,
            "awsBuckets": ["agent-updates", "patching"],
        },
    ),
    "new-aws-regions": (
        "me-west-1",
        {"vpcEndpoints": True, "regions": ["me-west-1", "sa-west-1"], "awsBuckets": "extended"},
    ),
    "eusc": (
        "eusc-de-east-1",
        {
            "vpcEndpoints": True,
            "buckets": [{"name": "eusc-ssm-output", "encrypted": True}],
            "directoryService": True,
        },
    ),
    "iso": (
        "us-iso-east-1",
        {
            "mode": "hybrid",
            "vpcEndpoints": True,
            "regions": list(PARTITIONS["aws-iso"].regions),
            "activation": {"registrationLimit": 5},
        },
    ),
    "iso-b": (
        "us-isob-east-1",
        {
            "mode": "default-host-management",
            "vpcEndpoints": True,
            "parameterPaths": ["/fleet/"],
        },
    ),
    "iso-e": (
        "eu-isoe-west-1",
        {
            "mode": "existing-role",
            "existingRoleName": "IsoeApplicationRole",
            "createInstanceProfile": True,
            "vpcEndpoints": True,
            "buckets": ["isoe-ssm-output"],
        },
    ),
    "iso-f": (
        "us-isof-south-1",
        {
            "vpcEndpoints": True,
            "regions": list(PARTITIONS["aws-iso-f"].regions),
            "corePolicy": "default-host",
            "cloudWatchAgent": True,
        },
    ),
    "packed-into-several-policies": (
        "us-east-1",
        {
            "vpcEndpoints": True,
            "awsBuckets": "extended",
            "regions": list(PARTITIONS["aws"].regions),
            "buckets": [
                {"name": f"fleet-ssm-output-{i:02d}", "prefix": "logs/", "crossAccount": i % 4 == 0}
                for i in range(40)
            ],
            "maxManagedPolicies": 20,
            "protect": True,
        },
    ),
}

ALL = tuple(f"stack:{name}" for name in EXAMPLE_STACKS) + tuple(CONFIGURATIONS)


@functools.cache
def _recorded(case: str) -> Plan:
    if case.startswith("stack:"):
        return run_program(load_stack(case.removeprefix("stack:"), REPO / "stacks", REPO))
    region, config = CONFIGURATIONS[case]
    with tempfile.TemporaryDirectory() as folder:
        write_stack(Path(folder), case, {"aws:region": region, **config})
        return run_program(load_stack(case, Path(folder), REPO))


def plan_of(case: str) -> Plan:
    """The recorded plan of an example stack (``stack:prod``) or a configuration above."""
    return copy.deepcopy(_recorded(case))


def config_of(case: str) -> dict[str, str]:
    """The raw stack config (``namespace:key`` -> string) the program received."""
    if case.startswith("stack:"):
        return dict(load_stack(case.removeprefix("stack:"), REPO / "stacks", REPO).config)
    region, config = CONFIGURATIONS[case]
    with tempfile.TemporaryDirectory() as folder:
        write_stack(Path(folder), case, {"aws:region": region, **config})
        return dict(load_stack(case, Path(folder), REPO).config)
