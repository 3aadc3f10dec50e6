"""Findings a rule file accepts, with the reason: `lint: {ignore: [check-id], reason: …}`.

At the top of a rule file it covers the whole file; inside a fact, criterion or parameter,
that entry's lines. A suppression without a reason, or naming no known check, is itself
an error (`lint-suppression`); a suppressed finding is still listed, with its reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import GranskaError
from checker.files.strict_yaml import load_yaml
from checker.lint.index import Place, line_in
from checker.lint.messages import Message, close_match, said
from checker.lint.model import Subject

KEY = "lint"


@dataclass(frozen=True)
class Suppression:
    file: str
    first: int  # the lines it covers, first to last
    last: float
    checks: tuple[str, ...]
    reason: str

    def covers(self, file: str, line: int, check: str) -> bool:
        return file == self.file and self.first <= line <= self.last and check in self.checks


def _scopes(subject: Subject) -> Iterator[tuple[str, int, float, Any, int]]:
    """(file, first line, last line, the `lint:` value, its line) of every `lint:`."""
    index = subject.index
    files = sorted(
        {
            entry.file
            for entries in (index.facts, index.criteria, index.parameters, index.audits)
            for entry in entries.values()
        }
    )
    for file in files:
        try:
            document = load_yaml(Path(file))
        except GranskaError:
            continue  # reported by the check `load`
        if isinstance(document, dict) and KEY in document:
            yield file, 1, math.inf, document[KEY], line_in(document, KEY, 1)
    entries = [*index.facts.values(), *index.criteria.values(), *index.parameters.values()]
    starts: dict[str, list[int]] = {}
    for entry in [*entries, *index.recommendations.values()]:
        starts.setdefault(entry.file, []).append(entry.line)
    for entry in entries:
        if isinstance(entry.value, dict) and KEY in entry.value:
            later = [line for line in starts[entry.file] if line > entry.line]
            last = min(later) - 1 if later else math.inf
            yield (
                entry.file,
                entry.line,
                last,
                entry.value[KEY],
                line_in(entry.value, KEY, entry.line),
            )


def read(subject: Subject, known: tuple[str, ...]) -> tuple[list[Suppression], list]:
    """The suppressions of the rule files, and the (place, message) of each malformed one."""
    suppressions, problems = [], []
    for file, first, last, value, line in _scopes(subject):
        place = Place(file, line)
        if (
            not isinstance(value, dict)
            or set(value) - {"ignore", "reason"}
            or "ignore" not in value
        ):
            problems.append((place, said("suppression-shape")))
            continue
        checks = value["ignore"]
        checks = tuple(checks) if isinstance(checks, list) else (checks,)
        unknown = [check for check in checks if check not in known]
        for check in unknown:
            problems.append(
                (
                    place,
                    said(
                        "suppression-unknown-check",
                        name=str(check),
                        close=close_match(check, known),
                    ),
                )
            )
        reason = value.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(
                (place, said("suppression-without-reason", checks=tuple(map(str, checks))))
            )
            continue
        suppressions.append(Suppression(file, first, last, checks, " ".join(reason.split())))
    return suppressions, problems


def malformed(subject: Subject) -> Iterator[tuple[Place, Message]]:
    """The `lint-suppression` check: every malformed suppression."""
    yield from read(subject, subject.memo["check_ids"])[1]
