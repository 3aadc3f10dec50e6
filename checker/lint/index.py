"""The rule files as written: every id, reference and template with its file and line.

Lint reads the YAML itself rather than the loaded rule base, so that it can report every
defect at once (the loader stops at the first) and point at the exact line. It is
tolerant: a part that does not have the expected shape is skipped here, and the
loader's own error reports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import GranskaError
from checker.files.strict_yaml import Located, LocatedList, load_yaml


@dataclass(frozen=True)
class Entry:
    """One defined thing (fact, criterion, source …): its id, raw value and place."""

    id: str
    value: Any
    file: str
    line: int


@dataclass(frozen=True)
class Place:
    """Where something is written."""

    file: str
    line: int


def line_in(mapping: Any, key: Any, default: int) -> int:
    """The line of `key` in a parsed mapping or list, else `default`."""
    if isinstance(mapping, (Located, LocatedList)):
        return mapping.line_of(key) or default
    return default


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


@dataclass
class RuleIndex:
    """Everything lint checks, read from a rules directory and an optional overlay."""

    directory: Path
    vocabulary: Entry | None = None
    sources: dict[str, Entry] = field(default_factory=dict)
    provisions: dict[str, Entry] = field(default_factory=dict)
    facts: dict[str, Entry] = field(default_factory=dict)
    fact_aliases: dict[str, Entry] = field(default_factory=dict)  # alias -> the fact
    parameters: dict[str, Entry] = field(default_factory=dict)
    recommendations: dict[str, Entry] = field(default_factory=dict)
    criteria: dict[str, Entry] = field(default_factory=dict)
    criterion_aliases: dict[str, Entry] = field(default_factory=dict)
    audits: dict[str, Entry] = field(default_factory=dict)
    questions: dict[tuple[str, str], Entry] = field(default_factory=dict)  # (audit, id)
    duplicates: list[tuple[str, Entry, Entry]] = field(default_factory=list)
    unreadable: list[GranskaError] = field(default_factory=list)
    overlay_files: set[str] = field(default_factory=set)
    reading_overlay: bool = False

    # --- reading ------------------------------------------------------------------
    def read(self, directory: Path, overlay: bool = False) -> None:
        """Add a rules directory's files; an overlay's entries replace by id."""
        self.reading_overlay = overlay
        if not overlay:
            vocabulary = self._load(directory / "vocabulary.yaml")
            if isinstance(vocabulary, dict):
                self.vocabulary = Entry(
                    "vocabulary", vocabulary, str(directory / "vocabulary.yaml"), 1
                )
        sources = self._load(directory / "sources.yaml", optional=overlay)
        path = str(directory / "sources.yaml")
        self._add_all("source", self.sources, _mapping(_mapping(sources).get("sources")), path)
        self._add_all(
            "provision", self.provisions, _mapping(_mapping(sources).get("provisions")), path
        )
        for file in sorted((directory / "facts").glob("*.yaml")):
            facts = _mapping(_mapping(self._load(file)).get("facts"))
            self._add_all("fact", self.facts, facts, str(file))
            for fact_id, fact in facts.items():
                for alias in _texts(_mapping(fact).get("aliases")):
                    self._add(
                        "fact alias",
                        self.fact_aliases,
                        Entry(alias, fact_id, str(file), line_in(facts, fact_id, 1)),
                    )
        for file in sorted((directory / "criteria").glob("*.yaml")):
            document = _mapping(self._load(file))
            for kind, target, key in (
                ("parameter", self.parameters, "parameters"),
                ("recommendation", self.recommendations, "recommendations"),
                ("criterion", self.criteria, "criteria"),
            ):
                self._add_all(kind, target, _mapping(document.get(key)), str(file))
            for criterion_id, criterion in _mapping(document.get("criteria")).items():
                for alias in _texts(_mapping(criterion).get("aliases")):
                    self._add(
                        "criterion alias",
                        self.criterion_aliases,
                        Entry(
                            alias,
                            criterion_id,
                            str(file),
                            line_in(document["criteria"], criterion_id, 1),
                        ),
                    )
        for file in sorted((directory / "audits").glob("*.yaml")):
            self._read_audit(file, overlay)

    def _read_audit(self, file: Path, overlay: bool) -> None:
        document = self._load(file)
        if not isinstance(document, dict):
            return
        audit_id = document.get("audit" if overlay else "id")
        if not isinstance(audit_id, str):
            return
        if not overlay:
            self._add("audit", self.audits, Entry(audit_id, document, str(file), 1))
        questions = document.get("questions")
        for position, question in enumerate(questions if isinstance(questions, list) else []):
            question_id = _mapping(question).get("id")
            if isinstance(question_id, str):
                self._add(
                    "question",
                    self.questions,
                    Entry(question_id, question, str(file), line_in(questions, position, 1)),
                    key=(audit_id, question_id),
                )

    def _load(self, path: Path, optional: bool = False) -> Any:
        if optional and not path.is_file():
            return None
        try:
            return load_yaml(path)
        except GranskaError as error:
            self.unreadable.append(error)
            return None

    def _add_all(self, kind: str, target: dict, mapping: dict, file: str) -> None:
        for key, value in mapping.items():
            if isinstance(key, str):
                self._add(kind, target, Entry(key, value, file, line_in(mapping, key, 1)))

    def _add(self, kind: str, target: dict, entry: Entry, key: Any = None) -> None:
        """Add an entry; the same id twice in one layer is a duplicate, while an overlay's
        entry replaces the shipped one."""
        key = entry.id if key is None else key
        first = target.get(key)
        if first is not None and (first.file in self.overlay_files) == self.reading_overlay:
            self.duplicates.append((kind, first, entry))
        target[key] = entry
        if self.reading_overlay:
            self.overlay_files.add(entry.file)

    # --- queries ------------------------------------------------------------------
    def fact_known(self, name: str) -> bool:
        return name in self.facts or name in self.fact_aliases

    def fact_id(self, name: str) -> str:
        """The current id of a fact named by its id or an alias."""
        return self.fact_aliases[name].value if name in self.fact_aliases else name

    def criterion_id(self, name: str) -> str:
        return self.criterion_aliases[name].value if name in self.criterion_aliases else name

    def conditions(self) -> Iterator[tuple[str, str, Any, Place]]:
        """(owner kind, owner id, condition, place) for every condition in the rules."""
        for criterion in self.criteria.values():
            fields = _mapping(criterion.value)
            for key in ("uppfyllt", "delvis", "applies_when"):
                if key in fields:
                    yield (
                        "criterion",
                        criterion.id,
                        fields[key],
                        Place(criterion.file, line_in(fields, key, criterion.line)),
                    )
        for fact in self.facts.values():
            fields = _mapping(fact.value)
            if "relevant_when" in fields:
                yield (
                    "fact",
                    fact.id,
                    fields["relevant_when"],
                    Place(fact.file, line_in(fields, "relevant_when", fact.line)),
                )

    def question_criteria(self) -> Iterator[tuple[str, Entry, str, Place]]:
        """(audit id, question, criterion name as written, place) for every question."""
        for (audit_id, _question_id), question in self.questions.items():
            specs = _mapping(question.value).get("criteria")
            for position, spec in enumerate(specs if isinstance(specs, list) else []):
                name = _mapping(spec).get("id")
                if isinstance(name, str):
                    yield (
                        audit_id,
                        question,
                        name,
                        Place(question.file, line_in(specs, position, question.line)),
                    )


def fact_tests(condition: Any, file: str, line: int) -> Iterator[tuple[str, Any, Place]]:
    """(fact name, test mapping, place) for every test of a raw condition."""
    if isinstance(condition, dict):
        if isinstance(condition.get("fact"), str):
            yield condition["fact"], condition, Place(file, line_in(condition, "fact", line))
        for key in ("all", "any"):
            items = condition.get(key)
            for position, item in enumerate(items if isinstance(items, list) else []):
                yield from fact_tests(item, file, line_in(items, position, line))
        if "not" in condition:
            yield from fact_tests(condition["not"], file, line_in(condition, "not", line))


def read_index(directory: Path, overlay: Path | None = None) -> RuleIndex:
    """The index of a rules directory, with an overlay's files over it."""
    index = RuleIndex(directory)
    index.read(directory)
    if overlay is not None:
        index.read(overlay, overlay=True)
    return index
