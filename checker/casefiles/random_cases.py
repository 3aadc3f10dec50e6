"""Random but valid cases from the fact catalogue, for benchmarks and regression corpora."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from checker.casefiles.fact_order import criteria_reading
from checker.model import Case, CaseFact, Count, Fact, Namnd, RuleBase

_FIRST_DAY = date(2012, 1, 1)


def random_value(fact: Fact, rng: random.Random) -> Any:
    """A valid value of `fact`, drawn from `rng`."""
    kind = fact.type
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "enum":
        return rng.choice(fact.values)
    if kind == "date":
        return _FIRST_DAY + timedelta(days=rng.randrange(0, 365 * 14))
    if kind == "integer":
        return rng.randrange(0, 200)
    if kind in ("number", "percent"):
        return round(rng.uniform(0, 100), 1)
    if kind == "count":
        total = rng.randrange(1, 30)
        return Count(rng.randrange(0, total + 1), total)
    return f"text {rng.randrange(1000)}"


def random_case(
    rules: RuleBase, audit_id: str, rng: random.Random, number: int = 0, known_share: float = 1.0
) -> Case:
    """A case of `audit_id` stating each of its facts with probability `known_share`."""
    audit = rules.audits[audit_id]
    facts = {}
    for fact_id in sorted(criteria_reading(rules, audit)):
        if rng.random() < known_share:
            underlag = rng.choice(rules.vocabulary.underlag)
            facts[fact_id] = CaseFact(
                fact_id, random_value(rules.facts[fact_id], rng), "", underlag
            )
    start = date(rng.randrange(2014, 2026), 1, 1)
    end = date(start.year, 12, 31)
    namnder = tuple(Namnd(role.title, (role.id,)) for role in audit.roles)
    return Case(
        f"generated-{number:05d}.yaml",
        f"Kommun {number:05d}",
        start,
        end,
        end,
        namnder,
        audit_id,
        {},
        facts,
        {},
    )
