"""Command line: ``python -m ssm_profile plan|diff|plugins|adopt|drift ...`` (docs/review.md,
docs/plugins.md, docs/live.md).

``plan`` renders the offline plan of one stack (``--stack``) or of every stack (``--all``),
printed or written to ``--out DIR``; ``diff`` compares two ``plan --format json`` files;
``plugins`` lists a stack's enabled plugins as JSON; ``adopt`` and ``drift`` read the live
account (read-only) to take over a hand-made role and to compare a stack with AWS.
``plan`` prints each warning of a stack (what it cannot grant as configured) as a
``warning:`` line on stderr. Exit status 0 on success (``diff``: no changes), 1 when ``diff``
finds changes or ``drift`` finds drift, 2 on a configuration, plugin, input or AWS error,
or when stdout or an ``--out`` file cannot be written, printed as ``error:`` lines on
stderr without a traceback, and 3 when ``diff --fail-on broadening`` finds a change that
broadens access (the diff is printed all the same).

Output reaches stdout, stderr and files only through :mod:`ssm_profile.streams` (plugins
print to stderr, :mod:`.pluginhost.loading`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from . import streams
from .aws.naming import DEFAULT_ACCOUNT_ID
from .errors import SsmProfileError, visible

# Each command imports what it runs, so that ``diff``, ``--help`` and usage errors load
# neither Pulumi nor the stack-file reader, nor the plan renderers (benchmarks/README.md).

# File name extension of each ``plan --format`` when written with ``--out``: the formats of
# ``plan`` and of ``diff`` (the renderers, offline.report and offline.diff, render each).
EXTENSIONS = {"json": "json", "markdown": "md", "text": "txt"}
# ``diff --format``: the keys of :data:`ssm_profile.offline.diff.RENDERERS` (no JSON diff).
DIFF_FORMATS = ["markdown", "text"]
# ``diff --fail-on broadening``: the exit status when access broadens (0, 1 and 2 as above).
EXIT_BROADENS = 3


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors (which quote the command line) made visible."""

    def error(self, message: str) -> NoReturn:
        super().error(visible(message))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m ssm_profile", description=__doc__.splitlines()[0])
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
    plan.add_argument(
        "--jobs",
        type=_positive,
        default=None,
        metavar="N",
        help="with --all, plan in N processes (default: one per core); the output is the same",
    )
    plan.add_argument(
        "--program",
        metavar="MODULE:FUNCTION",
        help="plan this Pulumi program (one that embeds the component), imported from the "
        "project's folder, instead of the stack-config program",
    )
    plan.add_argument("--format", choices=sorted(EXTENSIONS), default="text")
    plan.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write each plan to DIR/STACK.json (.md, .txt) instead of printing it",
    )
    plan.add_argument(
        "--account-id",
        help="account id the mocks report (default: the stack's first aws:allowedAccountIds, "
        f"else {DEFAULT_ACCOUNT_ID})",
    )
    compare = commands.add_parser(
        "diff", help="compare two `plan --format json` files (exit 1 when they differ)"
    )
    compare.add_argument("old", type=Path, metavar="OLD.json")
    compare.add_argument("new", type=Path, metavar="NEW.json")
    # the renderers of offline.diff (not imported here: see above); tests/test_risk.py pins it
    compare.add_argument("--format", choices=DIFF_FORMATS, default="text")
    compare.add_argument(
        "--fail-on",
        choices=["broadening"],
        help=f"exit {EXIT_BROADENS} when a change broadens access (CI's approval gate)",
    )
    listing = commands.add_parser("plugins", help="list a stack's enabled plugins as JSON")
    listing.add_argument("--stack", required=True, help="stack name (reads Pulumi.NAME.yaml)")
    listing.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    _live_commands(commands)
    return parser


def _live_commands(commands: argparse._SubParsersAction) -> None:
    """``adopt`` and ``drift``: the two commands that read the live account (boto3)."""
    adopt = commands.add_parser(
        "adopt", help="write a stack file and an import file for a hand-made role (read-only)"
    )
    adopt.add_argument("--stack", required=True, help="stack name to write Pulumi.NAME.yaml for")
    adopt.add_argument("--role", help="the live role (default: the stack's roleName)")
    adopt.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    adopt.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    adopt.add_argument(
        "--out", type=Path, default=Path("adopted"), metavar="DIR", help="default: adopted"
    )
    drift = commands.add_parser(
        "drift", help="compare the live account with a stack (exit 1 on drift; read-only)"
    )
    drift.add_argument("--stack", required=True, help="stack name (reads Pulumi.NAME.yaml)")
    drift.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    drift.add_argument("--stacks-dir", type=Path, help="folder of stack files (default: stacks)")
    drift.add_argument("--format", choices=sorted(EXTENSIONS), default="text")


