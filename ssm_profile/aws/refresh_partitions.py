"""Regenerate ``partitions.json`` beside this file from botocore's ``partitions.json``.

    .venv/bin/python -m ssm_profile.aws.refresh_partitions

botocore is a development dependency only: the program reads the generated file and never
imports botocore. ``tests/test_partitions.py`` fails when the installed botocore knows a
partition or Region that the file lacks; run this, review the diff, and add the new
partition's service principals to ``partitions.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("partitions.json")


def build(botocore_partitions: dict[str, Any], botocore_version: str) -> dict[str, Any]:
    """The data file's object from botocore's ``partitions.json``.

    Each partition keeps its name (the ARN prefix), its DNS suffix and its Regions: the
    entries that match the partition's ``regionRegex``, so pseudo-Regions such as
    ``aws-global`` are left out. Partitions and Regions keep botocore's order of names.
    """
    partitions = []
    for entry in botocore_partitions["partitions"]:
        pattern = re.compile(entry["regionRegex"])
        regions = sorted(r for r in entry["regions"] if pattern.fullmatch(r))
        partitions.append(
            {
                "name": entry["id"],
                "dnsSuffix": entry["outputs"]["dnsSuffix"],
                "regions": regions,
            }
        )
    return {
        "source": f"botocore {botocore_version}, botocore/data/partitions.json",
        "partitions": partitions,
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"


def from_installed_botocore() -> dict[str, Any]:
    """:func:`build` applied to the installed botocore."""
    import botocore
    import botocore.loaders

    return build(botocore.loaders.Loader().load_data("partitions"), botocore.__version__)


def main() -> None:
    DATA_FILE.write_text(render(from_installed_botocore()), encoding="utf-8")
    print(f"wrote {DATA_FILE}")


if __name__ == "__main__":
    main()
