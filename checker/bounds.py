"""Exact bounds: the lowest and highest grade any completion of a case's unknown facts gives.

A case's criteria become functions of finitely many fact classes (checker.domains), each
evaluated by the reference interpreter and memoised. A *scope* is a set of criteria with
a monotone aggregate: a question's verdict policy, or a nämnd's overall policy over its
questions. Its extreme grade is found by search: a free fact that has a class at least
as good (or as bad) as every other for each criterion of the scope, whatever the other
facts are, is set to that class (by `better:` order this is its best or worst value,
but the check is semantic, so a middle enum value or an `underlag:` requirement is
handled too); facts left over, which the conditions use both ways, are split on
jointly, with branch-and-bound on each criterion's own range. docs/bounds.md explains
why this is exact and why it does not explode.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from checker import conditions, verdicts
from checker.domains import FactDomain, build_domain, collect_tests
from checker.model import STATUSES, CaseFact, Criterion, Policy, QuestionCriterion, RuleBase

Assignment = Mapping[str, int]  # fact id -> class index


@dataclass(frozen=True)
class CriterionModel:
    """A criterion's bound conditions and the facts they read (sorted)."""

    id: str
    facts: tuple[str, ...]
    uppfyllt: Any
    delvis: Any


class Problem:
    """A case's criteria as status functions of the classes of the facts they read."""

    def __init__(self, rules: RuleBase, criteria: Iterable[Criterion],
                 parameters: dict[str, Any], facts: Mapping[str, CaseFact],
                 context: conditions.Context) -> None:
        self.rules, self.context = rules, context
        self.criteria: list[CriterionModel] = []
        tests: dict[str, list] = {}
        for criterion in criteria:
            uppfyllt = conditions.bind(criterion.uppfyllt, parameters)
            delvis = conditions.bind(criterion.delvis, parameters)
            collect_tests(uppfyllt, tests)
            collect_tests(delvis, tests)
            read = conditions.facts_of(uppfyllt) | conditions.facts_of(delvis)
            self.criteria.append(CriterionModel(criterion.id, tuple(sorted(read)),
                                                uppfyllt, delvis))
        known = {fact_id: (fact.value, fact.underlag) for fact_id, fact in facts.items()
                 if fact.known and fact_id in tests}
        self.domains: dict[str, FactDomain] = {
            fact_id: build_domain(rules.facts[fact_id], tests[fact_id],
                                  rules.vocabulary.underlag, context,
                                  [known[fact_id]] if fact_id in known else [])
            for fact_id in sorted(tests)}
        self.base: dict[str, int] = {fact_id: self.domains[fact_id].classify(
            *known[fact_id], context) for fact_id in sorted(known)}
        self.index = {model.id: number for number, model in enumerate(self.criteria)}
        self._statuses: list[dict[tuple, int]] = [{} for _ in self.criteria]
        self._ranges: dict[tuple, frozenset[int]] = {}
        self._pointwise: dict[tuple, frozenset[int]] = {}
        self._dominated: dict[tuple, bool] = {}

    def size(self, fact_id: str) -> int:
        return len(self.domains[fact_id].classes)

    def key(self, criterion: int, assignment: Assignment) -> tuple:
        return tuple(assignment.get(fact_id) for fact_id in self.criteria[criterion].facts)

    def status(self, criterion: int, key: tuple) -> int:
        """The status rank (0 ej uppfyllt, 1 delvis, 2 uppfyllt) for fully assigned facts."""
        memo = self._statuses[criterion]
        if key not in memo:
            model = self.criteria[criterion]
            known = {}
            for fact_id, index in zip(model.facts, key, strict=True):
                fact_class = self.domains[fact_id].classes[index]
                known[fact_id] = (fact_class.value, fact_class.underlag)
            facts = self.rules.facts
            if conditions.evaluate(model.uppfyllt, facts, known, self.context):
                memo[key] = 2
            elif conditions.evaluate(model.delvis, facts, known, self.context):
                memo[key] = 1
            else:
                memo[key] = 0
        return memo[key]

    def completions(self, criterion: int, key: tuple) -> Iterable[tuple]:
        """Every full key that agrees with `key` (None marks a free fact)."""
        facts = self.criteria[criterion].facts
        choices = [range(self.size(fact_id)) if index is None else (index,)
                   for fact_id, index in zip(facts, key, strict=True)]
        return itertools.product(*choices)

    def possible(self, criterion: int, assignment: Assignment) -> frozenset[int]:
        """The statuses a criterion can still take given `assignment`."""
        key = (criterion, self.key(criterion, assignment))
        if key not in self._ranges:
            self._ranges[key] = frozenset(self.status(criterion, full)
                                          for full in self.completions(*key))
        return self._ranges[key]

    def pointwise(self, criterion: int, fact_id: str, assignment: Assignment,
                  best: bool) -> frozenset[int]:
        """Classes of `fact_id` at least as good (best) or bad for the criterion as any
        other, whatever the criterion's other free facts are."""
        facts = self.criteria[criterion].facts
        position = facts.index(fact_id)
        key = list(self.key(criterion, assignment))
        key[position] = None
        memo_key = (criterion, fact_id, best, tuple(key))
        if memo_key not in self._pointwise:
            key[position] = 0
            chosen = set(range(self.size(fact_id)))
            for full in self.completions(criterion, tuple(key)):
                row = list(full)
                statuses = []
                for index in range(self.size(fact_id)):
                    row[position] = index
                    statuses.append(self.status(criterion, tuple(row)))
                target = max(statuses) if best else min(statuses)
                chosen &= {index for index, status in enumerate(statuses) if status == target}
                if not chosen:
                    break
            self._pointwise[memo_key] = frozenset(chosen)
        return self._pointwise[memo_key]

    def dominated(self, criterion: int, fact_id: str, worse: int, better: int) -> bool:
        """Whether class `worse` of the fact never gives the criterion a better status than
        class `better`, whatever the criterion's other facts are."""
        memo_key = (criterion, fact_id, worse, better)
        if memo_key not in self._dominated:
            facts = self.criteria[criterion].facts
            position = facts.index(fact_id)
            key: list[int | None] = [None] * len(facts)
            key[position] = 0
            result = True
            for full in self.completions(criterion, tuple(key)):
                row = list(full)
                row[position] = worse
                low = self.status(criterion, tuple(row))
                row[position] = better
                if low > self.status(criterion, tuple(row)):
                    result = False
                    break
            self._dominated[memo_key] = result
        return self._dominated[memo_key]

    def depends(self, criterion: int, fact_id: str, assignment: Assignment) -> bool:
        """Whether the criterion's status can depend on `fact_id` given `assignment`."""
        return len(self.pointwise(criterion, fact_id, assignment, True)) < self.size(fact_id)


