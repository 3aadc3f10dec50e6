"""Checks of ids and references as written: unknown, unused, duplicate, undated."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from checker.files.nodes import parse_date, suggest
from checker.lint.index import Entry, Place, fact_tests, line_in
from checker.lint.model import Subject
from checker.model import STATUSES

Found = Iterator[tuple[Place, str]]


def _fields(entry: Entry) -> dict:
    return entry.value if isinstance(entry.value, dict) else {}


def _list(value: Any) -> list:
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) else []


def _read_facts(subject: Subject) -> Iterator[tuple[str, Place]]:
    """Every fact a condition names, with where."""
    for _kind, _owner, condition, place in subject.index.conditions():
        for name, _test, where in fact_tests(condition, place.file, place.line):
            yield name, where


def unknown_fact(subject: Subject) -> Found:
    index = subject.index
    for name, place in _read_facts(subject):
        if not index.fact_known(name):
            yield place, f"unknown fact {name!r}{suggest(name, index.facts)}"


def unused_fact(subject: Subject) -> Found:
    index = subject.index
    read = {index.fact_id(name) for name, _place in _read_facts(subject)}
    for fact in index.facts.values():
        if fact.id not in read:
            yield (
                Place(fact.file, fact.line),
                (f"fact {fact.id} is read by no criterion and no relevant_when"),
            )


def unused_criterion(subject: Subject) -> Found:
    index = subject.index
    used = {
        index.criterion_id(name) for _audit, _question, name, _place in index.question_criteria()
    }
    for criterion in index.criteria.values():
        if criterion.id not in used:
            yield (
                Place(criterion.file, criterion.line),
                (f"criterion {criterion.id} is in no question of any audit template"),
            )


def unknown_source(subject: Subject) -> Found:
    index = subject.index
    for provision in index.provisions.values():
        citations = _fields(provision).get("citations")
        for position, citation in enumerate(_list(citations)):
            source = citation.get("source") if isinstance(citation, dict) else None
            if isinstance(source, str) and source not in index.sources:
                yield (
                    Place(provision.file, line_in(citations, position, provision.line)),
                    (
                        f"{provision.id} cites unknown source {source!r}"
                        f"{suggest(source, index.sources)}"
                    ),
                )
    for kind, entries in (("criterion", index.criteria), ("parameter", index.parameters)):
        for entry in entries.values():
            basis = _fields(entry).get("basis")
            for position, provision in enumerate(_list(basis)):
                if isinstance(provision, str) and provision not in index.provisions:
                    yield (
                        Place(entry.file, line_in(basis, position, entry.line)),
                        (
                            f"{kind} {entry.id} cites unknown provision {provision!r}"
                            f"{suggest(provision, index.provisions)}"
                        ),
                    )


def _dates(fields: dict) -> tuple[date | None, date | None]:
    return parse_date(fields.get("valid_from")), parse_date(fields.get("valid_to"))


def citation_validity(subject: Subject) -> Found:
    index = subject.index
    for source in index.sources.values():
        start, end = _dates(_fields(source))
        if start and end and start > end:
            yield (
                Place(source.file, source.line),
                (f"source {source.id} ends ({end}) before it starts ({start})"),
            )
    for provision in index.provisions.values():
        citations = _fields(provision).get("citations")
        for position, citation in enumerate(_list(citations)):
            if not isinstance(citation, dict) or citation.get("source") not in index.sources:
                continue
            source = index.sources[citation["source"]]
            place = Place(provision.file, line_in(citations, position, provision.line))
            (start, end), (source_start, source_end) = _dates(citation), _dates(_fields(source))
            if start and end and start > end:
                yield place, f"{provision.id}: the citation ends ({end}) before it starts ({start})"
            if start and source_end and start > source_end:
                yield (
                    place,
                    (
                        f"{provision.id}: the citation of {source.id} starts ({start}) "
                        f"after the source ceased to apply ({source_end})"
                    ),
                )
            if end and source_start and end < source_start:
                yield (
                    place,
                    (
                        f"{provision.id}: the citation of {source.id} ends ({end}) "
                        f"before the source applies ({source_start})"
                    ),
                )
            if start and source_start and start < source_start:
                yield (
                    place,
                    (
                        f"{provision.id}: the citation of {source.id} starts ({start}) "
                        f"before the source applies ({source_start})"
                    ),
                )
            if end and source_end and end > source_end:
                yield (
                    place,
                    (
                        f"{provision.id}: the citation of {source.id} ends ({end}) "
                        f"after the source ceased to apply ({source_end})"
                    ),
                )


def unknown_reference(subject: Subject) -> Found:
    index = subject.index
    for audit_id, _question, name, place in index.question_criteria():
        if index.criterion_id(name) not in index.criteria:
            yield place, (f"{audit_id}: unknown criterion {name!r}{suggest(name, index.criteria)}")
    for criterion in index.criteria.values():
        fields = _fields(criterion)
        recommendation = fields.get("recommendation")
        if isinstance(recommendation, str) and recommendation not in index.recommendations:
            yield (
                Place(criterion.file, line_in(fields, "recommendation", criterion.line)),
                (
                    f"{criterion.id}: unknown recommendation {recommendation!r}"
                    f"{suggest(recommendation, index.recommendations)}"
                ),
            )
    for _kind, owner, condition, place in index.conditions():
        for _name, test, where in fact_tests(condition, place.file, place.line):
            for key, operand in test.items():
                for value in _parameter_refs(operand):
                    if value not in index.parameters:
                        yield (
                            Place(where.file, line_in(test, key, where.line)),
                            (
                                f"{owner}: unknown parameter ${value}"
                                f"{suggest(value, index.parameters)}"
                            ),
                        )
    for audit in index.audits.values():
        overrides = _fields(audit).get("parameters")
        for name in overrides if isinstance(overrides, dict) else ():
            if name not in index.parameters:
                yield (
                    Place(audit.file, line_in(overrides, name, audit.line)),
                    (f"{audit.id}: unknown parameter {name!r}{suggest(name, index.parameters)}"),
                )


def _parameter_refs(operand: Any) -> Iterator[str]:
    if isinstance(operand, str) and operand.startswith("$"):
        yield operand[1:]
    elif isinstance(operand, dict):
        for value in operand.values():
            yield from _parameter_refs(value)


def missing_reasoning(subject: Subject) -> Found:
    for criterion in subject.index.criteria.values():
        fields = _fields(criterion)
        reasoning = fields.get("reasoning")
        place = Place(criterion.file, line_in(fields, "reasoning", criterion.line))
        if not isinstance(reasoning, dict):
            yield place, f"{criterion.id} has no reasoning templates"
            continue
        wanted = STATUSES if "delvis" in fields else ("ej_uppfyllt", "uppfyllt")
        for status in wanted:
            text = reasoning.get(status)
            if not isinstance(text, str) or not text.strip():
                yield place, f"{criterion.id} has no reasoning for the status {status}"
        if "delvis" in reasoning and "delvis" not in fields:
            yield (
                Place(criterion.file, line_in(reasoning, "delvis", place.line)),
                (f"{criterion.id} has reasoning for delvis but no delvis condition"),
            )


def duplicate_id(subject: Subject) -> Found:
    index = subject.index
    for kind, first, second in index.duplicates:
        yield (
            Place(second.file, second.line),
            (f"duplicate {kind} id {second.id!r}; also at {first.file}:{first.line}"),
        )
    for alias, entry in index.fact_aliases.items():
        if alias in index.facts:
            yield (
                Place(entry.file, entry.line),
                (
                    f"alias {alias!r} of {entry.value} is also a fact id "
                    f"({index.facts[alias].file}:{index.facts[alias].line})"
                ),
            )
    for alias, entry in index.criterion_aliases.items():
        if alias in index.criteria:
            yield (
                Place(entry.file, entry.line),
                (
                    f"alias {alias!r} of {entry.value} is also a criterion id "
                    f"({index.criteria[alias].file}:{index.criteria[alias].line})"
                ),
            )
