"""The way up: the smallest sets of fact changes that would raise a verdict.

For a question whose lowest bound is below the top grade, the target is one grade and
two grades above it. A set of changes (facts set to classes) works when the question's
lowest bound reaches the target whatever the still unknown facts are; it is minimal
when no proper subset works. Sets are searched by size up to three changes, with the
same exact bounds (checker.bounds.search); a change that can only make each criterion worse
than leaving the fact as it is can never be part of a minimal set, and is not tried.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

from checker.bounds.analysis import Analysis
from checker.bounds.domains import FactClass, Region
from checker.language import facttypes
from checker.language.facttypes import format_value, to_json
from checker.model import Count

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
    options = candidates(analysis, key)
    by_fact: dict[str, list[int]] = {}
    for fact_id, index in options:
        by_fact.setdefault(fact_id, []).append(index)
    facts = list(by_fact)
    found: list[frozenset[Change]] = []
    working: set[frozenset[Change]] = set()
    scope, problem = analysis.graded[key].scope, analysis.problem
    highest = scope.highest_changing(problem, facts)
    if highest is not None and highest < target:  # not even every fact changed at once
        return found
    for size in range(1, max_changes + 1):
        for chosen in itertools.combinations(facts, size):
            highest = scope.highest_changing(problem, chosen)
            if highest is not None and highest < target:  # no classes of these can do it
                continue
            for classes in itertools.product(*(by_fact[f] for f in chosen)):
                changes = frozenset(zip(chosen, classes, strict=True))
                if any(smaller < changes for smaller in working):
                    continue
                if analysis.reaches(key, dict(changes), target):
                    working.add(changes)
                    found.append(changes)
        if enough is not None and len(found) >= enough:
            break
    return found


def to_raise(analysis: Analysis, key: tuple[str, str]) -> tuple[list[dict], list[dict]]:
    """The way up for one question: (`to_raise` entries, targets no small set reaches)."""
    graded = analysis.graded[key]
    lowest = analysis.bounds_of(key)[0]
    order = {fact_id: number for number, fact_id in enumerate(analysis.rules.facts)}
    entries, unreachable = [], []
    for target in range(lowest + 1, min(lowest + 3, len(graded.grades))):
        sets = minimal_raises(analysis, key, target, enough=MAX_LISTED)
        sets.sort(key=lambda changes: (len(changes), sorted((order[f], i) for f, i in changes)))
        listed = _undominated(analysis, key, sets)[:MAX_LISTED]
        if not listed:
            unreachable.append({"target": graded.grades[target], "max_changes": MAX_CHANGES})
        entries += [
            _entry(analysis, key, graded.grades[target], changes, order) for changes in listed
        ]
    return entries, unreachable


def _undominated(
    analysis: Analysis, key: tuple[str, str], sets: list[frozenset[Change]]
) -> list[frozenset[Change]]:
    """The sets without those asking more of the same facts than an earlier listed one."""
    kept: list[frozenset[Change]] = []
    for changes in sets:
        if not any(_weaker(analysis, key, other, changes) for other in kept):
            kept.append(changes)
    return kept


def _weaker(
    analysis: Analysis, key: tuple[str, str], first: frozenset[Change], second: frozenset[Change]
) -> bool:
    """Whether `first` sets the same facts as `second`, each to a class no better."""
    mine, theirs = dict(first), dict(second)
    if mine.keys() != theirs.keys():
        return False
    problem, scope = analysis.problem, analysis.graded[key].scope
    return all(
        problem.dominated(criterion, fact_id, mine[fact_id], theirs[fact_id])
        for fact_id in mine
        for criterion in scope.readers[fact_id]
    )


def _entry(
    analysis: Analysis,
    key: tuple[str, str],
    target: str,
    changes: frozenset[Change],
    order: dict[str, int],
) -> dict:
    problem, scope = analysis.problem, analysis.graded[key].scope
    base, changed = problem.base, {**problem.base, **dict(changes)}
    raised = [
        problem.criteria[c].id
        for c in dict.fromkeys(scope.criteria)
        if problem.possible(c, changed) != problem.possible(c, base)
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
