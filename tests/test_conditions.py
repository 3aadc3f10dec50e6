"""The condition language: parsing, three-valued evaluation, dates and counts."""

from __future__ import annotations

from datetime import date

import pytest

from checker.errors import GranskaError
from checker.files.nodes import Node
from checker.files.strict_yaml import parse_yaml
from checker.language import conditions
from checker.language.conditions import All, Any_, Context, Not, Period, Test
from checker.model import Count

CONTEXT = Context(date(2022, 12, 22), date(2022, 1, 1), date(2022, 12, 31))


def _parse(text, rules):
    catalogue = conditions.Catalogue(
        rules.facts,
        rules.fact_aliases,
        {n: p.value for n, p in rules.parameters.items()},
        rules.vocabulary.underlag,
    )
    return conditions.parse(Node(parse_yaml(text, "c.yaml"), "c.yaml", 1), catalogue)


def _eval(condition, rules, **known):
    facts = {key.replace("__", "."): (value, "styrdokument") for key, value in known.items()}
    return conditions.evaluate(condition, rules.facts, facts, CONTEXT)


def test_kleene_logic(rules):
    x = Test("riktlinjer.finns", "equals", True)
    assert _eval(All((x,)), rules) is None
    assert _eval(Any_((x, Not(x))), rules) is None  # three-valued: not exact (bounds are)
    assert (
        _eval(
            All((x, Test("rutiner.anvisning_intern", "equals", True))),
            rules,
            rutiner__anvisning_intern=False,
        )
        is False
    )
    assert (
        _eval(
            Any_((x, Test("rutiner.anvisning_intern", "equals", True))),
            rules,
            rutiner__anvisning_intern=True,
        )
        is True
    )


def test_enum_order_operators(rules):
    condition = _parse("{fact: planering.plan_inom_tre_manader, at_least: delvis}", rules)
    assert _eval(condition, rules, planering__plan_inom_tre_manader="ja") is True
    assert _eval(condition, rules, planering__plan_inom_tre_manader="delvis") is True
    assert _eval(condition, rules, planering__plan_inom_tre_manader="nej") is False


def test_period_is_calendar_exact():
    period = Period(1, "years", "granskningsdatum")
    assert conditions.cutoff(period, CONTEXT) == date(2021, 12, 22)
    leap = Context(date(2024, 2, 29), date(2024, 1, 1), date(2024, 12, 31))
    assert conditions.cutoff(Period(1, "years"), leap) == date(2023, 2, 28)
    end_of_march = Context(date(2022, 3, 31), date(2022, 1, 1), date(2022, 3, 31))
    assert conditions.cutoff(Period(1, "months"), end_of_march) == date(2022, 2, 28)


def test_within_uses_parameters(rules):
    condition = _parse(
        "{fact: riktlinjer.beslutsdatum, within: {years: $riktlinjer_revidering_ar,"
        " relative_to: period_end}}",
        rules,
    )
    bound = conditions.bind(condition, {"riktlinjer_revidering_ar": 1})
    assert _eval(bound, rules, riktlinjer__beslutsdatum=date(2022, 1, 1)) is True
    assert _eval(bound, rules, riktlinjer__beslutsdatum=date(2021, 12, 30)) is False
    longer = conditions.bind(condition, {"riktlinjer_revidering_ar": 3})
    assert _eval(longer, rules, riktlinjer__beslutsdatum=date(2020, 1, 1)) is True


def test_underlag_requirement(rules):
    condition = _parse("{fact: riktlinjer.finns, equals: true, underlag: [styrdokument]}", rules)
    assert (
        conditions.evaluate(
            condition, rules.facts, {"riktlinjer.finns": (True, "styrdokument")}, CONTEXT
        )
        is True
    )
    assert (
        conditions.evaluate(
            condition, rules.facts, {"riktlinjer.finns": (True, "intervju")}, CONTEXT
        )
        is False
    )


def test_share_operators():
    test = Test("x", "share_at_least", 0.5)
    fact = type("F", (), {"type": "count", "better": "higher"})()
    assert conditions.test_value(test, fact, Count(8, 16), CONTEXT) is True
    assert conditions.test_value(test, fact, Count(7, 16), CONTEXT) is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{fact: riktlinjer.finns}", "needs exactly one operator"),
        ("{fact: riktlinjer.finns, equals: ja}", "riktlinjer.finns is true or false"),
        ("{fact: riktlinjer.beslutsdatum, within: {weeks: 2}}", "unknown key 'weeks'"),
        ("{fact: riktlinjer.finns, equals: true, underlag: [rykte]}", "expected one of"),
        ("{fact: riktlinjer.beslutsdatum, within: {years: $okand}}", "unknown parameter 'okand'"),
        ("{alla: []}", "expected a condition"),
    ],
)
def test_parse_errors_are_located(rules, text, message):
    with pytest.raises(GranskaError, match=message) as error:
        _parse(text, rules)
    assert error.value.file == "c.yaml"
