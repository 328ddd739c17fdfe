"""The Pulumi runtime under mocks, set up and torn down in one place.

:func:`mocked_runtime` is used by :func:`ssm_profile.offline.plan.run_program` and by the
tests' fixtures alike: it saves the runtime's settings, installs the mocks on a fresh event
loop and restores everything afterwards, so runs cannot leak into each other.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pulumi
from pulumi.runtime import settings as runtime_settings

from .mocks import RecordingMocks, RecordingMonitor

_SAVED = ("monitor", "engine", "project", "stack", "dry_run", "organization", "monitor_features")


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what a run left pending (a failed program, a test that awaited only part of
    it) and let it unwind, as ``asyncio.run`` does, so no task outlives its loop."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


@contextmanager
def mocked_runtime(
    mocks: RecordingMocks, project: str, stack: str, config: Mapping[str, str] | None = None
) -> Iterator[RecordingMonitor]:
    """Pulumi's runtime with ``mocks`` and ``config`` installed; yields the monitor that
    records every registration (and, in ``monitor.log``, what the engine was told to log).

    A fresh loop whose executor has one worker: registrations reach the monitor in the order
    the program issues them, so two runs give identical bytes.
    """
    saved = {name: getattr(runtime_settings.SETTINGS, name) for name in _SAVED}
    root = runtime_settings.ROOT.get()
    try:
        previous = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        previous = None
    loop = asyncio.new_event_loop()
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    monitor = RecordingMonitor(mocks)
    try:
        runtime_settings.ROOT.set(None)
        pulumi.runtime.set_mocks(
            mocks, project, stack, preview=False, logger=monitor.log.logger, monitor=monitor
        )
        pulumi.runtime.set_all_config(dict(config or {}))
        yield monitor
    finally:
        _cancel_pending(loop)
        asyncio.set_event_loop(previous)
        loop.close()
        executor.shutdown(wait=True)
        for name, value in saved.items():
            setattr(runtime_settings.SETTINGS, name, value)
        runtime_settings.ROOT.set(root)
        pulumi.runtime.set_all_config({})
