"""The one bounded cache: what cases share (bound criteria, tables, citations, verdict
aggregates) is remembered up to a limit, the oldest entries forgotten first."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


class Memo(OrderedDict):
    """A dict that keeps at most `limit` entries.

    An OrderedDict, because forgetting the oldest entry of a plain dict (`next(iter())`)
    walks over the slots of every entry deleted before it: once full, each new entry
    would cost time in proportion to the entries already forgotten."""

    def __init__(self, limit: int = 4096) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: Any, value: Any) -> Any:
        """Store and return `value`, forgetting the oldest entry when full."""
        if key not in self and len(self) >= self.limit:
            self.popitem(last=False)
        self[key] = value
        return value
