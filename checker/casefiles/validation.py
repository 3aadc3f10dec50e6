"""`granska validate`: check case files without judging them, every error of a file at once.

A case file is read by the same loader `granska check` uses. Where an error sits in one
fact, parameter or other entry that the rest of the file does not depend on, that entry
is set aside and the file read again, so one run reports every such error; an error in
the case's header (kommun, period, audit, nämnder) ends the file's reading. A file that
reads cleanly is then checked for facts its audit template does not read: they are
warnings, since they would silently not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.casefiles.fact_order import with_prerequisites_first
from checker.errors import GranskaError
from checker.evaluation.evaluate import case_criteria
from checker.files.strict_yaml import load_yaml
from checker.language import conditions
from checker.loading.cases import case_from_data
from checker.model import Case, RuleBase

# Top-level keys whose entries are independent of each other: an error in one entry sets
# that entry aside; an error in the key itself, or in any other key, ends the reading.
_ENTRY_KEYS = ("facts", "parametrar", "ej_granskat")
_WHOLE_KEYS = ("förväntat", "uppföljning")


@dataclass
class Validation:
    """What checking one case file found."""

    file: str
    errors: list[GranskaError] = field(default_factory=list)
    warnings: list[GranskaError] = field(default_factory=list)


def validate_file(path: Path, rules: RuleBase, audit: str | None = None) -> Validation:
    """Every error and warning of one case file."""
    found = Validation(str(path))
    try:
        data = load_yaml(Path(path))
    except GranskaError as error:
        found.errors.append(error)
        return found
    for _attempt in range(_entries(data) + 1):
        try:
            case = case_from_data(data, str(path), rules, audit)
        except GranskaError as error:
            found.errors.append(error)
            if not _set_aside(data, error.path or ""):
                return found
        else:
            found.warnings.extend(unread_facts(rules, case))
            return found
    return found


def unread_facts(rules: RuleBase, case: Case) -> list[GranskaError]:
    """A warning for each stated fact that no criterion of the case reads."""
    read = set(
        with_prerequisites_first(
            rules,
            sorted(
                fact_id
                for criterion in case_criteria(rules, case)
                for fact_id in conditions.criterion_facts(criterion)
            ),
        )
    )
    return [
        GranskaError(
            f"{fact.id} is read by no criterion of the audit {case.audit!r}: it does not count",
            case.file,
            fact.line or None,
            f"facts.{fact.id}",
        )
        for fact in case.facts.values()
        if fact.id not in read
    ]


def _entries(data: Any) -> int:
    if not isinstance(data, dict):
        return 0
    return sum(len(data[key]) for key in _ENTRY_KEYS if isinstance(data.get(key), dict)) + len(
        _WHOLE_KEYS
    )


def _set_aside(data: Any, path: str) -> bool:
    """Remove the entry an error's field path points into; False when there is none."""
    if not isinstance(data, dict):
        return False
    for key in _WHOLE_KEYS:
        if (path == key or path.startswith((f"{key}.", f"{key}["))) and key in data:
            del data[key]
            return True
    for key in _ENTRY_KEYS:
        entries = data.get(key)
        if not isinstance(entries, dict) or not path.startswith(f"{key}."):
            continue
        rest = path[len(key) + 1 :]
        for entry in entries:
            if rest == entry or rest.startswith(f"{entry}."):
                del entries[entry]
                return True
    return False
