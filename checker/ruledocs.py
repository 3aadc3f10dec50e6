"""`granska docs`: the rule catalogue, generated from the rules so that it cannot drift.

Audit templates with their questions, every criterion on one line with its basis and
the questions it bears on, and every fact with the criteria and questions that read it;
rendered through reports/rules.md.j2. The catalogue names no rules version, so that only
a change a reader can see makes it out of date.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.citations import unverified_paragraph
from checker.files.atomic import write_file
from checker.files.nodes import suggest
from checker.language import conditions
from checker.model import RuleBase
from checker.output.environment import render_template


def catalogue(rules: RuleBase) -> dict:
    """The catalogue as data, in a stable order."""
    bears_on: dict[str, list[str]] = {}
    audits = []
    for audit in sorted(rules.audits.values(), key=lambda audit: audit.id):
        for question in audit.questions:
            for spec in question.criteria:
                place = f"{audit.id} {question.id}"
                if place not in bears_on.setdefault(spec.criterion, []):
                    bears_on[spec.criterion].append(place)
        audits.append(
            {
                "id": audit.id,
                "title": audit.title,
                "scale": [grade.label for grade in audit.scale],
                "followup_scale": [grade.label for grade in audit.followup.scale]
                if audit.followup is not None
                else [],
                "questions": [
                    {
                        "id": q.id,
                        "title": q.title,
                        "text": q.text,
                        "criteria": [spec.criterion for spec in q.criteria],
                        "weights": [
                            {
                                "id": spec.criterion,
                                "weight": spec.weight,
                                "essential": spec.essential,
                            }
                            for spec in q.criteria
                        ],
                    }
                    for q in audit.questions
                ],
            }
        )
    read_by: dict[str, list[str]] = {}
    criteria = []
    for criterion_id, criterion in sorted(rules.criteria.items()):
        for fact_id in sorted(conditions.criterion_facts(criterion)):
            read_by.setdefault(fact_id, []).append(criterion_id)
        criteria.append(
            {
                "id": criterion_id,
                "title": criterion.title,
                "area": criterion.area,
                "basis": [_citations(rules, provision) for provision in criterion.basis],
                "questions": bears_on.get(criterion_id, []),
            }
        )
    facts = []
    for fact_id, fact in sorted(rules.facts.items()):
        questions = sorted(
            {
                place
                for criterion_id in read_by.get(fact_id, [])
                for place in bears_on.get(criterion_id, [])
            }
        )
        facts.append(
            {
                "id": fact_id,
                "type": fact.type,
                "title": fact.title,
                "question": fact.question,
                "area": fact.area,
                "values": list(fact.values),
                "aliases": list(fact.aliases),
                "criteria": read_by.get(fact_id, []),
                "questions": questions,
            }
        )
    return {
        "audits": audits,
        "criteria": criteria,
        "facts": facts,
        "areas": dict(sorted(rules.areas.items())),
        "overlay": rules.overlay.as_json() if rules.overlay else None,
    }


def _citations(rules: RuleBase, provision_id: str) -> dict:
    """A provision as its sources cite it, e.g. `SoL (2001:453) 4 kap. 1 §`."""
    parts = []
    for citation in rules.provisions[provision_id].citations:
        source = rules.sources[citation.source]
        parts.append(
            {
                "short": source.short,
                "ref": citation.ref,
                "verified": not unverified_paragraph(citation),
                "proposal": source.status == "förslag",
            }
        )
    return {"id": provision_id, "citations": parts}


def describe_rules(rules: RuleBase, audit_id: str | None = None) -> str:
    """The plain-text listing of `granska rules`: audits, questions, criteria, basis."""
    if audit_id is not None and audit_id not in rules.audits:
        raise GranskaError(
            f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)}; "
            f"known: {', '.join(sorted(rules.audits))}"
        )
    data = catalogue(rules)
    data["audits"] = [
        audit for audit in data["audits"] if audit_id is None or audit["id"] == audit_id
    ]
    return render_template(
        "rules.text.j2",
        d=data,
        overlay=data["overlay"],
        directory=rules.directory,
        version=rules.version,
        criteria={c["id"]: c for c in data["criteria"]},
    )


def render_docs(rules: RuleBase) -> str:
    """docs/rules.md as generated from `rules`."""
    return render_template("rules.md.j2", d=catalogue(rules))


def write_docs(rules: RuleBase, output: Path | None) -> str:
    """The catalogue, written atomically to `output` when given."""
    text = render_docs(rules)
    if output is not None:
        write_file(output, text)
    return text
