"""Random but valid cases from the fact catalogue, for benchmarks and regression corpora."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from checker.casefiles.fact_order import criteria_reading
from checker.language import facttypes
from checker.model import Case, CaseFact, Namnd, RuleBase


def random_case(
    rules: RuleBase, audit_id: str, rng: random.Random, number: int = 0, known_share: float = 1.0
) -> Case:
    """A case of `audit_id` stating each of its facts with probability `known_share`."""
    audit = rules.audits[audit_id]
    facts = {}
    for fact_id in sorted(criteria_reading(rules, audit)):
        fact = rules.facts[fact_id]
        if rng.random() < known_share:
            underlag = rng.choice(rules.vocabulary.underlag)
            facts[fact_id] = CaseFact(fact_id, facttypes.of(fact).random(fact, rng), "", underlag)
    start = date(rng.randrange(2014, 2026), 1, 1)
    end = date(start.year, 12, 31)
    facts = {fact_id: _on_or_before(fact, end, rules) for fact_id, fact in facts.items()}
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


def _on_or_before(stated: CaseFact, end: date, rules: RuleBase) -> CaseFact:
    """The fact with a date after the case's granskningsdatum folded back into the years
    before it (a fact states what has happened), without drawing anew from the stream."""
    value = stated.value
    if not isinstance(value, date) or value <= end or rules.facts[stated.id].planned:
        return stated
    return replace(stated, value=end - timedelta(days=(value - end).days % (365 * 10)))
