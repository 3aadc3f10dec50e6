"""A case's criteria as memoised status tables over the classes of the facts they read.

Each criterion becomes a Table: its status for every combination of its facts' classes
(checker.bounds.domains), computed by the reference interpreter when first asked, together
with what the bounds search asks of it (the statuses still possible, the classes best or
worst whatever the other facts are). A table depends only on the criterion's bound
conditions, the classes and, for period tests, the case's dates, so tables, domains
and bound criteria are shared by every case that has the same; a Problem adds one
case's known facts.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from checker.bounds.domains import FactDomain, build_domain, collect_tests
from checker.language import conditions
from checker.memo import Memo
from checker.model import RANKED, CaseFact, Criterion, RuleBase

Assignment = Mapping[str, int]  # fact id -> class index
NOT_APPLICABLE_RANK = 3  # the status rank of a criterion that does not apply
_DOMAINS: Memo = Memo()  # -> (fact, FactDomain)
_MODELS: Memo = Memo()  # -> (criterion, CriterionModel)
_TABLES: Memo = Memo()  # -> (model, domains, Table)
_CLASSES: Memo = Memo()  # -> (domain, class index)
_RANKS = {status: rank for rank, status in enumerate(RANKED)}
_SINGLE = tuple(frozenset((rank,)) for rank in range(len(RANKED)))


@dataclass(frozen=True)
class CriterionModel:
    """A criterion's bound conditions, the facts they read (sorted) and their tests."""

    id: str
    facts: tuple[str, ...]
    uppfyllt: Any
    delvis: Any
    tests: tuple[conditions.Test, ...]
    applies: Any = None  # `applies_when`, bound; None when the criterion always applies

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
        applies = conditions.bind(criterion.applies_when, parameters)
        tests: dict[str, list] = {}
        collect_tests(uppfyllt, tests)
        collect_tests(delvis, tests)
        collect_tests(applies, tests)
        model = CriterionModel(
            criterion.id,
            tuple(sorted(tests)),
            uppfyllt,
            delvis,
            tuple(test for found in tests.values() for test in found),
            applies,
        )
        cached = (criterion, model)
        if key is not None:
            _MODELS.remember(key, cached)
    return cached[1]


def domain_of(
    fact: Any, tests: tuple, kinds: tuple[str, ...], context: conditions.Context
) -> FactDomain:
    """The fact's classes under `tests`, shared by every case they do not depend on (the
    case's dates matter only to period tests)."""
    dated = any(test.op in conditions.PERIOD_OPERATORS for test in tests)
    key = (id(fact), tests, kinds, context if dated else None)
    cached = _DOMAINS.get(key)
    if cached is None or cached[0] is not fact:
        cached = _DOMAINS.remember(key, (fact, build_domain(fact, list(tests), kinds, context)))
    return cached[1]


