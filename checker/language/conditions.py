"""The condition language: parsing against the fact catalogue, and the reference interpreter.

A condition is `{all: [...]}`, `{any: [...]}`, `{not: ...}` or a test of one fact:
`{fact: ID, OPERATOR: OPERAND, underlag: [...]}`. Operands may name a template
parameter as `$name`. Evaluation is three-valued: a test of an unknown fact is unknown
(None), and `all`/`any`/`not` follow Kleene's logic. The durable-rules engine compiles
the same trees; this interpreter is the oracle the tests compare it with.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from checker.files.nodes import Node, parse_date, suggest
from checker.language import facttypes
from checker.language.facttypes import PERIOD_OPERATORS, SHARE_OPERATORS
from checker.model import Fact

REFERENCE_DATES = ("granskningsdatum", "period_start", "period_end")
PERIOD_UNITS = ("years", "months", "days")


@dataclass(frozen=True)
class Param:
    """A reference to a template parameter, resolved by `bind`."""

    name: str


@dataclass(frozen=True)
class Period:
    """A span back from a reference date of the case: `within: {years: 1}`."""

    amount: Any  # int or Param
    unit: str
    relative_to: str = "granskningsdatum"


@dataclass(frozen=True)
class Test:
    """A test of one fact: `{fact: ID, OPERATOR: OPERAND, underlag: [...]}`."""

    __test__ = False  # not a pytest test class
    fact: str
    op: str
    operand: Any
    underlag: tuple[str, ...] | None = None


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Test | All | Any_ | Not


# --- parsing ------------------------------------------------------------------------
@dataclass(frozen=True)
class Catalogue:
    """What a condition may refer to."""

    facts: dict[str, Fact]
    aliases: dict[str, str]
    parameters: dict[str, Any]
    underlag: tuple[str, ...]


def parse(node: Node, catalogue: Catalogue) -> Condition:
    """Parse one condition, checking fact ids, operators and operand types."""
    if not isinstance(node.value, dict):
        raise node.error("expected a condition: a mapping with all, any, not or fact")
    if "all" in node.value or "any" in node.value:
        key = "all" if "all" in node.value else "any"
        items = node.mapping(required=(key,))[key].sequence()
        parsed = tuple(parse(item, catalogue) for item in items)
        return All(parsed) if key == "all" else Any_(parsed)
    if "not" in node.value:
        return Not(parse(node.mapping(required=("not",))["not"], catalogue))
    if "fact" not in node.value:
        raise node.error("expected a condition: a mapping with all, any, not or fact")
    return _parse_test(node, catalogue)


def _parse_test(node: Node, catalogue: Catalogue) -> Test:
    raw = node.value
    fact_node = node.mapping(optional=tuple(raw))["fact"]
    fact_id = resolve_fact(fact_node, catalogue)
    fact = catalogue.facts[fact_id]
    allowed = facttypes.of(fact).operators
    operators = [key for key in raw if key not in ("fact", "underlag")]
    if len(operators) != 1:
        raise node.error(
            f"a test of {fact_id} ({fact.type}) needs exactly one operator of: "
            + (", ".join(allowed) or "none: text facts cannot be tested")
        )
    fields = node.mapping(required=("fact", operators[0]), optional=("underlag",))
    op = operators[0]
    if op not in allowed:
        raise fields[op].error(
            f"operator {op!r} does not apply to {fact_id} ({fact.type}){suggest(op, allowed)};"
            f" expected one of: {', '.join(allowed) or 'none'}"
        )
    operand = _parse_operand(fields[op], op, fact, catalogue)
    underlag = None
    if "underlag" in fields:
        underlag = tuple(item.choice(catalogue.underlag) for item in fields["underlag"].sequence())
    return Test(fact_id, op, operand, underlag)


def resolve_fact(node: Node, catalogue: Catalogue) -> str:
    """A fact id or alias, resolved to the fact's current id."""
    name = node.text()
    if name in catalogue.facts:
        return name
    if name in catalogue.aliases:
        return catalogue.aliases[name]
    raise node.error(f"unknown fact {name!r}{suggest(name, catalogue.facts)}")


def _parse_operand(node: Node, op: str, fact: Fact, catalogue: Catalogue) -> Any:
    if isinstance(node.value, str) and node.value.startswith("$"):
        name = node.value[1:]
        if name not in catalogue.parameters:
            raise node.error(f"unknown parameter {name!r}{suggest(name, catalogue.parameters)}")
        check_operand(node, op, fact, catalogue.parameters[name])
        return Param(name)
    if op in PERIOD_OPERATORS:
        fields = node.mapping(optional=(*PERIOD_UNITS, "relative_to"))
        units = [unit for unit in PERIOD_UNITS if unit in fields]
        if len(units) != 1:
            raise node.error("a period names exactly one of: years, months, days")
        relative_to = "granskningsdatum"
        if "relative_to" in fields:
            relative_to = fields["relative_to"].choice(REFERENCE_DATES)
        amount_node = fields[units[0]]
        if isinstance(amount_node.value, str) and amount_node.value.startswith("$"):
            amount = _parse_operand(amount_node, "period_amount", fact, catalogue)
        else:
            amount = check_operand(amount_node, "period_amount", fact, amount_node.value)
        return Period(amount, units[0], relative_to)
    if op == "in":
        return tuple(check_operand(item, "equals", fact, item.value) for item in node.sequence())
    return check_operand(node, op, fact, node.value)


