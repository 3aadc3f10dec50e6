"""Exact bounds: the lowest and highest grade any completion of a case's unknown facts gives.

A case's criteria are status tables over finitely many fact classes (checker.bounds.tables).
A *scope* is a set of criteria with a monotone aggregate: a question's verdict policy,
or a nämnd's overall policy over its questions. Its extreme grade is found by search: a
free fact that has a class at least as good (or as bad) as every other for each
criterion of the scope, whatever the other facts are, is set to that class (by
`better:` order this is its best or worst value, but the check is semantic, so a middle
enum value or an `underlag:` requirement is handled too); facts left over, which the
conditions use both ways, are split on jointly, with branch-and-bound on each
criterion's own range. docs/bounds.md explains why this is exact and why it does not
explode.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from checker.bounds.tables import NOT_APPLICABLE_RANK, Assignment, Problem
from checker.language import verdicts
from checker.memo import Memo
from checker.model import RANKED, STATUSES, Policy, QuestionCriterion


@dataclass
class Scope:
    """Criteria whose statuses a monotone (or, failing that, any) aggregate turns into a
    grade rank (0 the worst grade)."""

    criteria: tuple[int, ...]
    aggregate: Callable[[tuple[int, ...]], int]
    monotone: bool
    readers: dict[str, tuple[int, ...]]  # fact -> the scope's criteria reading it
    static: dict[bool, dict[str, int | None]] = field(default_factory=dict)
    worst: Any = None  # (a witness completion, its statuses, exact); False: none (_witness)
    positions: dict[str, list[int]] = field(default_factory=dict)  # fact -> its readers
    best: dict[tuple, tuple[int | None, bool]] = field(default_factory=dict)  # see _best_status

    @classmethod
    def of(
        cls,
        problem: Problem,
        criteria: tuple[int, ...],
        aggregate: Callable[[tuple[int, ...]], int],
        monotone: bool,
    ) -> Scope:
        key = (id(problem.criteria), criteria)
        cached = _READERS.get(key)
        if cached is None or cached[0] is not problem.criteria:
            readers: dict[str, list[int]] = {}
            for criterion in criteria:
                for fact_id in problem.criteria[criterion].facts:
                    readers.setdefault(fact_id, []).append(criterion)
            found = {fact_id: tuple(found) for fact_id, found in readers.items()}
            cached = _READERS.remember(key, (problem.criteria, found))
        return cls(criteria, aggregate, monotone, cached[1])

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

    def lowest_changed(self, problem: Problem, extra: Assignment) -> tuple[int, bool] | None:
        """The grade of the case with some facts set to classes (`extra`) and every other
        free fact at a witness class, and whether that is the lowest bound: it is when the
        aggregate is monotone and each free fact has a class worst for every criterion
        (the witness); otherwise the witness is a completion that reaches the case's own
        lowest bound, and the grade only bounds the lowest from above. Only the criteria
        reading a changed fact are looked up again. None when no witness is found."""
        if self.worst is None:
            self.worst = self._witness(problem)
        if self.worst is False:
            return None
        witness, statuses, exact = self.worst[0], list(self.worst[1]), self.worst[2]
        tables, models = problem.tables, problem.criteria
        for fact_id in extra:
            for position in self.positions.get(fact_id, ()):
                criterion = self.criteria[position]
                key = tuple(extra[f] if f in extra else witness[f] for f in models[criterion].facts)
                statuses[position] = tables[criterion].status(key)
        return self.aggregate(tuple(statuses)), exact

    def highest_changing(self, problem: Problem, facts: Iterable[str]) -> int | None:
        """An upper bound of the lowest grade with `facts` set to any classes: the grade
        of the witness completion with the criteria reading them at the best status (or
        not applicable) they can take so. None without a witness or a monotone aggregate."""
        if self.worst is None:
            self.worst = self._witness(problem)
        if self.worst is False or not self.monotone:
            return None
        statuses = list(self.worst[1])
        reading: dict[int, list[str]] = {}
        for fact_id in facts:
            for position in self.positions.get(fact_id, ()):
                if position in reading:
                    reading[position].append(fact_id)
                else:
                    reading[position] = [fact_id]
        either = []  # positions whose criterion may also not apply: (position, best)
        for position, varied in reading.items():
            best, may_not_apply = self._best_status(
                problem, position, varied[0] if len(varied) == 1 else frozenset(varied)
            )
            statuses[position] = NOT_APPLICABLE_RANK if best is None else best
            if may_not_apply and best is not None:
                either.append((position, best))
        if not either:
            return self.aggregate(tuple(statuses))
        highest = -1
        for combination in itertools.product((False, True), repeat=len(either)):
            for (position, best), not_applying in zip(either, combination, strict=True):
                statuses[position] = NOT_APPLICABLE_RANK if not_applying else best
            highest = max(highest, self.aggregate(tuple(statuses)))
        return highest

    def _best_status(
        self, problem: Problem, position: int, varied: str | frozenset[str]
    ) -> tuple[int | None, bool]:
        """The best status other than not applicable (None: there is none) that the
        criterion at `position` can take with the `varied` fact (or facts) at any class
        and the rest as the witness has them, and whether it may also not apply."""
        key = (position, varied)
        found = self.best.get(key)
        if found is None:
            criterion, witness = self.criteria[position], self.worst[0]
            free = {varied} if isinstance(varied, str) else varied
            possible = problem.tables[criterion].possible(
                tuple(None if f in free else witness[f] for f in problem.criteria[criterion].facts)
            )
            ranked = [status for status in possible if status != NOT_APPLICABLE_RANK]
            found = self.best[key] = (
                max(ranked) if ranked else None,
                NOT_APPLICABLE_RANK in possible,
            )
        return found

    def _witness(self, problem: Problem) -> tuple[dict[str, int], list[int], bool] | bool:
        """(a completion of the free facts, its statuses, whether it is pointwise worst)."""
        worst: dict[str, int] | None = dict(problem.base)
        for fact_id in self.readers:
            if fact_id not in worst:
                index = self.fixed(problem, fact_id, False) if self.monotone else None
                if index is None:
                    worst = None
                    break
                worst[fact_id] = index
        exact = worst is not None
        if worst is None:
            worst = lowest_witness(problem, self, problem.base)
            if worst is None:
                return False
        for position, criterion in enumerate(self.criteria):
            for fact_id in problem.criteria[criterion].facts:
                self.positions.setdefault(fact_id, []).append(position)
        return worst, [problem.status(c, problem.key(c, worst)) for c in self.criteria], exact

    def grade(self, problem: Problem, assignment: Assignment) -> int:
        if assignment is problem.base:
            return self.aggregate(tuple(problem.base_status(c) for c in self.criteria))
        tables, criteria, get = problem.tables, problem.criteria, assignment.get
        return self.aggregate(
            tuple(tables[c].status(tuple(map(get, criteria[c].facts))) for c in self.criteria)
        )


_READERS: Memo = Memo()  # -> (criterion models, fact -> the scope's criteria reading it)


def policy_is_monotone(policy: Policy, order: tuple[str, ...]) -> bool:
    """Whether better item statuses can never give a worse grade under `policy`.

    The steps' requirements (min_score, *_at_least) are met by more when items improve,
    and the first step met wins; so scores that never fall along `order` (worst first)
    are enough.
    """
    return all(
        policy.scores[worse] <= policy.scores[better] for worse, better in itertools.pairwise(order)
    )


_AGGREGATES: Memo = Memo()  # -> (policy, aggregate)


def question_aggregate(
    policy: Policy, specs: tuple[QuestionCriterion, ...], ranks: dict[str, int]
) -> Callable[[tuple[int, ...]], int]:
    """A question's verdict policy over status ranks, memoised and shared by every case
    that grades these criteria by this policy."""
    key = (id(policy), specs, tuple(sorted(ranks.items())))
    cached = _AGGREGATES.get(key)
    if cached is None or cached[0] is not policy:
        cached = _AGGREGATES.remember(key, (policy, _aggregate(policy, specs, ranks)))
    return cached[1]


def _aggregate(
    policy: Policy, specs: tuple[QuestionCriterion, ...], ranks: dict[str, int]
) -> Callable[[tuple[int, ...]], int]:
    memo = Memo(1 << 16)
    weights = [spec.weight for spec in specs]
    essentials = [spec.essential for spec in specs]

    def aggregate(statuses: tuple[int, ...]) -> int:
        found = memo.get(statuses)
        if found is None:
            named = [RANKED[status] for status in statuses]
            found = memo.remember(
                statuses, ranks[verdicts.grade_of(policy, named, weights, essentials, STATUSES)]
            )
        return found

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
    ranges = [problem.possible(c, assignment) for c in scope.criteria] if scope.monotone else []
    # Whether a criterion applies is neither better nor worse, so no bound while it is open.
    if ranges and not any(NOT_APPLICABLE_RANK in found and len(found) > 1 for found in ranges):
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


def _substitute(
    problem: Problem, scope: Scope, assignment: dict[str, int], free: list[str], best: bool
) -> list[str]:
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


def pointwise_extreme(
    problem: Problem, scope: Scope, fact_id: str, assignment: Assignment, best: bool
) -> frozenset[int]:
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
    found = profile_bounds(problem, scope, assignment)
    if found is not None:
        return found
    return (extreme(problem, scope, assignment, False), extreme(problem, scope, assignment, True))


PROFILES = 512  # the most status profiles (or completions of one group) enumerated


def profile_bounds(
    problem: Problem,
    scope: Scope,
    assignment: Assignment,
    best: bool | None = None,
    changed: Iterable[str] | None = None,
) -> tuple[int, int] | None:
    """(lowest, highest) by enumerating status profiles, when there are few: None else.

    The criteria whose status is still open fall into groups that share no free fact;
    a group's joint statuses are those of the completions of its free facts (one
    criterion alone: the statuses still possible), and groups vary independently. With
    a monotone aggregate only a group's profiles that no other profile of it beats (is
    beaten by) can give the highest (lowest) grade, and the rest are dropped. `best`
    asks for one end only (the other is then returned as -1). `changed`: the facts
    whose classes are all that `assignment` changes in the case's known facts."""
    found = _grouped_profiles(problem, scope, assignment, changed)
    if found is None:
        return None
    ends = []
    for want_best in (False, True):
        if best is not None and want_best != best:
            ends.append(-1)
            continue
        end = _extreme_profile(scope, *found, want_best)
        if end is None:
            return None
        ends.append(end[0])
    return ends[0], ends[1]


