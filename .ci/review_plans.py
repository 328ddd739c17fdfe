#!/usr/bin/env python3
"""Offline plan diff of a pull request: one markdown comment per stack (CI glue).

usage: review_plans.py BASE HEAD OUT [--base-python PY] [--head-python PY]

BASE and HEAD are checkouts of the pull request's base and head, each with its own ``.venv``
(``make install``), so each revision is planned with its own code and its own stack files.
OUT receives ``base/STACK.json``, ``head/STACK.json``, ``comments/STACK.md`` (whose first line
is the hidden marker the workflow finds the comment by) and ``comments/index.json``. Exit 2
when a stack of HEAD does not plan (its comment says why), else 0: changes are for review,
not a failure.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

# Run by path (`head/.venv/bin/python head/.ci/review_plans.py ...`), Python puts .ci/ first
# on sys.path, and the project is not installed in the virtualenv: import it from the
# checkout this script belongs to.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ssm_profile.config.stackfile import default_stacks_dir, list_stacks
from ssm_profile.errors import SsmProfileError, visible
from ssm_profile.offline import diff, planfile, report
from ssm_profile.offline.markdown import md_code, md_fence, md_name

MARKER = "<!-- ssm-profile:plan-diff stack={stack} -->"
# GitHub refuses comments over 65,536 characters; leave room for the marker and footer.
COMMENT_LIMIT = 60_000


def marker(stack: str) -> str:
    """The hidden first line of a stack's comment. A stack name (a file name in the pull
    request) is percent-encoded, and ``--`` broken up, so it cannot end the HTML comment;
    Pulumi's stack names (letters, digits, ``-_.``) stay as they are."""
    return MARKER.format(stack=quote(stack, safe="").replace("--", "-%2D"))


def _run(python: Path, checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-m", "ssm_profile", *args],
        cwd=checkout,
        capture_output=True,
        text=True,
        errors="backslashreplace",  # a plugin may print any bytes on stderr
        check=False,
    )


def plan_checkout(checkout: Path, python: Path, out: Path) -> dict[str, str | None]:
    """Plan every stack of ``checkout`` into ``out/STACK.json``; stack -> error or ``None``.

    Uses ``plan --all`` where the revision has it; older revisions are planned one stack at
    a time, so the base of the pull request that introduces ``--all`` still gets a diff.
    """
    names = list_stacks(default_stacks_dir(checkout))
    out.mkdir(parents=True, exist_ok=True)
    errors: dict[str, str | None] = {}
    if "--all" in _run(python, checkout, "plan", "--help").stdout:
        done = _run(python, checkout, "plan", "--all", "--format", "json", "--out", str(out))
        for name in names:
            if (out / f"{name}.json").is_file():
                errors[name] = None
                continue
            prefix = f"error: stack {name}: "
            lines = [line for line in done.stderr.splitlines() if line.startswith(prefix)]
            errors[name] = lines[0] if lines else done.stderr.strip() or "no plan written"
        return errors
    for name in names:
        done = _run(python, checkout, "plan", "--stack", name, "--format", "json")
        if done.returncode == 0:
            (out / f"{name}.json").write_text(done.stdout, encoding="utf-8")
            errors[name] = None
        else:
            errors[name] = done.stderr.strip() or f"exit status {done.returncode}"
    return errors


def _read(path: Path, errors: dict[str, str | None], stack: str) -> dict[str, Any] | None:
    """The plan of ``stack`` if it planned and its file reads as a plan, else ``None`` with
    the reason in ``errors``."""
    if stack not in errors or errors[stack] is not None:
        return None
    try:
        return planfile.read_plan(path)
    except SsmProfileError as error:
        errors[stack] = f"error: {error}"
        return None


def _too_long(length: int) -> str:
    return (
        f"*The plan is {length:,} characters, too long for a comment: see the `plans` "
        "artifact of this run, or reproduce it locally (docs/review.md, Reviewing changes).*"
    )


