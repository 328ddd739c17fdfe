#!/usr/bin/env python3
"""The workflows' stack matrix, discovered from ``stacks/Pulumi.*.yaml`` (CI glue).

usage: stack_matrix.py [STACKS_DIR] [--role-name NAME]

Prints one line, ``matrix=JSON``, for ``$GITHUB_OUTPUT``: a list of ``{"stack", "role"}``,
``dev`` first, ``staging`` next, the other stacks by name, ``prod`` last (``pulumi up`` goes in
this order). ``role`` is the stack's own AWS role: with ``--role-name`` and one account in
the stack file's ``aws:allowedAccountIds``, ``arn:PARTITION:iam::ACCOUNT:role/NAME`` (the
partition of its ``aws:region``); else ``""``, and the workflow uses the repository's (or the
environment's) ``AWS_ROLE_ARN``. Adding a stack file needs no workflow edit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Run by path, .ci/ is first on sys.path and the project is not installed: import it from the
# checkout this script belongs to.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ssm_profile.aws.naming import DEFAULT_ACCOUNT_ID
from ssm_profile.aws.partitions import partition_of
from ssm_profile.config.stackfile import list_stacks, load_stack
from ssm_profile.errors import SsmProfileError
from ssm_profile.offline.plan import ALLOWED_ACCOUNTS, stack_account

FIRST, LAST = ("dev", "staging"), ("prod",)


def order(names: list[str]) -> list[str]:
    """``dev``, ``staging``, the others by name, ``prod``."""
    first = [n for n in FIRST if n in names]
    last = [n for n in LAST if n in names]
    return first + sorted(n for n in names if n not in FIRST + LAST) + last


def role_of(stacks_dir: Path, stack: str, role_name: str | None) -> str:
    """The stack's own role ARN, or ``""`` (see the module's doc)."""
    if not role_name:
        return ""
    try:
        loaded = load_stack(stack, stacks_dir)
        account = stack_account(loaded)
    except SsmProfileError:
        return ""  # the plan diff reports the stack's error; the repository's role is used
    if ALLOWED_ACCOUNTS not in loaded.config or account == DEFAULT_ACCOUNT_ID:
        return ""  # no account, or several: which one deploys is not in the file
    partition = partition_of(loaded.config.get("aws:region", ""))
    return f"arn:{partition.name if partition else 'aws'}:iam::{account}:role/{role_name}"


def matrix(stacks_dir: Path, role_name: str | None = None) -> list[dict[str, str]]:
    return [
        {"stack": name, "role": role_of(stacks_dir, name, role_name)}
        for name in order(list_stacks(stacks_dir))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stacks_dir", type=Path, nargs="?", default=Path("stacks"))
    parser.add_argument("--role-name", help="the IAM role each account has for this workflow")
    args = parser.parse_args(argv)
    found = matrix(args.stacks_dir, args.role_name)
    if not found:
        print(f"error: no stack files (Pulumi.NAME.yaml) in {args.stacks_dir}", file=sys.stderr)
        return 2
    print("matrix=" + json.dumps(found, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
