"""The one error type: bad input located by file, line and field path."""

from __future__ import annotations


class GranskaError(Exception):
    """Bad input (a rule or case file, or an option); exit code 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.path = path

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
        parts = [p for p in (where, self.path) if p]
        return ": ".join([*parts, self.message])
