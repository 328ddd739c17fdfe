#!/usr/bin/env python3
"""Offline plan diff of a pull request: ONE roll-up markdown comment for all stacks (CI glue).

usage: review_plans.py BASE HEAD OUT [--base-python PY] [--head-python PY]

BASE and HEAD are checkouts of the pull request's base and head, each with its own ``.venv``
(``make install``), so each revision is planned with its own code and its own stack files.
OUT receives ``base/STACK.json``, ``head/STACK.json`` and, in ``comments/``:

- ``comment.md``: the pull request comment (its first line is the hidden marker the workflow
  finds it by). A table of every stack (changes, broadens access, replacements, error), then
  one collapsed ``<details>`` section per changed stack, broadening ones first. It stays
  within GitHub's 65,536 characters: sections that do not fit are left out, and it says so;
- ``summary.md``: the same with every section, for the job summary (and the artifact);
- ``STACK.md``: each stack's diff alone; ``index.json``: each stack's state, and
  ``broadening``: the stacks whose change broadens access (the workflow's approval gate).

Exit 2 when a stack of HEAD does not plan (its section says why), else 0: changes, even
broadening ones, are for review, not a failure.
"""

from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

# Run by path (`head/.venv/bin/python head/.ci/review_plans.py ...`), Python puts .ci/ first
# on sys.path, and the project is not installed in the virtualenv: import it from the
# checkout this script belongs to.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ssm_profile.config.stackfile import default_stacks_dir, list_stacks
from ssm_profile.errors import SsmProfileError, visible
from ssm_profile.offline import diff, planfile, report
from ssm_profile.offline.markdown import md_code, md_fence, md_name, md_table

# The hidden first line of the roll-up comment; the per-stack comments of earlier runs began
# with OLD_MARKER + "stack=..." (the workflow deletes them).
MARKER = "<!-- ssm-profile:plan-diff -->"
OLD_MARKER = "<!-- ssm-profile:plan-diff stack="
# GitHub refuses comments over 65,536 characters.
GITHUB_COMMENT_LIMIT = 65_536
# One stack's diff at most (the rest of its section says where to find it whole).
COMMENT_LIMIT = 60_000


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


class StackReview(NamedTuple):
    """One stack's part of the review: its markdown and its row of the table."""

    stack: str
    body: str  # the stack's diff (or error, or full plan) as markdown
    changed: bool
    failed: bool  # HEAD does not plan
    summary: str = ""  # the diff's summary line, or what happened
    broadens: bool = False
    replacements: int = 0


def _replacements(result: diff.PlanDiff) -> int:
    """Resources replaced: by an input, or under a new URN without an alias."""
    urn = sum(1 for a in result.alerts if "its URN changes" in a.message)
    return result.count("replace") + urn


def stack_review(
    stack: str,
    base_plan: dict[str, Any] | None,
    head_plan: dict[str, Any] | None,
    base_error: str | None,
    head_error: str | None,
    project: str,
) -> StackReview:
    """The review of one stack: its diff, or why there is none."""
    title = f"### {md_name(project)} / {md_name(stack)}"
    if head_error is not None:
        error = md_fence(head_error.split("\n"))
        body = f"{title}: the offline plan of this pull request fails\n\n{error}\n"
        return StackReview(stack, body, True, True, "the offline plan fails")
    if head_plan is None:
        body = (
            f"{title}: stack file removed\n\nThis pull request deletes the stack's file. CI "
            "does not destroy a deployed stack: run `pulumi destroy` and `pulumi stack rm` "
            "for it deliberately.\n"
        )
        return StackReview(stack, body, True, False, "stack file removed")
    if base_plan is None and base_error is not None:
        error = md_fence(base_error.split("\n"))
        body = (
            f"{title}: the base revision does not plan\n\n{error}\n\n"
            "So here is the full offline plan of this pull request instead of a diff:\n\n"
        )
        plan = report.to_markdown(head_plan, COMMENT_LIMIT - len(body), _too_long)
        return StackReview(stack, body + plan, True, False, "the base does not plan")
    empty = {"project": head_plan["project"], "stack": stack, "resources": [], "outputs": {}}
    result = diff.diff_plans(base_plan or empty, head_plan)
    body = diff.to_markdown(result, limit=COMMENT_LIMIT)
    # the counts: whether access broadens has its own column and label
    summary = diff.summary(result).split(": ", 1)[-1].removeprefix("BROADENS ACCESS, ")
    if base_plan is None:
        body = f"*New stack: everything below is created.*\n\n{body}"
        summary = f"new stack, {summary}"
    broadens = result.risk.has("broadening")
    return StackReview(stack, body, result.changed, False, summary, broadens, _replacements(result))


