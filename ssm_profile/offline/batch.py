"""Planning many stacks (``plan --all``), in this process or spread over worker processes.

Each stack is planned on its own, so the results do not depend on how many processes share
the work: ``--jobs 2`` prints and writes the same bytes as ``--jobs 1``, in the same order.
Workers are forked from this process where the platform allows, so they start with the
imports already done; elsewhere they are spawned.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import load_settings
from ..config.stackfile import load_stack
from ..errors import SsmProfileError
from . import report


@dataclass(frozen=True)
class Outcome:
    """One stack's rendered plan and warnings, or the one-line error it failed with."""

    name: str
    text: str | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class Job:
    stacks_dir: Path | None
    project_dir: Path | None
    account_id: str | None  # None: each stack's own (plan.stack_account)
    format: str
    program: str | None = None  # MODULE:FUNCTION; None: the stack-config program


def plan_one(job: Job, name: str) -> Outcome:
    """Load, plan and render one stack; a bad stack is an outcome, not an exception.

    The stack file and its settings are checked before Pulumi is imported: a stack that a
    config error stops costs no Pulumi (the program checks them again, as under ``pulumi
    up``; the settings alone take well under a millisecond). Another program's config is
    its own, checked by the components it builds."""
    try:
        stack = load_stack(name, job.stacks_dir, job.project_dir)
        if job.program is None:
            load_settings(stack.config, stack.project, stack.stack)
        from .plan import run_program  # imports Pulumi

        plan = run_program(stack, job.account_id, job.program)
        text = report.RENDERERS[job.format](plan.to_json())
    except SsmProfileError as error:
        return Outcome(name, error=str(error))
    return Outcome(name, text, tuple(plan.warnings))


_JOB: Job | None = None


def _start(job: Job) -> None:
    global _JOB
    _JOB = job


def _work(name: str) -> Outcome:
    assert _JOB is not None
    return plan_one(_JOB, name)


def default_jobs() -> int:
    """One job per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def plan_all(job: Job, names: Sequence[str], jobs: int) -> Iterator[Outcome]:
    """Each stack's outcome, in the order of ``names``, planned by up to ``jobs`` processes."""
    jobs = max(1, min(jobs, len(names)))
    if jobs == 1:
        for name in names:
            yield plan_one(job, name)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, len(names) // (jobs * 8))
    with context.Pool(jobs, initializer=_start, initargs=(job,)) as pool:
        yield from pool.imap(_work, names, chunksize=chunk)
