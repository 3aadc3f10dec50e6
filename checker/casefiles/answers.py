"""Typed answers: what someone types at a prompt or into a form, read as a case file's value.

The one reader of typed answers, for the terminal questionnaire and the web form alike.
An answer is parsed by the case file's YAML loader and then by `values.read_value`, so
"ja", "2021-10-20", "9 av 16" or "vet ej" mean exactly what they mean in a case file.
Two conveniences a person typing needs are added before that: a number is written with
a decimal point or comma (36,2) and an optional trailing per cent sign, and an enum's
value is chosen by its label or number.
"""

from __future__ import annotations

import re
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import Node
from checker.files.strict_yaml import parse_yaml
from checker.language.values import UNKNOWN_WORDS, read_value
from checker.model import Fact

ANSWER_FILE = "<svar>"
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def is_unknown(text: str) -> bool:
    """Whether the answer states the fact as explicitly unknown (vet ej)."""
    return text.strip().lower() in UNKNOWN_WORDS


def parse_answer(text: str, fact: Fact) -> Any:
    """The value of `fact` the answer states, None for "vet ej"; GranskaError if unreadable."""
    stripped = text.strip()
    if not stripped:
        raise GranskaError("empty answer", ANSWER_FILE)
    if is_unknown(stripped):
        return None
    if fact.type == "text":
        raw: Any = stripped
    elif fact.type == "enum" and _enum_value(stripped, fact) is not None:
        raw = _enum_value(stripped, fact)
    elif fact.type in ("number", "percent", "integer"):
        raw = _number(stripped.removesuffix("%").strip())
    else:
        raw = parse_yaml(stripped, ANSWER_FILE)
        if raw is None:
            raise GranskaError("no value", ANSWER_FILE)
    return read_value(Node(raw, ANSWER_FILE), fact)


def _number(text: str) -> int | float:
    """A number written with a decimal point or comma; GranskaError otherwise."""
    if not _NUMBER.match(text):
        raise GranskaError(f"expected a number, got {text!r}", ANSWER_FILE)
    return float(text.replace(",", ".")) if "," in text or "." in text else int(text)


def _enum_value(text: str, fact: Fact) -> str | None:
    """The enum value named by its id, its label (any case) or its number from 1."""
    if text in fact.values:
        return text
    for value in fact.values:
        if fact.label(value).casefold() == text.casefold():
            return value
    if text.isdigit() and 1 <= int(text) <= len(fact.values):
        return fact.values[int(text) - 1]
    return None


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, given by name or by its number from 1; GranskaError otherwise."""
    stripped = text.strip()
    if stripped in choices:
        return stripped
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1]
    raise GranskaError(f"expected one of {', '.join(choices)}", ANSWER_FILE)
