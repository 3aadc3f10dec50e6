"""Verdict policies: the statuses of items (criteria, or questions) mapped to a grade."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from checker.model import NOT_APPLICABLE, Policy


@dataclass(frozen=True)
class Item:
    """One input of a policy: its status (an id of the input scale) and its weight."""

    status: str
    weight: float = 1.0
    essential: bool = False


def score(policy: Policy, items: Sequence[Item]) -> float:
    """The weighted mean score of the items (0 when there are none)."""
    total = sum(item.weight for item in items)
    if not total:
        return 0.0
    return sum(policy.scores[item.status] * item.weight for item in items) / total


def essential_score(policy: Policy, items: Sequence[Item]) -> float:
    """The weighted mean score of the essential items (1 when there are none: a question
    that names no object is not held down by one)."""
    essential = [item for item in items if item.essential]
    return score(policy, essential) if essential else 1.0


def grade(policy: Policy, items: Sequence[Item], order: Sequence[str]) -> str:
    """The first step of the policy whose requirements the items meet.

    `order` lists the input statuses worst first, so "at least" has a meaning. An item
    that does not apply (a criterion whose `applies_when` does not hold) leaves the grade.
    """
    items = [item for item in items if item.status != NOT_APPLICABLE]
    rank = {status: index for index, status in enumerate(order)}
    value = score(policy, items)
    essential_value = essential_score(policy, items)
    for step in policy.steps:
        if step.min_score is not None and value < step.min_score - 1e-9:
            continue
        if (
            step.essential_min_score is not None
            and essential_value < step.essential_min_score - 1e-9
        ):
            continue
        if step.essential_at_least is not None and any(
            rank[item.status] < rank[step.essential_at_least] for item in items if item.essential
        ):
            continue
        if step.all_at_least is not None and any(
            rank[item.status] < rank[step.all_at_least] for item in items
        ):
            continue
        if step.any_at_least is not None and not any(
            rank[item.status] >= rank[step.any_at_least] for item in items
        ):
            continue
        return step.grade
    return policy.steps[-1].grade