@dataclass
class Scope:
    """Criteria whose statuses a monotone (or, failing that, any) aggregate turns into a
    grade rank (0 the worst grade)."""

    criteria: tuple[int, ...]
    aggregate: Callable[[tuple[int, ...]], int]
    monotone: bool
    readers: dict[str, tuple[int, ...]]  # fact -> the scope's criteria reading it
    static: dict[bool, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, problem: Problem, criteria: tuple[int, ...],
           aggregate: Callable[[tuple[int, ...]], int], monotone: bool) -> Scope:
        readers: dict[str, list[int]] = {}
        for criterion in criteria:
            for fact_id in problem.criteria[criterion].facts:
                readers.setdefault(fact_id, []).append(criterion)
        return cls(criteria, aggregate, monotone,
                   {fact_id: tuple(found) for fact_id, found in readers.items()})

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(self.readers)

    def fixed(self, problem: Problem, best: bool) -> dict[str, int]:
        """The facts with a best (worst) class for every criterion of the scope whatever
        all other facts are: set once, without looking at a case's assignment."""
        if best not in self.static:
            self.static[best] = {}
            for fact_id in self.readers:
                chosen = pointwise_extreme(problem, self, fact_id, {}, best)
                if chosen:
                    self.static[best][fact_id] = max(chosen) if best else min(chosen)
        return self.static[best]

    def grade(self, problem: Problem, assignment: Assignment) -> int:
        return self.aggregate(tuple(problem.status(c, problem.key(c, assignment))
                                    for c in self.criteria))


