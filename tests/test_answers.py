"""Typed answers mean what the same text means in a case file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from checker.casefiles.answers import is_unknown, parse_answer, parse_choice
from checker.errors import GranskaError
from checker.model import Count, Fact


def fact(kind: str, values: tuple[str, ...] = ()) -> Fact:
    return Fact(
        id=f"test.{kind}",
        type=kind,
        title="t",
        question="q?",
        help="",
        area="test",
        recipient="nämnd",
        established_by="intervju",
        values=values,
    )


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        ("bool", "ja", True),
        ("bool", "Nej", False),
        ("bool", "true", True),
        ("date", "2021-10-20", date(2021, 10, 20)),
        ("integer", "16", 16),
        ("number", "36,2", 36.2),
        ("number", " 12.5 ", 12.5),
        ("percent", "36,2 %", 36.2),
        ("percent", "100", 100),
        ("count", "9 av 16", Count(9, 16)),
        ("count", "9/16", Count(9, 16)),
        ("text", "enligt rutin: se bilaga", "enligt rutin: se bilaga"),
        ("bool", "vet ej", None),
        ("date", "Vet ej", None),
        ("count", " vet ej ", None),
    ],
)
def test_an_answer_reads_as_in_a_case_file(kind, typed, expected):
    assert parse_answer(typed, fact(kind)) == expected


TODAY = date(2024, 11, 15)


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        ("bool", "j", True),
        ("bool", "N", False),
        ("bool", "vet inte", None),
        ("integer", "Vet  inte", None),
        ("date", "idag", TODAY),
        ("date", "i dag", TODAY),
        ("date", "igår", date(2024, 11, 14)),
        ("date", "1 jan 2024", date(2024, 1, 1)),
        ("date", "12 mars 2024", date(2024, 3, 12)),
        ("date", "5 Sept. 2023", date(2023, 9, 5)),
        ("date", "20240312", date(2024, 3, 12)),
        ("integer", "ca 30", 30),
        ("integer", "30 dagar", 30),
        ("integer", "cirka 30 dagar", 30),
        ("number", "30,5", 30.5),
        ("number", "ungefär 30,5 dagar", 30.5),
        ("percent", "ca 40 procent", 40),
        ("count", "9 av 16 akter", Count(9, 16)),
    ],
)
def test_an_answer_is_read_as_a_person_types_it(kind, typed, expected):
    assert parse_answer(typed, fact(kind), today=TODAY) == expected


def test_an_enum_value_is_given_by_name_label_or_number():
    choices = replace(
        fact("enum", ("nej", "under_inforande", "ja")),
        labels=(("under_inforande", "under införande"),),
    )
    assert parse_answer("under_inforande", choices) == "under_inforande"
    assert parse_answer("Under införande", choices) == "under_inforande"
    assert parse_answer("3", choices) == "ja"
    with pytest.raises(GranskaError):
        parse_answer("4", choices)


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        ("bool", "yes"),
        ("bool", "kanske"),
        ("date", "2021-02-30"),
        ("date", "20/10/2021"),
        ("integer", "3,5"),
        ("percent", "120"),
        ("count", "17 av 16"),
        ("count", "9"),
        ("number", "många"),
        ("bool", ""),
        ("bool", "   "),
        ("integer", "~"),
        ("integer", "ca"),
        ("integer", "30 dagar 5"),
        ("integer", "ca 30,5"),
        ("date", "32 jan 2024"),
        ("date", "1 smarch 2024"),
        ("date", "20241301"),
        ("bool", "jo"),
    ],
)
def test_an_unreadable_answer_is_refused(kind, typed):
    with pytest.raises(GranskaError):
        parse_answer(typed, fact(kind))


def test_vet_ej_is_recognised():
    assert is_unknown(" Vet ej") and is_unknown("vet  inte") and not is_unknown("vet")


def test_a_choice_is_given_by_name_or_number():
    choices = ("styrdokument", "protokoll")
    assert parse_choice("protokoll", choices) == "protokoll"
    assert parse_choice("1", choices) == "styrdokument"
    for wrong in ("3", "0", "intervju", ""):
        with pytest.raises(GranskaError):
            parse_choice(wrong, choices)
