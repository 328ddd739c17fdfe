"""API calls of the IAM emulator harness, checked against the service's API model first.

botocore checks only required members, types and minimum lengths before it sends a request;
moto checks few of the rest. :func:`model_problems` reports every length limit, pattern and
range ``params`` break (tests/apimodel.py); :func:`checked_call` refuses such a call, then
makes it and turns a refusal into an :class:`EmulatorError` naming the resource.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import apimodel
import botocore.exceptions


class EmulatorError(AssertionError):
    """IAM (or its API model) refused a resource; names the resource and the reason."""


def model_problems(client: Any, operation: str, params: Mapping[str, Any]) -> list[str]:
    """Constraints of the service's API model that ``params`` break: the one checker of
    tests/apimodel.py (Java patterns matched as Java does), for this client's service."""
    return apimodel.model_problems(client.meta.service_model.service_name, operation, params)


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
