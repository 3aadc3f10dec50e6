"""The verdict standard (docs/verdict-standard.md): the criteria that are a question's
object decide it both ways, whatever the criteria around them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.evaluation.evaluate import evaluate_case
from checker.language import verdicts
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import STATUSES, CaseFact

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")
HEBY = load_case(ROOT / "examples" / "heby-2022.yaml", RULES)
POLICY = RULES.audits["pwc-arbetsmarknadsinsatser"].policy
ORDER = STATUSES  # worst first


def _with(case, **values):
    facts = dict(case.facts)
    for fact_id, value in values.items():
        fact_id = fact_id.replace("__", ".")
        underlag = facts[fact_id].underlag if fact_id in facts else ""
        facts[fact_id] = CaseFact(fact_id, value, "", underlag)
    return replace(case, facts=facts)


def _verdicts(case) -> dict[str, str]:
    result = evaluate_case(RULES, case, with_reasoning=False)
    return {question["id"]: question["verdict"] for question in result["questions"]}


def test_heby_without_access_routines_is_nej_on_rf1_though_the_riktlinjer_are_met():
    # No anvisningsrutiner, no criteria for who gets which insats, no plans within three
    # months and 120 days to an insats: the question's object is not met, so the four
    # met riktlinje criteria around it do not lift RF1 to Delvis.
    worst = _with(
        HEBY,
        rutiner__anvisning_extern=False,
        rutiner__anvisning_intern=False,
        rutiner__malgruppskriterier="nej",
        planering__plan_inom_tre_manader="nej",
        planering__dagar_till_insats=120,
    )
    result = evaluate_case(RULES, worst, with_reasoning=False)
    rf1 = next(q for q in result["questions"] if q["id"] == "RF1")
    met = [c["id"] for c in rf1["criteria"] if c["status"] == "uppfyllt"]
    assert {"riktlinjer.antagna", "riktlinjer.sjalvforsorjning", "planering.plan-krav"} <= set(met)
    assert rf1["verdict"] == "nej"
    assert _verdicts(HEBY)["RF1"] == "delvis"


def test_an_unmet_object_gives_nej_whatever_the_rest():
    items = [verdicts.Item("ej_uppfyllt", 2.0, True)] + [verdicts.Item("uppfyllt")] * 10
    mean = sum(POLICY.scores[item.status] * item.weight for item in items) / sum(
        item.weight for item in items
    )
    assert mean > 0.75  # a score that alone would give more than nej
    assert verdicts.grade(POLICY, items, ORDER) == "nej"


def test_a_question_without_object_is_graded_on_the_score_alone():
    items = [verdicts.Item("ej_uppfyllt")] * 3 + [verdicts.Item("uppfyllt")]
    assert verdicts.grade(POLICY, items, ORDER) == "delvis"


@given(
    st.lists(
        st.tuples(st.sampled_from(ORDER), st.sampled_from([1.0, 2.0]), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_improving_one_criterion_never_lowers_the_grade(items, data):
    before = [verdicts.Item(status, weight, essential) for status, weight, essential in items]
    position = data.draw(st.integers(0, len(before) - 1))
    better = ORDER[data.draw(st.integers(ORDER.index(before[position].status), len(ORDER) - 1))]
    after = list(before)
    after[position] = replace(before[position], status=better)
    grades = [grade.id for grade in RULES.audits["pwc-arbetsmarknadsinsatser"].scale][::-1]
    assert grades.index(verdicts.grade(POLICY, after, ORDER)) >= grades.index(
        verdicts.grade(POLICY, before, ORDER)
    )


GOLDEN = sorted([*ROOT.glob("tests/cases/*.yaml"), *ROOT.glob("examples/*.yaml")])
CASES = {path.name: load_case(path, RULES) for path in GOLDEN}
FULL = {name: evaluate_case(RULES, case, with_reasoning=False) for name, case in CASES.items()}


def _rank(scale: list[dict], grade: str) -> int:
    """Position counted from the worst grade."""
    return [item["id"] for item in reversed(scale)].index(grade)


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(CASES)), st.data())
def test_the_verdict_on_the_evidence_is_the_lowest_bound(name, data):
    case = CASES[name]
    removed = data.draw(st.sets(st.sampled_from(sorted(case.facts))), label="removed")
    partial = replace(
        case,
        facts={fact_id: fact for fact_id, fact in case.facts.items() if fact_id not in removed},
    )
    result = evaluate_case(RULES, partial, with_reasoning=False)
    scale, overall_scale = result["audit"]["scale"], result["audit"]["overall_scale"]
    full = FULL[name]
    items = [
        (scale, item, before)
        for item, before in zip(
            result["questions"] + result["followup"],
            full["questions"] + full["followup"],
            strict=True,
        )
    ]
    items += [
        (overall_scale, item, before)
        for item, before in zip(result["overall"], full["overall"], strict=True)
    ]
    for grades, item, before in items:
        if item in result["followup"]:
            grades = result["audit"]["followup"]["scale"]
        low, high = (
            _rank(grades, item["bounds"]["lowest"]),
            _rank(grades, item["bounds"]["highest"]),
        )
        assert item["verdict"] == item["bounds"]["lowest"]
        assert low <= _rank(grades, item["verdict"]) <= high
        assert item["decided"] == (low == high)
        # What the whole case shows is one completion of what was removed.
        assert low <= _rank(grades, before["verdict"]) <= high


def test_mostly_nej_and_mostly_delvis_overall_do_not_read_the_same():
    audit = RULES.audits["pwc-arbetsmarknadsinsatser"]
    order = [grade.id for grade in reversed(audit.scale)]

    def overall(*grades: str) -> str:
        items = [verdicts.Item(grade) for grade in grades]
        return verdicts.grade(audit.overall_policy, items, order)

    assert overall("nej", "nej", "nej", "delvis") == "inte"
    assert overall("delvis", "delvis", "delvis", "delvis") == "inte_helt"
    assert overall("delvis", "delvis", "delvis", "nej") == "inte_helt"  # Nyköping
    assert overall("ja", "ja", "ja", "ja") == "sakerstaller"
