"""A case's exact bounds per criterion, question and nämnd, and what each unknown fact can
still change. Built once per case, and only for a case with something left open;
evaluate.py, the interview guide and the way up read it.

It works only where facts are unknown: the statuses the engine decided from the known
facts (`decided`) are taken as given, never derived again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from checker.bounds.search import (
    Scope,
    bounds,
    extreme,
    policy_is_monotone,
    profile_bounds,
    question_aggregate,
)
from checker.bounds.sensitivity import Folder, folder_of, moves
from checker.bounds.tables import Problem
from checker.language import conditions, verdicts
from checker.memo import Memo
from checker.model import (
    RANKED,
    STATUSES,
    Audit,
    Case,
    Namnd,
    Policy,
    Question,
    QuestionCriterion,
    RuleBase,
)


@dataclass(frozen=True)
class QuestionEffect:
    """What learning one fact can do to one question."""

    question: str
    outcomes: tuple[tuple[int, int], ...]  # the bounds (ranks) for each class of the fact
    decides: bool  # decided whatever the answer
    can_decide: bool  # decided for some answer


@dataclass(frozen=True)
class FactEffect:
    """What learning one unknown fact can change."""

    fact: str
    questions: tuple[QuestionEffect, ...]  # the open questions whose verdict it can move
    criteria: tuple[str, ...]  # the criteria whose status it can move


@dataclass
class Graded:
    """Something graded on a scale by a policy over criteria: a question, or a followed-up
    recommendation of a follow-up audit."""

    kind: str  # "question" or "followup"
    id: str
    scope: Scope
    policy: Policy
    specs: tuple[QuestionCriterion, ...]  # the assessed criteria
    grades: tuple[str, ...]  # grade ids, worst first

    @cached_property
    def folder(self) -> Folder:
        """The policy over summaries (built when dependence is first asked for)."""
        return folder_of(self.policy, self.specs, self.grades)


QUESTION, FOLLOWUP = "question", "followup"


_OVERALL: Memo = Memo()  # -> (policy, parts, aggregate)


def _overall_aggregate(
    policy: Policy,
    parts: list[tuple[Callable[[tuple[int, ...]], int], tuple[int, ...]]],
    order: tuple[str, ...],
    overall_grades: tuple[str, ...],
) -> Callable[[tuple[int, ...]], int]:
    """A nämnd's overall policy over the statuses of its questions' criteria (each
    question's aggregate reading its positions), memoised and shared by every case with
    the same questions."""
    key = (id(policy), tuple((id(part), positions) for part, positions in parts), order)
    cached = _OVERALL.get(key)
    if cached is not None and cached[0] is policy and cached[1] == parts:
        return cached[2]
    overall = {grade: rank for rank, grade in enumerate(overall_grades)}
    memo = Memo(1 << 16)

    def aggregate(statuses: tuple[int, ...]) -> int:
        found = memo.get(statuses)
        if found is None:
            items = [
                verdicts.Item(order[part(tuple(statuses[p] for p in positions))])
                for part, positions in parts
            ]
            found = memo.remember(statuses, overall[verdicts.grade(policy, items, order)])
        return found

    _OVERALL.remember(key, (policy, parts, aggregate))
    return aggregate


@dataclass(frozen=True)
class _GradedLayout:
    """What a graded question or followed-up recommendation is, whatever the facts."""

    kind: str
    id: str
    positions: tuple[int, ...]  # its assessed criteria in the layout's criteria
    aggregate: Callable[[tuple[int, ...]], int]
    monotone: bool
    policy: Policy
    specs: tuple[QuestionCriterion, ...]
    grades: tuple[str, ...]


@dataclass(frozen=True)
class _Layout:
    """The assessed criteria and graded things of every case with the same audit,
    followed-up recommendations and criteria not assessed."""

    criteria: tuple[Any, ...]
    graded: tuple[_GradedLayout, ...]


_LAYOUTS: Memo = Memo()  # -> (rules, layout)


def _layout(rules: RuleBase, case: Case) -> _Layout:
    audit = rules.audits[case.audit]
    followup = tuple((item.id, item.criteria) for item in case.followup)
    key = (id(rules), audit.id, followup, tuple(sorted(case.not_assessed)))
    cached = _LAYOUTS.get(key)
    if cached is not None and cached[0] is rules:
        return cached[1]
    lists = [(QUESTION, q.id, q.criteria, audit.policy, audit.scale) for q in audit.questions]
    if audit.followup is not None:
        lists += [
            (FOLLOWUP, item_id, specs, audit.followup.policy, audit.followup.scale)
            for item_id, specs in followup
        ]
    criteria: dict[str, Any] = {}
    for _kind, _id, specs, _policy, _scale in lists:
        for spec in specs:
            if spec.criterion not in case.not_assessed:
                criteria.setdefault(spec.criterion, rules.criteria[spec.criterion])
    index = {criterion_id: number for number, criterion_id in enumerate(criteria)}
    graded = []
    for kind, graded_id, specs, policy, scale in lists:
        grades = tuple(grade.id for grade in reversed(scale))
        ranks = {grade: rank for rank, grade in enumerate(grades)}
        assessed = tuple(spec for spec in specs if spec.criterion not in case.not_assessed)
        graded.append(
            _GradedLayout(
                kind,
                graded_id,
                tuple(index[spec.criterion] for spec in assessed),
                question_aggregate(policy, assessed, ranks),
                policy_is_monotone(policy, STATUSES),
                policy,
                assessed,
                grades,
            )
        )
    layout = _Layout(tuple(criteria.values()), tuple(graded))
    _LAYOUTS.remember(key, (rules, layout))
    return layout


class Analysis:
    """Exact bounds of one case; grade ranks count from 0, the worst grade."""

    def __init__(
        self,
        rules: RuleBase,
        case: Case,
        parameters: dict[str, Any],
        context: conditions.Context,
        decided: Mapping[str, str | None] | None = None,
    ) -> None:
        self.rules, self.case = rules, case
        self.audit: Audit = rules.audits[case.audit]
        layout = _layout(rules, case)
        self.problem = Problem(rules, layout.criteria, parameters, case.facts, context, decided)
        self.graded: dict[tuple[str, str], Graded] = {
            (item.kind, item.id): Graded(
                item.kind,
                item.id,
                Scope.of(self.problem, item.positions, item.aggregate, item.monotone),
                item.policy,
                item.specs,
                item.grades,
            )
            for item in layout.graded
        }
        self.grades = tuple(grade.id for grade in reversed(self.audit.scale))
        self.overall_grades = tuple(grade.id for grade in reversed(self.audit.overall_scale))
        self._namnder: dict[int, Scope] = {}  # built when first asked
        self._bounds: dict[tuple, tuple[int, int]] = {}
        self._open: dict[tuple[str, str], list[str]] = {}

    @property
    def questions(self) -> dict[str, Scope]:
        return {key[1]: graded.scope for key, graded in self.graded.items() if key[0] == QUESTION}

    # --- scopes ---------------------------------------------------------------------
    def concerned(self, namnd: Namnd) -> list[Question]:
        """The questions with a criterion that concerns one of the nämnd's roles."""
        return [
            question
            for question in self.audit.questions
            if any(
                role in namnd.roles
                for spec in question.criteria
                for role in self.rules.criteria[spec.criterion].concerns
            )
        ]

    def _namnd_scope(self, namnd: Namnd) -> Scope:
        questions = [self.graded[(QUESTION, q.id)].scope for q in self.concerned(namnd)]
        criteria = tuple(dict.fromkeys(c for scope in questions for c in scope.criteria))
        parts = [
            (scope.aggregate, tuple(criteria.index(c) for c in scope.criteria))
            for scope in questions
        ]
        policy = self.audit.overall_policy
        aggregate = _overall_aggregate(policy, parts, self.grades, self.overall_grades)
        monotone = all(scope.monotone for scope in questions) and policy_is_monotone(
            policy, self.grades
        )
        return Scope.of(self.problem, criteria, aggregate, monotone)

    # --- bounds ---------------------------------------------------------------------
    def bounds_of(
        self, key: tuple[str, str], extra: dict[str, int] | None = None
    ) -> tuple[int, int]:
        """(lowest, highest) rank of a question or followed-up recommendation, optionally
        with some facts set to classes."""
        return self._scope_bounds(key, self.graded[key].scope, extra)

    def question_bounds(
        self, question_id: str, extra: dict[str, int] | None = None
    ) -> tuple[int, int]:
        return self.bounds_of((QUESTION, question_id), extra)

    def bound_names(self, key: tuple[str, str]) -> tuple[str, str]:
        """(lowest, highest) grade ids."""
        low, high = self.bounds_of(key)
        grades = self.graded[key].grades
        return grades[low], grades[high]

    def namnd_bounds(self, number: int) -> tuple[int, int]:
        """(lowest, highest) overall rank of the case's nämnd number `number`: under a
        monotone overall policy the grade of its questions' lowest bounds is a lower
        bound and that of their highest an upper one, so where they meet that is exact;
        otherwise the questions are searched jointly, as they may share facts."""
        namnd = self.case.namnder[number]
        policy, order = self.audit.overall_policy, self.grades
        if policy_is_monotone(policy, order):
            ends = [self.question_bounds(question.id) for question in self.concerned(namnd)]
            overall = {grade: rank for rank, grade in enumerate(self.overall_grades)}
            low, high = (
                overall[verdicts.grade(policy, [verdicts.Item(order[e[end]]) for e in ends], order)]
                for end in (0, 1)
            )
            if low == high:
                return low, high
        if number not in self._namnder:
            self._namnder[number] = self._namnd_scope(namnd)
        return self._scope_bounds(("nämnd", str(number)), self._namnder[number], None)

    def reaches(self, key: tuple[str, str], extra: dict[str, int], target: int) -> bool:
        """Whether the lowest rank of a question with some facts set to classes is at least
        `target` (the way up): a witness completion that stays below it settles no."""
        scope, problem = self.graded[key].scope, self.problem
        changed = scope.lowest_changed(problem, extra)
        if changed is not None and (changed[1] or changed[0] < target):
            return changed[0] >= target
        assignment = {**problem.base, **extra}
        found = profile_bounds(problem, scope, assignment, best=False, changed=extra)
        lowest = found[0] if found is not None else extreme(problem, scope, assignment, False)
        return lowest >= target

    def _scope_bounds(
        self, name: tuple, scope: Scope, extra: dict[str, int] | None
    ) -> tuple[int, int]:
        key = (name, tuple(sorted((extra or {}).items())))
        if key not in self._bounds:
            assignment = {**self.problem.base, **extra} if extra else self.problem.base
            self._bounds[key] = bounds(self.problem, scope, assignment)
        return self._bounds[key]

    def criterion_possible(self, criterion_id: str) -> tuple[str, ...]:
        """The statuses an assessed criterion can still take, worst first."""
        number = self.problem.index[criterion_id]
        return tuple(RANKED[s] for s in sorted(self.problem.base_possible(number)))

    # --- what unknown facts can change ----------------------------------------------
    @cached_property
    def unknown_facts(self) -> tuple[str, ...]:
        """The unknown facts the assessed criteria read, in catalogue order."""
        return tuple(
            fact_id
            for fact_id in self.rules.facts
            if fact_id in self.problem.domains and fact_id not in self.problem.base
        )

    def open_facts(self, key: tuple[str, str]) -> list[str]:
        """The unknown facts the verdict depends on, in catalogue order."""
        if key not in self._open:
            low, high = self.bounds_of(key)
            self._open[key] = [] if low == high else self._moving_facts(self.graded[key])
        return self._open[key]

    def _moving_facts(self, graded: Graded) -> list[str]:
        """The unknown facts an open verdict depends on. Only a fact read by a criterion
        whose status is still open can move it; when one such fact is left, the verdict
        is a function of it alone."""
        problem, scope = self.problem, graded.scope
        varying = {c for c in set(scope.criteria) if len(problem.base_possible(c)) > 1}
        candidates = [
            fact_id
            for fact_id in self.unknown_facts
            if any(c in varying for c in scope.readers.get(fact_id, ()))
        ]
        if len(candidates) == 1:
            return candidates
        return [
            fact_id
            for fact_id in candidates
            if moves(problem, scope.criteria, graded.folder, problem.base, fact_id)
        ]

    def effect(self, fact_id: str) -> FactEffect:
        """What learning `fact_id` (unknown) can change in questions and criteria."""
        problem, base = self.problem, self.problem.base
        questions = []
        for question_id in self.questions:
            key = (QUESTION, question_id)
            if fact_id not in self.open_facts(key):
                continue
            outcomes = tuple(
                self.bounds_of(key, {fact_id: index}) for index in range(problem.size(fact_id))
            )
            decided = [low == high for low, high in outcomes]
            questions.append(QuestionEffect(question_id, outcomes, all(decided), any(decided)))
        criteria = tuple(
            problem.criteria[c].id
            for c in range(len(problem.criteria))
            if fact_id in problem.criteria[c].facts and problem.depends(c, fact_id, base)
        )
        return FactEffect(fact_id, tuple(questions), criteria)
