"""Fact types: one registry entry per type, holding everything granska does by type.

An entry reads a value from a case file and from what a person types, shows it in
Swedish, writes it as YAML and as JSON, gives its JSON Schema, the condition operators
it allows and how they compare, its classes for the exact bounds (its choices, or the
scale its thresholds cut), and a random value. The rest of granska asks the registry
(`of(fact)`) and never switches on a type's name; adding a fact type is adding its
entry to FACT_TYPES, plus its templates (docs/architecture.md).
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import DATE_RANGE, Node, describe, parse_date, suggest
from checker.files.strict_yaml import parse_yaml, scalar
from checker.model import Count, Fact, Vocabulary

UNKNOWN_WORDS = ("vet ej",)
ORDER_OPERATORS = ("at_least", "above", "at_most", "below")
SHARE_OPERATORS = ("share_at_least", "share_above", "share_at_most", "share_below")
PERIOD_OPERATORS = ("within", "older_than")

# What a person types for a value, and what it stands for (the case files' language).
BOOLEAN_TYPED = {"j": "ja", "n": "nej"}
RELATIVE_DAYS = {"idag": 0, "i dag": 0, "igår": -1, "i går": -1}
APPROXIMATELY = ("ca", "ca.", "cirka", "ungefär", "omkring", "runt")
MONTHS = (
    ("januari", "jan"),
    ("februari", "feb"),
    ("mars", "mar"),
    ("april", "apr"),
    ("maj",),
    ("juni", "jun"),
    ("juli", "jul"),
    ("augusti", "aug"),
    ("september", "sep", "sept"),
    ("oktober", "okt"),
    ("november", "nov"),
    ("december", "dec"),
)
_MONTH_NUMBER = {name: number for number, names in enumerate(MONTHS, 1) for name in names}
_DATE_IN_WORDS = re.compile(r"^(\d{1,2})\s*\.?\s+([a-zåäö]+)\.?\s+(\d{4})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_UNIT_WORD = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s+[a-zåäö]+\.?$")
_TYPED_COUNT = re.compile(r"^(\d+)\s*(?:av|/)\s*(\d+)(?:\s+[a-zåäö]+)?$")


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Scale:
    """How an ordered type's values lie on a line, for the exact bounds: whole steps or
    continuous, between optional limits; thresholds are mapped to points and points
    back to a representative value and to the bounds a region shows."""

    discrete: bool
    low: Any = None
    high: Any = None
    to_point: Any = _same
    to_value: Any = _same
    to_bound: Any = _same


@dataclass(frozen=True)
class _Reversed:
    """A sort key that orders backwards (for facts whose `better:` is lower or earlier)."""

    key: Any

    def __lt__(self, other: _Reversed) -> bool:
        return other.key < self.key


class FactType:
    """What one fact type means; subclasses override what differs from these defaults."""

    name = ""
    operators: tuple[str, ...] = ()
    value_types: tuple[type, ...] = (str,)  # the Python classes of its values
    schema: dict[str, Any] = {}  # noqa: RUF012 - read-only class data
    scale: Scale | None = None
    has_values = False  # the fact lists its `values` (and may label them)
    chosen = False  # answered by choosing one value: "vet ej" is one of the choices
    better_words: tuple[str, ...] = ()

    # --- reading -------------------------------------------------------------------
    def read(self, node: Node, fact: Fact) -> Any:
        """The value at `node` (not "vet ej"); a located error if it does not fit."""
        raise NotImplementedError

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        """What a person typed (spaces folded, not "vet ej") as the YAML value it stands
        for; `today` is the date "idag" means (default: the computer's date)."""
        raw = parse_yaml(text, file)
        if raw is None:
            raise GranskaError("no value", file)
        return raw

    def read_better(self, node: Node, fact_values: tuple[str, ...]) -> Any:
        """The fact's `better:` order, as the rules state it."""
        return node.choice(self.better_words)

    # --- showing and writing -------------------------------------------------------
    def show(self, value: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        """The value as reasoning and reports show it."""
        return str(value)

    def show_bound(self, bound: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        """A bound of a region of values, as shown."""
        return self.show(bound, fact, vocabulary)

    def text(self, value: Any) -> str:
        """The value as typed: what `read` reads back as the value."""
        return str(value)

    def yaml(self, value: Any) -> str:
        """The value as a case file's YAML scalar."""
        return scalar(self.text(value))

    def json(self, value: Any) -> Any:
        """The value in the JSON contract."""
        return value

    def json_schema(self, fact: Fact) -> dict[str, Any]:
        """The JSON Schema of a stated value (besides "vet ej")."""
        return self.schema

    def form_inputs(self, value: Any) -> dict[str, str]:
        """The web form's inputs showing a value."""
        return {"value": self.text(value)}

    def form_text(self, inputs: dict[str, str]) -> str:
        """The web form's inputs as the text a person would type."""
        return inputs["value"]

    # --- conditions and bounds -----------------------------------------------------
    def check_operand(self, node: Node, op: str, fact: Fact, value: Any) -> Any:
        """A condition's operand for this type; a located error if it does not fit."""
        return value

    def comparable(self, value: Any, fact: Fact) -> Any:
        """The value as ordering operators compare it."""
        return value

    def number(self, value: Any) -> Any:
        """The value (or operand) as the engine compares it: a JSON number where ordered."""
        return value

    def ranked(self, fact: Fact) -> tuple[str, ...] | None:
        """The values worst first, for a type whose order operators select values."""
        return None

    def choices(self, fact: Fact) -> list[tuple[Any, int]] | None:
        """For a type of few values: each, worst first, with its place in ascending
        order; None for a type whose classes come from its scale."""
        return None

    def ordered(self, fact: Fact) -> bool:
        """Whether the fact declares which of its values are better."""
        return fact.better is not None

    def goodness(self, value: Any, fact: Fact) -> Any:
        """A sort key by the fact's `better:` order: higher is better."""
        key = self.comparable(value, fact)
        return key if fact.better in ("higher", "later") else _Reversed(key)

    def random(self, fact: Fact, rng: random.Random) -> Any:
        """A valid value, drawn from `rng`."""
        raise NotImplementedError


class BoolType(FactType):
    name = "bool"
    operators = ("equals",)
    value_types = (bool,)
    chosen = True
    schema = {  # noqa: RUF012
        "anyOf": [
            {"type": "boolean"},
            {"type": "string", "pattern": "^([jJ][aA]|[nN][eE][jJ])$"},
        ]
    }
    _WORDS = {"ja": True, "nej": False}  # noqa: RUF012

    def read(self, node: Node, fact: Fact) -> Any:
        value = node.value
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in self._WORDS:
            return self._WORDS[value.lower()]
        raise node.error(
            f"{fact.id} is ja or nej (true or false), or 'vet ej'; got {describe(value)}"
        )

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        folded = text.casefold()
        return super().typed(BOOLEAN_TYPED.get(folded, folded), fact, file)

    def read_better(self, node: Node, fact_values: tuple[str, ...]) -> Any:
        return node.boolean()

    def show(self, value: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        return vocabulary.boolean_labels[value]

    def text(self, value: Any) -> str:
        return next(word for word, meaning in self._WORDS.items() if meaning is value)

    def check_operand(self, node: Node, op: str, fact: Fact, value: Any) -> Any:
        if not isinstance(value, bool):
            raise node.error(f"{fact.id} is true or false, got {value!r}")
        return value

    def choices(self, fact: Fact) -> list[tuple[Any, int]]:
        return [(False, 0), (True, 1)] if fact.better is not False else [(True, 1), (False, 0)]

    def goodness(self, value: Any, fact: Fact) -> Any:
        return value == fact.better

    def random(self, fact: Fact, rng: random.Random) -> Any:
        return rng.random() < 0.5


class EnumType(FactType):
    name = "enum"
    operators = ("equals", "in", *ORDER_OPERATORS)
    has_values = True
    chosen = True

    def read(self, node: Node, fact: Fact) -> Any:
        value = node.value
        if value not in fact.values:
            raise node.error(
                f"{fact.id} takes one of {', '.join(fact.values)} or 'vet ej', "
                f"got {describe(value)}{suggest(value, fact.values)}"
            )
        return value

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        """A value by its id, its label (any case) or its number from 1."""
        if text in fact.values:
            return text
        for value in fact.values:
            if fact.label(value).casefold() == text.casefold():
                return value
        if text.isdigit() and 1 <= int(text) <= len(fact.values):
            return fact.values[int(text) - 1]
        return super().typed(text, fact, file)

    def read_better(self, node: Node, fact_values: tuple[str, ...]) -> Any:
        order = node.text_list()
        if sorted(order) != sorted(fact_values):
            raise node.error("`better:` of an enum lists all its values, worst first")
        return order

    def show(self, value: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        return fact.label(value)

    def json_schema(self, fact: Fact) -> dict[str, Any]:
        return {"enum": list(fact.values)}

    def check_operand(self, node: Node, op: str, fact: Fact, value: Any) -> Any:
        if value not in fact.values:
            raise node.error(
                f"{fact.id} takes one of {', '.join(fact.values)}, got {value!r}"
                f"{suggest(value, fact.values)}"
            )
        if op in ORDER_OPERATORS and not isinstance(fact.better, tuple):
            raise node.error(f"{op} needs an ordered enum, and {fact.id} declares no `better:`")
        return value

    def comparable(self, value: Any, fact: Fact) -> Any:
        return fact.better.index(value)

    def ranked(self, fact: Fact) -> tuple[str, ...] | None:
        return tuple(fact.better) if isinstance(fact.better, tuple) else None

    def choices(self, fact: Fact) -> list[tuple[Any, int]]:
        order = fact.better if isinstance(fact.better, tuple) else fact.values
        return [(value, index) for index, value in enumerate(order)]

    def ordered(self, fact: Fact) -> bool:
        return isinstance(fact.better, tuple)

    def goodness(self, value: Any, fact: Fact) -> Any:
        return fact.better.index(value)

    def random(self, fact: Fact, rng: random.Random) -> Any:
        return rng.choice(fact.values)


class PartialDate(date):
    """A date known only to its month (`2021-10`) or year (`2021`): shown as given, and
    read by the criteria as its worst day, the first or the last by the fact's `better:`."""

    given: str

    @classmethod
    def of(cls, given: str, fact: Fact) -> PartialDate:
        year, _, month = given.partition("-")
        first = date(int(year), int(month or 1), 1)
        last = (
            date(first.year + (first.month == 12), first.month % 12 + 1, 1) - timedelta(days=1)
            if month
            else date(first.year, 12, 31)
        )
        day = last if fact.better == "earlier" else first
        return cls.within(given, day)

    @classmethod
    def within(cls, given: str, day: date) -> PartialDate:
        """The partial date `given`, read as `day` (a day within it)."""
        value = cls(day.year, day.month, day.day)
        value.given = given
        return value

    def first_day(self) -> date:
        year, _, month = self.given.partition("-")
        return date(int(year), int(month or 1), 1)


_PARTIAL_DATE = re.compile(r"^(\d{4})(-(0[1-9]|1[0-2]))?$")


class DateType(FactType):
    name = "date"
    operators = (*ORDER_OPERATORS, *PERIOD_OPERATORS)
    value_types = (date, PartialDate)
    better_words = ("later", "earlier")
    schema = {  # noqa: RUF012 - a day, or a month or year when the day is not known
        "anyOf": [
            {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"},
            {"type": "integer", "minimum": 1000, "maximum": 9999},
        ]
    }
    scale = Scale(True, 1, date.max.toordinal(), date.toordinal, date.fromordinal, date.fromordinal)
    _FIRST_DAY = date(2012, 1, 1)

    def read(self, node: Node, fact: Fact) -> Any:
        parsed = parse_date(node.value)
        given = str(node.value) if isinstance(node.value, (int, str)) else ""
        if parsed is None and not isinstance(node.value, bool) and _PARTIAL_DATE.match(given):
            return PartialDate.of(given, fact)
        if parsed is None:
            raise node.error(
                f"{fact.id} is a date YYYY-MM-DD that exists (or a month YYYY-MM or a "
                f"year YYYY when the day is not known; {DATE_RANGE}), got {describe(node.value)}"
            )
        return parsed

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        return super().typed(typed_date(text, today) or text, fact, file)

    def show(self, value: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        return self.text(value)

    def text(self, value: Any) -> str:
        return value.given if isinstance(value, PartialDate) else value.isoformat()

    def json(self, value: Any) -> Any:
        return self.text(value)

    def check_operand(self, node: Node, op: str, fact: Fact, value: Any) -> Any:
        parsed = parse_date(value)
        if parsed is None:
            raise node.error(f"expected a date YYYY-MM-DD, got {value!r}")
        return parsed

    def number(self, value: Any) -> Any:
        return value.toordinal()

    def random(self, fact: Fact, rng: random.Random) -> Any:
        return self._FIRST_DAY + timedelta(days=rng.randrange(0, 365 * 14))


_NUMBER = re.compile(r"^[+-]?\d{1,15}(?:[.,]\d{1,15})?$")
MAX_NUMBER = 1e15  # far beyond any count or amount a case states; keeps formatting exact


def _whole(point: Any) -> Any:
    return int(point) if float(point).is_integer() else point


class NumberType(FactType):
    """A number; whole numbers only, or between limits, with a unit shown after it."""

    operators = ("equals", *ORDER_OPERATORS)
    value_types = (int, float)
    better_words = ("higher", "lower")

    def __init__(
        self,
        name: str,
        whole: bool = False,
        limits: tuple[Any, Any] = (None, None),
        unit: str = "",
        range_noun: str = "",
        random_range: tuple[float, float] = (0, 100),
        typed_unit: str = "%",
    ) -> None:
        self.name, self.whole, self.limits, self.unit = name, whole, limits, unit
        self.range_noun, self.random_range = range_noun, random_range
        self.typed_unit = typed_unit  # a unit sign a person may type after the number
        low, high = limits
        self.scale = Scale(True, to_point=_whole) if whole else Scale(False, low, high)
        self.schema = {"type": "integer" if whole else "number"}
        if low is not None:
            self.schema["minimum"] = low
        if high is not None:
            self.schema["maximum"] = high

    def read(self, node: Node, fact: Fact) -> Any:
        value = node.value
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (self.whole and not isinstance(value, int))
        ):
            what = "a whole number" if self.whole else "a number"
            raise node.error(f"{fact.id} is {what}, got {describe(value)}")
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise node.error(
                f"{fact.id} is a finite number of at most {MAX_NUMBER:.0e} in size, got {value!r}"
            )
        low, high = self.limits
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"of at least {low}"
            raise node.error(f"{fact.id} is {self.range_noun} {bounds}, got {value!r}")
        return value

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        """A number with a decimal point or comma, perhaps after "ca", and a unit sign or
        word optionally after it."""
        first, _, rest = text.partition(" ")
        number = rest if first.casefold() in APPROXIMATELY and rest else text
        match = _UNIT_WORD.match(number.casefold())
        number = match.group(1) if match else number
        number = number.removesuffix(self.typed_unit).strip()
        if not _NUMBER.match(number):
            raise GranskaError(f"expected a number, got {text!r}", file)
        return float(number.replace(",", ".")) if "," in number or "." in number else int(number)

    def show(self, value: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        return format_number(value) + self.unit

    def text(self, value: Any) -> str:
        if isinstance(value, float) and "e" in repr(value):
            return f"{value:.15f}".rstrip("0")
        return str(value)

    def yaml(self, value: Any) -> str:
        return self.text(value)

    def check_operand(self, node: Node, op: str, fact: Fact, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise node.error(f"{fact.id} is a number, got {value!r}")
        return value

    def random(self, fact: Fact, rng: random.Random) -> Any:
        low, high = self.random_range
        if self.whole:
            return rng.randrange(low, high)
        return round(rng.uniform(low, high), 1)


class CountType(FactType):
    """A count of a total ("9 av 16"), compared by its share."""

    name = "count"
    operators = SHARE_OPERATORS
    value_types = (Count,)
    better_words = ("higher", "lower")
    schema = {"type": "string", "pattern": r"^\s*\d+\s*(av|/|of)\s*\d+\s*$"}  # noqa: RUF012
    scale = Scale(
        False,
        Fraction(0),
        Fraction(1),
        to_value=lambda share: Count(Fraction(share).numerator, Fraction(share).denominator),
        to_bound=float,
    )
    _PATTERN = re.compile(r"^\s*(\d{1,9})\s*(?:av|/|of)\s*(\d{1,9})\s*$")

    def read(self, node: Node, fact: Fact) -> Any:
        match = self._PATTERN.match(node.value) if isinstance(node.value, str) else None
        if match is None:
            raise node.error(
                f"{fact.id} is a count of a total such as '9 av 16', got {describe(node.value)}"
            )
        count, total = int(match.group(1)), int(match.group(2))
        if total == 0 or count > total:
            raise node.error(
                f"{fact.id}: the count must lie between 0 and a total above 0, "
                f"got {count} av {total}"
            )
        return Count(count, total)

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        match = _TYPED_COUNT.match(text.casefold())
        return super().typed("{} av {}".format(*match.groups()) if match else text, fact, file)

    def show(self, value: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        return f"{value.count} av {value.total}"

    def show_bound(self, bound: Any, fact: Fact, vocabulary: Vocabulary) -> str:
        return format_number(bound)  # a share, not a count

    def text(self, value: Any) -> str:
        return f"{value.count} av {value.total}"

    def json(self, value: Any) -> Any:
        return {"count": value.count, "total": value.total}

    def form_inputs(self, value: Any) -> dict[str, str]:
        return {"count": str(value.count), "total": str(value.total)}

    def form_text(self, inputs: dict[str, str]) -> str:
        return f"{inputs['count']} av {inputs['total']}"

    def check_operand(self, node: Node, op: str, fact: Fact, value: Any) -> Any:
        return value  # a share; SHARE_OPERATORS' operands are checked with the operator

    def comparable(self, value: Any, fact: Fact) -> Any:
        return value.share

    def number(self, value: Any) -> Any:
        return value.share if isinstance(value, Count) else value

    def random(self, fact: Fact, rng: random.Random) -> Any:
        total = rng.randrange(1, 30)
        return Count(rng.randrange(0, total + 1), total)


class TextType(FactType):
    """Free text: shown and kept, never tested by a condition."""

    name = "text"
    schema = {"type": "string", "pattern": r"\S"}  # noqa: RUF012

    def read(self, node: Node, fact: Fact) -> Any:
        value = node.value
        if not isinstance(value, str) or not value.strip():
            raise node.error(f"{fact.id} is text, got {describe(value)}")
        return value

    def typed(self, text: str, fact: Fact, file: str, today: date | None = None) -> Any:
        return text

    def read_better(self, node: Node, fact_values: tuple[str, ...]) -> Any:
        raise node.error("text facts have no order")

    def ordered(self, fact: Fact) -> bool:
        return False

    def random(self, fact: Fact, rng: random.Random) -> Any:
        return f"text {rng.randrange(1000)}"


FACT_TYPES: dict[str, FactType] = {
    "bool": BoolType(),
    "enum": EnumType(),
    # The catalogue's numbers are counts, days and years: never negative.
    "integer": NumberType(
        "integer", whole=True, limits=(0, None), range_noun="a number", random_range=(0, 200)
    ),
    "number": NumberType("number", limits=(0, None), range_noun="a number"),
    "percent": NumberType("percent", limits=(0, 100), unit="\u00a0%", range_noun="a percentage"),
    "date": DateType(),
    "count": CountType(),
    "text": TextType(),
}


def of(fact: Fact) -> FactType:
    """The registry entry of a fact's type."""
    return FACT_TYPES[fact.type]


def _of_value(value: Any) -> FactType:
    """The first entry whose values are of `value`'s class (for a value without its fact;
    types sharing a class write it alike)."""
    return next(kind for kind in FACT_TYPES.values() if type(value) in kind.value_types)


def typed_date(text: str, today: date | None = None) -> str | None:
    """A date typed in words or digits as YYYY-MM-DD (its existence is checked later)."""
    folded = text.casefold()
    if folded in RELATIVE_DAYS:
        return ((today or date.today()) + timedelta(days=RELATIVE_DAYS[folded])).isoformat()
    if match := _COMPACT_DATE.match(folded):
        return "-".join(match.groups())
    if (match := _DATE_IN_WORDS.match(folded)) and match.group(2) in _MONTH_NUMBER:
        day, month, year = int(match.group(1)), _MONTH_NUMBER[match.group(2)], match.group(3)
        return f"{year}-{month:02d}-{day:02d}"
    return None


# --- values, by their fact's type ------------------------------------------------------
def is_unknown(value: Any) -> bool:
    """Whether a case's value states the fact as unknown (null or "vet ej")."""
    return value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS)


def read_value(node: Node, fact: Fact) -> Any:
    """The case value of `fact` at `node`, or None when stated as unknown (vet ej)."""
    return None if is_unknown(node.value) else of(fact).read(node, fact)


def format_value(value: Any, fact: Fact | None, vocabulary: Vocabulary) -> str:
    """A fact value as shown in reasoning and reports."""
    if value is None or fact is None:
        return vocabulary.unknown_label
    return of(fact).show(value, fact, vocabulary)


def to_json(value: Any, fact: Fact | None = None) -> Any:
    """A fact value in the JSON contract (a bound of a region of values without its fact)."""
    if value is None:
        return None
    return (of(fact) if fact is not None else _of_value(value)).json(value)


def case_text(value: Any, fact: Fact | None = None) -> str:
    """A fact value as typed: what `read_value` reads back as `value` (unquoted)."""
    if value is None:
        return UNKNOWN_WORDS[0]
    return (of(fact) if fact is not None else _of_value(value)).text(value)


def yaml_text(value: Any, fact: Fact | None = None) -> str:
    """A fact value as a case file's YAML scalar: the one way granska writes a value."""
    if value is None:
        return UNKNOWN_WORDS[0]
    return (of(fact) if fact is not None else _of_value(value)).yaml(value)


# --- numbers in Swedish ----------------------------------------------------------------
def format_number(value: float | int, decimals: int = 1) -> str:
    """A number in Swedish form: decimal comma, thin space between thousands."""
    if isinstance(value, int) or float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def count_noun(count: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number (the nouns come from the vocabulary)."""
    return f"{count} {singular if count == 1 else plural}"
