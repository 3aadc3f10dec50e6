"""Typed answers: what someone types at a prompt or into a form, read as a case file's value.

The one reader of typed answers, for the terminal questionnaire and the web form alike.
An answer is read by its fact type's `typed` (the case file's YAML loader, with the
conveniences a person typing needs: a number with a decimal point or comma and an
optional unit sign, an enum's value by its label or number) and then by
`facttypes.read_value`, so "ja", "2021-10-20", "9 av 16" or "vet ej" mean exactly what
they mean in a case file.

Before that, what a person types is read as they mean it: "j" and "n" for ja and nej,
"vet inte" for vet ej; a date as "idag", "igår", "1 jan 2024", "12 mars 2024" or
20240312; a number with an approximation ("ca 30") or a unit word after it ("30 dagar");
a count as "9/16" or "9 av 16 akter". The words are those of the case files' language.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import Node, parse_date
from checker.language import facttypes
from checker.language.facttypes import UNKNOWN_WORDS, read_value
from checker.model import Fact

ANSWER_FILE = "<svar>"
# Typed words and what they stand for.
UNKNOWN_TYPED = (*UNKNOWN_WORDS, "vet inte", "okänt")
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
_COUNT = re.compile(r"^(\d+)\s*(?:av|/)\s*(\d+)(?:\s+[a-zåäö]+)?$")


def is_unknown(text: str) -> bool:
    """Whether the answer states the fact as explicitly unknown (vet ej)."""
    return " ".join(text.split()).casefold() in UNKNOWN_TYPED


def parse_answer(text: str, fact: Fact, today: date | None = None) -> Any:
    """The value of `fact` the answer states, None for "vet ej"; GranskaError if unreadable.

    `today` is the date "idag" means (default: the computer's date)."""
    stripped = " ".join(text.split())
    if not stripped:
        raise GranskaError("empty answer", ANSWER_FILE)
    if is_unknown(stripped):
        return None
    typed = _as_written(stripped, fact, today)
    raw = facttypes.of(fact).typed(typed, fact, ANSWER_FILE)
    return read_value(Node(raw, ANSWER_FILE), fact)


def read_date(text: str, today: date | None = None) -> date | None:
    """A date typed as an answer ("2024-03-12", "12 mars 2024", "idag"); None if unreadable."""
    stripped = " ".join(text.split())
    return parse_date(_typed_date(stripped, today) or stripped)


def _as_written(text: str, fact: Fact, today: date | None) -> str:
    """What a person typed, as a case file writes it; unchanged when it is no typed word."""
    folded = text.casefold()
    if fact.type == "bool":
        return BOOLEAN_TYPED.get(folded, folded)
    if fact.type == "date":
        return _typed_date(text, today) or text
    if fact.type == "count" and (match := _COUNT.match(folded)):
        return "{} av {}".format(*match.groups())
    if fact.type in ("number", "percent", "integer"):
        first, _, rest = text.partition(" ")
        number = rest if first.casefold() in APPROXIMATELY and rest else text
        match = _UNIT_WORD.match(number.casefold())
        return match.group(1) if match else number
    return text


def _typed_date(text: str, today: date | None) -> str | None:
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


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, given by name or by its number from 1; GranskaError otherwise."""
    stripped = text.strip()
    if stripped in choices:
        return stripped
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1]
    raise GranskaError(f"expected one of {', '.join(choices)}", ANSWER_FILE)
