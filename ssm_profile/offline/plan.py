"""The offline plan: run the real program in-process under recording Pulumi mocks."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from ..aws.naming import DEFAULT_ACCOUNT_ID
from ..config.stackfile import StackConfig
from ..errors import SsmProfileError, one_line
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


PROGRAM = "ssm_profile.deploy.program:main"


def load_program(spec: str, project_dir: Path | None = None) -> Callable[[], Any]:
    """The function ``MODULE:FUNCTION`` names, imported with ``project_dir`` (the project's
    folder, as under ``pulumi up``) first on the import path."""
    module_name, colon, function_name = spec.partition(":")
    if not (colon and module_name and function_name.isidentifier()):
        raise SsmProfileError(f"--program: expected MODULE:FUNCTION, got {spec!r}")
    folder = str(project_dir) if project_dir is not None else None
    if folder is not None:
        sys.path.insert(0, folder)
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise SsmProfileError(f"--program {spec}: cannot import {module_name}: {error}") from None
    finally:
        if folder is not None:
            sys.path.remove(folder)
    function = getattr(module, function_name, None)
    if not callable(function):
        raise SsmProfileError(f"--program {spec}: {module_name} has no function {function_name}")
    return function


def run_program(
    stack: StackConfig, account_id: str = DEFAULT_ACCOUNT_ID, program: str | None = None
) -> Plan:
    """Run a Pulumi program for ``stack`` under recording mocks: by default
    :func:`ssm_profile.deploy.program.main`, else the ``MODULE:FUNCTION`` ``program`` (any
    program that embeds the component). The outputs are the stack's exports.

    Raises :class:`~ssm_profile.errors.SsmProfileError` for a bad stack, exactly as the
    program does under ``pulumi up``; an embedded program's other errors are one too.
    """
    main = load_program(program, stack.project_dir) if program else load_program(PROGRAM)
    region = stack.config.get("aws:region", "")
    mocks = RecordingMocks(account_id=account_id, region=region, stack=stack.stack)
    outputs: dict[str, Any] = {}
    with mocked_runtime(mocks, stack.project, stack.stack, stack.config) as monitor:

        @pulumi.runtime.test
        def _run() -> pulumi.Output[Any]:
            main()
            exports = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
            return pulumi.Output.from_input(exports).apply(outputs.update)

        try:
            _run()
        except SsmProfileError:
            raise
        except Exception as error:
            if program is None:
                raise
            raise SsmProfileError(f"--program {program}: {one_line(repr(error))}") from None
    return Plan(
        stack.project,
        stack.stack,
        monitor.in_plan_order(),
        plain(outputs),
        list(monitor.log.warnings),
    )