def lowest_witness(problem: Problem, scope: Scope, assignment: Assignment) -> dict | None:
    """A completion of `assignment` (every fact the scope reads) that gives the lowest
    grade, found through the status profiles; None when they are too many."""
    found = _grouped_profiles(problem, scope, assignment)
    lowest = _extreme_profile(scope, *found, False) if found is not None else None
    if lowest is None:
        return None
    completion = dict(assignment)
    for (positions, _profiles), profile in zip(found[1], lowest[1], strict=True):
        criteria = [scope.criteria[position] for position in positions]
        free = sorted(
            {f for c in criteria for f in problem.criteria[c].facts if f not in completion}
        )
        for values in itertools.product(*(range(problem.size(f)) for f in free)):
            trial = {**completion, **dict(zip(free, values, strict=True))}
            if tuple(problem.status(c, problem.key(c, trial)) for c in criteria) == profile:
                completion = trial
                break
    for fact_id in scope.readers:  # facts only settled criteria read: any class
        completion.setdefault(fact_id, 0)
    return completion


Groups = list[tuple[tuple[int, ...], list[tuple[int, ...]]]]  # (positions, joint statuses)


def _grouped_profiles(
    problem: Problem, scope: Scope, assignment: Assignment, changed: Iterable[str] | None = None
) -> tuple[list[int], Groups] | None:
    """The scope's settled statuses (-1 where open) and its open criteria grouped with
    their joint statuses; None when a group has too many completions."""
    statuses, open_criteria = _open_statuses(problem, scope, assignment, changed)
    groups = _groups(problem, scope, assignment, open_criteria)
    return None if groups is None else (statuses, groups)


