"""The words of lint's findings: a check says what it found as a message id and its
values; reports/lint.messages.j2 words it in Swedish, one macro per message id."""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

from checker.bounds.monotonicity import Message
from checker.output.environment import template_environment

__all__ = ["Message", "close_match", "said", "text"]


def said(key: str, **values: Any) -> Message:
    """A message `key` with its values (each hashable: text, a number, a tuple)."""
    return Message(key, tuple(sorted(values.items())))


def close_match(word: Any, choices: Any) -> str:
    """The choice closest to `word`, for a "menade du …?", or ''."""
    close = difflib.get_close_matches(str(word), sorted(map(str, choices)), n=1, cutoff=0.6)
    return close[0] if close else ""


@cache
def _macros() -> Any:
    return template_environment().get_template("lint.messages.j2").module


def text(message: Message | str) -> str:
    """The message in words (a check not yet giving a Message keeps its own text)."""
    if isinstance(message, str):
        return message
    macro = getattr(_macros(), message.key.replace("-", "_"))
    return " ".join(str(macro(**dict(message.values))).split())