def check_operand(node: Node, op: str, fact: Fact, value: Any) -> Any:
    """The operand if it fits the operator and the fact's type; else a located error."""
    if op == "period_amount":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise node.error(f"expected a whole number of at least 0, got {value!r}")
        return value
    if op in SHARE_OPERATORS:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise node.error(f"expected a share between 0 and 1, got {value!r}")
        return value
    return facttypes.of(fact).check_operand(node, op, fact, value)


# --- parameters ---------------------------------------------------------------------
def bind(condition: Condition | None, parameters: dict[str, Any]) -> Condition | None:
    """The condition with every `$parameter` replaced by its value."""
    if condition is None:
        return None
    if isinstance(condition, All):
        return All(tuple(bind(item, parameters) for item in condition.items))
    if isinstance(condition, Any_):
        return Any_(tuple(bind(item, parameters) for item in condition.items))
    if isinstance(condition, Not):
        return Not(bind(condition.item, parameters))
    operand = condition.operand
    if isinstance(operand, Param):
        operand = parameters[operand.name]
        if isinstance(operand, str) and parse_date(operand):
            operand = parse_date(operand)
    elif isinstance(operand, Period) and isinstance(operand.amount, Param):
        operand = Period(parameters[operand.amount.name], operand.unit, operand.relative_to)
    return Test(condition.fact, condition.op, operand, condition.underlag)


def facts_of(condition: Condition | None) -> frozenset[str]:
    """The ids of the facts a condition reads."""
    if condition is None:
        return frozenset()
    if isinstance(condition, Test):
        return frozenset((condition.fact,))
    if isinstance(condition, Not):
        return facts_of(condition.item)
    return frozenset().union(*(facts_of(item) for item in condition.items))


def criterion_facts(criterion: Any) -> frozenset[str]:
    """The ids of the facts a criterion reads: in its statuses and in when it applies."""
    return (
        facts_of(criterion.uppfyllt) | facts_of(criterion.delvis) | facts_of(criterion.applies_when)
    )


# --- evaluation ---------------------------------------------------------------------
@dataclass(frozen=True)
class Context:
    """The reference dates of a case, for period operators."""

    granskningsdatum: date
    period_start: date
    period_end: date


def shift_back(reference: date, amount: int, unit: str) -> date:
    """`reference` moved back by a number of years, months or days (calendar-exact)."""
    if unit == "days":
        return date.fromordinal(reference.toordinal() - amount)
    months = amount * 12 if unit == "years" else amount
    year, month = divmod(reference.year * 12 + reference.month - 1 - months, 12)
    day = min(reference.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def cutoff(period: Period, context: Context) -> date:
    """The earliest date that is still `within` the period."""
    return shift_back(getattr(context, period.relative_to), period.amount, period.unit)


def test_value(test: Test, fact: Fact, value: Any, context: Context) -> bool:
    """Whether a known value passes a bound test (the underlag is checked separately)."""
    op, operand = test.op, test.operand
    if op == "equals":
        return value == operand
    if op == "in":
        return value in operand
    kind = facttypes.of(fact)
    if op in SHARE_OPERATORS:
        value, op = kind.comparable(value, fact), op[len("share_") :]
    elif op in PERIOD_OPERATORS:
        within = value >= cutoff(operand, context)
        return within if op == "within" else not within
    else:
        value, operand = kind.comparable(value, fact), kind.comparable(operand, fact)
    if op == "at_least":
        return value >= operand
    if op == "above":
        return value > operand
    if op == "at_most":
        return value <= operand
    return value < operand


def evaluate(
    condition: Condition | None,
    facts: dict[str, Fact],
    known: dict[str, tuple[Any, str]],
    context: Context,
) -> bool | None:
    """Three-valued truth of a bound condition; `known` maps fact id to (value, underlag)."""
    if condition is None:
        return False
    if isinstance(condition, Test):
        if condition.fact not in known:
            return None
        value, underlag = known[condition.fact]
        passed = test_value(condition, facts[condition.fact], value, context)
        if condition.underlag is not None:
            passed = passed and underlag in condition.underlag
        return passed
    if isinstance(condition, Not):
        inner = evaluate(condition.item, facts, known, context)
        return None if inner is None else not inner
    results = [evaluate(item, facts, known, context) for item in condition.items]
    if isinstance(condition, All):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False
