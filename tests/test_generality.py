"""The rules generalise: monotone in every fact, every grade reachable, no kommun in the rules."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.casefiles.fact_order import criteria_reading
from checker.casefiles.random_cases import random_case
from checker.evaluation.evaluate import evaluate_case
from checker.loading.rules import load_rules
from checker.model import CaseFact, Count

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")
SEED_KOMMUNER = ("Heby", "Nyköping", "Lund", "Varberg")


def improved(fact, value):
    """A strictly better value of `fact` than `value` by its `better:` order, or None."""
    better = fact.better
    if fact.type == "bool":
        return better if value != better else None
    if fact.type == "enum" and isinstance(better, tuple):
        index = better.index(value)
        return better[index + 1] if index + 1 < len(better) else None
    if fact.type == "date":
        return value + timedelta(days=400 if better == "later" else -400)
    if fact.type in ("integer", "number", "percent"):
        step = 10 if better == "higher" else -10
        new = value + step
        return new if fact.type != "percent" or 0 <= new <= 100 else None
    if fact.type == "count":
        if better == "higher" and value.count < value.total:
            return Count(value.count + 1, value.total)
        if better == "lower" and value.count > 0:
            return Count(value.count - 1, value.total)
    return None


def _ranks(result):
    order = [g["id"] for g in reversed(result["audit"]["scale"])]
    return [order.index(q["bounds"]["lowest"]) for q in result["questions"]], [
        order.index(q["bounds"]["highest"]) for q in result["questions"]
    ]


@st.composite
def improvement(draw):
    audit_id = draw(st.sampled_from(sorted(RULES.audits)))
    case = random_case(
        RULES,
        audit_id,
        random.Random(draw(st.integers(0, 10**6))),
        known_share=draw(st.sampled_from([1.0, 0.7])),
    )
    candidates = [
        fid
        for fid in sorted(case.facts)
        if RULES.facts[fid].better is not None
        and improved(RULES.facts[fid], case.facts[fid].value) is not None
    ]
    if not candidates:
        return case, case
    fact_id = draw(st.sampled_from(candidates))
    old = case.facts[fact_id]
    new_value = improved(RULES.facts[fact_id], old.value)
    better_case = replace(
        case, facts={**case.facts, fact_id: CaseFact(fact_id, new_value, "", old.underlag)}
    )
    return case, better_case


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(improvement())
def test_improving_a_fact_never_worsens_a_verdict(pair):
    before, after = (evaluate_case(RULES, case, with_reasoning=False) for case in pair)
    (low_before, high_before), (low_after, high_after) = _ranks(before), _ranks(after)
    assert all(a >= b for a, b in zip(low_after, low_before, strict=True))
    assert all(a >= b for a, b in zip(high_after, high_before, strict=True))


@pytest.mark.parametrize("audit_id", sorted(RULES.audits))
def test_every_grade_of_every_question_is_reachable(audit_id):
    audit = RULES.audits[audit_id]
    wanted = {(q.id, g.id) for q in audit.questions for g in audit.scale}
    seen = set()
    rng = random.Random(7)
    for number in range(3000):
        share = (0.2, 0.5, 0.8, 1.0)[number % 4]
        case = random_case(RULES, audit_id, rng, number, known_share=1.0)
        case = _skewed(case, rng, share)
        result = evaluate_case(RULES, case, with_reasoning=False)
        seen |= {(q["id"], q["verdict"]) for q in result["questions"]}
        if wanted <= seen:
            break
    assert wanted <= seen, f"never reached: {sorted(wanted - seen)}"


def _skewed(case, rng, good_share):
    """The case with each fact pushed to its best or worst value (good with `good_share`)."""
    facts = {}
    for fact_id, stated in case.facts.items():
        fact = RULES.facts[fact_id]
        value = stated.value
        if fact.type == "bool" and fact.better is not None:
            value = fact.better if rng.random() < good_share else not fact.better
        elif fact.type == "enum" and isinstance(fact.better, tuple):
            value = fact.better[-1] if rng.random() < good_share else fact.better[0]
        facts[fact_id] = CaseFact(fact_id, value, "", "styrdokument")
    return replace(case, facts=facts)


def test_every_fact_a_criterion_reads_declares_an_order():
    for audit_id in RULES.audits:
        for fact_id in criteria_reading(RULES, RULES.audits[audit_id]):
            assert RULES.facts[fact_id].better is not None, f"{fact_id} has no `better:`"


def test_no_rule_names_a_kommun():
    pattern = re.compile("|".join(SEED_KOMMUNER), re.IGNORECASE)
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = line.split("#", 1)[0]
            assert not pattern.search(text), f"{path.name}:{number} names a kommun: {line}"


def test_no_fact_is_a_verdict():
    question_ids = {q.id.lower() for a in RULES.audits.values() for q in a.questions}
    for fact in RULES.facts.values():
        words = (fact.id + " " + fact.title + " " + fact.question).lower()
        assert not any(part in question_ids for part in re.split(r"[._ ]", fact.id))
        assert "revisionsfråga" not in words and "samlad bedömning" not in words
