"""Evaluating a case against its audit template: criteria, verdicts, overall, recommendations.

The result is the JSON contract (docs/json-output.md): a plain dict that every renderer
reads and nothing else.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import jinja2

from checker.bounds.analysis import FOLLOWUP, QUESTION, Analysis
from checker.bounds.raising import to_raise
from checker.errors import GranskaError
from checker.evaluation.citations import annotate_sources, cite, reference_order
from checker.evaluation.engine import Engine
from checker.language import conditions, verdicts
from checker.language.facttypes import format_value, to_json
from checker.model import (
    NOT_APPLICABLE,
    NOT_ASSESSED,
    Audit,
    Case,
    Claim,
    Criterion,
    Fact,
    FollowUp,
    Question,
    RuleBase,
    Vocabulary,
)

SCHEMA_VERSION = 1
_ENVIRONMENT = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
)
# Filters the rules' templates may use. in_sentence: a name inside a sentence, as the
# reports write nämnd names ("att kommunstyrelsen …").
RULE_FILTERS = {"in_sentence": lambda text: text[:1].lower() + text[1:]}
_ENVIRONMENT.filters.update(RULE_FILTERS)
_ENGINE: Engine | None = None


@lru_cache(maxsize=1024)
def template(text: str) -> jinja2.Template:
    return _ENVIRONMENT.from_string(text)


@lru_cache(maxsize=4096)
def _render_strings(text: str, context: tuple[tuple[str, Any], ...]) -> str:
    return render_text(text, **dict(context))


def render_strings(text: str, **context: str | tuple[str, ...]) -> str:
    """`render_text` for a context of plain strings, remembered: such texts (the
    disclaimer, recommendations, overall judgements) repeat across cases."""
    return _render_strings(text, tuple(sorted(context.items())))


def render_text(text: str, **context: Any) -> str:
    """Render a rule's jinja2 template; whitespace folded to single spaces."""
    try:
        return " ".join(template(text).render(**context).split())
    except jinja2.TemplateError as error:
        raise GranskaError(f"reasoning template failed: {error}; template: {text[:80]!r}") from None


def engine() -> Engine:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine()
    return _ENGINE


def parameters_for(rules: RuleBase, audit: Audit, case: Case) -> dict[str, Any]:
    """Template parameters: rule defaults, then the audit's, then the case's overrides."""
    values = {name: parameter.value for name, parameter in rules.parameters.items()}
    values.update(audit.parameters)
    values.update(case.parameters)
    return values


def audit_criteria(rules: RuleBase, audit: Audit) -> list[Criterion]:
    """The criteria an audit reads, in question order, each once."""
    seen: dict[str, Criterion] = {}
    for question in audit.questions:
        for spec in question.criteria:
            seen.setdefault(spec.criterion, rules.criteria[spec.criterion])
    return list(seen.values())


def case_criteria(rules: RuleBase, case: Case) -> list[Criterion]:
    """The audit's criteria, then those judging the case's followed-up recommendations."""
    seen = {
        criterion.id: criterion for criterion in audit_criteria(rules, rules.audits[case.audit])
    }
    for item in case.followup:
        for spec in item.criteria:
            seen.setdefault(spec.criterion, rules.criteria[spec.criterion])
    return list(seen.values())


def case_header(case: Case) -> dict[str, Any]:
    """The head of every document about a case: the kommun and the dates."""
    return {
        "kommun": case.kommun,
        "granskningsperiod": {
            "från": case.period_from.isoformat(),
            "till": case.period_to.isoformat(),
        },
        "granskningsdatum": case.granskningsdatum.isoformat(),
    }


def _report_context(case: Case) -> dict[str, Any]:
    """What the case gives for the report's Inledning (all empty when it gives nothing)."""
    report = case.report
    return {
        "diarienummer": report.diarienummer,
        "bakgrund": report.bakgrund,
        "avgränsning": report.avgränsning,
        "dokument": list(report.dokument),
        "intervjuer": [{"funktion": i.funktion, "nämnd": i.nämnd} for i in report.intervjuer],
    }


def context_of(case: Case) -> conditions.Context:
    return conditions.Context(case.granskningsdatum, case.period_from, case.period_to)


def known_facts(case: Case) -> dict[str, tuple[Any, str]]:
    return {fact.id: (fact.value, fact.underlag) for fact in case.facts.values() if fact.known}


_BOUND: dict[tuple, list] = {}


