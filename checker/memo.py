"""The one bounded cache: what cases share (bound criteria, tables, citations, verdict
aggregates) is remembered up to a limit, the oldest entries forgotten first."""

from __future__ import annotations

from typing import Any


class Memo(dict):
    """A dict that keeps at most `limit` entries."""

    def __init__(self, limit: int = 4096) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, key: Any, value: Any) -> Any:
        """Store and return `value`, forgetting the oldest entry when full."""
        if key not in self and len(self) >= self.limit:
            del self[next(iter(self))]
        self[key] = value
        return value
