"""The questionnaire of a case: its areas, which questions show, and reading the answers.

Form fields are named `<fact id>.<part>`: `value`, `unknown` (the "vet ej" box), `count`
and `total` (a count of a total), `kalla` and `underlag`. Reading a field gives a
CaseFact, None for "not answered" (the fact is left out of the file), or an error code
that the templates turn into a Swedish message next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.casefiles.answers import parse_answer
from checker.casefiles.fact_order import audit_facts
from checker.errors import GranskaError
from checker.evaluation.evaluate import context_of, is_relevant, known_facts
from checker.language import conditions, facttypes
from checker.language.facttypes import UNKNOWN_WORDS
from checker.loading.cases import looks_like_personnummer
from checker.model import Case, CaseFact, Fact, RuleBase

UNKNOWN = UNKNOWN_WORDS[0]
PARTS = ("value", "unknown", "count", "total", "kalla", "underlag")


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    facts: tuple[str, ...]


@dataclass
class Field:
    """One question as shown: the fact, the inputs' text, and an error code if any."""

    fact: Fact
    inputs: dict[str, str]
    error: str = ""
    on_file: str = ""  # the file's current value, shown when it differs after a conflict
    extra: dict[str, Any] = field(default_factory=dict)


def areas_of(rules: RuleBase, audit_id: str) -> list[Area]:
    """The questionnaire's pages: one per area, in the order the audit asks its facts."""
    grouped: dict[str, list[str]] = {}
    for fact_id in audit_facts(rules, rules.audits[audit_id]):
        grouped.setdefault(rules.facts[fact_id].area, []).append(fact_id)
    return [Area(area, rules.areas[area], tuple(facts)) for area, facts in grouped.items()]


def shown(rules: RuleBase, case: Case, fact_id: str) -> bool:
    """Whether a question shows: a follow-up only once the questions it follows are
    answered (or "vet ej") and its `relevant_when` does not rule it out."""
    relevant_when = rules.facts[fact_id].relevant_when
    if relevant_when is None:
        return True
    if not conditions.facts_of(relevant_when) <= set(case.facts):
        return False
    return is_relevant(rules, fact_id, known_facts(case), context_of(case))


def inputs_from_case(fact: Fact, stated: CaseFact | None) -> dict[str, str]:
    """The inputs' text for a fact as the case file states it."""
    inputs = dict.fromkeys(PARTS, "")
    if stated is None:
        return inputs
    inputs["kalla"], inputs["underlag"] = stated.källa, stated.underlag
    if stated.value is None:
        inputs["unknown"] = "1"
        if facttypes.of(fact).chosen:
            inputs["value"] = UNKNOWN
    else:
        inputs.update(facttypes.of(fact).form_inputs(stated.value))
    return inputs


def inputs_from_form(fact: Fact, form: Any) -> dict[str, str]:
    """The inputs' text for a fact as submitted."""
    return {part: form.get(f"{fact.id}.{part}", "").strip() for part in PARTS}


def read_inputs(
    fact: Fact, inputs: dict[str, str], underlag: tuple[str, ...]
) -> tuple[CaseFact | None, str]:
    """The answer the inputs give (None: not answered) and an error code ('' if none)."""
    källa = " ".join(inputs["kalla"].split())
    if inputs["underlag"] and inputs["underlag"] not in underlag:
        return None, "underlag"
    if looks_like_personnummer(källa) or looks_like_personnummer(inputs["value"]):
        return None, "personnummer"
    given = inputs["value"] or inputs["count"] or inputs["total"]
    if inputs["unknown"] or inputs["value"] == UNKNOWN:
        if given and inputs["value"] != UNKNOWN:
            return None, "unknown_and_value"
        return CaseFact(fact.id, None, källa, inputs["underlag"]), ""
    if not given:
        return None, "source_without_answer" if källa or inputs["underlag"] else ""
    try:
        value = parse_answer(facttypes.of(fact).form_text(inputs), fact)
    except GranskaError:
        return None, fact.type
    return CaseFact(fact.id, value, källa, inputs["underlag"]), ""


def same_answer(left: CaseFact | None, right: CaseFact | None) -> bool:
    """Whether two answers state the same (value, källa, underlag)."""
    if left is None or right is None:
        return left is right
    return (left.value, left.källa, left.underlag) == (right.value, right.källa, right.underlag)
