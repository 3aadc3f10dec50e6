"""Reading parsed YAML through closed schemas, with located errors."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from checker.errors import GranskaError
from checker.files.strict_yaml import Located, LocatedList

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The dates granska reads: wide enough for any law, case or audit it deals with, narrow
# enough that date arithmetic and file formats (ZIP stamps in DOCX) stay in range.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATE_RANGE = f"from {EARLIEST_DATE} to {LATEST_DATE}"


def suggest(word: str, choices: Any) -> str:
    """A ' (did you mean X?)' suffix, or ''."""
    close = difflib.get_close_matches(str(word), sorted(map(str, choices)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parse_date(text: Any) -> date | None:
    """An ISO date from text, or None when it is not one or lies outside DATE_RANGE."""
    if isinstance(text, date):
        parsed = text
    elif not isinstance(text, str) or not _ISO_DATE.match(text):
        return None
    else:
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            return None
    return parsed if EARLIEST_DATE <= parsed <= LATEST_DATE else None


@dataclass(frozen=True)
class Node:
    """A parsed value with the file, line and field path it came from."""

    value: Any
    file: str
    line: int | None = None
    path: str = ""

    def __init__(self, value: Any, file: str, line: int | None = None, path: str = "") -> None:
        # a case makes a Node per value it holds: set the fields straight, not through the
        # frozen dataclass's one object.__setattr__ call each
        fields = self.__dict__
        fields["value"], fields["file"], fields["line"], fields["path"] = value, file, line, path

    def error(self, message: str) -> GranskaError:
        return GranskaError(message, self.file, self.line, self.path or None)

    def _child(self, key: Any, value: Any) -> Node:
        line = self.line
        if isinstance(self.value, (Located, LocatedList)):
            line = self.value.line_of(key)
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else str(key)
        return Node(value, self.file, line, path)

    # --- mappings ---------------------------------------------------------------
    def mapping(self, required: tuple = (), optional: tuple = ()) -> dict[str, Node]:
        """The value as a closed mapping: every required key present, no unknown key."""
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {describe(self.value)}")
        allowed = set(required) | set(optional)
        for key in self.value:
            if key not in allowed:
                raise self._child(key, None).error(
                    f"unknown key {key!r}{suggest(key, allowed)}; expected one of: "
                    + ", ".join(sorted(allowed))
                )
        for key in required:
            if key not in self.value:
                raise self.error(f"missing required key {key!r}")
        return {key: self._child(key, value) for key, value in self.value.items()}

    def items(self) -> Iterator[tuple[str, Node]]:
        """An open mapping's entries (keys checked to be text)."""
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {describe(self.value)}")
        for key, value in self.value.items():
            if not isinstance(key, str):
                raise self._child(key, value).error(f"expected a text key, got {key!r}")
            yield key, self._child(key, value)

    # --- sequences --------------------------------------------------------------
    def sequence(self) -> list[Node]:
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {describe(self.value)}")
        return [self._child(index, value) for index, value in enumerate(self.value)]

    # --- scalars ----------------------------------------------------------------
    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"expected non-empty text, got {describe(self.value)}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {describe(self.value)}")
        return self.value

    def number(self) -> float | int:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise self.error(f"expected a number, got {describe(self.value)}")
        return self.value

    def date(self) -> date:
        parsed = parse_date(self.value)
        if parsed is None:
            raise self.error(
                f"expected a date YYYY-MM-DD ({DATE_RANGE}), got {describe(self.value)}"
            )
        return parsed

    def choice(self, choices: Any) -> str:
        if self.value not in choices:
            raise self.error(
                f"expected one of {', '.join(map(str, choices))}, "
                f"got {describe(self.value)}{suggest(self.value, choices)}"
            )
        return self.value

    def text_list(self) -> tuple[str, ...]:
        if isinstance(self.value, str):
            return (self.text(),)
        return tuple(item.text() for item in self.sequence())


def describe(value: Any) -> str:
    """A short description of a parsed value for error messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
