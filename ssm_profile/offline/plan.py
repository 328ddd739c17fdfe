"""The offline plan: run the real program in-process under recording Pulumi mocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from ..aws.naming import DEFAULT_ACCOUNT_ID
from ..config.stackfile import StackConfig
from . import planfile
from .mocks import RecordingMocks, plain
from .runtime import mocked_runtime


@dataclass
class Plan:
    """What one stack registers: the plan file's object (docs/review.md); each of
    :attr:`resources` holds its ``options`` (``protect``, ``retainOnDelete``,
    ``deleteBeforeReplace``)."""

    project: str
    stack: str
    resources: list[dict[str, Any]]
    outputs: dict[str, Any] = field(default_factory=dict)
    # What the program logged as warnings through the (mocked) engine, in order.
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The plan file's object (:mod:`ssm_profile.offline.planfile`)."""
        return planfile.plan_object(
            self.project, self.stack, self.resources, self.outputs, self.warnings
        )


def run_program(stack: StackConfig, account_id: str = DEFAULT_ACCOUNT_ID) -> Plan:
    """Run :func:`ssm_profile.deploy.program.main` for ``stack`` under recording mocks.

    Raises :class:`~ssm_profile.errors.SsmProfileError` for a bad stack, exactly as the
    program does under ``pulumi up``.
    """
    from ..deploy import program

    region = stack.config.get("aws:region", "")
    mocks = RecordingMocks(account_id=account_id, region=region, stack=stack.stack)
    outputs: dict[str, Any] = {}
    with mocked_runtime(mocks, stack.project, stack.stack, stack.config) as monitor:

        @pulumi.runtime.test
        def _run() -> pulumi.Output[Any]:
            result = program.main()
            return pulumi.Output.from_input(result).apply(outputs.update)

        _run()
    return Plan(
        stack.project,
        stack.stack,
        monitor.registrations,
        plain(outputs),
        list(monitor.log.warnings),
    )