def _adopt(args: argparse.Namespace) -> int:
    from .live.adopt import adopt  # imports boto3: only this command and drift

    adoption = adopt(args.stack, args.role, args.profile, args.stacks_dir)
    for name, text in adoption.files.items():
        streams.write_file(args.out / name, text)
    streams.print_out(adoption.report)
    streams.print_out(
        "".join(visible(f"{args.stack}: wrote {args.out / name}") + "\n" for name in adoption.files)
    )
    return 0


def _drift(args: argparse.Namespace) -> int:
    from .live.drift import drift  # imports boto3: only this command and adopt

    result = drift(args.stack, args.profile, args.stacks_dir)
    streams.print_out(result.render(args.format))
    return 1 if result.drifted else 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _plan(args: argparse.Namespace) -> int:
    from .aws.names import is_account_id

    if args.account_id is not None and not is_account_id(args.account_id):
        raise SsmProfileError(f"--account-id: {args.account_id!r} is not a 12-digit AWS account id")
    project_dir = None
    stacks_dir = args.stacks_dir
    names = [args.stack]
    if args.all:
        if args.out is None and args.format == "json":
            raise SsmProfileError("--all --format json needs --out DIR (one JSON file per stack)")
        from .config.stackfile import default_stacks_dir, find_project_dir, list_stacks

        project_dir = find_project_dir(stacks_dir=stacks_dir)
        stacks_dir = stacks_dir or default_stacks_dir(project_dir)
        names = list_stacks(stacks_dir)
        if not names:
            raise SsmProfileError(f"no stack files (Pulumi.NAME.yaml) in {stacks_dir}")
    from .offline import batch  # imports Pulumi when it plans: only the commands that run it

    if args.jobs is None:
        args.jobs = batch.default_jobs()

    job = batch.Job(stacks_dir, project_dir, args.account_id, args.format, args.program)
    failed = []
    for number, outcome in enumerate(batch.plan_all(job, names, args.jobs if args.all else 1)):
        name = outcome.name
        target = args.out / f"{name}.{EXTENSIONS[args.format]}" if args.out else None
        if outcome.error is not None:
            if not args.all:
                raise SsmProfileError(outcome.error)
            streams.error_line(f"stack {name}: {outcome.error}")
            failed.append(name)
            if target is not None:
                streams.discard(target)  # never leave a stale plan behind
            continue
        assert outcome.text is not None
        for warning in outcome.warnings:
            streams.error_line(f"{f'stack {name}: ' if args.all else ''}{warning}", "warning")
        if target is not None:
            streams.write_file(target, outcome.text)
            streams.print_out(visible(f"{name}: wrote {target}") + "\n")
        else:
            streams.print_out(("\n" if number else "") + outcome.text)
    if failed:
        streams.error_line(f"{len(failed)} of {len(names)} stacks failed: {', '.join(failed)}")
        return 2
    return 0


def _diff(args: argparse.Namespace) -> int:
    from .offline import diff, planfile

    old, new = planfile.read_plan(args.old), planfile.read_plan(args.new)
    try:
        result = diff.diff_plans(old, new)
        text = diff.RENDERERS[args.format](result)
    except RecursionError:
        raise SsmProfileError(
            f"{args.old}, {args.new}: values nested too deeply to compare"
        ) from None
    streams.print_out(text)
    if args.fail_on == "broadening" and result.risk.has("broadening"):
        return EXIT_BROADENS
    return 1 if result.changed else 0


def _plugins(args: argparse.Namespace) -> int:
    from .config import load_settings
    from .config.stackfile import load_stack

    stack = load_stack(args.stack, args.stacks_dir)
    settings = load_settings(stack.config, stack.project, stack.stack)
    from .pluginhost.loading import load_plugins

    _, loaded = load_plugins(settings.plugins)
    streams.print_out(json.dumps([p.describe() for p in loaded], indent=2) + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    streams.escape_what_streams_cannot_encode()
    args = _parser().parse_args(argv)
    command = {
        "plan": _plan,
        "diff": _diff,
        "plugins": _plugins,
        "adopt": _adopt,
        "drift": _drift,
    }[args.command]
    try:
        status = command(args)
    except streams.OutputError as error:
        streams.error_line(str(error))
        return 2
    except SsmProfileError as error:
        streams.error_line(str(error))
        status = 2
    except OSError as error:  # the disk or the folder under the command, not its input
        where = f"{error.filename}: " if error.filename else ""
        streams.error_line(f"{where}{streams.why(error)}")
        status = 2
    try:
        if sys.stdout is not None:
            streams.output(sys.stdout.flush)
    except streams.OutputError as error:
        streams.error_line(str(error))
        status = 2
    return status


def run() -> None:
    """``python -m ssm_profile`` and the ``ssm-profile`` script: :func:`main`, then exit
    without the interpreter's shutdown.

    Tearing down the modules Pulumi and gRPC load takes about a sixth of a plan's wall time
    and does nothing for this process: :func:`main` has flushed stdout and stderr, written
    every ``--out`` file atomically, and closed its worker pool. So the process ends with
    ``os._exit``; atexit handlers do not run (the program registers none it relies on).
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