class Table:
    """One criterion's status as a function of its facts' classes, with what the search
    asks of it; memoised, and shared by every case with the same classes and dates.

    A key holds one class index per fact the criterion reads (in `model.facts` order),
    or None for a free fact.
    """

    def __init__(
        self,
        model: CriterionModel,
        domains: tuple[FactDomain, ...],
        facts: dict[str, Any],
        context: conditions.Context,
    ) -> None:
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
        """The status rank (0 ej uppfyllt, 1 delvis, 2 uppfyllt, 3 ej tillämpligt:
        checker.model.RANKED) for fully assigned facts."""
        found = self._statuses.get(key)
        if found is not None:
            return found
        if key not in self._statuses:
            known = {}
            for fact_id, domain, index in zip(self.model.facts, self.domains, key, strict=True):
                fact_class = domain.classes[index]
                known[fact_id] = (fact_class.value, fact_class.underlag)
            if self.model.applies is not None and not conditions.evaluate(
                self.model.applies, self.facts, known, self.context
            ):
                self._statuses[key] = NOT_APPLICABLE_RANK
            elif conditions.evaluate(self.model.uppfyllt, self.facts, known, self.context):
                self._statuses[key] = 2
            elif conditions.evaluate(self.model.delvis, self.facts, known, self.context):
                self._statuses[key] = 1
            else:
                self._statuses[key] = 0
        return self._statuses[key]

    def know(self, key: tuple, rank: int) -> None:
        """Take the status of every completion of `key` as decided elsewhere (the engine)."""
        if None in key:
            self._possible.setdefault(key, frozenset((rank,)))
        else:
            self._statuses.setdefault(key, rank)

    def completions(self, key: tuple) -> Iterable[tuple]:
        """Every full key that agrees with `key`."""
        return itertools.product(
            *(
                range(size) if index is None else (index,)
                for size, index in zip(self.sizes, key, strict=True)
            )
        )

    def possible(self, key: tuple) -> frozenset[int]:
        if key not in self._possible:
            self._possible[key] = frozenset(self.status(full) for full in self.completions(key))
        return self._possible[key]

    def pointwise(self, position: int, key: tuple, best: bool) -> frozenset[int]:
        """Classes of the fact at `position` at least as good (best) or bad as any other,
        whatever the free facts of `key` are (the fact's own entry is ignored).

        Whether the criterion applies is neither better nor worse: where the fact decides
        it, no class is chosen, so the search splits on the fact."""
        key = (*key[:position], None, *key[position + 1 :])
        memo_key = (position, best, key)
        if memo_key not in self._pointwise:
            size = self.sizes[position]
            chosen = set(range(size))
            for full in self.completions((*key[:position], 0, *key[position + 1 :])):
                row = list(full)
                statuses = []
                for index in range(size):
                    row[position] = index
                    statuses.append(self.status(tuple(row)))
                if NOT_APPLICABLE_RANK in statuses and len(set(statuses)) > 1:
                    chosen = set()
                    break
                target = max(statuses) if best else min(statuses)
                chosen &= {index for index, status in enumerate(statuses) if status == target}
                if not chosen:
                    break
            self._pointwise[memo_key] = frozenset(chosen)
        return self._pointwise[memo_key]

    def dominated(self, position: int, worse: int, better: int) -> bool:
        """Whether class `worse` of the fact at `position` never gives a better status than
        class `better`, whatever the other facts are (a change of whether the criterion
        applies is not dominated either way)."""
        memo_key = (position, worse, better)
        if memo_key not in self._dominated:
            key = tuple(0 if index == position else None for index in range(len(self.sizes)))
            result = True
            for full in self.completions(key):
                row = list(full)
                row[position] = worse
                low = self.status(tuple(row))
                row[position] = better
                high = self.status(tuple(row))
                if low > high or (NOT_APPLICABLE_RANK in (low, high) and low != high):
                    result = False
                    break
            self._dominated[memo_key] = result
        return self._dominated[memo_key]


def table_of(
    model: CriterionModel,
    domains: tuple[FactDomain, ...],
    rules: RuleBase,
    context: conditions.Context,
) -> Table:
    key = (id(model), tuple(id(domain) for domain in domains), context if model.dated else None)
    cached = _TABLES.get(key)
    if cached is None or cached[0] is not model or cached[1] != domains:
        cached = _TABLES.remember(
            key, (model, domains, Table(model, domains, rules.facts, context))
        )
    return cached[2]


@dataclass(frozen=True)
class _Template:
    """What a Problem shares with every case of the same criteria, parameters and dates."""

    criteria: list[CriterionModel]
    tests: dict[str, list]  # fact id -> its tests, facts sorted
    domains: dict[str, FactDomain]
    tables: list[Table]
    index: dict[str, int]  # criterion id -> position


_TEMPLATES: Memo = Memo()  # -> (rules, criteria, _Template)
_MODEL_LISTS: Memo = Memo()  # -> (rules, criteria, models, dated)


def _template(
    rules: RuleBase,
    criteria: tuple[Criterion, ...],
    parameters: dict[str, Any],
    context: conditions.Context,
) -> _Template:
    try:
        shared = (id(rules), tuple(map(id, criteria)), tuple(sorted(parameters.items())))
    except TypeError:  # a parameter value that cannot be hashed: nothing is shared
        shared = None
    known = _MODEL_LISTS.get(shared) if shared else None
    if known is None or known[0] is not rules or known[1] != criteria:
        models = [model_of(criterion, parameters) for criterion in criteria]
        known = (rules, criteria, models, any(model.dated for model in models))
        if shared:
            _MODEL_LISTS.remember(shared, known)
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
    domains = {
        fact_id: domain_of(rules.facts[fact_id], tuple(found), rules.vocabulary.underlag, context)
        for fact_id, found in tests.items()
    }
    tables = [
        table_of(model, tuple(domains[f] for f in model.facts), rules, context) for model in models
    ]
    template = _Template(
        models, tests, domains, tables, {model.id: number for number, model in enumerate(models)}
    )
    if shared:
        _TEMPLATES.remember(key, (rules, criteria, template))
    return template


