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
_CACHE_LIMIT = 4096
_DOMAINS: dict[tuple, tuple[Any, FactDomain]] = {}
_MODELS: dict[tuple, tuple[Criterion, CriterionModel]] = {}
_TABLES: dict[tuple, tuple[CriterionModel, tuple[FactDomain, ...], Table]] = {}
_CLASSES: dict[tuple, tuple[FactDomain, int]] = {}


def _remember(cache: dict, key: tuple, value: Any) -> Any:
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


@dataclass(frozen=True)
class CriterionModel:
    """A criterion's bound conditions, the facts they read (sorted) and their tests."""

    id: str
    facts: tuple[str, ...]
    uppfyllt: Any
    delvis: Any
    tests: tuple[conditions.Test, ...]

    @property
    def dated(self) -> bool:
        """Whether a period test makes the criterion depend on the case's dates."""
        return any(test.op in conditions.PERIOD_OPERATORS for test in self.tests)


def model_of(criterion: Criterion, parameters: dict[str, Any]) -> CriterionModel:
    """The criterion with its parameters bound, shared by the cases that use the same."""
    try:
        key = (id(criterion), tuple(sorted(parameters.items())))
        cached = _MODELS.get(key)
    except TypeError:  # a parameter value that cannot be hashed: bind it afresh
        key, cached = None, None
    if cached is None or cached[0] is not criterion:
        uppfyllt = conditions.bind(criterion.uppfyllt, parameters)
        delvis = conditions.bind(criterion.delvis, parameters)
        tests: dict[str, list] = {}
        collect_tests(uppfyllt, tests)
        collect_tests(delvis, tests)
        model = CriterionModel(criterion.id, tuple(sorted(tests)), uppfyllt, delvis,
                               tuple(test for found in tests.values() for test in found))
        cached = (criterion, model)
        if key is not None:
            _remember(_MODELS, key, cached)
    return cached[1]


def domain_of(fact: Any, tests: tuple, kinds: tuple[str, ...], context: conditions.Context
              ) -> FactDomain:
    """The fact's classes under `tests`, shared by every case they do not depend on (the
    case's dates matter only to period tests)."""
    dated = any(test.op in conditions.PERIOD_OPERATORS for test in tests)
    key = (id(fact), tests, kinds, context if dated else None)
    cached = _DOMAINS.get(key)
    if cached is None or cached[0] is not fact:
        cached = _remember(_DOMAINS, key, (fact, build_domain(fact, list(tests), kinds,
                                                              context)))
    return cached[1]


class Table:
    """One criterion's status as a function of its facts' classes, with what the search
    asks of it; memoised, and shared by every case with the same classes and dates.

    A key holds one class index per fact the criterion reads (in `model.facts` order),
    or None for a free fact.
    """

    def __init__(self, model: CriterionModel, domains: tuple[FactDomain, ...],
                 facts: dict[str, Any], context: conditions.Context) -> None:
        self.model, self.domains, self.facts, self.context = model, domains, facts, context
        self.sizes = tuple(len(domain.classes) for domain in domains)
        self._statuses: dict[tuple, int] = {}
        self._possible: dict[tuple, frozenset[int]] = {}
        self._pointwise: dict[tuple, frozenset[int]] = {}
        self._dominated: dict[tuple, bool] = {}

    @property
    def evaluations(self) -> int:
        """How many times the reference interpreter has evaluated the criterion."""
        return len(self._statuses)

    def status(self, key: tuple) -> int:
        """The status rank (0 ej uppfyllt, 1 delvis, 2 uppfyllt) for fully assigned facts."""
        if key not in self._statuses:
            known = {}
            for fact_id, domain, index in zip(self.model.facts, self.domains, key, strict=True):
                fact_class = domain.classes[index]
                known[fact_id] = (fact_class.value, fact_class.underlag)
            if conditions.evaluate(self.model.uppfyllt, self.facts, known, self.context):
                self._statuses[key] = 2
            elif conditions.evaluate(self.model.delvis, self.facts, known, self.context):
                self._statuses[key] = 1
            else:
                self._statuses[key] = 0
        return self._statuses[key]

    def completions(self, key: tuple) -> Iterable[tuple]:
        """Every full key that agrees with `key`."""
        return itertools.product(*(range(size) if index is None else (index,)
                                   for size, index in zip(self.sizes, key, strict=True)))

    def possible(self, key: tuple) -> frozenset[int]:
        if key not in self._possible:
            self._possible[key] = frozenset(self.status(full) for full in self.completions(key))
        return self._possible[key]

    def pointwise(self, position: int, key: tuple, best: bool) -> frozenset[int]:
        """Classes of the fact at `position` at least as good (best) or bad as any other,
        whatever the free facts of `key` are (the fact's own entry is ignored)."""
        key = (*key[:position], None, *key[position + 1:])
        memo_key = (position, best, key)
        if memo_key not in self._pointwise:
            size = self.sizes[position]
            chosen = set(range(size))
            for full in self.completions((*key[:position], 0, *key[position + 1:])):
                row = list(full)
                statuses = []
                for index in range(size):
                    row[position] = index
                    statuses.append(self.status(tuple(row)))
                target = max(statuses) if best else min(statuses)
                chosen &= {index for index, status in enumerate(statuses) if status == target}
                if not chosen:
                    break
            self._pointwise[memo_key] = frozenset(chosen)
        return self._pointwise[memo_key]

    def dominated(self, position: int, worse: int, better: int) -> bool:
        """Whether class `worse` of the fact at `position` never gives a better status than
        class `better`, whatever the other facts are."""
        memo_key = (position, worse, better)
        if memo_key not in self._dominated:
            key = tuple(0 if index == position else None for index in range(len(self.sizes)))
            result = True
            for full in self.completions(key):
                row = list(full)
                row[position] = worse
                low = self.status(tuple(row))
                row[position] = better
                if low > self.status(tuple(row)):
                    result = False
                    break
            self._dominated[memo_key] = result
        return self._dominated[memo_key]


