"""The way up: the smallest sets of fact changes that would raise a verdict.

For a question whose lowest bound is below the top grade, the target is one grade and
two grades above it. A set of changes (facts set to classes) works when the question's
lowest bound reaches the target whatever the still unknown facts are; it is minimal
when no proper subset works. Sets are searched by size up to three changes, with the
same exact bounds (checker.bounds.search); a change that can only make each criterion worse
than leaving the fact as it is can never be part of a minimal set, and is not tried.
Before a set is tried exactly, two upper bounds may rule it out: the policy's needs
(`Reach`, whole sizes at once) and the witness completion (`Scope.highest_changing`).
docs/bounds.md explains both.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from checker.bounds.analysis import Analysis
from checker.bounds.domains import FactClass, Region
from checker.bounds.tables import NOT_APPLICABLE_RANK
from checker.language import facttypes
from checker.language.facttypes import format_value, to_json
from checker.model import STATUSES, Count

MAX_CHANGES = 3
MAX_LISTED = 3

Change = tuple[str, int]  # fact id, class index


def candidates(analysis: Analysis, key: tuple[str, str]) -> list[Change]:
    """The changes worth trying for a question, in catalogue order of their facts."""
    problem, scope = analysis.problem, analysis.graded[key].scope
    found = []
    for fact_id in analysis.rules.facts:
        if fact_id not in scope.readers:
            continue
        current = problem.base.get(fact_id)
        for index in range(problem.size(fact_id)):
            if index == current or (scope.monotone and _useless(analysis, key, fact_id, index)):
                continue
            found.append((fact_id, index))
    return found


def _useless(analysis: Analysis, key: tuple[str, str], fact_id: str, index: int) -> bool:
    """Whether setting the fact to this class can never help raise the lowest bound: it is
    no better than the known class, or (unknown fact) no better than the worst class."""
    problem, scope = analysis.problem, analysis.graded[key].scope
    current = problem.base.get(fact_id)
    for criterion in scope.readers[fact_id]:
        if current is None:
            if index not in problem.pointwise(criterion, fact_id, {}, False):
                return False
        elif not problem.dominated(criterion, fact_id, index, current):
            return False
    return True


def minimal_raises(
    analysis: Analysis,
    key: tuple[str, str],
    target: int,
    max_changes: int = MAX_CHANGES,
    enough: int | None = None,
) -> list[frozenset[Change]]:
    """Minimal change sets of at most `max_changes` that bring the lowest bound of `key` to
    rank `target`, fewest changes first; with `enough`, stop after the first size that
    gives that many."""
    return WayUp(analysis, key).minimal_raises(target, max_changes, enough)


class WayUp:
    """The search for one question's minimal change sets, shared by its targets."""

    def __init__(self, analysis: Analysis, key: tuple[str, str]) -> None:
        self.analysis, self.key = analysis, key
        self.by_fact: dict[str, list[int]] = {}
        for fact_id, index in candidates(analysis, key):
            self.by_fact.setdefault(fact_id, []).append(index)
        self.facts = list(self.by_fact)
        self.number = {fact_id: number for number, fact_id in enumerate(self.facts)}
        self.scope = analysis.graded[key].scope
        bounded = self.scope.highest_changing(analysis.problem, ()) is not None
        self.reach = Reach(analysis, key, self.facts) if bounded else None

    def minimal_raises(
        self, target: int, max_changes: int = MAX_CHANGES, enough: int | None = None
    ) -> list[frozenset[Change]]:
        """See `minimal_raises`."""
        found: list[frozenset[Change]] = []
        for level in self._levels(target, max_changes):
            found += level
            if enough is not None and len(found) >= enough:
                break
        return found

    def listed(self, target: int) -> list[frozenset[Change]]:
        """The first `MAX_LISTED` minimal sets in listing order (fewest changes, then
        catalogue order) without those asking more of the same facts than an earlier
        one, searching no further than needed."""
        found, kept = 0, []
        for level in self._levels(target, MAX_CHANGES):
            for changes in level:
                found += 1
                if not any(self._weaker(other, changes) for other in kept):
                    kept.append(changes)
                    if len(kept) == MAX_LISTED:
                        return kept
            if found >= MAX_LISTED:
                break
        return kept

    def _levels(self, target: int, max_changes: int) -> Iterator[Iterator[frozenset[Change]]]:
        """Per number of changes, the minimal sets of that many, in listing order."""
        working: set[frozenset[Change]] = set()
        needs = self.reach.needs(target) if self.reach is not None else None
        for size in range(1, max_changes + 1):
            if needs is None or needs.within(size):
                yield self._level(target, size, needs, working)

    def _level(
        self, target: int, size: int, needs: Needs | None, working: set[frozenset[Change]]
    ) -> Iterator[frozenset[Change]]:
        """The minimal sets of `size` changes, in listing order: by their first fact, so
        that the sets starting with a later fact are not looked at until asked for."""
        problem, scope, by_fact = self.analysis.problem, self.scope, self.by_fact
        admits = needs.admits if needs is not None else None
        # A set of facts is passed over when every change of it holds a smaller working
        # set: a fact each of whose classes works alone, or facts with one class each.
        alone = {next(iter(changes)) for changes in working if len(changes) == 1}
        facts = [f for f in self.facts if not all((f, i) in alone for i in by_fact[f])]
        larger = [
            frozenset(f for f, _index in changes)
            for changes in working
            if len(changes) > 1 and all(len(by_fact[f]) == 1 for f, _index in changes)
        ]
        for first in range(len(facts) - size + 1):
            tried = []
            for rest in itertools.combinations(facts[first + 1 :], size - 1):
                named = (facts[first], *rest)
                if larger and any(held.issubset(named) for held in larger):
                    continue
                if admits is not None and not admits(named):
                    continue
                highest = scope.highest_changing(problem, named)
                if highest is not None and highest < target:  # no classes of these can do it
                    continue
                numbers = [self.number[f] for f in named]
                for classes in itertools.product(*(by_fact[f] for f in named)):
                    tried.append((tuple(zip(numbers, classes, strict=True)), named, classes))
            tried.sort()
            for _order, named, classes in tried:
                changes = frozenset(zip(named, classes, strict=True))
                if any(smaller < changes for smaller in working):
                    continue
                if self.analysis.reaches(self.key, dict(changes), target):
                    working.add(changes)
                    yield changes

    def _weaker(self, first: frozenset[Change], second: frozenset[Change]) -> bool:
        """Whether `first` sets the same facts as `second`, each to a class no better."""
        mine, theirs = dict(first), dict(second)
        if mine.keys() != theirs.keys():
            return False
        problem, readers = self.analysis.problem, self.scope.readers
        return all(
            problem.dominated(criterion, fact_id, mine[fact_id], theirs[fact_id])
            for fact_id in mine
            for criterion in readers[fact_id]
        )


