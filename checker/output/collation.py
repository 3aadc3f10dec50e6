"""Swedish alphabetical order without the system locale: a–z, then å, ä, ö.

Numbers inside a text compare by value ("4 kap." before "11 kap."), case and accents
other than å ä ö only break ties, so the order is the same on every machine.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_LETTERS = "abcdefghijklmnopqrstuvwxyzåäö"
# Letters a Swedish dictionary files under another one (æ as ä, ø as ö, ü as y).
_FILED_AS = {"æ": "ä", "ø": "ö", "ü": "y"}
_TOKEN = re.compile(r"\d+|\D")

_PUNCTUATION, _NUMBER, _LETTER = 0, 1, 2


def _letter_rank(char: str) -> int | None:
    char = _FILED_AS.get(char, char)
    if char in _LETTERS:
        return _LETTERS.index(char)
    base = unicodedata.normalize("NFD", char)[:1]
    return _LETTERS.index(base) if base and base in _LETTERS[:26] else None


def _primary(text: str) -> tuple[tuple[int, int], ...]:
    weights = []
    for token in _TOKEN.findall(unicodedata.normalize("NFC", text).casefold()):
        if token.isdigit():
            weights.append((_NUMBER, int(token)))
            continue
        rank = _letter_rank(token)
        weights.append((_PUNCTUATION, ord(token)) if rank is None else (_LETTER, rank))
    return tuple(weights)


def swedish_key(text: str) -> tuple:
    """A sort key ordering texts as a Swedish dictionary does; ties fall back to the text."""
    return (_primary(text), text)


def swedish_sorted(texts: Iterable[str]) -> list[str]:
    """The texts in Swedish alphabetical order."""
    return sorted(texts, key=swedish_key)
