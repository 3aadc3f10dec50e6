"""The interview guide: a case's unknown facts, ranked by how much their answers can change.

First come the facts whose answer alone decides an open question whatever it is, then
those that decide one for some answer, then by the number of questions and criteria
whose outcome the answer can move (checker.bounds.analysis). Each entry carries the fact's
question from the catalogue, why it matters per question, and whom to ask. Facts whose
`relevant_when` is false given what is known are not asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.bounds.analysis import QUESTION, Analysis, FactEffect
from checker.bounds.raising import describe_change
from checker.evaluation.evaluate import (
    case_header,
    context_of,
    is_relevant,
    known_facts,
    parameters_for,
    render_text,
)
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import Case, RuleBase
from checker.output.environment import render_template
from checker.output.formats import render_json

SCHEMA_VERSION = 1
FORMATS = ("text", "md", "json")
DECIDES, CAN_DECIDE, MOVES = "avgör", "kan_avgöra", "kan_flytta"


def interview(rules: RuleBase, case: Case) -> dict:
    """The interview guide of one case (its JSON form; docs/bounds.md)."""
    audit = rules.audits[case.audit]
    analysis = Analysis(rules, case, parameters_for(rules, audit, case), context_of(case))
    known, context = known_facts(case), context_of(case)
    labels = {grade.id: grade.label for grade in audit.scale}
    questions = []
    for question in audit.questions:
        low, high = analysis.bound_names((QUESTION, question.id))
        questions.append(
            {
                "id": question.id,
                "title": question.title,
                "text": question.text,
                "bounds": {"lowest": low, "highest": high},
                "bounds_labels": {"lowest": labels[low], "highest": labels[high]},
                "decided": low == high,
                "open_facts": analysis.open_facts((QUESTION, question.id)),
            }
        )
    asked = [
        fact_id for fact_id in analysis.unknown_facts if is_relevant(rules, fact_id, known, context)
    ]
    effects = {fact_id: analysis.effect(fact_id) for fact_id in asked}
    ranked = sorted(asked, key=lambda fact_id: _rank(effects[fact_id], asked.index(fact_id)))
    entries = [
        _entry(analysis, effects[fact_id], labels)
        for fact_id in ranked
        if _matters(effects[fact_id])
    ]
    for number, entry in enumerate(entries, start=1):
        entry["rank"] = number
    recipients = list(dict.fromkeys(entry["recipient"] for entry in entries))
    return {
        "schema_version": SCHEMA_VERSION,
        **case_header(case),
        "audit": {"id": audit.id, "title": audit.title},
        "questions": questions,
        "facts": entries,
        "by_recipient": [
            {
                "recipient": recipient,
                "label": rules.vocabulary.recipients[recipient],
                "facts": [e["fact"] for e in entries if e["recipient"] == recipient],
            }
            for recipient in recipients
        ],
        "not_affecting": [
            {"fact": fact_id, "title": rules.facts[fact_id].title}
            for fact_id in asked
            if not _matters(effects[fact_id])
        ],
        "rules_version": rules.version,
        "disclaimer": render_text(
            rules.vocabulary.disclaimer, version=rules.version, audit=audit.title
        ),
        "headings": dict(rules.vocabulary.headings),
    }


def _matters(effect: FactEffect) -> bool:
    return bool(effect.questions or effect.criteria)


def _rank(effect: FactEffect, position: int) -> tuple[int, ...]:
    decides = sum(item.decides for item in effect.questions)
    can_decide = sum(item.can_decide for item in effect.questions)
    return (-decides, -can_decide, -len(effect.questions), -len(effect.criteria), position)


def _entry(analysis: Analysis, effect: FactEffect, labels: dict[str, str]) -> dict[str, Any]:
    rules, fact = analysis.rules, analysis.rules.facts[effect.fact]
    grades = analysis.grades
    why = []
    for item in effect.questions:
        low, high = analysis.bounds_of((QUESTION, item.question))
        kind = DECIDES if item.decides else CAN_DECIDE if item.can_decide else MOVES
        why.append(
            {
                "question": item.question,
                "kind": kind,
                "lowest": grades[low],
                "highest": grades[high],
                "lowest_label": labels[grades[low]],
                "highest_label": labels[grades[high]],
                "outcomes": [
                    {
                        **describe_change(analysis, effect.fact, index),
                        "lowest": grades[bounds[0]],
                        "highest": grades[bounds[1]],
                    }
                    for index, bounds in enumerate(item.outcomes)
                ],
            }
        )
    return {
        "fact": effect.fact,
        "title": fact.title,
        "question": fact.question,
        "help": fact.help,
        "recipient": fact.recipient,
        "recipient_label": rules.vocabulary.recipients[fact.recipient],
        "why": why,
        "criteria": list(effect.criteria),
        "criteria_titles": [rules.criteria[c].title for c in effect.criteria],
    }


def render_interview(guide: dict, output_format: str) -> str:
    """The guide as text, Markdown (a printable guide by recipient) or JSON."""
    if output_format == "json":
        return render_json(guide)
    return render_template(f"interview.{output_format}.j2", g=guide, h=guide["headings"])


def interview_file(
    case_path: Path, rules_dir: Path | None = None, overlay: Path | None = None
) -> dict:
    """Load the rules and a case file, and make its interview guide."""
    rules = load_rules(rules_dir, overlay)
    return interview(rules, load_case(case_path, rules))
