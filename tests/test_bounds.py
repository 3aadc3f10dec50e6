"""Exact bounds equal brute force, on every question of every shipped template and of a
test rule base whose conditions use facts both ways (tests/data/nonmonotone)."""

from __future__ import annotations

import pytest
from bounds_oracle import (
    AUDITS,
    SETTINGS,
    Oracle,
    analyse,
    blank,
    draw_cases,
    names,
    rule_set,
)
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(("set_name", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_bounds_and_open_facts_equal_brute_force(set_name, audit_id, data):
    rules = rule_set(set_name)
    _complete, partial = draw_cases(data, rules, blank(set_name, audit_id))
    analysis, oracle = analyse(rules, partial), Oracle(rules, partial)
    for question in rules.audits[audit_id].questions:
        expected = oracle.question_bounds(question.id)
        assert names(analysis, analysis.question_bounds(question.id)) == expected, question.id
        assert analysis.open_facts(("question", question.id)) == (
            oracle.open_facts(question.id) if expected[0] != expected[1] else []
        ), question.id
    for criterion_id in analysis.problem.index:
        assert analysis.criterion_possible(criterion_id) == oracle.criterion_statuses(
            criterion_id
        ), criterion_id
    for number, namnd in enumerate(partial.namnder):
        if oracle.namnd_unknowns(namnd) <= 8:
            low, high = analysis.namnd_bounds(number)
            assert (
                analysis.overall_grades[low],
                analysis.overall_grades[high],
            ) == oracle.namnd_bounds(namnd), namnd.name
