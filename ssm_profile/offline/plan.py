"""The offline plan: run the real program in-process under recording Pulumi mocks."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from ..aws.names import is_account_id
from ..aws.naming import DEFAULT_ACCOUNT_ID
from ..config.stackfile import StackConfig
from ..errors import ConfigError, SsmProfileError, one_line
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


ALLOWED_ACCOUNTS = "aws:allowedAccountIds"  # the AWS provider's key; it enforces the list


def stack_account(stack: StackConfig) -> str:
    """The account a stack's ARNs name offline: the one account of ``aws:allowedAccountIds``
    (the provider refuses any other), else :data:`DEFAULT_ACCOUNT_ID` (also when it lists
    several: which one deploys is not in the stack file; ``--account-id`` picks). An explicit
    provider restricted to one account is the mocks' (:mod:`.mocks`)."""
    wire = stack.config.get(ALLOWED_ACCOUNTS)
    if wire is None:
        return DEFAULT_ACCOUNT_ID
    try:
        accounts = json.loads(wire)
    except ValueError:
        accounts = wire
    if (
        not isinstance(accounts, list)
        or not accounts
        or not all(isinstance(a, str) and is_account_id(a) for a in accounts)
    ):
        raise ConfigError(
            ALLOWED_ACCOUNTS, f"must be a list of 12-digit AWS account ids, got {wire!r}"
        )
    return accounts[0] if len(accounts) == 1 else DEFAULT_ACCOUNT_ID


def run_program(
    stack: StackConfig, account_id: str | None = None, program: str | None = None
) -> Plan:
    """Run a Pulumi program for ``stack`` under recording mocks: by default
    :func:`ssm_profile.deploy.program.main`, else the ``MODULE:FUNCTION`` ``program`` (any
    program that embeds the component). The outputs are the stack's exports.

    ``account_id`` (``--account-id``) overrides the stack's own (:func:`stack_account`).

    Raises :class:`~ssm_profile.errors.SsmProfileError` for a bad stack, exactly as the
    program does under ``pulumi up``; an embedded program's other errors are one too.
    """
    main = load_program(program, stack.project_dir) if program else load_program(PROGRAM)
    account_id = account_id or stack_account(stack)
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
        [*stack.notes, *monitor.log.warnings],
    )