def _bound_criteria(key: tuple, criteria: list[Criterion], parameters: dict[str, Any]) -> list:
    """(criterion, uppfyllt, delvis) with the parameters bound, once per rules and parameters."""
    if key not in _BOUND:
        _BOUND[key] = [
            (
                criterion,
                conditions.bind(criterion.uppfyllt, parameters),
                conditions.bind(criterion.delvis, parameters),
            )
            for criterion in criteria
        ]
    return _BOUND[key]


def criterion_forms(
    rules: RuleBase, case: Case, use_engine: bool = True
) -> dict[str, dict[str, bool]]:
    """Per criterion of the case's audit, which Kleene forms hold (see engine.py)."""
    audit = rules.audits[case.audit]
    parameters = parameters_for(rules, audit, case)
    criteria = case_criteria(rules, case)
    key = (
        rules.version,
        rules.directory,
        audit.id,
        tuple(sorted(parameters.items())),
        tuple(criterion.id for criterion in criteria),
    )
    bound = _bound_criteria(key, criteria, parameters)
    known, context = known_facts(case), context_of(case)
    if not use_engine:
        forms = {}
        for criterion, uppfyllt, delvis in bound:
            u = conditions.evaluate(uppfyllt, rules.facts, known, context)
            d = conditions.evaluate(delvis, rules.facts, known, context)
            forms[criterion.id] = {
                "UT": u is True,
                "UF": u is False,
                "DT": d is True,
                "DF": d is False,
            }
        return forms
    compiled = engine().compile(key, rules.facts, bound)
    return engine().evaluate(compiled, known, context)


def evaluate_case(
    rules: RuleBase, case: Case, use_engine: bool = True, with_reasoning: bool = True
) -> dict:
    """The full result of one case (the JSON contract)."""
    audit = rules.audits[case.audit]
    parameters = parameters_for(rules, audit, case)
    forms = criterion_forms(rules, case, use_engine)
    known = known_facts(case)
    analysis = Analysis(rules, case, parameters, context_of(case))
    criteria = {}
    for criterion in case_criteria(rules, case):
        possible = _possible_statuses(rules, case, criterion, forms, analysis, parameters)
        criteria[criterion.id] = _criterion_result(
            rules, case, criterion, possible, parameters, with_reasoning, known
        )
    questions = [
        _question_result(
            rules,
            audit,
            question,
            criteria,
            with_reasoning,
            analysis,
            (QUESTION, question.id),
            namnd_form(rules.vocabulary, len(case.namnder)),
        )
        for question in audit.questions
    ]
    followup = _followup(rules, audit, case, criteria, with_reasoning, analysis)
    return {
        "schema_version": SCHEMA_VERSION,
        **case_header(case),
        "nämnder": [{"namn": n.name, "roller": list(n.roles)} for n in case.namnder],
        "rapport": _report_context(case),
        "audit": {
            "id": audit.id,
            "title": audit.title,
            "syfte": render_strings(
                audit.syfte, nämnder=tuple(n.name for n in case.namnder), kommun=case.kommun
            ),
            "scale": [{"id": g.id, "label": g.label, "colour": g.colour} for g in audit.scale],
            "overall_scale": [{"id": g.id, "label": g.label} for g in audit.overall_scale],
            "roles": [{"id": role.id, "title": role.title} for role in audit.roles],
            "status_labels": dict(rules.vocabulary.status_labels),
            "followup": None
            if audit.followup is None
            else {
                "title": audit.followup.title,
                "scale": [
                    {"id": g.id, "label": g.label, "colour": g.colour} for g in audit.followup.scale
                ],
            },
        },
        "questions": questions,
        "followup": followup,
        "overall": _overall(rules, audit, case, questions, analysis),
        "recommendations": _recommendations(rules, audit, case, criteria, questions),
        "parameters": {
            name: parameters[name] for name in sorted(_used_parameters(rules, audit, case))
        },
        "parameter_overrides": dict(sorted(case.parameters.items())),
        "not_assessed": [
            {"criterion": key, "reason": value} for key, value in sorted(case.not_assessed.items())
        ],
        "sources": annotate_sources(rules, case, _sources_cited(questions + followup)),
        "rules_version": rules.version,
        "overlay": rules.overlay.as_json() if rules.overlay else None,
        "disclaimer": render_strings(
            rules.vocabulary.disclaimer, version=rules.version, audit=audit.title
        ),
        "headings": dict(rules.vocabulary.headings),
    }


