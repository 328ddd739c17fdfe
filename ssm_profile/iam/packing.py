"""Packing statements into customer managed policies within IAM's size limit (pure).

:func:`pack` splits statements into as few managed policies as the 6,144-character limit
allows; a statement too large for one policy alone is split by resources first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..aws.limits import POLICY_SIZE_LIMIT
from ..errors import StatementSizeError
from .statement import Statement, document, json_size


def document_size(statements: Sequence[Statement]) -> int:
    """Characters IAM counts for a policy holding ``statements``."""
    return json_size(document(statements))


_EMPTY_DOCUMENT_SIZE = document_size([])


def min_policies(statements: Sequence[Statement], limit: int = POLICY_SIZE_LIMIT) -> int:
    """A lower bound on the policies :func:`pack` needs, without packing: the statements'
    characters (with the commas between them) over what one policy holds. Splitting and
    packing only add to it."""
    if not statements:
        return 0
    total = sum(s.size for s in statements) + len(statements) - 1
    budget = limit - _EMPTY_DOCUMENT_SIZE
    return -(-total // budget)


def split_oversized(statement: Statement, limit: int = POLICY_SIZE_LIMIT) -> list[Statement]:
    """``[statement]`` if it fits a policy of ``limit`` characters alone, else its parts split
    by resources (``Sid``, ``SidPart2``, ...), each of which fits.

    Raises :class:`~ssm_profile.errors.StatementSizeError` when no split by resources fits:
    the statement has fewer than two resources, or one resource alone with its actions and
    condition is already too large.
    """
    budget = limit - _EMPTY_DOCUMENT_SIZE
    if statement.size <= budget:
        return [statement]
    too_large = (
        f"is {statement.size} characters; it cannot fit in one managed policy ({limit} characters)"
    )
    if len(statement.resources) < 2:
        has = "no Resource list" if not statement.resources else "a single resource"
        raise StatementSizeError(
            statement.sid,
            f"{too_large} and cannot be split, as it has {has}: shorten it or return "
            "several smaller statements",
        )
    parts = _cut_by_size(statement, budget)
    split = [
        replace(
            statement,
            sid=statement.sid if i == 0 else f"{statement.sid}Part{i + 1}",
            resources=tuple(part),
        )
        for i, part in enumerate(parts)
    ]
    for part in split:
        if part.size > budget:
            raise StatementSizeError(
                statement.sid,
                f"{too_large}, and split by resource its part with {part.resources[0]} alone "
                f"is still {part.size} characters: shorten its actions or Condition",
            )
    return split


def _cut_by_size(statement: Statement, budget: int) -> list[list[str]]:
    """The statement's resources in runs that each fit ``budget`` with the rest of the
    statement: greedy, in order, as if each candidate part were rendered and measured.

    A part's size is computed, not rendered: the statement with its first resource alone,
    then, from the second resource on, a list: two brackets, and for each further resource
    its JSON text and a comma (``tests/test_documents.py`` holds this to rendering).
    """
    first = replace(statement, resources=statement.resources[:1])
    single = first.size - json_size(statement.resources[0])  # all but the one resource
    parts: list[list[str]] = [[]]
    used = 0  # the current part's size
    for resource in statement.resources:
        cost = json_size(resource)
        if not parts[-1]:
            parts[-1].append(resource)
            used = single + cost
            continue
        grown = used + cost + 1 + (2 if len(parts[-1]) == 1 else 0)
        if grown > budget:
            parts.append([resource])
            used = single + cost
        else:
            parts[-1].append(resource)
            used = grown
    return parts


def pack(statements: Sequence[Statement], limit: int = POLICY_SIZE_LIMIT) -> list[list[Statement]]:
    """Pack statements into as few policy documents of at most ``limit`` characters as
    first-fit-decreasing finds; each document keeps the statements' original order.

    Deterministic: ties are broken by original position. A statement that alone exceeds a
    policy is split by resources (``Sid``, ``SidPart2``, ...).
    """
    budget = limit - _EMPTY_DOCUMENT_SIZE
    pieces = [piece for s in statements for piece in split_oversized(s, limit)]
    if document_size(pieces) <= limit:
        return [pieces] if pieces else []
    order = sorted(range(len(pieces)), key=lambda i: (-pieces[i].size, i))
    bins: list[list[int]] = []
    used: list[int] = []
    for i in order:
        cost = pieces[i].size + 1  # the comma between statements
        for b, total in enumerate(used):
            if total + cost <= budget + 1:
                bins[b].append(i)
                used[b] += cost
                break
        else:
            bins.append([i])
            used.append(cost)
    groups = sorted((sorted(b) for b in bins), key=lambda group: group[0])
    return [[pieces[i] for i in group] for group in groups]
