"""Checks of ids and references as written: unknown, unused, duplicate, undated."""

from __future__ import annotations

import operator
from collections.abc import Iterator
from datetime import date
from typing import Any

from checker.files.nodes import parse_date
from checker.lint.index import Entry, Place, fact_tests, line_in
from checker.lint.messages import Message, close_match, said
from checker.lint.model import Subject
from checker.model import STATUSES

Found = Iterator[tuple[Place, Message]]


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
            yield place, said("unknown-fact", name=name, close=close_match(name, index.facts))


def unused_fact(subject: Subject) -> Found:
    index = subject.index
    read = {index.fact_id(name) for name, _place in _read_facts(subject)}
    for fact in index.facts.values():
        if fact.id not in read:
            yield (
                Place(fact.file, fact.line),
                said("unused-fact", fact=fact.id),
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
                said("unused-criterion", criterion=criterion.id),
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
                    said(
                        "unknown-source",
                        provision=provision.id,
                        source=source,
                        close=close_match(source, index.sources),
                    ),
                )
    for kind, entries in (("criterion", index.criteria), ("parameter", index.parameters)):
        for entry in entries.values():
            basis = _fields(entry).get("basis")
            for position, provision in enumerate(_list(basis)):
                if isinstance(provision, str) and provision not in index.provisions:
                    yield (
                        Place(entry.file, line_in(basis, position, entry.line)),
                        said(
                            "unknown-provision",
                            kind=kind,
                            owner=entry.id,
                            provision=provision,
                            close=close_match(provision, index.provisions),
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
                said("source-ends-first", source=source.id, start=str(start), end=str(end)),
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
                yield (
                    place,
                    said(
                        "citation-ends-first",
                        provision=provision.id,
                        start=str(start),
                        end=str(end),
                    ),
                )
            for key, moment, limit, outside in (
                ("citation-starts-after-source", start, source_end, operator.gt),
                ("citation-ends-before-source", end, source_start, operator.lt),
                ("citation-starts-before-source", start, source_start, operator.lt),
                ("citation-ends-after-source", end, source_end, operator.gt),
            ):
                if moment and limit and outside(moment, limit):
                    yield (
                        place,
                        said(
                            key,
                            provision=provision.id,
                            source=source.id,
                            date=str(moment),
                            limit=str(limit),
                        ),
                    )


def unknown_reference(subject: Subject) -> Found:
    index = subject.index
    for audit_id, _question, name, place in index.question_criteria():
        if index.criterion_id(name) not in index.criteria:
            yield (
                place,
                said(
                    "unknown-criterion",
                    audit=audit_id,
                    name=name,
                    close=close_match(name, index.criteria),
                ),
            )
    for criterion in index.criteria.values():
        fields = _fields(criterion)
        recommendation = fields.get("recommendation")
        if isinstance(recommendation, str) and recommendation not in index.recommendations:
            yield (
                Place(criterion.file, line_in(fields, "recommendation", criterion.line)),
                said(
                    "unknown-recommendation",
                    criterion=criterion.id,
                    name=recommendation,
                    close=close_match(recommendation, index.recommendations),
                ),
            )
    for _kind, owner, condition, place in index.conditions():
        for _name, test, where in fact_tests(condition, place.file, place.line):
            for key, operand in test.items():
                for value in _parameter_refs(operand):
                    if value not in index.parameters:
                        yield (
                            Place(where.file, line_in(test, key, where.line)),
                            said(
                                "unknown-parameter-reference",
                                owner=owner,
                                name=value,
                                close=close_match(value, index.parameters),
                            ),
                        )
    for audit in index.audits.values():
        overrides = _fields(audit).get("parameters")
        for name in overrides if isinstance(overrides, dict) else ():
            if name not in index.parameters:
                yield (
                    Place(audit.file, line_in(overrides, name, audit.line)),
                    said(
                        "unknown-parameter",
                        audit=audit.id,
                        name=name,
                        close=close_match(name, index.parameters),
                    ),
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
            yield place, said("no-reasoning", criterion=criterion.id)
            continue
        wanted = STATUSES if "delvis" in fields else ("ej_uppfyllt", "uppfyllt")
        for status in wanted:
            text = reasoning.get(status)
            if not isinstance(text, str) or not text.strip():
                yield place, said("reasoning-missing", criterion=criterion.id, status=status)
        if "delvis" in reasoning and "delvis" not in fields:
            yield (
                Place(criterion.file, line_in(reasoning, "delvis", place.line)),
                said("reasoning-without-delvis", criterion=criterion.id),
            )


def duplicate_id(subject: Subject) -> Found:
    index = subject.index
    for kind, first, second in index.duplicates:
        yield (
            Place(second.file, second.line),
            said("duplicate-id", kind=kind, id=second.id, file=first.file, line=first.line),
        )
    for message, aliases, ids in (
        ("alias-is-fact", index.fact_aliases, index.facts),
        ("alias-is-criterion", index.criterion_aliases, index.criteria),
    ):
        for alias, entry in aliases.items():
            if alias in ids:
                yield (
                    Place(entry.file, entry.line),
                    said(
                        message,
                        alias=alias,
                        of=str(entry.value),
                        file=ids[alias].file,
                        line=ids[alias].line,
                    ),
                )