def _extreme_profile(
    scope: Scope, statuses: list[int], groups: Groups, best: bool
) -> tuple[int, tuple] | None:
    """The highest (lowest) grade over the groups' profiles and the first combination of
    profiles that gives it; None when the combinations are too many."""
    choices = [
        _frontier(profiles, best) if scope.monotone else profiles for _positions, profiles in groups
    ]
    if math.prod(len(choice) for choice in choices) > PROFILES:
        return None
    found: tuple[int, tuple] | None = None
    for combination in itertools.product(*choices):
        for (positions, _profiles), profile in zip(groups, combination, strict=True):
            for position, status in zip(positions, profile, strict=True):
                statuses[position] = status
        grade = scope.aggregate(tuple(statuses))
        if found is None or (grade > found[0] if best else grade < found[0]):
            found = (grade, combination)
    return found


def _open_statuses(
    problem: Problem, scope: Scope, assignment: Assignment, changed: Iterable[str] | None = None
) -> tuple[list[int], list[tuple[int, frozenset[int]]]]:
    """The scope's settled statuses (-1 where open), and the open criteria's positions with
    the statuses they can still take; with `changed` (see profile_bounds), only the
    criteria reading those facts are looked up again."""
    statuses: list[int] = []
    open_criteria: list[tuple[int, frozenset[int]]] = []
    if assignment is problem.base:
        touched: set[int] | tuple = ()
    elif changed is not None:
        touched = {c for fact_id in changed for c in scope.readers.get(fact_id, ())}
    else:
        touched = set(scope.criteria)
    for position, criterion in enumerate(scope.criteria):
        possible = (
            problem.possible(criterion, assignment)
            if criterion in touched
            else problem.base_possible(criterion)
        )
        if len(possible) == 1:
            statuses.append(next(iter(possible)))
        else:
            statuses.append(-1)
            open_criteria.append((position, possible))
    return statuses, open_criteria