def stack_comment(
    stack: str,
    base_plan: dict[str, Any] | None,
    head_plan: dict[str, Any] | None,
    base_error: str | None,
    head_error: str | None,
    project: str,
) -> tuple[str, bool, bool]:
    """The comment body of one stack, whether it shows changes, whether HEAD failed."""
    title = f"### {md_name(project)} / {md_name(stack)}"
    if head_error is not None:
        error = md_fence(head_error.split("\n"))
        body = f"{title}: the offline plan of this pull request fails\n\n{error}"
        return body + "\n", True, True
    if head_plan is None:
        body = (
            f"{title}: stack file removed\n\nThis pull request deletes the stack's file. CI "
            "does not destroy a deployed stack: run `pulumi destroy` and `pulumi stack rm` "
            "for it deliberately.\n"
        )
        return body, True, False
    if base_plan is None and base_error is not None:
        error = md_fence(base_error.split("\n"))
        body = (
            f"{title}: the base revision does not plan\n\n{error}\n\n"
            "So here is the full offline plan of this pull request instead of a diff:\n\n"
        )
        plan = report.to_markdown(head_plan, COMMENT_LIMIT - len(body), _too_long)
        return body + plan, True, False
    empty = {"project": head_plan["project"], "stack": stack, "resources": [], "outputs": {}}
    result = diff.diff_plans(base_plan or empty, head_plan)
    body = diff.to_markdown(result, limit=COMMENT_LIMIT)
    if base_plan is None:
        body = f"*New stack: everything below is created.*\n\n{body}"
    return body, result.changed, False


def _git(checkout: Path, *args: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _revision(checkout: Path) -> str:
    """The checkout's short commit id, noting uncommitted changes (a local review)."""
    commit = _git(checkout, "rev-parse", "--short", "HEAD")
    if commit is None:
        return checkout.name
    return f"{commit} + uncommitted changes" if _git(checkout, "status", "--porcelain") else commit


def review(base: Path, head: Path, out: Path, base_python: Path, head_python: Path) -> int:
    """Plan both checkouts, write the comments and their index; 2 if a HEAD stack fails."""
    base_errors = plan_checkout(base, base_python, out / "base")
    head_errors = plan_checkout(head, head_python, out / "head")
    comments = out / "comments"
    comments.mkdir(parents=True, exist_ok=True)
    footer = (
        f"\n<sub>Offline plan (no cloud credentials) of base {md_code(_revision(base))} and "
        f"head {md_code(_revision(head))}; to reproduce, see docs/review.md, Reviewing "
        "changes.</sub>\n"
    )
    index = []
    failed = False
    for stack in sorted(base_errors.keys() | head_errors.keys()):
        base_plan = _read(out / "base" / f"{stack}.json", base_errors, stack)
        head_plan = _read(out / "head" / f"{stack}.json", head_errors, stack)
        project = (head_plan or base_plan or {}).get("project", "ssm-profile")
        body, changed, head_failed = stack_comment(
            stack, base_plan, head_plan, base_errors.get(stack), head_errors.get(stack), project
        )
        hidden = marker(stack)
        (comments / f"{stack}.md").write_text(f"{hidden}\n{body}{footer}", encoding="utf-8")
        entry = {"stack": stack, "file": f"{stack}.md", "marker": hidden}
        index.append({**entry, "changed": changed, "failed": head_failed})
        failed = failed or head_failed
        state = "FAILS" if head_failed else "changes" if changed else "no changes"
        print(visible(f"{stack}: {state}"))
    (comments / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return 2 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("head", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--base-python", type=Path, help="default: BASE/.venv/bin/python")
    parser.add_argument("--head-python", type=Path, help="default: HEAD/.venv/bin/python")
    args = parser.parse_args(argv)
    base, head = args.base.resolve(), args.head.resolve()
    return review(
        base,
        head,
        args.out.resolve(),
        # absolute, not resolved: a virtualenv's python is a symlink that must stay one
        (args.base_python or base / ".venv/bin/python").absolute(),
        (args.head_python or head / ".venv/bin/python").absolute(),
    )


if __name__ == "__main__":
    sys.exit(main())
