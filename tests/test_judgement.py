"""judge_case, the verdict part of a result that batch commands read, says exactly what
evaluate_case says: every key it gives has the same value in the full result."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.evaluation.evaluate import evaluate_case, judge_case
from checker.loading.cases import load_case
from checker.loading.rules import load_rules

from case_strategies import cases

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")


def _differences(part, whole, path: str = "$") -> list[str]:
    """Where `part` says something `whole` does not (a key missing or a value unlike)."""
    if isinstance(part, dict):
        if not isinstance(whole, dict):
            return [path]
        return [
            found
            for key, value in part.items()
            for found in (
                _differences(value, whole[key], f"{path}.{key}")
                if key in whole
                else [f"{path}.{key}"]
            )
        ]
    if isinstance(part, list):
        if not isinstance(whole, list) or len(part) != len(whole):
            return [path]
        return [
            found
            for number, (item, other) in enumerate(zip(part, whole, strict=True))
            for found in _differences(item, other, f"{path}[{number}]")
        ]
    return [] if part == whole else [path]


@st.composite
def any_case(draw):
    return draw(cases(RULES, draw(st.sampled_from(sorted(RULES.audits)))))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_case())
def test_judgement_is_part_of_the_result(case):
    assert _differences(judge_case(RULES, case), evaluate_case(RULES, case)) == []


def test_judgement_of_the_examples():
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        case = load_case(path, RULES)
        judgement = judge_case(RULES, case)
        assert _differences(judgement, evaluate_case(RULES, case)) == [], path
        assert {"questions", "overall", "recommendations"} <= judgement.keys()
        assert "facts" not in judgement["questions"][0]["criteria"][0]


def test_a_difference_is_found():
    assert _differences({"a": [1, {"b": 2}]}, {"a": [1, {"b": 3}], "c": 4}) == ["$.a[1].b"]
    assert _differences({"a": 1}, {"b": 1}) == ["$.a"]
