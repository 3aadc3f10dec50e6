"""Typed answers: what someone types at a prompt or into a form, read as a case file's value.

The one reader of typed answers, for the terminal questionnaire and the web form alike.
An answer is read by its fact type's `typed` (the case file's YAML loader, with the
conveniences a person typing needs: a number with a decimal point or comma and an
optional unit sign, an enum's value by its label or number) and then by
`facttypes.read_value`, so "ja", "2021-10-20", "9 av 16" or "vet ej" mean exactly what
they mean in a case file.
"""

from __future__ import annotations

import re
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import Node
from checker.language import facttypes
from checker.language.facttypes import UNKNOWN_WORDS, read_value
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
    raw = facttypes.of(fact).typed(stripped, fact, ANSWER_FILE)
    return read_value(Node(raw, ANSWER_FILE), fact)


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, given by name or by its number from 1; GranskaError otherwise."""
    stripped = text.strip()
    if stripped in choices:
        return stripped
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1]
    raise GranskaError(f"expected one of {', '.join(choices)}", ANSWER_FILE)