class Needs:
    """What a set of changes must do for some step of grade at least a target, relaxed:
    per step, (shortfalls, cover) as `Reach.needs` builds them."""

    def __init__(
        self, steps: list[tuple[list[tuple[float, dict[str, float]]], int]], masks: dict[str, int]
    ) -> None:
        self.steps, self.masks = steps, masks

    def admits(self, chosen: tuple[str, ...]) -> bool:
        """Whether the facts may meet some step's needs together."""
        read = 0
        for fact_id in chosen:
            read |= self.masks[fact_id]
        for sums, cover in self.steps:
            if cover & ~read:
                continue
            for shortfall, headroom in sums:
                total = 0.0
                for fact_id in chosen:
                    total += headroom[fact_id]
                if total < shortfall:
                    break
            else:
                return True
        return False

    def within(self, size: int) -> bool:
        """Whether some set of `size` facts may meet some step's needs."""
        return any(
            all(
                sum(sorted(headroom.values(), reverse=True)[:size]) >= shortfall
                for shortfall, headroom in sums
            )
            and self._coverable(cover, size)
            for sums, cover in self.steps
        )

    def _coverable(self, cover: int, size: int) -> bool:
        """Whether `size` facts can read every criterion of `cover`."""
        if not cover:
            return True
        if not size:
            return False
        lowest = cover & -cover
        return any(
            self._coverable(cover & ~mask, size - 1)
            for mask in self.masks.values()
            if mask & lowest
        )