def table_of(model: CriterionModel, domains: tuple[FactDomain, ...], rules: RuleBase,
             context: conditions.Context) -> Table:
    key = (id(model), tuple(id(domain) for domain in domains),
           context if model.dated else None)
    cached = _TABLES.get(key)
    if cached is None or cached[0] is not model or cached[1] != domains:
        cached = _remember(_TABLES, key, (model, domains, Table(model, domains, rules.facts,
                                                                context)))
    return cached[2]


@dataclass(frozen=True)
class _Template:
    """What a Problem shares with every case of the same criteria, parameters and dates."""

    criteria: list[CriterionModel]
    tests: dict[str, list]  # fact id -> its tests, facts sorted
    domains: dict[str, FactDomain]
    tables: list[Table]
    index: dict[str, int]  # criterion id -> position


_TEMPLATES: dict[tuple, tuple[RuleBase, tuple[Criterion, ...], _Template]] = {}
_MODEL_LISTS: dict[tuple, tuple[RuleBase, tuple[Criterion, ...], list, bool]] = {}


def _template(rules: RuleBase, criteria: tuple[Criterion, ...], parameters: dict[str, Any],
              context: conditions.Context) -> _Template:
    try:
        shared = (id(rules), tuple(map(id, criteria)), tuple(sorted(parameters.items())))
    except TypeError:  # a parameter value that cannot be hashed: nothing is shared
        shared = None
    known = _MODEL_LISTS.get(shared) if shared else None
    if known is None or known[0] is not rules or known[1] != criteria:
        models = [model_of(criterion, parameters) for criterion in criteria]
        known = (rules, criteria, models, any(model.dated for model in models))
        if shared:
            _remember(_MODEL_LISTS, shared, known)
    models, dated = known[2], known[3]
    key = (shared, context if dated else None)
    cached = _TEMPLATES.get(key) if shared else None
    if cached is not None and cached[0] is rules and cached[1] == criteria:
        return cached[2]
    tests: dict[str, list] = {}
    for model in models:
        for test in model.tests:
            found = tests.setdefault(test.fact, [])
            if test not in found:
                found.append(test)
    tests = dict(sorted(tests.items()))
    domains = {fact_id: domain_of(rules.facts[fact_id], tuple(found),
                                  rules.vocabulary.underlag, context)
               for fact_id, found in tests.items()}
    tables = [table_of(model, tuple(domains[f] for f in model.facts), rules, context)
              for model in models]
    template = _Template(models, tests, domains, tables,
                         {model.id: number for number, model in enumerate(models)})
    if shared:
        _remember(_TEMPLATES, key, (rules, criteria, template))
    return template


