"""durable-rules and the reference interpreter agree on every criterion of every audit."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.casefiles.random_cases import random_case
from checker.evaluation.evaluate import criterion_forms
from checker.loading.rules import load_rules

from case_strategies import cases

RULES = load_rules(Path(__file__).resolve().parent.parent / "rules")


@st.composite
def any_case(draw):
    audit_id = draw(st.sampled_from(sorted(RULES.audits)))
    return draw(cases(RULES, audit_id))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_case())
def test_engine_agrees_with_reference_interpreter(case):
    assert criterion_forms(RULES, case, use_engine=True) == criterion_forms(
        RULES, case, use_engine=False
    )


def test_engine_agrees_on_a_large_generated_corpus():
    """Large enough to meet the engine's rare lost evaluations, which engine.py retries."""
    rng = random.Random(5)
    audits = sorted(RULES.audits)
    for number in range(3000):
        case = random_case(
            RULES,
            audits[number % len(audits)],
            rng,
            number,
            known_share=rng.choice([1.0, 0.7, 0.3]),
        )
        assert criterion_forms(RULES, case, use_engine=True) == criterion_forms(
            RULES, case, use_engine=False
        ), case.kommun