class Reach:
    """What sets of changes of a question's candidate facts can do at most, from its
    policy's requirements, so that whole families of sets are ruled out at once.

    From the witness completion (checker.bounds.search.Scope), a criterion read by a
    changed fact may take any status it can with every candidate fact it reads free.
    A step of the policy can then be met by a set of facts only when each score
    requirement's shortfall is made up by the facts' headroom (the most each criterion
    a fact reads can add, counted once per fact reading it, so never less than the
    set's gain), and every criterion below a status the step requires of it is read by
    one of the facts. This bounds `Scope.highest_changing` from above: what it rules
    out, that check would rule out too.
    """

    def __init__(self, analysis: Analysis, key: tuple[str, str], facts: list[str]) -> None:
        graded = analysis.graded[key]
        scope, problem = graded.scope, analysis.problem
        witness, self.statuses = scope.worst[0], scope.worst[1]
        self.reading = {fact_id: scope.positions[fact_id] for fact_id in facts}
        self.masks = {
            fact_id: sum(1 << position for position in positions)
            for fact_id, positions in self.reading.items()
        }
        self._shortfalls: dict[tuple[float, bool], tuple[float, dict[str, float]]] = {}
        free = set(facts)
        self.options: list[tuple[int, ...] | frozenset[int]] = []
        for position, criterion in enumerate(scope.criteria):
            read = problem.criteria[criterion].facts
            if free.isdisjoint(read):
                self.options.append((self.statuses[position],))
            else:
                self.options.append(
                    problem.tables[criterion].possible(
                        tuple(None if f in free else witness[f] for f in read)
                    )
                )
        self.graded = graded

    def needs(self, target: int) -> Needs | None:
        """The needs of the steps of grade at least `target` (rank); None when one of
        them asks nothing, so that no set can be ruled out."""
        policy, specs, statuses = self.graded.policy, self.graded.specs, self.statuses
        ranks = {grade: rank for rank, grade in enumerate(self.graded.grades)}
        if ranks[policy.steps[-1].grade] >= target:  # the grade when no step is met
            return None
        steps = []
        for step in policy.steps:
            if ranks[step.grade] < target:
                continue
            sums = [
                self._shortfall(minimum, essential_only)
                for minimum, essential_only in (
                    (step.min_score, False),
                    (step.essential_min_score, True),
                )
                if minimum is not None
            ]
            cover, feasible = 0, True
            for required, essential_only in (
                (step.all_at_least, False),
                (step.essential_at_least, True),
            ):
                if required is None:
                    continue
                least = STATUSES.index(required)
                for position, status in enumerate(statuses):
                    if status == NOT_APPLICABLE_RANK or status >= least:
                        continue
                    if essential_only and not specs[position].essential:
                        continue
                    feasible = feasible and any(
                        option == NOT_APPLICABLE_RANK or option >= least
                        for option in self.options[position]
                    )
                    cover |= 1 << position
            if not feasible:
                continue
            if not sums and not cover and step.any_at_least is None:
                return None
            steps.append((sums, cover))
        return Needs(steps, self.masks)

    def _shortfall(self, minimum: float, essential_only: bool) -> tuple[float, dict[str, float]]:
        """For a weighted mean score of at least `minimum` (over the essential criteria
        only, or all): what the sum of the criteria's weighted distances to it lacks, and
        what each fact can add to that sum at most."""
        key = (minimum, essential_only)
        if key in self._shortfalls:
            return self._shortfalls[key]
        specs = self.graded.specs
        scores = [self.graded.policy.scores[name] - minimum for name in STATUSES]
        scores.append(0.0)  # NOT_APPLICABLE_RANK: the criterion leaves the mean
        total, gains = 0.0, []
        for position, status in enumerate(self.statuses):
            spec = specs[position]
            if essential_only and not spec.essential:
                gains.append(0.0)
                continue
            now = spec.weight * scores[status]
            total += now
            gains.append(spec.weight * max(scores[o] for o in self.options[position]) - now)
        slack = 1e-6 * (1 + sum(spec.weight for spec in specs))
        headroom = {
            fact_id: sum(gains[position] for position in positions)
            for fact_id, positions in self.reading.items()
        }
        found = self._shortfalls[key] = (-total - slack, headroom)
        return found