def _groups(
    problem: Problem,
    scope: Scope,
    assignment: Assignment,
    open_criteria: list[tuple[int, frozenset[int]]],
) -> Groups | None:
    """The open criteria grouped by shared free facts: (positions, joint statuses)."""
    if len(open_criteria) == 1:
        position, possible = open_criteria[0]
        return [((position,), [(status,) for status in sorted(possible)])]
    owner: dict[str, int] = {}  # free fact -> its group
    members: list[list[tuple[int, frozenset[int]]]] = []
    facts: list[set[str]] = []
    for item in open_criteria:
        free = {f for f in problem.criteria[scope.criteria[item[0]]].facts if f not in assignment}
        joined = sorted({owner[f] for f in free if f in owner})
        if joined:
            target = joined[0]
            for other in joined[1:]:
                members[target] += members[other]
                facts[target] |= facts[other]
                members[other], facts[other] = [], set()
        else:
            target = len(members)
            members.append([])
            facts.append(set())
        members[target].append(item)
        facts[target] |= free
        for fact_id in facts[target]:
            owner[fact_id] = target
    groups = []
    for items, free in zip(members, facts, strict=True):
        if not items:
            continue
        if len(items) == 1:
            position, possible = items[0]
            groups.append(((position,), [(status,) for status in sorted(possible)]))
            continue
        free_facts = sorted(free)
        if math.prod(problem.size(f) for f in free_facts) > PROFILES:
            return None
        items.sort()
        criteria = [scope.criteria[position] for position, _possible in items]
        profiles: set[tuple[int, ...]] = set()
        for values in itertools.product(*(range(problem.size(f)) for f in free_facts)):
            completed = {**assignment, **dict(zip(free_facts, values, strict=True))}
            profiles.add(tuple(problem.status(c, problem.key(c, completed)) for c in criteria))
        groups.append((tuple(position for position, _possible in items), sorted(profiles)))
    return groups


def _frontier(profiles: list[tuple[int, ...]], best: bool) -> list[tuple[int, ...]]:
    """The profiles no other profile beats (best) or is beaten by (worst): a status that
    does not apply is neither better nor worse than another."""
    if len(profiles[0]) == 1:  # one criterion: its best (worst) status, and not applicable
        ranked = [profile for profile in profiles if profile[0] != NOT_APPLICABLE_RANK]
        chosen = [max(ranked) if best else min(ranked)] if ranked else []
        return chosen + [profile for profile in profiles if profile[0] == NOT_APPLICABLE_RANK]

    def beats(first: tuple[int, ...], second: tuple[int, ...]) -> bool:
        return first != second and all(
            a == b or (NOT_APPLICABLE_RANK not in (a, b) and (a >= b if best else a <= b))
            for a, b in zip(first, second, strict=True)
        )

    return [profile for profile in profiles if not any(beats(other, profile) for other in profiles)]