def _possible_statuses(
    rules: RuleBase,
    case: Case,
    criterion: Criterion,
    forms: dict[str, dict[str, bool]],
    analysis: Analysis,
    parameters: dict[str, Any],
) -> tuple[str, ...]:
    """The statuses a criterion can still take, worst first (ej tillämpligt last)."""
    if criterion.id in case.not_assessed:
        return (NOT_ASSESSED,)
    applies = True
    if criterion.applies_when is not None:
        applies = conditions.evaluate(
            conditions.bind(criterion.applies_when, parameters),
            rules.facts,
            known_facts(case),
            context_of(case),
        )
    if applies is False:
        return (NOT_APPLICABLE,)
    possible = verdicts.possible_statuses(forms[criterion.id])
    if applies is None or len(possible) > 1:  # three-valued logic is not exact: ask
        possible = analysis.criterion_possible(criterion.id)
    return possible


def _used_parameters(rules: RuleBase, audit: Audit, case: Case) -> set[str]:
    criteria = case_criteria(rules, case)
    key = (rules.version, rules.directory, audit.id, tuple(c.id for c in criteria))
    if key not in _USED_PARAMETERS:
        used = set(audit.parameters)
        for criterion in criteria:
            for condition in (criterion.uppfyllt, criterion.delvis, criterion.applies_when):
                used |= _parameters_of(condition)
        _USED_PARAMETERS[key] = used
    return _USED_PARAMETERS[key]


_USED_PARAMETERS: dict[tuple, set[str]] = {}


def _parameters_of(condition: Any) -> set[str]:
    if condition is None:
        return set()
    if isinstance(condition, conditions.Not):
        return _parameters_of(condition.item)
    if isinstance(condition, (conditions.All, conditions.Any_)):
        return set().union(*(_parameters_of(item) for item in condition.items))
    operand = condition.operand
    if isinstance(operand, conditions.Period):
        operand = operand.amount
    return {operand.name} if isinstance(operand, conditions.Param) else set()


def is_relevant(
    rules: RuleBase, fact_id: str, known: dict[str, tuple[Any, str]], context: conditions.Context
) -> bool:
    """Whether the fact's question makes sense given the known facts (as the bounds judge)."""
    relevant_when = rules.facts[fact_id].relevant_when
    return (
        relevant_when is None
        or conditions.evaluate(relevant_when, rules.facts, known, context) is not False
    )


def _criterion_result(
    rules: RuleBase,
    case: Case,
    criterion: Criterion,
    possible: tuple[str, ...],
    parameters: dict,
    with_reasoning: bool,
    known: dict[str, tuple[Any, str]],
) -> dict:
    vocabulary = rules.vocabulary
    context = context_of(case)
    applicability = conditions.facts_of(criterion.applies_when)
    read = sorted(conditions.criterion_facts(criterion))
    facts = []
    for fact_id in read:
        fact = rules.facts[fact_id]
        stated = case.facts.get(fact_id)
        value = stated.value if stated else None
        facts.append(
            {
                "id": fact_id,
                "title": fact.title,
                "value": to_json(value, fact),
                "display": format_value(value, fact, vocabulary),
                "known": value is not None,
                "källa": stated.källa if stated else "",
                "underlag": stated.underlag if stated else "",
                "iakttagelse": stated.iakttagelse if stated else "",
                "claim": _claim(stated.claim, fact, vocabulary) if stated else None,
            }
        )
    status = possible[0] if len(possible) == 1 else None
    missing = []
    if status is None:
        missing = [
            fact_id
            for fact_id in read
            if fact_id not in known and is_relevant(rules, fact_id, known, context)
        ]
    reasoning = ""
    if with_reasoning:
        displays = {item["id"]: item["display"] for item in facts}
        raw = {item["id"]: item["value"] for item in facts}
        values = {
            "v": lambda fact_id: displays.get(fact_id) or format_value(None, None, vocabulary),
            "value": raw.get,
            "p": parameters,
            "title": criterion.title,
            "nämnden": namnd_form(vocabulary, len(case.namnder)),
        }
        if status == NOT_ASSESSED:
            reasoning = render_text(
                vocabulary.not_assessed_reasoning, reason=case.not_assessed[criterion.id], **values
            )
        elif status == NOT_APPLICABLE:
            reasoning = render_text(
                vocabulary.not_applicable_reasoning,
                facts=[item for item in facts if item["id"] in applicability],
                **values,
            )
        elif status is None:
            reasoning = render_text(
                vocabulary.unknown_reasoning,
                missing=[rules.facts[fact_id].title for fact_id in missing],
                **values,
            )
        else:
            reasoning = render_text(criterion.reasoning[status], **values)
    lowest, highest = (possible[0], possible[-1])
    return {
        "id": criterion.id,
        "title": criterion.title,
        "area": criterion.area,
        "status": status,
        "status_range": {"lowest": lowest, "highest": highest},
        "concerns": list(criterion.concerns),
        "basis": cite(rules, criterion.basis, case.period_from, case.period_to),
        "facts": facts,
        "missing_facts": missing,
        "reasoning": reasoning,
        "om": criterion.om or criterion.title[:1].lower() + criterion.title[1:],
        "recommendation": criterion.recommendation,
    }


