"""What a lint check sees and what it reports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from checker.lint.index import Place, RuleIndex
from checker.lint.messages import Message
from checker.model import RuleBase

LEVELS = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Finding:
    """One finding, worded: where, which check, how grave, what; and, when a rule file
    accepts it (`lint: {ignore, reason}`), the reason."""

    file: str
    line: int
    check: str
    level: str
    message: str
    suppressed: str = ""


@dataclass(frozen=True)
class Subject:
    """The rules under check: as written (`index`) and as loaded (`rules`, None when the
    loader rejects them; the checks that need it are then skipped)."""

    index: RuleIndex
    rules: RuleBase | None
    memo: dict = field(default_factory=dict, compare=False)  # results shared by checks


@dataclass(frozen=True)
class Check:
    """One registered check: an id, a level, what it finds, and the function finding it.

    The function yields (place, message) pairs; `needs_rules` checks run only when the
    rules load."""

    id: str
    level: str
    description: str
    find: Callable[[Subject], Iterable[tuple[Place, Message]]]
    needs_rules: bool = False