def to_raise(analysis: Analysis, key: tuple[str, str]) -> tuple[list[dict], list[dict]]:
    """The way up for one question: (`to_raise` entries, targets no small set reaches)."""
    graded = analysis.graded[key]
    lowest = analysis.bounds_of(key)[0]
    order = {fact_id: number for number, fact_id in enumerate(analysis.rules.facts)}
    entries, unreachable = [], []
    way_up = WayUp(analysis, key)
    for target in range(lowest + 1, min(lowest + 3, len(graded.grades))):
        listed = way_up.listed(target)
        if not listed:
            unreachable.append({"target": graded.grades[target], "max_changes": MAX_CHANGES})
        entries += [
            _entry(analysis, key, graded.grades[target], changes, order) for changes in listed
        ]
    return entries, unreachable


def _entry(
    analysis: Analysis,
    key: tuple[str, str],
    target: str,
    changes: frozenset[Change],
    order: dict[str, int],
) -> dict:
    problem, scope = analysis.problem, analysis.graded[key].scope
    changed = {**problem.base, **dict(changes)}
    reading = {c for fact_id, _index in changes for c in scope.readers[fact_id]}
    raised = [
        problem.criteria[c].id
        for c in dict.fromkeys(scope.criteria)
        if c in reading and problem.possible(c, changed) != problem.base_possible(c)
    ]
    recommendations = list(
        dict.fromkeys(
            analysis.rules.criteria[c].recommendation
            for c in raised
            if analysis.rules.criteria[c].recommendation
        )
    )
    return {
        "target": target,
        "changes": [
            describe_change(analysis, fact_id, index)
            for fact_id, index in sorted(changes, key=lambda c: order[c[0]])
        ],
        "criteria": raised,
        "recommendations": recommendations,
    }


def describe_change(analysis: Analysis, fact_id: str, index: int) -> dict[str, Any]:
    """A fact set to one class, as the JSON shows it."""
    domain = analysis.problem.domains[fact_id]
    fact, fact_class = domain.fact, domain.classes[index]
    vocabulary = analysis.rules.vocabulary
    entry: dict[str, Any] = {
        "fact": fact_id,
        "title": fact.title,
        "type": fact.type,
        "value": to_json(fact_class.value, fact),
        "display": format_value(fact_class.value, fact, vocabulary),
    }
    if domain.underlag_matters and fact_class.underlag:
        entry["underlag"] = fact_class.underlag
    entry.update(_region(fact_class, fact, vocabulary))
    stated = analysis.case.facts.get(fact_id)
    if isinstance(fact_class.value, Count) and stated is not None and stated.known:
        for name in _BOUNDS:
            entry.pop(name, None)
        entry.update(_in_recorded_total(fact_class, stated.value.total))
    return entry


_BOUNDS = ("at_least", "above", "at_most", "below")


def _in_recorded_total(fact_class: FactClass, total: int) -> dict[str, Any]:
    """A count's class in the total the case records ("minst 3 av 4", not "1 av 1"): the
    fewest files of that total that reach the class, or the most that stay in it."""
    region = fact_class.region or Region(at_least=fact_class.value.share)
    if region.at_least is not None or region.above is not None:
        low = region.at_least if region.at_least is not None else region.above
        count = math.ceil(Fraction(low) * total)
        if region.at_least is None and Fraction(count, total) <= Fraction(low):
            count += 1
        shown, bound = Count(min(count, total), total), "at_least"
    else:
        high = region.at_most if region.at_most is not None else region.below
        count = math.floor(Fraction(high) * total)
        if region.at_most is None and Fraction(count, total) >= Fraction(high):
            count -= 1
        shown, bound = Count(max(count, 0), total), "at_most"
    display = f"{shown.count} av {shown.total}"
    changes: dict[str, Any] = {"display": display, "value": to_json(shown)}
    if shown.count not in (0, total):
        changes[bound] = {"value": float(Fraction(shown.count, total)), "display": display}
    return changes


def _region(fact_class: FactClass, fact: Any, vocabulary: Any) -> dict[str, Any]:
    """The class's interval (at_least, above, at_most, below), unless it is one value."""
    region = fact_class.region
    if region is None or (region.at_least is not None and region.at_least == region.at_most):
        return {}
    kind = facttypes.of(fact)
    return {
        name: {"value": to_json(bound), "display": kind.show_bound(bound, fact, vocabulary)}
        for name in ("at_least", "above", "at_most", "below")
        if (bound := getattr(region, name)) is not None
    }
