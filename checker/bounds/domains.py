"""Finite fact domains: the classes of (value, underlag) that a case's conditions tell apart.

A condition only asks a fact threshold questions (equals, at_least, within …) and, with
`underlag:`, whether its evidence is of some kinds. Two (value, underlag) pairs that
answer every test of the fact alike are interchangeable for every criterion, so an
unknown fact ranges over finitely many *classes*: one per interval between the tests'
constants (numbers, dates and the cutoffs of periods, shares; enum values; true and
false) and per block of underlag kinds the `underlag:` lists separate. A class is named
by its signature, the tuple of its test results, and carries one representative pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from checker.language import conditions, facttypes
from checker.language.conditions import Test
from checker.model import Fact


@dataclass(frozen=True)
class Region:
    """Where a class of an ordered fact lies: bounds named like the condition operators."""

    at_least: Any = None
    above: Any = None
    at_most: Any = None
    below: Any = None


@dataclass(frozen=True)
class FactClass:
    """Values of one fact that every test of it treats alike, with a representative."""

    value: Any
    underlag: str
    signature: tuple[bool, ...]
    region: Region | None = None  # for ordered facts: the interval of values


@dataclass(frozen=True)
class FactDomain:
    """The classes of one fact, worst first by its `better:` order where it has one."""

    fact: Fact
    tests: tuple[Test, ...]
    classes: tuple[FactClass, ...]
    underlag_matters: bool

    def classify(self, value: Any, underlag: str, context: conditions.Context) -> int:
        """The index of the class holding a known (value, underlag)."""
        signature = signature_of(self.fact, self.tests, value, underlag, context)
        for index, fact_class in enumerate(self.classes):
            if fact_class.signature == signature:
                return index
        raise ValueError(f"{self.fact.id}: no class for {value!r}")  # domains are complete


def signature_of(
    fact: Fact, tests: tuple[Test, ...], value: Any, underlag: str, context: conditions.Context
) -> tuple[bool, ...]:
    """The results of `tests` on one (value, underlag) of `fact`."""
    return tuple(
        conditions.test_value(test, fact, value, context)
        and (test.underlag is None or underlag in test.underlag)
        for test in tests
    )


def collect_tests(condition: conditions.Condition | None, into: dict[str, list[Test]]) -> None:
    """Add every test of a bound condition to `into`, by fact, each once."""
    if condition is None:
        return
    if isinstance(condition, Test):
        tests = into.setdefault(condition.fact, [])
        if condition not in tests:
            tests.append(condition)
    elif isinstance(condition, conditions.Not):
        collect_tests(condition.item, into)
    else:
        for item in condition.items:
            collect_tests(item, into)


def build_domain(
    fact: Fact,
    tests: list[Test],
    underlag_kinds: tuple[str, ...],
    context: conditions.Context,
    known: list[tuple[Any, str]] = (),
) -> FactDomain:
    """The classes of `fact` under `tests`; `known` pairs are added should one be missed."""
    lists = sorted({test.underlag for test in tests if test.underlag is not None})
    blocks: dict[tuple[bool, ...], str] = {}
    for kind in ("", *underlag_kinds):  # "" (no underlag given) is in no list
        blocks.setdefault(tuple(kind in listed for listed in lists), kind)
    underlag_reps = sorted(
        blocks.values(),
        key=lambda kind: (
            sum(kind in listed for listed in lists),
            ("", *underlag_kinds).index(kind),
        ),
    )
    groups: dict[tuple[bool, ...], list[tuple[Any, str, Region | None, int]]] = {}
    candidates = [
        (value, kind, region, position)
        for kind in underlag_reps
        for value, region, position in _values(fact, tests, context)
    ]
    candidates += [(value, kind, None, -1) for value, kind in known]
    for value, kind, region, position in candidates:
        signature = signature_of(fact, tuple(tests), value, kind, context)
        groups.setdefault(signature, []).append((value, kind, region, position))
    classes = []
    for signature, members in groups.items():
        value, kind, _region, _position = members[0]
        classes.append(FactClass(value, kind, signature, _merged(members)))
    return FactDomain(fact, tuple(tests), tuple(classes), bool(lists))


def _values(
    fact: Fact, tests: list[Test], context: conditions.Context
) -> list[tuple[Any, Region | None, int]]:
    """Candidate values, worst first, covering every interval the tests' constants cut.

    Each comes with its region and its position in ascending order of value.
    """
    kind = facttypes.of(fact)
    choices = kind.choices(fact)
    if choices is not None:
        return [(value, None, position) for value, position in choices]
    points = sorted({_threshold(test, context) for test in tests})
    regions = [
        (value, region, index) for index, (value, region) in enumerate(_regions(kind, points))
    ]
    if fact.better in ("lower", "earlier"):
        regions.reverse()
    return regions


def _merged(members: list[tuple[Any, str, Region | None, int]]) -> Region | None:
    """The region of a class, when its values form one interval for each underlag it has."""
    by_kind: dict[str, set[int]] = {}
    for _value, kind, _region, position in members:
        if position >= 0:
            by_kind.setdefault(kind, set()).add(position)
    regions = {position: region for _v, _k, region, position in members if position >= 0}
    positions = sorted(next(iter(by_kind.values()), ()))
    if (
        not positions
        or regions[positions[0]] is None
        or any(sorted(other) != positions for other in by_kind.values())
        or positions != list(range(positions[0], positions[-1] + 1))
    ):
        return None
    low, high = regions[positions[0]], regions[positions[-1]]
    return Region(low.at_least, low.above, high.at_most, high.below)


def _threshold(test: Test, context: conditions.Context) -> Any:
    if test.op in conditions.PERIOD_OPERATORS:
        return conditions.cutoff(test.operand, context)
    if test.op in conditions.SHARE_OPERATORS:
        return Fraction(str(test.operand))
    return test.operand


def _regions(kind: facttypes.FactType, points: list) -> list[tuple[Any, Region]]:
    """One (representative, region) per point and per gap between points, ascending, on
    the type's scale."""
    scale = kind.scale
    low, high = scale.low, scale.high
    scaled = [scale.to_point(point) for point in points]
    if scale.discrete:
        regions = _discrete(scaled, low, high)
    else:
        regions = _continuous(
            [
                point
                for point in scaled
                if (low is None or point >= low) and (high is None or point <= high)
            ],
            low,
            high,
        )
    return [
        (scale.to_value(value), _map_region(region, scale.to_bound)) for value, region in regions
    ]


