"""Command line: ``python -m ssm_profile plan|diff|plugins ...`` (SPEC sections 5 and 6).

``plan`` renders the offline plan of one stack (``--stack``) or of every stack (``--all``),
printed or written to ``--out DIR``; ``diff`` compares two ``plan --format json`` files;
``plugins`` lists a stack's enabled plugins as JSON.
Exit status 0 on success (``diff``: no changes), 1 when ``diff`` finds changes, 2 on a
configuration, plugin or input error, printed as ``error:`` lines on stderr without a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import diff, report
from .errors import SsmProfileError
from .plan import DEFAULT_ACCOUNT_ID, run_program
from .plugins import load_plugins
from .settings import load_settings
from .stackconfig import default_stacks_dir, find_project_dir, list_stacks, load_stack

# File name extension of each ``plan --format`` when written with ``--out``.
EXTENSIONS = {"json": "json", "markdown": "md", "text": "txt"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ssm_profile", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="print what a stack deploys, offline")
    which = plan.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="stack name (reads Pulumi.NAME.yaml)")
    which.add_argument(
        "--all",
        action="store_true",
        help="every stack in the stacks folder; a failing stack is reported after the others",
    )
    plan.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    plan.add_argument("--format", choices=sorted(report.RENDERERS), default="text")
    plan.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write each plan to DIR/STACK.json (.md, .txt) instead of printing it",
    )
    plan.add_argument(
        "--account-id", default=DEFAULT_ACCOUNT_ID, help="account id the mocks report"
    )
    compare = commands.add_parser(
        "diff", help="compare two `plan --format json` files (exit 1 when they differ)"
    )
    compare.add_argument("old", type=Path, metavar="OLD.json")
    compare.add_argument("new", type=Path, metavar="NEW.json")
    compare.add_argument("--format", choices=sorted(diff.RENDERERS), default="text")
    listing = commands.add_parser("plugins", help="list a stack's enabled plugins as JSON")
    listing.add_argument("--stack", required=True, help="stack name (reads Pulumi.NAME.yaml)")
    listing.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    return parser


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise SsmProfileError(f"{path}: cannot write ({error.strerror})") from None


def _plan(args: argparse.Namespace) -> int:
    if not (args.account_id.isdigit() and len(args.account_id) == 12):
        raise SsmProfileError(f"--account-id: {args.account_id!r} is not a 12-digit AWS account id")
    project_dir = None
    stacks_dir = args.stacks_dir
    names = [args.stack]
    if args.all:
        if args.out is None and args.format == "json":
            raise SsmProfileError("--all --format json needs --out DIR (one JSON file per stack)")
        project_dir = find_project_dir()
        stacks_dir = stacks_dir or default_stacks_dir(project_dir)
        names = list_stacks(stacks_dir)
        if not names:
            raise SsmProfileError(f"no stack files (Pulumi.NAME.yaml) in {stacks_dir}")
    render = report.RENDERERS[args.format]
    failed = []
    for number, name in enumerate(names):
        target = args.out / f"{name}.{EXTENSIONS[args.format]}" if args.out else None
        try:
            stack = load_stack(name, stacks_dir, project_dir)
            text = render(run_program(stack, args.account_id).to_json())
        except SsmProfileError as error:
            if not args.all:
                raise
            print(f"error: stack {name}: {error}", file=sys.stderr)
            failed.append(name)
            if target is not None:
                target.unlink(missing_ok=True)  # never leave a stale plan behind
            continue
        if target is not None:
            _write(target, text)
            print(f"{name}: wrote {target}")
        else:
            sys.stdout.write(("\n" if number else "") + text)
    if failed:
        print(
            f"error: {len(failed)} of {len(names)} stacks failed: {', '.join(failed)}",
            file=sys.stderr,
        )
        return 2
    return 0


def read_plan(path: Path) -> dict[str, Any]:
    """A ``plan --format json`` file, checked; :class:`diff.PlanFormatError` names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise diff.PlanFormatError(f"{path}: cannot read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise diff.PlanFormatError(f"{path}: not JSON (not UTF-8 text)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise diff.PlanFormatError(
            f"{path}: not JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise diff.PlanFormatError(
            f"{path}: not JSON this tool reads (nested too deeply)"
        ) from None
    return diff.check_plan(data, str(path))


def _diff(args: argparse.Namespace) -> int:
    old, new = read_plan(args.old), read_plan(args.new)
    result = diff.diff_plans(old, new)
    sys.stdout.write(diff.RENDERERS[args.format](result))
    return 1 if result.changed else 0


def _plugins(args: argparse.Namespace) -> int:
    stack = load_stack(args.stack, args.stacks_dir)
    settings = load_settings(stack.config, stack.project, stack.stack)
    _, loaded = load_plugins(settings.plugins)
    sys.stdout.write(json.dumps([p.describe() for p in loaded], indent=2) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"plan": _plan, "diff": _diff, "plugins": _plugins}[args.command](args)
    except SsmProfileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
