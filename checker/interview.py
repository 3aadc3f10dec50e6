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
from checker.casefiles.fact_order import audit_facts
from checker.evaluation.evaluate import (
    case_header,
    context_of,
    criterion_forms,
    is_relevant,
    known_facts,
    parameters_for,
    render_text,
)
from checker.language.facttypes import format_value
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import Audit, Case, RuleBase
from checker.output.environment import render_template, template_environment
from checker.output.formats import render_json
from checker.output.guide_docx import render_guide_docx
from checker.output.pdf import html_to_pdf

SCHEMA_VERSION = 1
FORMATS = ("text", "md", "json", "html", "docx", "pdf")
DOCUMENT_FORMATS = ("text", "md", "json")
DECIDES, CAN_DECIDE, MOVES = "avgör", "kan_avgöra", "kan_flytta"
# How an option's interval is read: the vocabulary heading for each kind of bound.
_BOUND_WORDS = (("at_least", "minst"), ("above", "over"), ("at_most", "hogst"), ("below", "under"))


def interview(rules: RuleBase, case: Case) -> dict:
    """The interview guide of one case (its JSON form; docs/bounds.md)."""
    audit = rules.audits[case.audit]
    analysis = Analysis(
        rules,
        case,
        parameters_for(rules, audit, case),
        context_of(case),
        criterion_forms(rules, case),
    )
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
    groups = _groups(rules, audit, entries)
    return {
        "schema_version": SCHEMA_VERSION,
        **case_header(case),
        "audit": {"id": audit.id, "title": audit.title},
        "questions": questions,
        "facts": entries,
        "by_recipient": groups["interviews"],
        "documents": document_requests(rules, case)["documents"],
        "file_review": groups["file_review"],
        "from_documents": groups["documents"],
        "to_verify": _to_verify(rules, audit, case),
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


def _groups(rules: RuleBase, audit: Audit, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The guide's parts: interview questions per function, file review, documents.

    Within a part the facts keep the audit's order; they are numbered 1, 2, 3 … through
    the whole guide, in the order the document prints them.
    """
    order = {fact_id: index for index, fact_id in enumerate(audit_facts(rules, audit))}
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(entries, key=lambda entry: order.get(entry["fact"], len(order))):
        by_kind.setdefault(entry["established_by"], []).append(entry)
    interviews = [
        {
            "recipient": recipient,
            "label": label,
            "facts": [
                entry["fact"]
                for entry in by_kind.get("intervju", [])
                if entry["recipient"] == recipient
            ],
        }
        for recipient, label in rules.vocabulary.recipients.items()
    ]
    interviews = [group for group in interviews if group["facts"]]
    file_review = [entry["fact"] for entry in by_kind.get("aktgranskning", [])]
    from_documents = [
        entry["fact"] for kind in ("dokument", "statistik") for entry in by_kind.get(kind, [])
    ]
    numbered = [fact for group in interviews for fact in group["facts"]]
    numbered += file_review + from_documents
    number_of = {fact_id: number for number, fact_id in enumerate(numbered, start=1)}
    for entry in entries:
        entry["number"] = number_of[entry["fact"]]
    return {"interviews": interviews, "file_review": file_review, "documents": from_documents}


def _to_verify(rules: RuleBase, audit: Audit, case: Case) -> list[dict[str, Any]]:
    """Known facts that rest only on an interview or the kommun's own statement."""
    documentary = set(rules.vocabulary.documentary_underlag)
    found = []
    for fact_id in audit_facts(rules, audit):
        stated = case.facts.get(fact_id)
        if stated is None or not stated.known or stated.underlag in documentary:
            continue
        fact = rules.facts[fact_id]
        found.append(
            {
                "fact": fact_id,
                "title": fact.title,
                "value": format_value(stated.value, fact, rules.vocabulary),
                "källa": stated.källa,
                "underlag": stated.underlag,
                "documents": [rules.vocabulary.documents[d] for d in fact.documents],
            }
        )
    return found


def document_requests(rules: RuleBase, case: Case) -> dict:
    """The documents to request: those the case's open facts are established by.

    A fact is open when the case does not state it and its question is relevant given what
    is known. Each document is listed once, in the vocabulary's order, with the facts it
    would establish.
    """
    audit = rules.audits[case.audit]
    known, context = known_facts(case), context_of(case)
    open_facts = [
        fact_id
        for fact_id in audit_facts(rules, audit)
        if fact_id not in known and is_relevant(rules, fact_id, known, context)
    ]
    wanted: dict[str, list[str]] = {}
    for fact_id in open_facts:
        for document in rules.facts[fact_id].documents:
            wanted.setdefault(document, []).append(fact_id)
    documents = [
        {
            "document": document,
            "name": name,
            "facts": [
                {"fact": fact_id, "title": rules.facts[fact_id].title}
                for fact_id in wanted[document]
            ],
        }
        for document, name in rules.vocabulary.documents.items()
        if document in wanted
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        **case_header(case),
        "audit": {"id": audit.id, "title": audit.title},
        "documents": documents,
        "rules_version": rules.version,
        "disclaimer": render_text(
            rules.vocabulary.disclaimer, version=rules.version, audit=audit.title
        ),
        "headings": dict(rules.vocabulary.headings),
    }


def render_documents(requests: dict, output_format: str) -> str:
    """The document request list as text, Markdown or JSON."""
    if output_format == "json":
        return render_json(requests)
    return render_template(f"documents.{output_format}.j2", d=requests, h=requests["headings"])


def documents_file(
    case_path: Path, rules_dir: Path | None = None, overlay: Path | None = None
) -> dict:
    """Load the rules and a case file, and list the documents to request for it."""
    rules = load_rules(rules_dir, overlay)
    return document_requests(rules, load_case(case_path, rules))


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
        "established_by": fact.established_by,
        "established_by_label": rules.vocabulary.established_by[fact.established_by],
        "documents": [rules.vocabulary.documents[d] for d in fact.documents],
        "options": _options(analysis, effect, labels),
        "why": why,
        "criteria": list(effect.criteria),
        "criteria_titles": [rules.criteria[c].title for c in effect.criteria],
    }


def _options(
    analysis: Analysis, effect: FactEffect, labels: dict[str, str]
) -> list[dict[str, Any]]:
    """The answers to tick, one per class of the fact, with what each does to each question."""
    grades = analysis.grades
    words = analysis.rules.vocabulary.headings
    classes = analysis.problem.domains[effect.fact].classes
    options = []
    for index in range(len(classes)):
        change = describe_change(analysis, effect.fact, index)
        bounds = [
            f"{words[word]} {change[name]['display']}"
            for name, word in _BOUND_WORDS
            if name in change
        ]
        options.append(
            {
                **change,
                "label": f" {words['och']} ".join(bounds) if bounds else change["display"],
                "effects": [
                    {
                        "question": item.question,
                        "lowest_label": labels[grades[item.outcomes[index][0]]],
                        "highest_label": labels[grades[item.outcomes[index][1]]],
                    }
                    for item in effect.questions
                ],
            }
        )
    return options


def render_interview(guide: dict, output_format: str) -> str | bytes:
    """The guide as text, Markdown, JSON, or a printable HTML, DOCX or PDF document."""
    if output_format == "json":
        return render_json(guide)
    if output_format == "docx":
        return render_guide_docx(guide)
    if output_format in ("html", "pdf"):
        page = (
            template_environment(autoescape=True)
            .get_template("interview.html.j2")
            .render(g=guide, h=guide["headings"])
        )
        return page if output_format == "html" else html_to_pdf(page, guide["granskningsdatum"])
    return render_template(f"interview.{output_format}.j2", g=guide, h=guide["headings"])


def interview_file(
    case_path: Path, rules_dir: Path | None = None, overlay: Path | None = None
) -> dict:
    """Load the rules and a case file, and make its interview guide."""
    rules = load_rules(rules_dir, overlay)
    return interview(rules, load_case(case_path, rules))