def policy_is_monotone(policy: Policy, order: tuple[str, ...]) -> bool:
    """Whether better item statuses can never give a worse grade under `policy`.

    The steps' requirements (min_score, *_at_least) are met by more when items improve,
    and the first step met wins; so scores that never fall along `order` (worst first)
    are enough.
    """
    return all(policy.scores[worse] <= policy.scores[better]
               for worse, better in itertools.pairwise(order))


def question_aggregate(policy: Policy, specs: tuple[QuestionCriterion, ...],
                       ranks: dict[str, int]) -> Callable[[tuple[int, ...]], int]:
    """A question's verdict policy over status ranks, memoised."""
    memo: dict[tuple[int, ...], int] = {}

    def aggregate(statuses: tuple[int, ...]) -> int:
        if statuses not in memo:
            items = [verdicts.Item(STATUSES[status], spec.weight, spec.essential)
                     for status, spec in zip(statuses, specs, strict=True)]
            memo[statuses] = ranks[verdicts.grade(policy, items, STATUSES)]
        return memo[statuses]

    return aggregate


def extreme(problem: Problem, scope: Scope, assignment: Assignment, best: bool) -> int:
    """The highest (best) or lowest grade rank of any completion of `assignment`."""
    assignment = dict(assignment)
    free = [fact_id for fact_id in scope.readers if fact_id not in assignment]
    if scope.monotone:
        free = _substitute(problem, scope, assignment, free, best)
    if not free:
        return scope.grade(problem, assignment)
    pick = max if best else min
    bound = None
    if scope.monotone:
        ranges = [problem.possible(c, assignment) for c in scope.criteria]
        bound = scope.aggregate(tuple(pick(statuses) for statuses in ranges))
        other = scope.aggregate(tuple((min if best else max)(statuses) for statuses in ranges))
        if bound == other:
            return bound
    fact_id = max(free, key=lambda f: (len(scope.readers[f]), -free.index(f)))
    result = None
    for index in range(problem.size(fact_id)):
        assignment[fact_id] = index
        value = extreme(problem, scope, assignment, best)
        result = value if result is None else pick(result, value)
        if result == bound:
            break
    return result


def _substitute(problem: Problem, scope: Scope, assignment: dict[str, int], free: list[str],
                best: bool) -> list[str]:
    """Fix every free fact that has a pointwise best (worst) class; the rest stay free."""
    static = scope.fixed(problem, best)
    for fact_id in [fact_id for fact_id in free if fact_id in static]:
        assignment[fact_id] = static[fact_id]
        free.remove(fact_id)
    progress = True
    while progress and free:
        progress = False
        for fact_id in list(free):
            chosen = pointwise_extreme(problem, scope, fact_id, assignment, best)
            if chosen:
                assignment[fact_id] = max(chosen) if best else min(chosen)
                free.remove(fact_id)
                progress = True
    return free


def pointwise_extreme(problem: Problem, scope: Scope, fact_id: str, assignment: Assignment,
            best: bool) -> frozenset[int]:
    """The classes of the fact best (worst) for every criterion of the scope reading it."""
    chosen: frozenset[int] | None = None
    for criterion in scope.readers[fact_id]:
        found = problem.pointwise(criterion, fact_id, assignment, best)
        chosen = found if chosen is None else chosen & found
        if not chosen:
            break
    return chosen or frozenset()


def bounds(problem: Problem, scope: Scope, assignment: Assignment) -> tuple[int, int]:
    """(lowest, highest) grade rank of the scope over every completion of `assignment`."""
    return (extreme(problem, scope, assignment, False),
            extreme(problem, scope, assignment, True))
