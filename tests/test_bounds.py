"""Exact bounds equal brute force, on every question of every shipped template and of a
test rule base whose conditions use facts both ways (tests/data/nonmonotone)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bounds_oracle import Oracle, blank_case, with_facts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.analysis import Analysis
from checker.evaluate import context_of, parameters_for
from checker.load import load_rules

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = load_rules(ROOT / "rules")
NONMONOTONE = ("prov-icke-monoton", "prov-omvand-policy")
AUDITS = [("shipped", audit_id) for audit_id in sorted(SHIPPED.audits)] + [
    ("nonmonotone", audit_id) for audit_id in NONMONOTONE]
SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="session")
def rule_sets(tmp_path_factory):
    directory = tmp_path_factory.mktemp("nonmonotone-rules")
    shutil.copytree(ROOT / "tests" / "data" / "nonmonotone", directory, dirs_exist_ok=True)
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(ROOT / "rules" / name, directory / name)
    return {"shipped": SHIPPED, "nonmonotone": load_rules(directory)}


@pytest.fixture(scope="session")
def blanks(rule_sets, tmp_path_factory):
    directory = tmp_path_factory.mktemp("blank-cases")
    return {(name, audit_id): blank_case(rule_sets[name], audit_id, directory)
            for name, audit_id in AUDITS}


def analyse(rules, case) -> Analysis:
    return Analysis(rules, case, parameters_for(rules, rules.audits[case.audit], case),
                    context_of(case))


def draw_cases(data, rules, blank, max_unknown: int = 12):
    """A complete case (values from the brute force's candidates) and a partial one."""
    candidates = Oracle(rules, blank).candidates
    facts = list(candidates)
    full = {fact_id: data.draw(st.sampled_from(candidates[fact_id]), label=fact_id)
            for fact_id in facts}
    unknown = data.draw(st.sets(st.sampled_from(facts), max_size=min(max_unknown, len(facts))),
                        label="unknown")
    criteria = sorted({spec.criterion for q in rules.audits[blank.audit].questions
                       for spec in q.criteria})
    skipped = data.draw(st.lists(st.sampled_from(criteria), max_size=1), label="ej granskat")
    partial = with_facts(blank, {f: v for f, v in full.items() if f not in unknown},
                         tuple(skipped))
    return with_facts(blank, full, tuple(skipped)), partial


def names(analysis: Analysis, bounds: tuple[int, int]) -> tuple[str, str]:
    return analysis.grades[bounds[0]], analysis.grades[bounds[1]]


@pytest.mark.parametrize(("rule_set", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_bounds_and_open_facts_equal_brute_force(rule_sets, blanks, rule_set, audit_id, data):
    rules = rule_sets[rule_set]
    _complete, partial = draw_cases(data, rules, blanks[(rule_set, audit_id)])
    analysis, oracle = analyse(rules, partial), Oracle(rules, partial)
    for question in rules.audits[audit_id].questions:
        expected = oracle.question_bounds(question.id)
        assert names(analysis, analysis.question_bounds(question.id)) == expected, question.id
        assert analysis.open_facts(("question", question.id)) == (
            oracle.open_facts(question.id) if expected[0] != expected[1] else []), question.id
    for criterion_id in analysis.problem.index:
        assert analysis.criterion_possible(criterion_id) == \
            oracle.criterion_statuses(criterion_id), criterion_id
    for number, namnd in enumerate(partial.namnder):
        if oracle.namnd_unknowns(namnd) <= 8:
            low, high = analysis.namnd_bounds(number)
            assert (analysis.overall_grades[low], analysis.overall_grades[high]) == \
                oracle.namnd_bounds(namnd), namnd.name