class Problem:
    """A case's criteria as status functions of the classes of the facts they read."""

    def __init__(self, rules: RuleBase, criteria: Iterable[Criterion],
                 parameters: dict[str, Any], facts: Mapping[str, CaseFact],
                 context: conditions.Context) -> None:
        self.rules, self.context = rules, context
        template = _template(rules, tuple(criteria), parameters, context)
        self.criteria, tests = template.criteria, template.tests
        self.domains = dict(template.domains)
        self.base: dict[str, int] = {}
        for fact_id in tests:
            if fact_id in facts and facts[fact_id].known:
                self.base[fact_id] = self._classify(fact_id, facts[fact_id], tests[fact_id])
        self.index = template.index
        self.tables = template.tables
        if self.domains != template.domains:  # a known value needed a class of its own
            self.tables = [table_of(model, tuple(self.domains[f] for f in model.facts), rules,
                                    context) for model in self.criteria]
        self._base: dict[int, int] = {}

    def _classify(self, fact_id: str, fact: CaseFact, tests: list) -> int:
        """A known fact's class, adding a class should its value fall outside them all."""
        pair = (fact.value, fact.underlag)
        domain = self.domains[fact_id]
        try:
            key = (id(domain), type(fact.value), *pair)
            cached = _CLASSES.get(key)
        except TypeError:  # an unhashable value: classify it afresh
            key, cached = None, None
        if cached is not None and cached[0] is domain:
            return cached[1]
        try:
            index = domain.classify(*pair, self.context)
            if key is not None:
                _remember(_CLASSES, key, (domain, index))
            return index
        except ValueError:
            self.domains[fact_id] = build_domain(self.rules.facts[fact_id], tests,
                                                 self.rules.vocabulary.underlag, self.context,
                                                 [pair])
            return self.domains[fact_id].classify(*pair, self.context)

    def size(self, fact_id: str) -> int:
        return len(self.domains[fact_id].classes)

    def key(self, criterion: int, assignment: Assignment) -> tuple:
        return tuple(assignment.get(fact_id) for fact_id in self.criteria[criterion].facts)

    def status(self, criterion: int, key: tuple) -> int:
        """The status rank (0 ej uppfyllt, 1 delvis, 2 uppfyllt) for fully assigned facts."""
        return self.tables[criterion].status(key)

    def base_status(self, criterion: int) -> int:
        """The status of a criterion whose facts are all known."""
        if criterion not in self._base:
            self._base[criterion] = self.status(criterion, self.key(criterion, self.base))
        return self._base[criterion]

    def completions(self, criterion: int, key: tuple) -> Iterable[tuple]:
        """Every full key that agrees with `key` (None marks a free fact)."""
        return self.tables[criterion].completions(key)

    def possible(self, criterion: int, assignment: Assignment) -> frozenset[int]:
        """The statuses a criterion can still take given `assignment`."""
        return self.tables[criterion].possible(self.key(criterion, assignment))

    def pointwise(self, criterion: int, fact_id: str, assignment: Assignment,
                  best: bool) -> frozenset[int]:
        """Classes of `fact_id` at least as good (best) or bad for the criterion as any
        other, whatever the criterion's other free facts are."""
        position = self.criteria[criterion].facts.index(fact_id)
        return self.tables[criterion].pointwise(position, self.key(criterion, assignment),
                                                best)

    def dominated(self, criterion: int, fact_id: str, worse: int, better: int) -> bool:
        """Whether class `worse` of the fact never gives the criterion a better status than
        class `better`, whatever the criterion's other facts are."""
        position = self.criteria[criterion].facts.index(fact_id)
        return self.tables[criterion].dominated(position, worse, better)

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
    static: dict[bool, dict[str, int | None]] = field(default_factory=dict)

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

    def fixed(self, problem: Problem, fact_id: str, best: bool) -> int | None:
        """The fact's class best (worst) for every criterion of the scope whatever all
        other facts are, if it has one: found once, without looking at an assignment."""
        static = self.static.setdefault(best, {})
        if fact_id not in static:
            chosen = pointwise_extreme(problem, self, fact_id, {}, best)
            static[fact_id] = (max(chosen) if best else min(chosen)) if chosen else None
        return static[fact_id]

    def grade(self, problem: Problem, assignment: Assignment) -> int:
        if assignment is problem.base:
            return self.aggregate(tuple(problem.base_status(c) for c in self.criteria))
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


_AGGREGATES: dict[tuple, tuple[Policy, Callable[[tuple[int, ...]], int]]] = {}


def question_aggregate(policy: Policy, specs: tuple[QuestionCriterion, ...],
                       ranks: dict[str, int]) -> Callable[[tuple[int, ...]], int]:
    """A question's verdict policy over status ranks, memoised and shared by every case
    that grades these criteria by this policy."""
    key = (id(policy), specs, tuple(sorted(ranks.items())))
    cached = _AGGREGATES.get(key)
    if cached is None or cached[0] is not policy:
        cached = _remember(_AGGREGATES, key, (policy, _aggregate(policy, specs, ranks)))
    return cached[1]


def _aggregate(policy: Policy, specs: tuple[QuestionCriterion, ...],
               ranks: dict[str, int]) -> Callable[[tuple[int, ...]], int]:
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
    for fact_id in list(free):
        index = scope.fixed(problem, fact_id, best)
        if index is not None:
            assignment[fact_id] = index
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
    if all(fact_id in assignment for fact_id in scope.readers):
        grade = scope.grade(problem, assignment)
        return grade, grade
    return (extreme(problem, scope, assignment, False),
            extreme(problem, scope, assignment, True))
