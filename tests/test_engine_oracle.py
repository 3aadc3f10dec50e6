"""durable-rules and the reference interpreter agree on every criterion of every audit."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.evaluate import criterion_forms
from checker.load import load_rules

from case_strategies import cases

RULES = load_rules(Path(__file__).resolve().parent.parent / "rules")


@st.composite
def any_case(draw):
    audit_id = draw(st.sampled_from(sorted(RULES.audits)))
    return draw(cases(RULES, audit_id))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_case())
def test_engine_agrees_with_reference_interpreter(case):
    assert criterion_forms(RULES, case, use_engine=True) == \
        criterion_forms(RULES, case, use_engine=False)
