"""Flipping one fact of the Nyköping 2021 golden case: the verdict of a question that
reads the fact moves the way the fact moved, and no other question moves at all."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checker.evaluation.evaluate import evaluate_case
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import CaseFact, Count

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")
CASE = load_case(ROOT / "tests" / "cases" / "nykoping-2021.yaml", RULES)


def _flipped(fact_id: str, value) -> object:
    stated = CASE.facts[fact_id]
    return replace(
        CASE, facts={**CASE.facts, fact_id: CaseFact(fact_id, value, "", stated.underlag)}
    )


def _questions(case) -> dict[str, dict]:
    result = evaluate_case(RULES, case, with_reasoning=False)
    return {question["id"]: question for question in result["questions"]}


def _readers(questions: dict[str, dict], fact_id: str) -> set[str]:
    """The questions with a criterion that reads the fact."""
    return {
        question_id
        for question_id, question in questions.items()
        if any(
            fact["id"] == fact_id
            for criterion in question["criteria"]
            for fact in criterion["facts"]
        )
    }


def _rank(grade: str) -> int:
    """Position on the audit's scale counted from its worst grade: better ranks higher."""
    scale = [step.id for step in RULES.audits[CASE.audit].scale]
    return len(scale) - scale.index(grade)


BEFORE = _questions(CASE)


def test_agreements_in_individual_cases_decide_the_samverkan_question():
    # The auditors' main ground for Delvis in RF2: the kommun has no agreement on
    # samverkan in individual cases with any of the four external parties.
    fact_id = "samverkan.overenskommelser_enskilda_arenden"
    assert CASE.facts[fact_id].value == Count(0, 4)
    after = _questions(_flipped(fact_id, Count(4, 4)))
    assert _readers(BEFORE, fact_id) == {"RF2"}
    assert (BEFORE["RF2"]["verdict"], after["RF2"]["verdict"]) == ("delvis", "ja")
    for question_id in ("RF1", "RF3", "RF4"):
        assert after[question_id]["bounds"] == BEFORE[question_id]["bounds"], question_id


def _extremes(fact_id: str) -> list[tuple[str, object]]:
    """The fact's best and worst values, each labelled with the way it moves the fact."""
    fact, value = RULES.facts[fact_id], CASE.facts[fact_id].value
    if fact.type == "bool":
        ends = [("better", fact.better), ("worse", not fact.better)]
    elif fact.type == "enum":
        ends = [("better", fact.better[-1]), ("worse", fact.better[0])]
    elif fact.type == "count":
        ends = [("better", Count(value.total, value.total)), ("worse", Count(0, value.total))]
    else:
        ends = []
    return [(direction, end) for direction, end in ends if end != value]


FLIPS = [
    (fact_id, direction, value)
    for fact_id in sorted(CASE.facts)
    for direction, value in _extremes(fact_id)
]


def test_the_case_has_facts_to_flip():
    assert len(FLIPS) > 40


@pytest.mark.parametrize(
    ("fact_id", "direction", "value"),
    FLIPS,
    ids=[f"{fact_id}-{direction}" for fact_id, direction, _ in FLIPS],
)
def test_a_flip_moves_only_the_questions_that_read_the_fact(fact_id, direction, value):
    after = _questions(_flipped(fact_id, value))
    readers = _readers(BEFORE, fact_id)
    for question_id, question in BEFORE.items():
        old, new = question["bounds"], after[question_id]["bounds"]
        if question_id not in readers:
            assert new == old, f"{question_id} does not read {fact_id} but moved"
            continue
        for end in ("lowest", "highest"):
            moved = _rank(new[end]) - _rank(old[end])
            assert (moved >= 0) if direction == "better" else (moved <= 0), (
                f"{question_id} moved the wrong way when {fact_id} got {direction}"
            )
