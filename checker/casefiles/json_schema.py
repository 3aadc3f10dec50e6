"""A JSON Schema (draft 2020-12) of the case file, generated from the fact catalogue.

Editors use it through the YAML language server for completion, hover help (each
fact's question) and validation while a case is typed (docs/self-evaluation.md). It
mirrors checker.loading.cases and checker.language.facttypes: what the loader accepts, the
schema accepts, except what a schema cannot say (a date that does not exist, a
personnummer, a period ending before it starts), which the loader still reports with its
line.
"""

from __future__ import annotations

import json
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import suggest
from checker.language import facttypes
from checker.language.facttypes import UNKNOWN_WORDS
from checker.loading.cases import CASE_KEYS, EXPECTED_KEYS
from checker.model import Fact, RuleBase

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$", "format": "date"}
_TEXT = {"type": "string", "pattern": r"\S"}


def _any_case(word: str) -> str:
    """A regular expression matching `word` in any letter case (ECMA-262 has no (?i))."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


_UNKNOWN = {
    "anyOf": [
        {"type": "null"},
        {
            "type": "string",
            "pattern": r"^\s*(" + "|".join(map(_any_case, UNKNOWN_WORDS)) + r")\s*$",
        },
    ]
}


_INTERVIEW = {
    "anyOf": [
        _TEXT,
        {
            "type": "object",
            "required": ["funktion"],
            "additionalProperties": False,
            "properties": {"funktion": _TEXT, "nämnd": _TEXT},
        },
    ]
}
_NUMBER = {"type": "number"}


def _report_schema(measures: list[str]) -> dict:
    """The `rapport:` key, its outcome measures named by the vocabulary's keys."""
    outcome = {
        "type": "object",
        "required": ["mått", "år", "värde"],
        "additionalProperties": False,
        "properties": {
            "mått": {"enum": measures},
            "år": {"type": "integer", "minimum": 1990, "maximum": 2100},
            "värde": _NUMBER,
            "riket": _NUMBER,
            "liknande_kommuner": _NUMBER,
            "källa": _TEXT,
        },
    }
    return {
        **_REPORT,
        "properties": {**_REPORT["properties"], "utfall": {"type": "array", "items": outcome}},
    }


_REPORT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "diarienummer": _TEXT,
        "bakgrund": _TEXT,
        "avgränsning": _TEXT,
        "metod": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "dokument": {"type": "array", "items": _TEXT},
                "intervjuer": {"type": "array", "items": _INTERVIEW},
            },
        },
    },
}


def _value_schema(fact: Fact) -> dict:
    return facttypes.of(fact).json_schema(fact)


def _fact_schema(fact: Fact, underlag: tuple[str, ...]) -> dict:
    value = {"anyOf": [_value_schema(fact), _UNKNOWN]}
    description = " ".join(part for part in (fact.question, fact.help) if part)
    return {
        "title": fact.title,
        "description": description,
        "anyOf": [
            value,
            {
                "type": "object",
                "required": ["värde"],
                "additionalProperties": False,
                "properties": {
                    "värde": value,
                    "källa": _TEXT,
                    "iakttagelse": _TEXT,
                    "underlag": {"enum": list(underlag)},
                },
            },
        ],
    }


def _namnder(roles: list[str]) -> dict:
    return {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["namn", "roller"],
            "additionalProperties": False,
            "properties": {"namn": _TEXT, "roller": {"type": "array", "items": {"enum": roles}}},
        },
    }


def _parameter(default: Any) -> Any:
    if isinstance(default, bool):
        return False  # the loader refuses to override a true/false parameter
    if isinstance(default, (int, float)):
        return {"type": "number"}
    return {"type": "string"}


def case_schema(rules: RuleBase, audit_id: str | None = None) -> dict:
    """The schema of a case file for any audit of `rules`, or for one audit."""
    if audit_id is not None and audit_id not in rules.audits:
        raise GranskaError(
            f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)}; "
            f"known: {', '.join(sorted(rules.audits))}"
        )
    audits = [audit_id] if audit_id else sorted(rules.audits)
    facts: dict[str, Any] = {}
    for fact_id, fact in rules.facts.items():
        facts[fact_id] = _fact_schema(fact, rules.vocabulary.underlag)
        for alias in fact.aliases:
            facts[alias] = {"$ref": f"#/properties/facts/properties/{fact_id}"}
    criteria = sorted(
        [
            *rules.criteria,
            *(alias for criterion in rules.criteria.values() for alias in criterion.aliases),
        ]
    )
    properties: dict[str, Any] = {
        "kommun": _TEXT,
        "granskningsperiod": {
            "type": "object",
            "required": ["från", "till"],
            "additionalProperties": False,
            "properties": {"från": _DATE, "till": _DATE},
        },
        "granskningsdatum": _DATE,
        "audit": {"enum": audits},
        "nämnder": _namnder(
            sorted({role.id for known in audits for role in rules.audits[known].roles})
        ),
        "parametrar": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                name: _parameter(parameter.value) for name, parameter in rules.parameters.items()
            },
        },
        "facts": {"type": "object", "additionalProperties": False, "properties": facts},
        "ej_granskat": {
            "type": "object",
            "propertyNames": {"enum": criteria},
            "additionalProperties": _TEXT,
        },
        "förväntat": {"type": "object", "propertyNames": {"enum": list(EXPECTED_KEYS)}},
        "rapport": _report_schema(sorted(rules.vocabulary.outcome_measures)),
    }
    schema: dict[str, Any] = {
        "$schema": DIALECT,
        "type": "object",
        "required": ["kommun", "granskningsperiod", "granskningsdatum", "nämnder", "audit"],
        "additionalProperties": False,
        # keys of the case format this generator does not describe in detail stay allowed
        "properties": {key: properties.get(key, {}) for key in CASE_KEYS},
    }
    if len(audits) > 1:
        schema["allOf"] = [
            {
                "if": {"required": ["audit"], "properties": {"audit": {"const": known}}},
                "then": {
                    "properties": {
                        "nämnder": _namnder([role.id for role in rules.audits[known].roles])
                    }
                },
            }
            for known in audits
        ]
    return schema


def schema_text(rules: RuleBase, audit_id: str | None = None) -> str:
    """The schema as JSON text (deterministic: the catalogue's order, sorted lists)."""
    return json.dumps(case_schema(rules, audit_id), ensure_ascii=False, indent=2) + "\n"
