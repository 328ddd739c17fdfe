"""API calls of the IAM emulator harness, checked against the service's API model first.

botocore checks only required members, types and minimum lengths before it sends a request;
moto checks few of the rest. :func:`model_problems` reads the operation's input shape from
botocore's service model and reports every length limit, pattern and range ``params`` break;
:func:`checked_call` refuses such a call, then makes it and turns a refusal into an
:class:`EmulatorError` naming the resource.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import botocore.exceptions


class EmulatorError(AssertionError):
    """IAM (or its API model) refused a resource; names the resource and the reason."""


def model_problems(client: Any, operation: str, params: Mapping[str, Any]) -> list[str]:
    """Constraints of the service's API model that ``params`` break (botocore checks only
    required members, types and minimum lengths itself)."""
    shape = client.meta.service_model.operation_model(operation).input_shape
    problems: list[str] = []

    def check(shape: Any, value: Any, where: str) -> None:
        meta = shape.metadata
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                if name in value:
                    check(member, value[name], f"{where}.{name}" if where else name)
        elif shape.type_name == "list":
            if "max" in meta and len(value) > meta["max"]:
                problems.append(f"{where}: {len(value)} items, at most {meta['max']} allowed")
            for i, item in enumerate(value):
                check(shape.member, item, f"{where}[{i}]")
        elif shape.type_name == "string":
            if "max" in meta and len(value) > meta["max"]:
                problems.append(f"{where}: {len(value)} characters, at most {meta['max']}")
            if "min" in meta and len(value) < meta["min"]:
                problems.append(f"{where}: {len(value)} characters, at least {meta['min']}")
            if "pattern" in meta:
                try:
                    pattern = re.compile(meta["pattern"])
                except re.error:
                    return  # a Java-only construct (\p{L}); botocore's model, not ours
                if not pattern.fullmatch(value):
                    problems.append(f"{where}: {value!r} does not match {meta['pattern']}")
        elif shape.type_name in ("integer", "long"):
            if "min" in meta and value < meta["min"]:
                problems.append(f"{where}: {value} is below {meta['min']}")
            if "max" in meta and value > meta["max"]:
                problems.append(f"{where}: {value} is above {meta['max']}")

    check(shape, params, "")
    return problems


def checked_call(client: Any, operation: str, what: str, **params: Any) -> Any:
    """``operation`` (``CreateRole``) with ``params``, for the resource ``what``."""
    problems = model_problems(client, operation, params)
    if problems:
        raise EmulatorError(f"{what}: {operation} parameters break the API model: {problems}")
    method = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
    try:
        return method(**params)
    except (botocore.exceptions.ClientError, botocore.exceptions.ParamValidationError) as e:
        raise EmulatorError(f"{what}: {operation} refused: {e}") from None
