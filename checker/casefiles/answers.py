"""Typed answers: what someone types at a prompt or into a form, read as a case file's value.

The one reader of typed answers, for the terminal questionnaire and the web form alike.
An answer is read by its fact type's `typed` (in the registry, checker.language.facttypes)
and then by `facttypes.read_value`, so "ja", "2021-10-20", "9 av 16" or "vet ej" mean
exactly what they mean in a case file. `typed` first reads what a person types as they
mean it: "j" and "n" for ja and nej; a date as "idag", "igår", "1 jan 2024", "12 mars
2024" or 20240312; a number with a decimal comma, an approximation ("ca 30"), a unit sign
or word after it ("30 %", "30 dagar"); a count as "9/16" or "9 av 16 akter"; an enum's
value by its label or number. "vet inte" is read as vet ej. The words are those of the
case files' language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import Node, parse_date
from checker.language import facttypes
from checker.language.facttypes import UNKNOWN_WORDS, read_value
from checker.model import Fact

ANSWER_FILE = "<svar>"
# Typed words and what they stand for.
UNKNOWN_TYPED = (*UNKNOWN_WORDS, "vet inte", "okänt")


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
    raw = facttypes.of(fact).typed(stripped, fact, ANSWER_FILE, today)
    return read_value(Node(raw, ANSWER_FILE), fact)


def read_date(text: str, today: date | None = None) -> date | None:
    """A date typed as an answer ("2024-03-12", "12 mars 2024", "idag"); None if unreadable."""
    stripped = " ".join(text.split())
    return parse_date(facttypes.typed_date(stripped, today) or stripped)


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, given by name or by its number from 1; GranskaError otherwise."""
    stripped = text.strip()
    if stripped in choices:
        return stripped
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1]
    raise GranskaError(f"expected one of {', '.join(choices)}", ANSWER_FILE)
