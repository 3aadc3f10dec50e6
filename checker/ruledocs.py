"""`granska docs`: the rule catalogue, generated from the rules so that it cannot drift.

Audit templates with their questions, every criterion on one line with its basis, its
conditions and the questions it bears on, every parameter with its value, unit and basis,
and every fact with the criteria and questions that read it; rendered through
reports/rules.md.j2, which words the conditions with rules/vocabulary.yaml. A threshold
changed in the rules therefore changes the catalogue. The catalogue names no rules
version, so that only a change a reader can see makes it out of date.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.citations import unverified_paragraph
from checker.files.atomic import write_file
from checker.files.nodes import suggest
from checker.language import conditions
from checker.language.facttypes import format_number, format_value
from checker.model import Fact, RuleBase
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
                "uppfyllt": _condition(rules, criterion.uppfyllt),
                "delvis": _condition(rules, criterion.delvis),
                "applies_when": _condition(rules, criterion.applies_when),
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
        "parameters": _parameters(rules, criteria),
        "facts": facts,
        "areas": dict(sorted(rules.areas.items())),
        "overlay": rules.overlay.as_json() if rules.overlay else None,
    }


def _shown(value: object, fact: Fact | None, rules: RuleBase) -> str:
    if isinstance(value, float) and fact is not None and fact.type != "percent":
        return _number(value)
    return format_value(value, fact, rules.vocabulary)


def _number(value: object) -> str:
    """A parameter's value as written: every decimal it has, with a decimal comma."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return format_number(value) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def _operand(rules: RuleBase, fact: Fact, test: conditions.Test) -> dict:
    """A test's operand as shown, with the parameter it comes from."""
    operand = test.operand
    if isinstance(operand, conditions.Period):
        amount = operand.amount
        parameter = amount.name if isinstance(amount, conditions.Param) else None
        value = rules.parameters[parameter].value if parameter else amount
        return {
            "value": _number(value),
            "parameter": parameter,
            "unit": operand.unit,
            "relative_to": operand.relative_to,
        }
    parameter = operand.name if isinstance(operand, conditions.Param) else None
    value = rules.parameters[parameter].value if parameter else operand
    if test.op in conditions.SHARE_OPERATORS:
        shown = _number(round(100 * value, 6)) + "\u00a0%"
    elif isinstance(value, (list, tuple)):
        return {"values": [_shown(item, fact, rules) for item in value], "parameter": parameter}
    else:
        shown = _shown(value, fact, rules)
    return {"value": shown, "parameter": parameter}


def _condition(rules: RuleBase, condition: conditions.Condition | None) -> dict | None:
    """A condition as a tree the catalogue words: all, any, not, or a test of a fact."""
    if condition is None:
        return None
    if isinstance(condition, conditions.All | conditions.Any_):
        kind = "all" if isinstance(condition, conditions.All) else "any"
        return {"kind": kind, "items": [_condition(rules, item) for item in condition.items]}
    if isinstance(condition, conditions.Not):
        return {"kind": "not", "item": _condition(rules, condition.item)}
    fact = rules.facts[condition.fact]
    return {
        "kind": "test",
        "fact": fact.id,
        "title": fact.title,
        "type": fact.type,
        "op": condition.op,
        "underlag": list(condition.underlag or ()),
        **_operand(rules, fact, condition),
    }


def _parameters(rules: RuleBase, criteria: list[dict]) -> list[dict]:
    """Every parameter: its value, unit, basis, the criteria using it, and the audit
    templates that set it otherwise."""
    used_by: dict[str, list[str]] = {}
    for criterion_id, criterion in sorted(rules.criteria.items()):
        for key in ("uppfyllt", "delvis"):
            for name in _parameter_names(getattr(criterion, key)):
                if criterion_id not in used_by.setdefault(name, []):
                    used_by[name].append(criterion_id)
    return [
        {
            "id": name,
            "value": _number(parameter.value),
            "unit": parameter.unit,
            "description": parameter.description,
            "basis": [_citations(rules, provision) for provision in parameter.basis],
            "criteria": used_by.get(name, []),
            "audits": [
                {"id": audit.id, "value": _number(audit.parameters[name])}
                for audit in sorted(rules.audits.values(), key=lambda audit: audit.id)
                if name in audit.parameters
            ],
        }
        for name, parameter in sorted(rules.parameters.items())
    ]


def _parameter_names(condition: conditions.Condition | None) -> list[str]:
    if condition is None:
        return []
    if isinstance(condition, conditions.Test):
        operand = condition.operand
        found = [operand, getattr(operand, "amount", None)]
        return [item.name for item in found if isinstance(item, conditions.Param)]
    if isinstance(condition, conditions.Not):
        return _parameter_names(condition.item)
    return [name for item in condition.items for name in _parameter_names(item)]


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
    return render_template("rules.md.j2", d=catalogue(rules), h=rules.vocabulary.headings)


def write_docs(rules: RuleBase, output: Path | None) -> str:
    """The catalogue, written atomically to `output` when given."""
    text = render_docs(rules)
    if output is not None:
        write_file(output, text)
    return text