def criterion_reasoning(rules: RuleBase, case: Case, criterion_id: str, status: str) -> str:
    """The reasoning text of one criterion with a given status, for the case's facts."""
    parameters = parameters_for(rules, rules.audits[case.audit], case)
    result = _criterion_result(
        rules, case, rules.criteria[criterion_id], (status,), parameters, True, known_facts(case)
    )
    return result["reasoning"]


DECISIVE = 3  # how many findings a Bedömning leads with


def decisive_criteria(question: Any, shown: list[dict], top: bool) -> dict[str, list[dict]]:
    """The findings that decided a question, and the other assessed criteria.

    For the top grade they are the met criteria, otherwise those not met; essential
    criteria first, then by weight, ej uppfyllt before delvis, in question order."""
    specs = {spec.criterion: spec for spec in question.criteria}
    wanted = ("uppfyllt",) if top else ("ej_uppfyllt", "delvis")
    candidates = [item for item in shown if item["status"] in wanted]
    ranked = sorted(
        candidates,
        key=lambda item: (
            not specs[item["id"]].essential,
            -specs[item["id"]].weight,
            wanted.index(item["status"]),
        ),
    )
    decisive = ranked[:DECISIVE]
    chosen = {item["id"] for item in decisive}
    others = [
        item
        for item in shown
        if item["id"] not in chosen and item["status"] in ("uppfyllt", "delvis", "ej_uppfyllt")
    ]
    return {"decisive": decisive, "others": others}


def namnd_form(vocabulary: Vocabulary, count: int) -> str:
    """How a text names the case's nämnder: the vocabulary's form for one or several."""
    return vocabulary.namnd_forms["en" if count == 1 else "flera"]


def _question_result(
    rules: RuleBase,
    audit: Audit | FollowUp,
    question: Any,
    criteria: dict,
    with_reasoning: bool,
    analysis: Analysis,
    key: tuple[str, str],
    nämnden: str = "",
) -> dict:
    # A FollowUp grades like an audit: it has its own scale, policy and question_reasoning.
    assessed = [
        (spec, criteria[spec.criterion])
        for spec in question.criteria
        if criteria[spec.criterion]["status"] != NOT_ASSESSED
    ]
    lowest, highest = analysis.bound_names(key)  # exact over the unknown facts
    open_facts = analysis.open_facts(key)
    raises, not_raisable = to_raise(analysis, key) if with_reasoning else ([], [])
    decided = lowest == highest
    verdict = lowest if decided else None
    labels = {grade.id: grade.label for grade in audit.scale}
    missing = sorted({fact for _spec, result in assessed for fact in result["missing_facts"]})
    results = [criteria[spec.criterion] for spec in question.criteria]
    reasoning = ""
    if with_reasoning:
        shown = [
            dict(
                result,
                status_label=rules.vocabulary.status_labels.get(result["status"] or "okänt"),
            )
            for result in results
        ]
        reasoning = render_text(
            audit.question_reasoning,
            verdict=labels.get(verdict),
            decided=decided,
            lowest=labels[lowest],
            highest=labels[highest],
            criteria=shown,
            missing=[rules.facts[fact_id].title for fact_id in missing],
            nämnden=nämnden,
            **decisive_criteria(question, shown, verdict == audit.scale[0].id),
        )
    return {
        "id": question.id,
        "title": question.title,
        "text": question.text,
        "verdict": verdict,
        "verdict_label": labels.get(verdict),
        "bounds": {"lowest": lowest, "highest": highest},
        "decided": decided,
        "missing_facts": missing,
        "open_facts": open_facts,
        "open_fact_titles": [rules.facts[fact_id].title for fact_id in open_facts],
        "bounds_labels": {"lowest": labels[lowest], "highest": labels[highest]},
        "to_raise": raises,
        "not_raisable": not_raisable,
        "criteria": results,
        "reasoning": reasoning,
        "weights": {
            spec.criterion: {"weight": spec.weight, "essential": spec.essential}
            for spec in question.criteria
        },
    }