def _table(reviews: list[StackReview]) -> str:
    rows = [
        [
            md_code(r.stack),
            r.summary,
            "**yes**" if r.broadens else "no",
            str(r.replacements),
            "**yes**" if r.failed else "no",
        ]
        for r in reviews
    ]
    return md_table(["stack", "changes", "broadens access", "replacements", "error"], rows)


def _section(r: StackReview) -> str:
    """A stack's collapsed section: its summary line, then its diff."""
    label = ("BROADENS ACCESS: " if r.broadens else "") + ("FAILS: " if r.failed else "")
    summary = html.escape(visible(f"{label}{r.stack}: {r.summary}"), quote=False)
    return f"<details><summary>{summary}</summary>\n\n{r.body.rstrip()}\n\n</details>"


def _order(r: StackReview) -> tuple[int, str]:
    """Failures and broadening stacks first, then the others, by name."""
    return (0 if r.failed else 1 if r.broadens else 2, r.stack)


def rollup(reviews: list[StackReview], footer: str, limit: int | None) -> str:
    """The roll-up: a head, the table of every stack, a section per changed stack. With
    ``limit``, the sections that do not fit are left out and a line says which and where."""
    changed = sorted((r for r in reviews if r.changed), key=_order)
    broadening = [r.stack for r in changed if r.broadens]
    failed = [r.stack for r in changed if r.failed]
    head = (
        f"### Offline plan diff: {len(reviews)} stacks, {len(changed)} changed"
        f"{f', {len(broadening)} BROADEN ACCESS' if broadening else ''}"
        f"{f', {len(failed)} fail' if failed else ''}"
    )
    blocks = [MARKER, head]
    if broadening:
        names = ", ".join(md_code(n) for n in broadening)
        blocks.append(
            f"> [!CAUTION]\n> Access broadens in {names}: the `Access approval` check waits "
            "for a reviewer of the `access-review` environment (docs/review.md, Approving "
            "broader access)."
        )
    blocks.append(_table(reviews))
    sections = [_section(r) for r in changed]
    if limit is None:
        return "\n\n".join([*blocks, *sections, footer]) + "\n"
    kept: list[str] = []
    note_room = 400  # the line that says what is left out
    size = sum(len(b) + 2 for b in [*blocks, footer]) + note_room
    for section in sections:
        if size + len(section) + 2 > limit:
            break
        kept.append(section)
        size += len(section) + 2
    left = changed[len(kept) :]
    if left:
        kept.append(
            f"*{len(left)} of {len(changed)} changed stacks do not fit in one comment (GitHub "
            f"allows {GITHUB_COMMENT_LIMIT:,} characters), from {md_code(left[0].stack)} on: "
            "every section is in the job summary of this run and in its `plans` artifact "
            "(`comments/summary.md`).*"
        )
    return "\n\n".join([*blocks, *kept, footer]) + "\n"


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
    """Plan both checkouts, write the roll-up, its full version and the index; 2 if a HEAD
    stack fails."""
    base_errors = plan_checkout(base, base_python, out / "base")
    head_errors = plan_checkout(head, head_python, out / "head")
    comments = out / "comments"
    comments.mkdir(parents=True, exist_ok=True)
    footer = (
        f"<sub>Offline plan (no cloud credentials) of base {md_code(_revision(base))} and "
        f"head {md_code(_revision(head))}; to reproduce, see docs/review.md, Reviewing "
        "changes.</sub>"
    )
    reviews = []
    for stack in sorted(base_errors.keys() | head_errors.keys()):
        base_plan = _read(out / "base" / f"{stack}.json", base_errors, stack)
        head_plan = _read(out / "head" / f"{stack}.json", head_errors, stack)
        project = (head_plan or base_plan or {}).get("project", "ssm-profile")
        result = stack_review(
            stack, base_plan, head_plan, base_errors.get(stack), head_errors.get(stack), project
        )
        reviews.append(result)
        (comments / f"{stack}.md").write_text(result.body, encoding="utf-8")
        state = "FAILS" if result.failed else "changes" if result.changed else "no changes"
        print(visible(f"{stack}: {state}{' (broadens access)' if result.broadens else ''}"))
    comment = rollup(reviews, footer, GITHUB_COMMENT_LIMIT)
    (comments / "comment.md").write_text(comment, encoding="utf-8")
    (comments / "summary.md").write_text(rollup(reviews, footer, None), encoding="utf-8")
    index = {
        "marker": MARKER,
        "oldMarker": OLD_MARKER,
        "changed": any(r.changed for r in reviews),
        "broadening": [r.stack for r in reviews if r.broadens],
        "stacks": [
            {
                "stack": r.stack,
                "changed": r.changed,
                "failed": r.failed,
                "broadens": r.broadens,
                "replacements": r.replacements,
            }
            for r in reviews
        ],
    }
    (comments / "index.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return 2 if any(r.failed for r in reviews) else 0


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