class Problem:
    """A case's criteria as status functions of the classes of the facts they read."""

    def __init__(
        self,
        rules: RuleBase,
        criteria: Iterable[Criterion],
        parameters: dict[str, Any],
        facts: Mapping[str, CaseFact],
        context: conditions.Context,
        decided: Mapping[str, str | None] | None = None,
    ) -> None:
        """`decided`: statuses the known facts already settle (by the engine), taken as
        given for the known facts rather than evaluated again."""
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
            self.tables = [
                table_of(model, tuple(self.domains[f] for f in model.facts), rules, context)
                for model in self.criteria
            ]
        self._base: dict[int, int] = {}
        self._base_possible: dict[int, frozenset[int]] = {}
        base, index, tables, models = self.base, self.index, self.tables, self.criteria
        for criterion_id, status in (decided or {}).items():
            number = index.get(criterion_id)
            if status is not None and number is not None:
                rank = _RANKS[status]
                key = tuple(map(base.get, models[number].facts))
                tables[number].know(key, rank)
                if None not in key:
                    self._base[number] = rank
                    self._base_possible[number] = _SINGLE[rank]

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
                _CLASSES.remember(key, (domain, index))
            return index
        except ValueError:
            self.domains[fact_id] = build_domain(
                self.rules.facts[fact_id],
                tests,
                self.rules.vocabulary.underlag,
                self.context,
                [pair],
            )
            return self.domains[fact_id].classify(*pair, self.context)

    def size(self, fact_id: str) -> int:
        return len(self.domains[fact_id].classes)

    def key(self, criterion: int, assignment: Assignment) -> tuple:
        return tuple(map(assignment.get, self.criteria[criterion].facts))

    def status(self, criterion: int, key: tuple) -> int:
        """The status rank (0 ej uppfyllt, 1 delvis, 2 uppfyllt) for fully assigned facts."""
        return self.tables[criterion].status(key)

    def base_status(self, criterion: int) -> int:
        """The status of a criterion whose facts are all known."""
        if criterion not in self._base:
            self._base[criterion] = self.status(criterion, self.key(criterion, self.base))
        return self._base[criterion]

    def base_possible(self, criterion: int) -> frozenset[int]:
        """The statuses a criterion can still take given the case's known facts."""
        found = self._base_possible.get(criterion)
        if found is None:
            found = self._base_possible[criterion] = self.possible(criterion, self.base)
        return found

    def completions(self, criterion: int, key: tuple) -> Iterable[tuple]:
        """Every full key that agrees with `key` (None marks a free fact)."""
        return self.tables[criterion].completions(key)

    def possible(self, criterion: int, assignment: Assignment) -> frozenset[int]:
        """The statuses a criterion can still take given `assignment`."""
        return self.tables[criterion].possible(self.key(criterion, assignment))

    def pointwise(
        self, criterion: int, fact_id: str, assignment: Assignment, best: bool
    ) -> frozenset[int]:
        """Classes of `fact_id` at least as good (best) or bad for the criterion as any
        other, whatever the criterion's other free facts are."""
        position = self.criteria[criterion].facts.index(fact_id)
        return self.tables[criterion].pointwise(position, self.key(criterion, assignment), best)

    def dominated(self, criterion: int, fact_id: str, worse: int, better: int) -> bool:
        """Whether class `worse` of the fact never gives the criterion a better status than
        class `better`, whatever the criterion's other facts are."""
        position = self.criteria[criterion].facts.index(fact_id)
        return self.tables[criterion].dominated(position, worse, better)

    def depends(self, criterion: int, fact_id: str, assignment: Assignment) -> bool:
        """Whether the criterion's status can depend on `fact_id` given `assignment`."""
        return len(self.pointwise(criterion, fact_id, assignment, True)) < self.size(fact_id)
