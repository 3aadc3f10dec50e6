"""Hypothesis strategies for random, valid, partially known cases of any shipped audit."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from checker.model import Case, CaseFact, Count, Fact, Namnd, RuleBase

DAY_ZERO = date(2010, 1, 1)


def values(fact: Fact) -> st.SearchStrategy:
    """Any valid value of a fact."""
    kind = fact.type
    if kind == "bool":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(fact.values)
    if kind == "date":
        return st.integers(0, 6000).map(lambda days: DAY_ZERO + timedelta(days=days))
    if kind == "integer":
        return st.integers(0, 200)
    if kind in ("number", "percent"):
        return st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False))
    if kind == "count":
        return st.integers(1, 20).flatmap(
            lambda total: st.integers(0, total).map(lambda count: Count(count, total))
        )
    return st.text(min_size=1, max_size=5)


@st.composite
def cases(draw, rules: RuleBase, audit_id: str, known_share: float | None = None) -> Case:
    """A case of `audit_id` where each fact is known with some probability."""
    audit = rules.audits[audit_id]
    facts = {}
    share = known_share if known_share is not None else draw(st.floats(0, 1))
    for fact_id in sorted(rules.facts):
        fact = rules.facts[fact_id]
        if fact.type == "text" or not draw(
            st.booleans() if share == 0.5 else st.floats(0, 1).map(lambda x: x < share)
        ):
            continue
        underlag = draw(st.sampled_from(("", *rules.vocabulary.underlag)))
        facts[fact_id] = CaseFact(fact_id, draw(values(fact)), "", underlag)
    start = DAY_ZERO + timedelta(days=draw(st.integers(0, 5500)))
    end = start + timedelta(days=draw(st.integers(0, 730)))
    granskning = end - timedelta(days=draw(st.integers(0, 20)))
    roles = tuple(role.id for role in audit.roles)
    return Case(
        "generated.yaml",
        "Provkommun",
        start,
        end,
        granskning,
        (Namnd("Nämnden", roles),),
        audit_id,
        {},
        facts,
        {},
    )
