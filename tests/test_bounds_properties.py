"""Properties of the bounds in the result: completions lie within them, learning a fact
never widens them, an empty case is fully open, the golden cases are decided."""

from __future__ import annotations

from pathlib import Path

import pytest
from bounds_oracle import AUDITS, SETTINGS, SHIPPED, analyse, blank, draw_cases, rule_set
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from checker.cli import main
from checker.evaluation.evaluate import criterion_forms, evaluate_case
from checker.loading.cases import load_case
from checker.model import CaseFact

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = sorted([*ROOT.glob("tests/cases/*.yaml"), *ROOT.glob("examples/*.yaml")])


def _ranks(result: dict) -> tuple[list, list]:
    """Per question and per nämnd: (lowest, highest) as positions on the scale, worst 0."""
    order = [g["id"] for g in reversed(result["audit"]["scale"])]
    overall = [g["id"] for g in reversed(result["audit"]["overall_scale"])]
    questions = [
        (order.index(q["bounds"]["lowest"]), order.index(q["bounds"]["highest"]))
        for q in result["questions"]
    ]
    namnder = [
        (overall.index(o["bounds"]["lowest"]), overall.index(o["bounds"]["highest"]))
        for o in result["overall"]
    ]
    return questions, namnder


def _within(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] <= inner[1] <= outer[1]


@pytest.mark.parametrize(("set_name", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_completions_lie_within_bounds_and_learning_never_widens(set_name, audit_id, data):
    rules = rule_set(set_name)
    complete, partial = draw_cases(data, rules, blank(set_name, audit_id))
    results = [evaluate_case(rules, case, with_reasoning=False) for case in (complete, partial)]
    (exact_q, exact_n), (open_q, open_n) = (_ranks(result) for result in results)
    assert all(low == high for low, high in exact_q + exact_n), "a complete case is decided"
    assert all(map(_within, exact_q + exact_n, open_q + open_n))
    unknown = sorted(set(complete.facts) - set(partial.facts))
    if unknown:
        learned = data.draw(st.sampled_from(unknown), label="learned")
        facts = {**partial.facts, learned: complete.facts[learned]}
        result = evaluate_case(
            rules, partial.__class__(**{**partial.__dict__, "facts": facts}), with_reasoning=False
        )
        more_q, more_n = _ranks(result)
        assert all(map(_within, more_q + more_n, open_q + open_n)), learned
        for before, after in zip(results[1]["questions"], result["questions"], strict=True):
            if before["decided"]:
                assert after["verdict"] == before["verdict"], before["id"]


@pytest.mark.parametrize(("set_name", "audit_id"), AUDITS)
@SETTINGS
@given(data=st.data())
def test_three_valued_statuses_agree_with_the_exact_ones(set_name, audit_id, data):
    rules = rule_set(set_name)
    _complete, partial = draw_cases(data, rules, blank(set_name, audit_id))
    decided, analysis = criterion_forms(rules, partial), analyse(rules, partial)
    for criterion_id in analysis.problem.index:
        exact = analysis.criterion_possible(criterion_id)
        if decided[criterion_id] is not None:
            assert exact == (decided[criterion_id],), criterion_id


def test_x_or_not_x_is_decided_although_x_is_unknown():
    rules = rule_set("nonmonotone")
    case = blank("nonmonotone", "prov-icke-monoton")
    statuses = {
        c["id"]: c["status"] for q in evaluate_case(rules, case)["questions"] for c in q["criteria"]
    }
    assert statuses["prov.tautologi"] == "uppfyllt"


def test_a_shared_unknown_fact_is_split_on_jointly():
    # P1 with e = y and b true: prov.motsatt is uppfyllt when a is false (else delvis),
    # prov.blandad is uppfyllt when a is true (else ej uppfyllt). Judged one criterion at
    # a time both could be uppfyllt and P1 Ja; jointly P1 is Delvis either way.
    rules = rule_set("nonmonotone")
    base = blank("nonmonotone", "prov-icke-monoton")
    facts = {"prov.e": CaseFact("prov.e", "y", "", ""), "prov.b": CaseFact("prov.b", True, "", "")}
    case = base.__class__(**{**base.__dict__, "facts": facts})
    question = evaluate_case(rules, case)["questions"][0]
    assert {c["id"]: c["status_range"]["highest"] for c in question["criteria"]} == {
        "prov.tautologi": "uppfyllt",
        "prov.motsatt": "uppfyllt",
        "prov.blandad": "uppfyllt",
    }
    assert question["bounds"] == {"lowest": "delvis", "highest": "delvis"}
    assert question["verdict"] == "delvis" and question["open_facts"] == []


@pytest.mark.parametrize("audit_id", sorted(SHIPPED.audits))
def test_an_empty_case_is_open_from_the_worst_to_the_best_grade(audit_id):
    result = evaluate_case(SHIPPED, blank("shipped", audit_id))
    scale = result["audit"]["scale"]
    for question in result["questions"]:
        assert question["bounds"] == {"lowest": scale[-1]["id"], "highest": scale[0]["id"]}
        assert question["verdict"] == scale[-1]["id"] and not question["decided"]
        assert question["open_facts"]
        assert question["to_raise"] or question["not_raisable"]


@pytest.mark.parametrize("path", GOLDEN, ids=[path.stem for path in GOLDEN])
def test_golden_cases_are_decided_on_every_graded_question(path):
    case = load_case(path, SHIPPED)
    graded = (case.expected or {}).get("frågor") or {}
    result = evaluate_case(SHIPPED, case)
    for question in result["questions"]:
        if question["id"] in graded:
            assert question["decided"], (
                f"{path.name}: {question['id']} is "
                f"{question['bounds']} (open: "
                f"{', '.join(question['open_facts'])})"
            )


def test_fail_on_compares_the_lowest_bound(tmp_path):
    case = blank("shipped", "pwc-arbetsmarknadsinsatser")
    path = Path(case.file)
    outcome = CliRunner().invoke(main, ["check", str(path), "--fail-on", "nej"])
    assert outcome.exit_code == 1, outcome.output  # Nej–Ja: the lowest bound is Nej
    outcome = CliRunner().invoke(
        main, ["check", str(ROOT / "examples" / "heby-2022.yaml"), "--fail-on", "nej"]
    )
    assert outcome.exit_code == 0, outcome.output
