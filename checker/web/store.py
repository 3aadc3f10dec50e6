"""The cases directory: safe names, listing, reading with a hash, and atomic saves.

The case file is the single source of truth. Every page is rendered from the file as it
is on disk; a save re-reads it, refuses when its hash differs from the one the form was
rendered from (someone edited it meanwhile), and writes the new text atomically after
re-reading and validating it.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker.casefiles.drafts import write_case
from checker.errors import GranskaError
from checker.files.strict_yaml import MAX_FILE_BYTES, read_regular_file
from checker.loading.cases import case_from_text
from checker.model import Case, RuleBase

CASE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.ya?ml$")
MAX_NAME_BYTES = 255  # the longest file name common file systems hold
_SLUG_LETTERS = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


class UnsafeName(Exception):
    """A case name that is not a plain file name inside the cases directory."""


class Conflict(Exception):
    """The case file changed since the form was rendered."""


@dataclass(frozen=True)
class Snapshot:
    """A case file as read once: its text, the hash of its bytes, and the case or error."""

    name: str
    text: str
    digest: str
    case: Case | None
    error: GranskaError | None


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def slug(text: str) -> str:
    """A file-name stem from free text: lower case ASCII letters, digits and hyphens."""
    folded = text.lower().translate(_SLUG_LETTERS)
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "kommun"


class CaseStore:
    """The case files of one directory, written one at a time."""

    def __init__(self, directory: Path, rules: RuleBase) -> None:
        self.directory = Path(directory).resolve()
        self.rules = rules
        self._lock = threading.Lock()

    def path_of(self, name: str) -> Path:
        """The file for a case name; UnsafeName unless it is a plain name in the directory."""
        if not CASE_NAME.match(name) or ".." in name or len(name.encode()) > MAX_NAME_BYTES:
            raise UnsafeName(name)
        path = self.directory / name
        if path.is_symlink() or path.resolve().parent != self.directory:
            raise UnsafeName(name)
        return path

    def names(self) -> list[str]:
        """The case files of the directory, sorted."""
        return sorted(
            path.name
            for path in self.directory.iterdir()
            if path.is_file() and not path.is_symlink() and CASE_NAME.match(path.name)
        )

    def read(self, name: str) -> Snapshot:
        """The case file as it is now, read once; FileNotFoundError when there is none.

        A file that cannot be read (not a regular file, unreadable, too large, not UTF-8)
        gives a snapshot with the error, like a file that is not a valid case.
        """
        path = self.path_of(name)
        try:
            data = read_regular_file(path, MAX_FILE_BYTES)
        except GranskaError as problem:
            if not os.path.lexists(path):
                raise FileNotFoundError(name) from None
            return Snapshot(name, "", digest_of(b""), None, problem)
        try:
            case, error = self._case(path, data), None
        except GranskaError as problem:
            case, error = None, problem
        return Snapshot(name, data.decode("utf-8", errors="replace"), digest_of(data), case, error)

    def _case(self, path: Path, data: bytes) -> Case:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise GranskaError(f"not UTF-8 text ({error.reason})", str(path), line) from None
        return case_from_text(text, str(path), self.rules)

    def save(self, name: str, expected_digest: str, text: str) -> None:
        """Replace the file with `text` if it still has `expected_digest`.

        The hash is compared as the last step of the write, after the new text has been
        validated and just before the rename, so an edit made by hand meanwhile is never
        replaced. Raises Conflict when the file changed, GranskaError when `text` is not a
        valid case (the file is then untouched).
        """
        path = self.path_of(name)

        def unchanged() -> None:
            try:
                current = digest_of(read_regular_file(path, MAX_FILE_BYTES))
            except GranskaError:
                current = ""
            if current != expected_digest:
                raise Conflict(name)

        with self._lock:
            unchanged()
            self._write(path, text, unchanged)

    def create(self, stem: str, text: str) -> str:
        """Write a new case file named after `stem`, never over an existing one."""
        with self._lock:
            for number in range(1, 1000):
                name = f"{stem}.yaml" if number == 1 else f"{stem}-{number}.yaml"
                path = self.path_of(name)
                if not path.exists():
                    self._write(path, text)
                    return name
        raise GranskaError("too many case files with this name", str(self.directory))

    def _write(self, path: Path, text: str, last_check: Callable[[], None] | None = None) -> None:
        """Write a validated case; `last_check` runs after validation, before the rename."""
        write_case(path, text, self.rules, check=lambda _case: last_check and last_check())
