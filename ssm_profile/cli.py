"""Command line: ``python -m ssm_profile plan|diff|plugins ...`` (docs/review.md, docs/plugins.md).

``plan`` renders the offline plan of one stack (``--stack``) or of every stack (``--all``),
printed or written to ``--out DIR``; ``diff`` compares two ``plan --format json`` files;
``plugins`` lists a stack's enabled plugins as JSON.
``plan`` prints each warning of a stack (what it cannot grant as configured) as a
``warning:`` line on stderr. Exit status 0 on success (``diff``: no changes), 1 when ``diff``
finds changes, 2 on a configuration, plugin or input error, printed as ``error:`` lines on
stderr without a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .aws.names import DEFAULT_ACCOUNT_ID, is_account_id
from .config import load_settings
from .config.stackfile import default_stacks_dir, find_project_dir, list_stacks, load_stack
from .errors import SsmProfileError
from .offline import diff, planfile, report

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
    if not is_account_id(args.account_id):
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
    from .offline.plan import run_program  # imports Pulumi: only the commands that run it

    render = report.RENDERERS[args.format]
    failed = []
    for number, name in enumerate(names):
        target = args.out / f"{name}.{EXTENSIONS[args.format]}" if args.out else None
        try:
            stack = load_stack(name, stacks_dir, project_dir)
            plan = run_program(stack, args.account_id)
            text = render(plan.to_json())
        except SsmProfileError as error:
            if not args.all:
                raise
            print(f"error: stack {name}: {error}", file=sys.stderr)
            failed.append(name)
            if target is not None:
                target.unlink(missing_ok=True)  # never leave a stale plan behind
            continue
        for warning in plan.warnings:
            print(f"warning: {f'stack {name}: ' if args.all else ''}{warning}", file=sys.stderr)
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


def _diff(args: argparse.Namespace) -> int:
    old, new = planfile.read_plan(args.old), planfile.read_plan(args.new)
    result = diff.diff_plans(old, new)
    sys.stdout.write(diff.RENDERERS[args.format](result))
    return 1 if result.changed else 0


def _plugins(args: argparse.Namespace) -> int:
    stack = load_stack(args.stack, args.stacks_dir)
    settings = load_settings(stack.config, stack.project, stack.stack)
    from .pluginhost.loading import load_plugins

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
