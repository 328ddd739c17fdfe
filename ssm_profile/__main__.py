"""Command line: ``python -m ssm_profile plan|plugins ...`` (SPEC sections 5 and 6).

Exit status 0 on success, 2 on a configuration or plugin error, printed as one ``error:``
line on stderr without a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import report
from .errors import SsmProfileError
from .plan import DEFAULT_ACCOUNT_ID, run_program
from .plugins import load_plugins
from .settings import load_settings
from .stackconfig import load_stack


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ssm_profile", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print what a stack deploys, offline")
    plan.add_argument("--stack", required=True, help="stack name (reads Pulumi.NAME.yaml)")
    plan.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    plan.add_argument("--format", choices=sorted(report.RENDERERS), default="text")
    plan.add_argument(
        "--account-id", default=DEFAULT_ACCOUNT_ID, help="account id the mocks report"
    )
    listing = commands.add_parser("plugins", help="list a stack's enabled plugins as JSON")
    listing.add_argument("--stack", required=True, help="stack name (reads Pulumi.NAME.yaml)")
    listing.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    return parser


def _plugins(args: argparse.Namespace) -> str:
    stack = load_stack(args.stack, args.stacks_dir)
    settings = load_settings(stack.config, stack.project, stack.stack)
    _, loaded = load_plugins(settings.plugins)
    return json.dumps([p.describe() for p in loaded], indent=2) + "\n"


def _plan(args: argparse.Namespace) -> str:
    if not (args.account_id.isdigit() and len(args.account_id) == 12):
        raise SsmProfileError(f"--account-id: {args.account_id!r} is not a 12-digit AWS account id")
    stack = load_stack(args.stack, args.stacks_dir)
    return report.RENDERERS[args.format](run_program(stack, args.account_id).to_json())


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        output = {"plan": _plan, "plugins": _plugins}[args.command](args)
    except SsmProfileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
