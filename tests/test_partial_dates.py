"""Dates known only to the month or the year: shown as given, judged by their worst day."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from bounds_oracle import SHIPPED
from click.testing import CliRunner

from checker import api
from checker.cli import main
from checker.language.facttypes import PartialDate, case_text
from checker.loading.cases import load_case

ROOT = Path(__file__).resolve().parent.parent
QUICK = ROOT / "examples" / "snabbkontroll-2024.yaml"  # granskningsdatum 2024-12-31


def _case(tmp_path: Path, riktlinjer: str, delegation: str) -> Path:
    text = QUICK.read_text(encoding="utf-8")
    text = text.replace(
        "riktlinjer.beslutsdatum: {värde: 2024-03-12,",
        f"riktlinjer.beslutsdatum: {{värde: {riktlinjer},",
    )
    text = text.replace(
        "delegation.ordning_beslutsdatum: {värde: 2023-06-20,",
        f"delegation.ordning_beslutsdatum: {{värde: {delegation},",
    )
    path = tmp_path / "fall.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_month_and_a_year_are_read_by_their_worst_day(tmp_path):
    case = load_case(_case(tmp_path, "2024-03", "2023"), SHIPPED)
    riktlinjer = case.facts["riktlinjer.beslutsdatum"].value
    delegation = case.facts["delegation.ordning_beslutsdatum"].value
    # `better: later`: the worst reading is the earliest day.
    assert isinstance(riktlinjer, PartialDate) and riktlinjer == date(2024, 3, 1)
    assert delegation == date(2023, 1, 1) and case_text(delegation) == "2023"
    assert case_text(riktlinjer) == "2024-03"


def test_a_partial_date_is_shown_as_given(tmp_path):
    result = api.check(_case(tmp_path, "2024-03", "2023"), rules=SHIPPED)
    shown = {
        fact["id"]: (fact["value"], fact["display"])
        for question in result["questions"]
        for criterion in question["criteria"]
        for fact in criterion["facts"]
    }
    assert shown["riktlinjer.beslutsdatum"] == ("2024-03", "2024-03")
    assert shown["delegation.ordning_beslutsdatum"] == ("2023", "2023")
    text = CliRunner().invoke(main, ["check", str(_case(tmp_path, "2024-03", "2023"))]).output
    assert "senast beslutades 2024-03," in " ".join(text.split())


def test_the_worst_reading_decides_a_threshold(tmp_path):
    """The delegationsordning may be at most 12 months old at the granskningsdatum: a
    decision some day in 2024 may be late December 2023 or after, but in 2023 it fails."""
    statuses = {}
    for given in ("2024-01", "2023"):
        result = api.check(_case(tmp_path, "2024-03", given), rules=SHIPPED)
        statuses[given] = next(
            criterion["status"]
            for question in result["questions"]
            for criterion in question["criteria"]
            if criterion["id"] == "delegation.ordning-aktuell"
        )
    assert statuses == {"2024-01": "uppfyllt", "2023": "delvis"}


def test_a_month_may_reach_the_granskningsdatum_but_not_begin_after_it(tmp_path):
    case = load_case(_case(tmp_path, "2024-11", "2023"), SHIPPED)  # granskningsdatum 2024-11-15
    assert case.facts["riktlinjer.beslutsdatum"].value == date(2024, 11, 1)
    outcome = CliRunner().invoke(main, ["check", str(_case(tmp_path, "2024-12", "2023"))])
    assert outcome.exit_code == 2
    assert "riktlinjer.beslutsdatum is 2024-12, after the granskningsdatum" in outcome.output


def test_where_earlier_is_better_the_worst_day_is_the_last_one_not_after_the_review(tmp_path):
    fact = SHIPPED.facts["riktlinjer.beslutsdatum"]
    rules = replace(SHIPPED, facts={**SHIPPED.facts, fact.id: replace(fact, better="earlier")})
    case = load_case(_case(tmp_path, "2024-02", "2023"), rules)
    assert case.facts["riktlinjer.beslutsdatum"].value == date(2024, 2, 29)
    case = load_case(_case(tmp_path, "2024-11", "2023"), rules)
    value = case.facts["riktlinjer.beslutsdatum"].value
    assert value == case.granskningsdatum and case_text(value) == "2024-11"


@pytest.mark.parametrize("given", ["2024-13", "202", "2024-3", "true"])
def test_what_is_not_a_month_or_year_is_refused(tmp_path, given):
    outcome = CliRunner().invoke(main, ["check", str(_case(tmp_path, given, "2023"))])
    assert outcome.exit_code == 2
    assert "or a month YYYY-MM or a year YYYY" in outcome.output
