"""A case's exact bounds per criterion, question and nämnd, and what each unknown fact can
still change. Built once per case; evaluate.py, the interview guide and the way up read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from checker import conditions, verdicts
from checker.bounds import Problem, Scope, bounds, policy_is_monotone, question_aggregate
from checker.model import STATUSES, Audit, Case, Namnd, Question, RuleBase
from checker.sensitivity import Folder, moves


@dataclass(frozen=True)
class QuestionEffect:
    """What learning one fact can do to one question."""

    question: str
    outcomes: tuple[tuple[int, int], ...]  # the bounds (ranks) for each class of the fact
    decides: bool  # decided whatever the answer
    can_decide: bool  # decided for some answer
    narrows: bool  # some answer narrows the bounds


@dataclass(frozen=True)
class FactEffect:
    """What learning one unknown fact can change."""

    fact: str
    questions: tuple[QuestionEffect, ...]  # the open questions whose verdict it can move
    criteria: tuple[str, ...]  # the criteria whose status it can move


class Analysis:
    """Exact bounds of one case; grade ranks count from 0, the worst grade."""

    def __init__(self, rules: RuleBase, case: Case, parameters: dict[str, Any],
                 context: conditions.Context) -> None:
        self.rules, self.case = rules, case
        self.audit: Audit = rules.audits[case.audit]
        criteria: dict[str, Any] = {}
        for question in self.audit.questions:
            for spec in question.criteria:
                if spec.criterion not in case.not_assessed:
                    criteria.setdefault(spec.criterion, rules.criteria[spec.criterion])
        self.problem = Problem(rules, criteria.values(), parameters, case.facts, context)
        self.grades = tuple(grade.id for grade in reversed(self.audit.scale))
        self.overall_grades = tuple(grade.id for grade in reversed(self.audit.overall_scale))
        ranks = {grade: rank for rank, grade in enumerate(self.grades)}
        monotone = policy_is_monotone(self.audit.policy, STATUSES)
        self.questions: dict[str, Scope] = {}
        self.folders: dict[str, Folder] = {}
        for question in self.audit.questions:
            specs = tuple(spec for spec in question.criteria
                          if spec.criterion not in case.not_assessed)
            positions = tuple(self.problem.index[spec.criterion] for spec in specs)
            self.questions[question.id] = Scope.of(
                self.problem, positions, question_aggregate(self.audit.policy, specs, ranks),
                monotone)
            self.folders[question.id] = Folder(self.audit.policy, specs, ranks)
        self.namnder = [self._namnd_scope(namnd, monotone) for namnd in case.namnder]
        self._bounds: dict[tuple, tuple[int, int]] = {}
        self._open: dict[str, list[str]] = {}

    # --- scopes ---------------------------------------------------------------------
    def concerned(self, namnd: Namnd) -> list[Question]:
        """The questions with a criterion that concerns one of the nämnd's roles."""
        return [question for question in self.audit.questions if any(
            role in namnd.roles for spec in question.criteria
            for role in self.rules.criteria[spec.criterion].concerns)]

    def _namnd_scope(self, namnd: Namnd, monotone: bool) -> Scope:
        questions = [self.questions[q.id] for q in self.concerned(namnd)]
        criteria = tuple(dict.fromkeys(c for scope in questions for c in scope.criteria))
        parts = [(scope.aggregate, tuple(criteria.index(c) for c in scope.criteria))
                 for scope in questions]
        order = self.grades
        overall = {grade: rank for rank, grade in enumerate(self.overall_grades)}
        policy = self.audit.overall_policy
        memo: dict[tuple[int, ...], int] = {}

        def aggregate(statuses: tuple[int, ...]) -> int:
            if statuses not in memo:
                items = [verdicts.Item(order[part(tuple(statuses[p] for p in positions))])
                         for part, positions in parts]
                memo[statuses] = overall[verdicts.grade(policy, items, order)]
            return memo[statuses]

        return Scope.of(self.problem, criteria, aggregate,
                        monotone and policy_is_monotone(policy, order))

    # --- bounds ---------------------------------------------------------------------
    def question_bounds(self, question_id: str, extra: dict[str, int] | None = None
                        ) -> tuple[int, int]:
        """(lowest, highest) rank of a question, optionally with facts set to classes."""
        return self._scope_bounds(("q", question_id), self.questions[question_id], extra)

    def namnd_bounds(self, number: int) -> tuple[int, int]:
        return self._scope_bounds(("n", number), self.namnder[number], None)

    def _scope_bounds(self, name: tuple, scope: Scope, extra: dict[str, int] | None
                      ) -> tuple[int, int]:
        key = (name, tuple(sorted((extra or {}).items())))
        if key not in self._bounds:
            self._bounds[key] = bounds(self.problem, scope, {**self.problem.base,
                                                             **(extra or {})})
        return self._bounds[key]

    def criterion_possible(self, criterion_id: str) -> tuple[str, ...]:
        """The statuses an assessed criterion can still take, worst first."""
        number = self.problem.index[criterion_id]
        return tuple(STATUSES[s] for s in sorted(self.problem.possible(number,
                                                                       self.problem.base)))

    # --- what unknown facts can change ----------------------------------------------
    @cached_property
    def unknown_facts(self) -> tuple[str, ...]:
        """The unknown facts the assessed criteria read, in catalogue order."""
        return tuple(fact_id for fact_id in self.rules.facts
                     if fact_id in self.problem.domains and fact_id not in self.problem.base)

    def open_facts(self, question_id: str) -> list[str]:
        """The unknown facts the question's verdict depends on, in catalogue order."""
        if question_id not in self._open:
            scope = self.questions[question_id]
            low, high = self.question_bounds(question_id)
            self._open[question_id] = [] if low == high else [
                fact_id for fact_id in self.unknown_facts if fact_id in scope.readers
                and moves(self.problem, scope.criteria, self.folders[question_id],
                          self.problem.base, fact_id)]
        return self._open[question_id]

    def effect(self, fact_id: str) -> FactEffect:
        """What learning `fact_id` (unknown) can change in questions and criteria."""
        problem, base = self.problem, self.problem.base
        questions = []
        for question_id in self.questions:
            if fact_id not in self.open_facts(question_id):
                continue
            current = self.question_bounds(question_id)
            outcomes = tuple(self.question_bounds(question_id, {fact_id: index})
                             for index in range(problem.size(fact_id)))
            decided = [low == high for low, high in outcomes]
            questions.append(QuestionEffect(question_id, outcomes, all(decided), any(decided),
                                            any(bound != current for bound in outcomes)))
        criteria = tuple(problem.criteria[c].id for c in range(len(problem.criteria))
                         if fact_id in problem.criteria[c].facts
                         and problem.depends(c, fact_id, base))
        return FactEffect(fact_id, tuple(questions), criteria)
