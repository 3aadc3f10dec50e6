"""A Bedömning an auditor would write: the verdict, the findings that decided it, the rest
briefly, what has not been shown listed once; the legal basis flagged once per report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import api

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"
LUND = ROOT / "tests" / "cases" / "lund-2021.yaml"
ALL_CASES = sorted([*ROOT.glob("tests/cases/*.yaml"), *ROOT.glob("examples/*.yaml")])
# A question's Bedömning: from its heading to the next heading (its recommendations); the
# per-criterion account is the appendix "Bedömda kriterier".
BEDOMNING = re.compile(r"^#### Bedömning\n(.*?)^#", re.S | re.M)


def _md(case: Path) -> str:
    return api.render(api.check(case), "md")


def test_heby_every_bedomning_is_short_and_leads_with_the_verdict():
    report = _md(HEBY)
    sections = BEDOMNING.findall(report)
    assert len(sections) == 4
    for section in sections:
        assert len(section.split()) <= 120, section
        assert "Vår förbedömning är att revisionsfrågan" in section
        assert "Bedömningen grundar sig främst på att" in section
        assert section.count("Följande har inte visats") <= 1


def test_heby_has_no_avgjord_and_flags_unverified_sections_once():
    report = _md(HEBY)
    assert "(avgjord)" not in report
    assert report.count("ej verifierat") == 1


def test_the_unknown_criteria_are_listed_once_with_their_om_clauses(rules):
    result = api.check(HEBY, rules=rules)
    rf1 = next(q for q in result["questions"] if q["id"] == "RF1")
    open_criteria = [c for c in rf1["criteria"] if c["status"] is None]
    assert open_criteria
    assert rf1["reasoning"].count("Följande har inte visats:") == 1
    for criterion in open_criteria:
        assert f"om {criterion['om']}" in rf1["reasoning"]
        assert "Det går ännu inte att bedöma" not in rf1["reasoning"]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda path: path.stem)
def test_every_bedomning_of_every_case_stays_short(case):
    for section in BEDOMNING.findall(_md(case)):
        assert len(section.split()) <= 120, section


def test_a_single_namnd_is_never_plural():
    result = api.check(LUND)
    assert len(result["nämnder"]) == 1
    for output_format in ("md", "text", "html"):
        assert "nämnderna" not in api.render(result, output_format).lower()


def test_two_namnder_are_plural_in_reasoning(rules):
    result = api.check(HEBY, rules=rules)
    rf4 = next(q for q in result["questions"] if q["id"] == "RF4")
    texts = [c["reasoning"] for c in rf4["criteria"] if c["id"] == "mal.resultat-till-namnd"]
    assert texts and "nämnderna" in texts[0]


def test_namnd_names_are_written_alike_in_every_sentence(rules):
    result = api.check(HEBY, rules=rules)
    sentences = [result["audit"]["syfte"], *(entry["text"] for entry in result["overall"])]
    for sentence in sentences:
        assert "Vård- och omsorgsnämnden" not in sentence and "Kommunstyrelsen" not in sentence
    assert "vård- och omsorgsnämnden" in result["audit"]["syfte"]
    assert result["overall"][0]["text"].startswith("Vår samlade förbedömning är att")


def test_every_criterion_has_a_clause_after_om(rules):
    lacking = [c.id for c in rules.criteria.values() if not c.om]
    assert not lacking
    capitalised = [c.id for c in rules.criteria.values() if c.om[:1].isupper()]
    assert not capitalised


def test_the_way_up_keeps_the_recorded_total_of_a_count(rules):
    case = ROOT / "tests" / "cases" / "nykoping-2021.yaml"
    result = api.check(case, rules=rules)
    fact = "samverkan.overenskommelser_enskilda_arenden"
    assert result_value(result, fact) == {"count": 0, "total": 4}
    changes = [
        change
        for question in result["questions"]
        for entry in question["to_raise"]
        for change in entry["changes"]
        if change["fact"] == fact
    ]
    assert changes
    for change in changes:
        shown = [change["display"]] + [
            change[bound]["display"] for bound in ("at_least", "at_most") if bound in change
        ]
        assert all(text.endswith(" av 4") for text in shown), change


def result_value(result: dict, fact_id: str):
    return next(
        fact["value"]
        for question in result["questions"]
        for criterion in question["criteria"]
        for fact in criterion["facts"]
        if fact["id"] == fact_id
    )


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda path: path.stem)
def test_the_way_up_names_no_unreachable_combination(case):
    assert "ingen kombination" not in _md(case)


def _internal_ids(rules) -> set[str]:
    """Ids a user never reads: facts, criteria, recommendations, provisions and enum ids."""
    ids = set(rules.facts) | set(rules.criteria) | set(rules.recommendations)
    ids |= set(rules.provisions) | set(rules.fact_aliases)
    ids |= {
        value
        for fact in rules.facts.values()
        if fact.type == "enum"
        for value in fact.values
        if "_" in value
    }
    return ids


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda path: path.stem)
def test_no_report_or_interview_guide_names_an_internal_id(rules, case):
    from checker.interview import interview_file, render_interview

    ids = _internal_ids(rules)
    result = api.check(case, rules=rules)
    guide = interview_file(case)
    outputs = {fmt: api.render(result, fmt) for fmt in ("text", "md", "html")}
    outputs |= {f"interview.{fmt}": render_interview(guide, fmt) for fmt in ("text", "md")}
    for name, text in outputs.items():
        named = set(re.findall(r"[\w.\-]+", text)) & ids
        assert not named, f"{case.name} {name}: {sorted(named)}"
