"""Verdict policies: the statuses of items (criteria, or questions) mapped to a grade."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from checker.model import NOT_APPLICABLE, Policy


@dataclass(frozen=True)
class Item:
    """One input of a policy: its status (an id of the input scale) and its weight."""

    status: str
    weight: float = 1.0
    essential: bool = False


def grade(policy: Policy, items: Sequence[Item], order: Sequence[str]) -> str:
    """The first step of the policy whose requirements the items meet.

    `order` lists the input statuses worst first, so "at least" has a meaning. An item
    that does not apply (a criterion whose `applies_when` does not hold) leaves the grade.
    """
    return grade_of(
        policy,
        [item.status for item in items],
        [item.weight for item in items],
        [item.essential for item in items],
        tuple(order),
    )


def grade_of(
    policy: Policy,
    statuses: Sequence[str],
    weights: Sequence[float],
    essentials: Sequence[bool],
    order: tuple[str, ...],
) -> str:
    """`grade` of items given as parallel sequences (status, weight, essential), for
    callers that grade many combinations of the same items."""
    kept = [number for number, status in enumerate(statuses) if status != NOT_APPLICABLE]
    rank = _ranks(order)
    value = _score(policy, statuses, weights, kept)
    essential = [number for number in kept if essentials[number]]
    # a question that names no object (essential item) is not held down by one
    essential_value = _score(policy, statuses, weights, essential) if essential else 1.0
    for step in policy.steps:
        if step.min_score is not None and value < step.min_score - 1e-9:
            continue
        if (
            step.essential_min_score is not None
            and essential_value < step.essential_min_score - 1e-9
        ):
            continue
        if step.essential_at_least is not None and any(
            rank[statuses[number]] < rank[step.essential_at_least] for number in essential
        ):
            continue
        if step.all_at_least is not None and any(
            rank[statuses[number]] < rank[step.all_at_least] for number in kept
        ):
            continue
        if step.any_at_least is not None and not any(
            rank[statuses[number]] >= rank[step.any_at_least] for number in kept
        ):
            continue
        return step.grade
    return policy.steps[-1].grade


def _score(
    policy: Policy, statuses: Sequence[str], weights: Sequence[float], numbers: list[int]
) -> float:
    """The weighted mean score of the items at `numbers` (0 when there are none)."""
    total = sum(weights[number] for number in numbers)
    if not total:
        return 0.0
    return sum(policy.scores[statuses[number]] * weights[number] for number in numbers) / total


@lru_cache(maxsize=64)
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    return {status: index for index, status in enumerate(order)}