def _followup(
    rules: RuleBase,
    audit: Audit,
    case: Case,
    criteria: dict,
    with_reasoning: bool,
    analysis: Analysis,
) -> list[dict]:
    """Each followed-up recommendation graded, like a question, on the follow-up scale."""
    results = []
    for item in case.followup:
        roles = {role for spec in item.criteria for role in rules.criteria[spec.criterion].concerns}
        nämnder = [n.name for n in case.namnder if roles & set(n.roles)] or [
            n.name for n in case.namnder
        ]
        text = render_text(
            audit.followup.text, rekommendation=item.text, nämnder=nämnder, kommun=case.kommun
        )
        result = _question_result(
            rules,
            audit.followup,
            Question(item.id, text, item.criteria),
            criteria,
            with_reasoning,
            analysis,
            (FOLLOWUP, item.id),
            namnd_form(rules.vocabulary, len(case.namnder)),
        )
        results.append(
            {
                **result,
                "wording": item.text,
                "recommendation": item.recommendation,
                "källa": item.källa,
                "addressed_to": nämnder,
            }
        )
    return results


def _concerns(question: dict, roles: tuple[str, ...]) -> bool:
    return any(role in roles for result in question["criteria"] for role in result["concerns"])


def _overall(
    rules: RuleBase, audit: Audit, case: Case, questions: list[dict], analysis: Analysis
) -> list[dict]:
    labels = {grade.id: grade.label for grade in audit.overall_scale}
    results = []
    for number, namnd in enumerate(case.namnder):
        concerned = [q for q in questions if _concerns(q, namnd.roles)]
        ranks = analysis.namnd_bounds(number)  # exact: questions share facts
        ends = {
            "lowest": analysis.overall_grades[ranks[0]],
            "highest": analysis.overall_grades[ranks[1]],
        }
        verdict = ends["lowest"] if ends["lowest"] == ends["highest"] else None
        text = ""
        if verdict is not None:
            text = render_strings(
                audit.overall_text, nämnd=namnd.name, label=labels[verdict], kommun=case.kommun
            )
        results.append(
            {
                "nämnd": namnd.name,
                "verdict": verdict,
                "verdict_label": labels.get(verdict),
                "bounds": ends,
                "bounds_labels": {end: labels[grade] for end, grade in ends.items()},
                "decided": verdict is not None,
                "text": text,
                "questions": [q["id"] for q in concerned],
            }
        )
    return results


def _recommendations(
    rules: RuleBase, audit: Audit, case: Case, criteria: dict, questions: list[dict]
) -> list[dict]:
    gathered: dict[str, dict] = {}
    for question in questions:
        for result in question["criteria"]:
            criterion = rules.criteria[result["id"]]
            if criterion.recommendation is None or result["status"] not in criterion.recommend_when:
                continue
            recommendation = rules.recommendations[criterion.recommendation]
            entry = gathered.setdefault(
                recommendation.id,
                {
                    "id": recommendation.id,
                    "text": render_strings(
                        recommendation.text,
                        kommun=case.kommun,
                        nämnden=namnd_form(rules.vocabulary, len(case.namnder)),
                    ),
                    "addressed_to": [
                        n.name
                        for n in case.namnder
                        if set(n.roles) & set(recommendation.addressed_to)
                    ],
                    "questions": [],
                    "criteria": [],
                },
            )
            if question["id"] not in entry["questions"]:
                entry["questions"].append(question["id"])
            if result["id"] not in entry["criteria"]:
                entry["criteria"].append(result["id"])
    return list(gathered.values())


def _sources_cited(questions: list[dict]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for question in questions:
        for result in question["criteria"]:
            for entry in result["basis"]:
                key = (entry["version"], entry["ref"])
                seen.setdefault(
                    key,
                    {
                        "source": entry["source"],
                        "short": entry["short"],
                        "kind": entry["kind"],
                        "ref": entry["ref"],
                        "version": entry["version"],
                        "verified": entry["verified"],
                        "unverified_paragraph": entry["unverified_paragraph"],
                    },
                )
    return sorted(
        seen.values(),
        key=lambda entry: (entry["kind"], entry["source"], reference_order(entry["ref"])),
    )


def _claim(claim: Claim | None, fact: Fact, vocabulary: Vocabulary) -> dict | None:
    """The kommun's own statement of a fact that the auditor's finding replaces."""
    if claim is None:
        return None
    return {
        "value": to_json(claim.value),
        "display": format_value(claim.value, fact, vocabulary),
        "källa": claim.källa,
        "underlag": claim.underlag,
    }
