"""Fact values: reading them from a case by the fact's type, and showing them."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from checker.files.nodes import Node, describe, parse_date, suggest
from checker.files.strict_yaml import scalar
from checker.model import Count, Fact, Vocabulary

_COUNT = re.compile(r"^\s*(\d+)\s*(?:av|/|of)\s*(\d+)\s*$")
_SWEDISH_BOOLEANS = {"ja": True, "nej": False}
UNKNOWN_WORDS = ("vet ej",)


def read_value(node: Node, fact: Fact) -> Any:
    """The case value of `fact` at `node`, or None when stated as unknown (vet ej)."""
    value = node.value
    if value is None or (isinstance(value, str) and value.strip().lower() in UNKNOWN_WORDS):
        return None
    kind = fact.type
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _SWEDISH_BOOLEANS:
            return _SWEDISH_BOOLEANS[value.lower()]
        raise node.error(
            f"{fact.id} is ja or nej (true or false), or 'vet ej'; got {describe(value)}"
        )
    if kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            raise node.error(f"{fact.id} is a date YYYY-MM-DD that exists, got {describe(value)}")
        return parsed
    if kind in ("integer", "number", "percent"):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (kind == "integer" and not isinstance(value, int))
        ):
            what = "a whole number" if kind == "integer" else "a number"
            raise node.error(f"{fact.id} is {what}, got {describe(value)}")
        if kind == "percent" and not 0 <= value <= 100:
            raise node.error(f"{fact.id} is a percentage from 0 to 100, got {value!r}")
        return value
    if kind == "count":
        return _read_count(node, fact)
    if kind == "enum":
        if value not in fact.values:
            raise node.error(
                f"{fact.id} takes one of {', '.join(fact.values)} or 'vet ej', "
                f"got {describe(value)}{suggest(value, fact.values)}"
            )
        return value
    if not isinstance(value, str) or not value.strip():
        raise node.error(f"{fact.id} is text, got {describe(value)}")
    return value


def _read_count(node: Node, fact: Fact) -> Count:
    match = _COUNT.match(node.value) if isinstance(node.value, str) else None
    if match is None:
        raise node.error(
            f"{fact.id} is a count of a total such as '9 av 16', got {describe(node.value)}"
        )
    count, total = int(match.group(1)), int(match.group(2))
    if total == 0 or count > total:
        raise node.error(
            f"{fact.id}: the count must lie between 0 and a total above 0, got {count} av {total}"
        )
    return Count(count, total)


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


def format_value(value: Any, fact: Fact | None, vocabulary: Vocabulary) -> str:
    """A fact value as shown in reasoning and reports."""
    if value is None:
        return vocabulary.unknown_label
    if isinstance(value, bool):
        return vocabulary.boolean_labels[value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Count):
        return f"{value.count} av {value.total}"
    if isinstance(value, (int, float)):
        suffix = "\u00a0%" if fact is not None and fact.type == "percent" else ""
        return format_number(value) + suffix
    if fact is not None and fact.type == "enum":
        return fact.label(value)
    return str(value)


def to_json(value: Any) -> Any:
    """A fact value in the JSON contract."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Count):
        return {"count": value.count, "total": value.total}
    return value


def case_text(value: Any) -> str:
    """A fact value as typed: what `read_value` reads back as `value` (unquoted)."""
    if value is None:
        return UNKNOWN_WORDS[0]
    if isinstance(value, bool):
        return next(word for word, meaning in _SWEDISH_BOOLEANS.items() if meaning is value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Count):
        return f"{value.count} av {value.total}"
    if isinstance(value, float) and "e" in repr(value):
        return f"{value:.15f}".rstrip("0")
    return str(value)


def yaml_text(value: Any) -> str:
    """A fact value as a case file's YAML scalar: the one way granska writes a value."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return case_text(value)
    return scalar(case_text(value))