def _discrete(points: list, low: Any, high: Any) -> list[tuple[Any, Region]]:
    """Regions of the whole numbers (or date ordinals) cut at `points`."""
    if not points:
        return [(0 if low is None else low, Region())]
    result: list[tuple[Any, Region]] = []
    start = None  # the first value of the gap before the next point, None = unbounded
    for point in points:
        first = -float("inf") if start is None else start
        last = point - 1 if float(point).is_integer() else int(point // 1)
        if last >= first and (low is None or last >= low):
            if start is None:
                result.append((last, Region(at_most=last)))
            else:
                result.append((start, Region(at_least=start, at_most=last)))
        if float(point).is_integer():
            result.append((int(point), Region(at_least=int(point), at_most=int(point))))
            start = int(point) + 1
        else:
            start = int(point // 1) + 1
    if high is None or start <= high:
        result.append((start, Region(at_least=start)))
    return result


def _continuous(points: list, low: Any, high: Any) -> list[tuple[Any, Region]]:
    """Regions of the numbers between `low` and `high` (None: unbounded) cut at `points`."""
    if not points:
        return [(low if low is not None else 0, Region())]
    result: list[tuple[Any, Region]] = []
    if low is None:
        result.append((points[0] - 1, Region(below=points[0])))
    elif points[0] > low:
        result.append((low, Region(at_least=low, below=points[0])))
    for index, point in enumerate(points):
        result.append((point, Region(at_least=point, at_most=point)))
        if index + 1 < len(points):
            following = points[index + 1]
            result.append(((point + following) / 2, Region(above=point, below=following)))
    if high is None:
        result.append((points[-1] + 1, Region(above=points[-1])))
    elif points[-1] < high:
        result.append((high, Region(above=points[-1], at_most=high)))
    return result


def _map_region(region: Region, convert) -> Region:
    return Region(
        *(
            None if bound is None else convert(bound)
            for bound in (region.at_least, region.above, region.at_most, region.below)
        )
    )
