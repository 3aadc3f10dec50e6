"""Which grades a question can still reach, and which unknown facts its verdict depends on.

The verdict policy reads its items only through a small summary: the weighted score
sum and the lowest (essential) and highest status. Adding the criteria one at a time to
a set of such summaries (dynamic programming) gives every grade any completion can
reach, without enumerating the completions: the criteria are independent once the facts
that several of them read are fixed, so only those shared facts are split on. A fact
moves the verdict when some completion of the other facts gives different grades for
two of its classes; this is found by carrying one summary per class of the fact.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from checker.bounds.tables import Assignment, Problem
from checker.memo import Memo
from checker.model import STATUSES, Policy, QuestionCriterion

Summary = tuple[
    int, int, int, int, int
]  # scores, essential scores, weights, essential weights, bits


class Folder:
    """A verdict policy applied to summaries of the items added so far.

    A summary is (score, essential score, weight, essential weight, flags): the weighted
    score sums of all items and of the essential ones, in whole units of the smallest
    fraction the scores and weights use, the weights of the items that apply (an item
    that does not apply adds nothing), and one bit per requirement of the policy's steps
    (every essential item at least r, every item at least r, some item at least r). It
    mirrors checker.language.verdicts.grade; tests compare the two.
    """

    def __init__(
        self, policy: Policy, specs: tuple[QuestionCriterion, ...], ranks: dict[str, int]
    ) -> None:
        self.policy, self.ranks = policy, ranks
        rank = {status: index for index, status in enumerate(STATUSES)}
        parts = [
            Fraction(policy.scores[status]) * Fraction(spec.weight)
            for spec in specs
            for status in STATUSES
        ]
        parts += [Fraction(spec.weight) for spec in specs]
        unit = math.lcm(*(part.denominator for part in parts)) if parts else 1
        self.unit = unit
        requirements = sorted(
            {
                (kind, rank[getattr(step, kind)])
                for step in policy.steps
                for kind in ("essential_at_least", "all_at_least", "any_at_least")
                if getattr(step, kind)
            }
        )
        self.bit = {requirement: 1 << index for index, requirement in enumerate(requirements)}
        self.start = (
            0,
            0,
            0,
            0,
            sum(bit for (kind, _r), bit in self.bit.items() if kind != "any_at_least"),
        )
        self.steps = []
        for step in policy.steps:
            needed = 0
            for kind in ("essential_at_least", "all_at_least", "any_at_least"):
                if getattr(step, kind):
                    needed |= self.bit[(kind, rank[getattr(step, kind)])]
            self.steps.append((step.min_score, step.essential_min_score, needed, ranks[step.grade]))
        self.table = []
        for spec in specs:
            row = []
            for status, name in enumerate(STATUSES):
                delta = Fraction(policy.scores[name]) * Fraction(spec.weight) * unit
                keep, add = -1, 0
                for (kind, required), bit in self.bit.items():
                    if kind == "any_at_least":
                        add |= bit if status >= required else 0
                    elif (kind == "all_at_least" or spec.essential) and status < required:
                        keep &= ~bit
                weight = int(Fraction(spec.weight) * unit)
                row.append(
                    (
                        int(delta),
                        int(delta) if spec.essential else 0,
                        weight,
                        weight if spec.essential else 0,
                        keep,
                        add,
                    )
                )
            row.append((0, 0, 0, 0, -1, 0))  # NOT_APPLICABLE_RANK: the item leaves the grade
            self.table.append(row)
        self._grades: dict[Summary, int] = {}

    def add(self, summary: Summary, position: int, status: int) -> Summary:
        score, essential_score, weight, essential_weight, keep, add = self.table[position][status]
        return (
            summary[0] + score,
            summary[1] + essential_score,
            summary[2] + weight,
            summary[3] + essential_weight,
            (summary[4] & keep) | add,
        )

    def grade(self, summary: Summary) -> int:
        if summary not in self._grades:
            value = float(Fraction(summary[0], summary[2])) if summary[2] else 0.0
            essential = float(Fraction(summary[1], summary[3])) if summary[3] else 1.0
            grade = self.ranks[self.policy.steps[-1].grade]
            for min_score, essential_min_score, needed, step_grade in self.steps:
                if (
                    (min_score is None or value >= min_score - 1e-9)
                    and (essential_min_score is None or essential >= essential_min_score - 1e-9)
                    and summary[4] & needed == needed
                ):
                    grade = step_grade
                    break
            self._grades[summary] = grade
        return self._grades[summary]


_FOLDERS = Memo(1024)  # policy, criteria and grades -> (policy, Folder)


def folder_of(
    policy: Policy, specs: tuple[QuestionCriterion, ...], grades: tuple[str, ...]
) -> Folder:
    """The Folder of a policy over these criteria, shared by every case that uses it."""
    key = (id(policy), specs, grades)
    cached = _FOLDERS.get(key)
    if cached is None or cached[0] is not policy:
        folder = Folder(policy, specs, {grade: rank for rank, grade in enumerate(grades)})
        cached = _FOLDERS.remember(key, (policy, folder))
    return cached[1]


def outcomes(
    problem: Problem,
    criteria: tuple[int, ...],
    folder: Folder,
    assignment: Assignment,
    vary: str | None = None,
) -> set[tuple[int, ...]]:
    """For every completion of the facts not in `assignment` (other than `vary`), the
    grade for each class of `vary` (or the one grade, when `vary` is None)."""
    classes = range(problem.size(vary)) if vary is not None else (None,)
    read: dict[str, int] = {}
    for criterion in criteria:
        for fact_id in problem.criteria[criterion].facts:
            if fact_id not in assignment and fact_id != vary:
                read[fact_id] = read.get(fact_id, 0) + 1
    shared = [fact_id for fact_id, count in read.items() if count > 1]
    found: set[tuple[int, ...]] = set()
    for values in itertools.product(*(range(problem.size(f)) for f in shared)):
        fixed = {**assignment, **dict(zip(shared, values, strict=True))}
        summaries = {tuple(folder.start for _ in classes)}
        for position, criterion in enumerate(criteria):
            rows = _rows(problem, criterion, fixed, vary, classes)
            summaries = {
                tuple(
                    folder.add(summary, position, status)
                    for summary, status in zip(state, row, strict=True)
                )
                for state in summaries
                for row in rows
            }
        found |= {tuple(folder.grade(summary) for summary in state) for state in summaries}
    return found


def _rows(
    problem: Problem, criterion: int, fixed: Assignment, vary: str | None, classes
) -> set[tuple[int, ...]]:
    """Per completion of the criterion's own free facts, its status for each class."""
    facts = problem.criteria[criterion].facts
    key = list(problem.key(criterion, fixed))
    where = facts.index(vary) if vary in facts else None
    if where is not None:
        key[where] = 0
    rows = set()
    for full in problem.completions(criterion, tuple(key)):
        row = list(full)
        statuses = []
        for index in classes:
            if where is not None:
                row[where] = index
            statuses.append(problem.status(criterion, tuple(row)))
        rows.add(tuple(statuses))
    return rows


def moves(
    problem: Problem,
    criteria: tuple[int, ...],
    folder: Folder,
    assignment: Assignment,
    fact_id: str,
) -> bool:
    """Whether some completion of the other unknown facts makes the grade depend on
    `fact_id`."""
    return any(
        len(set(row)) > 1 for row in outcomes(problem, criteria, folder, assignment, fact_id)
    )
