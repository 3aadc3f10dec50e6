"""Evaluating a case against its audit template: criteria, verdicts, overall, recommendations.

The result is the JSON contract (docs/json-output.md): a plain dict that every renderer
reads and nothing else.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.meta

from checker.errors import GranskaError
from checker.evaluation.citations import annotate_sources, cite, reference_order
from checker.evaluation.engine import Engine
from checker.files import cache
from checker.language import conditions, verdicts
from checker.language.facttypes import format_value, to_json
from checker.language.jinja_filters import quick_select_filters
from checker.memo import Memo
from checker.model import (
    NOT_APPLICABLE,
    NOT_ASSESSED,
    STATUSES,
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

if TYPE_CHECKING:
    from checker.bounds.analysis import Analysis

SCHEMA_VERSION = 2  # 2: `verdict` is always set, on the evidence (docs/json-output.md)
QUESTION, FOLLOWUP = "question", "followup"  # the kinds of graded things, as the analysis keys them
_ENVIRONMENT = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False
)
# Filters the rules' templates may use. in_sentence: a name inside a sentence, as the
# reports write nämnd names ("att kommunstyrelsen …").
RULE_FILTERS = {"in_sentence": lambda text: text[:1].lower() + text[1:]}
_ENVIRONMENT.filters.update(RULE_FILTERS)
_ENVIRONMENT.filters.update(quick_select_filters(_ENVIRONMENT))
_ENGINE: Engine | None = None


@lru_cache(maxsize=1024)
def template(text: str) -> jinja2.Template:
    """A rule text's template, compiled once per text and code (files.cache)."""
    code = cache.compiled("texts", text, _ENVIRONMENT.compile, jinja2.__version__)
    return _ENVIRONMENT.template_class.from_code(
        _ENVIRONMENT, code, _ENVIRONMENT.make_globals(None)
    )


@lru_cache(maxsize=4096)
def _render_strings(text: str, context: tuple[tuple[str, Any], ...]) -> str:
    return render_text(text, **dict(context))


@lru_cache(maxsize=1024)
def _variables(text: str) -> frozenset[str] | None:
    """The names a template reads (None when it does not parse: render_text says why)."""
    try:
        return frozenset(jinja2.meta.find_undeclared_variables(_ENVIRONMENT.parse(text)))
    except jinja2.TemplateError:
        return None


def render_strings(text: str, **context: str | tuple[str, ...]) -> str:
    """`render_text` for a context of plain strings, remembered per text and the values
    it reads: such texts (the disclaimer, recommendations, overall judgements) repeat
    across cases, most of them whatever the kommun."""
    used = _variables(text)
    return _render_strings(
        text,
        tuple(sorted(item for item in context.items() if used is None or item[0] in used)),
    )


def render_text(text: str, **context: Any) -> str:
    """Render a rule's jinja2 template; whitespace folded to single spaces."""
    if "{" not in text:  # no jinja2 syntax: the text renders as itself, uncompiled
        return " ".join(text.split())
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


def case_criteria(rules: RuleBase, case: Case) -> tuple[Criterion, ...]:
    """The audit's criteria, then those judging the case's followed-up recommendations."""
    extra = tuple(spec.criterion for item in case.followup for spec in item.criteria)
    key = (id(rules), case.audit, extra)
    found = _CASE_CRITERIA.get(key)
    if found is None or found[0] is not rules:
        seen = {
            criterion.id: criterion for criterion in audit_criteria(rules, rules.audits[case.audit])
        }
        for criterion_id in extra:
            seen.setdefault(criterion_id, rules.criteria[criterion_id])
        found = _CASE_CRITERIA.remember(key, (rules, tuple(seen.values())))
    return found[1]


_CASE_CRITERIA = Memo()  # rules, audit and followed-up criteria -> (rules, criteria)


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


def _report_context(case: Case, vocabulary: Vocabulary) -> dict[str, Any]:
    """What the case gives for the report's Inledning (all empty when it gives nothing)."""
    report = case.report
    return {
        "diarienummer": report.diarienummer,
        "bakgrund": report.bakgrund,
        "avgränsning": report.avgränsning,
        "dokument": list(report.dokument),
        "intervjuer": [{"funktion": i.funktion, "nämnd": i.nämnd} for i in report.intervjuer],
        "utfall": [
            {
                "measure": outcome.measure,
                **vocabulary.outcome_measures[outcome.measure],
                "year": outcome.year,
                "value": outcome.value,
                "riket": outcome.riket,
                "liknande": outcome.liknande,
                "källa": outcome.källa,
            }
            for outcome in report.utfall
        ],
    }


def context_of(case: Case) -> conditions.Context:
    return conditions.Context(case.granskningsdatum, case.period_from, case.period_to)


def known_facts(case: Case) -> dict[str, tuple[Any, str]]:
    return {fact.id: (fact.value, fact.underlag) for fact in case.facts.values() if fact.known}


def _bound_criteria(
    key: tuple, criteria: tuple[Criterion, ...], parameters: dict[str, Any]
) -> list:
    """(criterion, uppfyllt, delvis, applies_when) with the parameters bound, once per
    rules and parameters."""
    bound = _BOUND.get(key)
    if bound is None:
        bound = [
            (
                criterion,
                conditions.bind(criterion.uppfyllt, parameters),
                conditions.bind(criterion.delvis, parameters),
                conditions.bind(criterion.applies_when, parameters)
                if criterion.applies_when is not None
                else None,
            )
            for criterion in criteria
        ]
        _BOUND.remember(key, bound)
    return bound


_BOUND = Memo(256)  # rules and parameters -> bound criteria


def _binding(rules: RuleBase, case: Case) -> tuple[tuple, list]:
    """The key of the case's rules, audit, parameters and criteria, and its bound criteria."""
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
    return key, _bound_criteria(key, criteria, parameters)


def decided_statuses(
    rules: RuleBase, cases: list[Case], use_engine: bool = True
) -> list[dict[str, str | None]]:
    """Per case, each criterion's status as its known facts decide it (None: undecided).

    durable-rules decides (engine.py), for many cases at once; `use_engine=False` asks
    the reference interpreter instead, the oracle the tests hold the engine to.
    """
    results: list[dict[str, str | None]] = [{} for _case in cases]
    groups: dict[tuple, list[int]] = {}
    bindings = {}
    for number, case in enumerate(cases):
        key, bound = _binding(rules, case)
        groups.setdefault(key, []).append(number)
        bindings[key] = bound
    for key, numbers in groups.items():
        bound = bindings[key]
        inputs = [(known_facts(cases[n]), context_of(cases[n])) for n in numbers]
        if use_engine:
            compiled = engine().compile(key, rules.facts, bound)
            decided = engine().statuses(compiled, inputs)
        else:
            decided = [
                [_kleene_status(rules, conditions_, known, context) for conditions_ in bound]
                for known, context in inputs
            ]
        ids = [criterion.id for criterion, *_conditions in bound]
        for number, statuses in zip(numbers, decided, strict=True):
            results[number] = dict(zip(ids, statuses, strict=True))
    return results


def _kleene_status(
    rules: RuleBase, bound: tuple, known: dict[str, tuple[Any, str]], context: conditions.Context
) -> str | None:
    """The status the three-valued truths of a bound criterion's conditions decide, if
    they decide one (the reference interpreter's answer)."""
    _criterion, uppfyllt, delvis, applies = bound
    if applies is not None:
        holds = conditions.evaluate(applies, rules.facts, known, context)
        if holds is not True:
            return NOT_APPLICABLE if holds is False else None
    met = conditions.evaluate(uppfyllt, rules.facts, known, context)
    if met is True:
        return STATUSES[2]
    partly = conditions.evaluate(delvis, rules.facts, known, context)
    if met is False and partly is not None:
        return STATUSES[1] if partly else STATUSES[0]
    return None


def criterion_forms(rules: RuleBase, case: Case, use_engine: bool = True) -> dict[str, str | None]:
    """Per criterion of the case, the status its known facts decide (see decided_statuses)."""
    return decided_statuses(rules, [case], use_engine)[0]


def evaluate_case(
    rules: RuleBase,
    case: Case,
    use_engine: bool = True,
    with_reasoning: bool = True,
    decided: dict[str, str | None] | None = None,
) -> dict:
    """The full result of one case (the JSON contract).

    Which evaluator decides what: durable-rules decides every criterion status the
    known facts settle (`decided`, from decided_statuses when not given); the bounds
    analysis (checker.bounds, imported only then) is asked only about what unknown
    facts leave open: an undecided criterion's range, an undecided question's or
    nämnd's bounds and open facts, and the way up.
    """
    return _evaluate(rules, case, use_engine, with_reasoning, decided, True)


def judge_case(rules: RuleBase, case: Case, decided: dict[str, str | None] | None = None) -> dict:
    """The judgement of one case: the part of evaluate_case's result that a summary or a
    comparison reads (the case header, the audit, the nämnder, each criterion's status
    and range, each question's and follow-up's verdict and bounds, the overall
    judgements, the recommendations, the headings), without the facts, citations,
    sources, open facts, way up or texts that only a report shows."""
    return _evaluate(rules, case, True, False, decided, False)


def _evaluate(
    rules: RuleBase,
    case: Case,
    use_engine: bool,
    with_reasoning: bool,
    decided: dict[str, str | None] | None,
    details: bool,
) -> dict:
    audit = rules.audits[case.audit]
    parameters = parameters_for(rules, audit, case)
    if decided is None:
        decided = criterion_forms(rules, case, use_engine)
    known = known_facts(case) if details else {}
    bounds = _Bounds(rules, case, parameters, decided)
    criteria = {}
    for criterion in case_criteria(rules, case):
        if criterion.id in case.not_assessed:
            possible: tuple[str, ...] = (NOT_ASSESSED,)
        elif decided[criterion.id] is not None:
            possible = (decided[criterion.id],)
        else:  # the known facts leave it open: ask the analysis for its exact range
            possible = bounds.analysis.criterion_possible(criterion.id)
        criteria[criterion.id] = (
            _criterion_result(rules, case, criterion, possible, parameters, with_reasoning, known)
            if details
            else _criterion_judgement(criterion, possible)
        )
    questions = [
        _question_result(
            rules,
            audit,
            question,
            criteria,
            with_reasoning,
            bounds,
            (QUESTION, question.id),
            namnd_form(rules.vocabulary, len(case.namnder)),
            details,
        )
        for question in audit.questions
    ]
    followup = _followup(rules, audit, case, criteria, with_reasoning, bounds, details)
    result: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        **case_header(case),
        "nämnder": [{"namn": n.name, "roller": list(n.roles)} for n in case.namnder],
    }
    if details:
        result["rapport"] = _report_context(case, rules.vocabulary)
    result["audit"] = _audit_part(rules, audit, case)
    result["questions"] = questions
    result["followup"] = followup
    result["overall"] = _overall(rules, audit, case, questions, bounds)
    result["recommendations"] = _recommendations(rules, audit, case, criteria, questions)
    if details:
        result["parameters"] = {
            name: parameters[name] for name in sorted(_used_parameters(rules, audit, case))
        }
        result["parameter_overrides"] = dict(sorted(case.parameters.items()))
        result["not_assessed"] = [
            {"criterion": key, "reason": value} for key, value in sorted(case.not_assessed.items())
        ]
        result["sources"] = annotate_sources(rules, case, _sources_cited(questions + followup))
    result["rules_version"] = rules.version
    if details:
        result["overlay"] = rules.overlay.as_json() if rules.overlay else None
        result["disclaimer"] = render_strings(
            rules.vocabulary.disclaimer, version=rules.version, audit=audit.title
        )
    result["headings"] = dict(rules.vocabulary.headings)
    return result


def _audit_part(rules: RuleBase, audit: Audit, case: Case) -> dict:
    """The result's `audit`: the template's title, purpose, scales and roles."""
    return {
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
    }


class _Bounds:
    """Question and nämnd bounds of one case: aggregated straight from the criterion
    statuses when they are all decided, else asked of the bounds analysis, which is
    built (and checker.bounds imported) only then."""

    def __init__(
        self, rules: RuleBase, case: Case, parameters: dict[str, Any], decided: dict
    ) -> None:
        self.rules, self.case, self.parameters, self.decided = rules, case, parameters, decided

    @cached_property
    def analysis(self) -> Analysis:
        from checker.bounds.analysis import Analysis

        return Analysis(self.rules, self.case, self.parameters, context_of(self.case), self.decided)

    def question(
        self,
        audit: Audit | FollowUp,
        key: tuple[str, str],
        assessed: list[tuple[Any, dict]],
        with_reasoning: bool,
        details: bool = True,
    ) -> tuple[str, str, list[str], list[dict], list[dict]]:
        """(lowest, highest, open facts, to_raise, not_raisable) of a graded question; the
        open facts only with `details`."""
        if all(result["status"] is not None for _spec, result in assessed):
            items = [
                verdicts.Item(result["status"], spec.weight, spec.essential)
                for spec, result in assessed
            ]
            grade = verdicts.grade(audit.policy, items, STATUSES)
            if not with_reasoning or grade == audit.scale[0].id:  # the top: no way up
                return grade, grade, [], [], []
        lowest, highest = self.analysis.bound_names(key)  # exact over the unknown facts
        open_facts = self.analysis.open_facts(key) if details else []
        raises, not_raisable = ([], [])
        if with_reasoning:
            from checker.bounds.raising import to_raise

            raises, not_raisable = to_raise(self.analysis, key)
        return lowest, highest, open_facts, raises, not_raisable

    def namnd(self, audit: Audit, number: int, concerned: list[dict]) -> tuple[str, str]:
        """(lowest, highest) overall grade of the case's nämnd number `number`."""
        if all(question["decided"] for question in concerned):
            order = tuple(grade.id for grade in reversed(audit.scale))
            items = [verdicts.Item(question["verdict"]) for question in concerned]
            grade = verdicts.grade(audit.overall_policy, items, order)
            return grade, grade
        ranks = self.analysis.namnd_bounds(number)  # exact: questions share facts
        grades = self.analysis.overall_grades
        return grades[ranks[0]], grades[ranks[1]]


def _used_parameters(rules: RuleBase, audit: Audit, case: Case) -> set[str]:
    criteria = case_criteria(rules, case)
    key = (rules.version, rules.directory, audit.id, tuple(c.id for c in criteria))
    if key not in _USED_PARAMETERS:
        used = set(audit.parameters)
        for criterion in criteria:
            for condition in (criterion.uppfyllt, criterion.delvis, criterion.applies_when):
                used |= _parameters_of(condition)
        _USED_PARAMETERS.remember(key, used)
    return _USED_PARAMETERS[key]


_USED_PARAMETERS = Memo()  # rules, audit and criteria -> the parameters they read


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


def _cited(rules: RuleBase, basis: tuple[str, ...], start: date, end: date) -> list[dict]:
    """`cite`, remembered per rules, provisions and period (a copy for each result)."""
    key = (id(rules), basis, start, end)
    found = _CITED.get(key)
    if found is None or found[0] is not rules:
        found = _CITED.remember(key, (rules, cite(rules, basis, start, end)))
    return [dict(entry) for entry in found[1]]


_CITED = Memo()  # rules, provisions and period -> (rules, basis entries)


def _facts_read(criterion: Criterion) -> tuple[frozenset[str], list[str]]:
    """The facts `applies_when` reads, and (sorted) every fact the criterion reads."""
    found = _FACTS_READ.get(id(criterion))
    if found is None or found[0] is not criterion:
        applicability = frozenset(conditions.facts_of(criterion.applies_when))
        read = sorted(conditions.criterion_facts(criterion))
        found = _FACTS_READ.remember(id(criterion), (criterion, applicability, read))
    return found[1], found[2]


_FACTS_READ = Memo()  # criterion -> (criterion, facts of applies_when, facts read)


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
    applicability, read = _facts_read(criterion)
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
            reasoning = _status_reasoning(criterion.reasoning[status], values, displays, raw)
    lowest, highest = (possible[0], possible[-1])
    return {
        "id": criterion.id,
        "title": criterion.title,
        "area": criterion.area,
        "status": status,
        "status_range": {"lowest": lowest, "highest": highest},
        "concerns": list(criterion.concerns),
        "basis": _cited(rules, criterion.basis, case.period_from, case.period_to),
        "facts": facts,
        "missing_facts": missing,
        "reasoning": reasoning,
        "om": criterion.om or criterion.title[:1].lower() + criterion.title[1:],
        "recommendation": criterion.recommendation,
    }


def _criterion_judgement(criterion: Criterion, possible: tuple[str, ...]) -> dict:
    """A criterion's part of a judgement (judge_case): its status and range."""
    return {
        "id": criterion.id,
        "title": criterion.title,
        "area": criterion.area,
        "status": possible[0] if len(possible) == 1 else None,
        "status_range": {"lowest": possible[0], "highest": possible[-1]},
        "concerns": list(criterion.concerns),
        "om": criterion.om or criterion.title[:1].lower() + criterion.title[1:],
        "recommendation": criterion.recommendation,
    }


def _status_reasoning(text: str, values: dict, displays: dict, raw: dict) -> str:
    """A criterion's reasoning for its status, rendered once per distinct input: the
    template reads only the displays and values of the criterion's facts, the
    parameters, the criterion's title and the form naming the nämnder."""
    parameters = values["p"]
    known = _PARAMETER_KEYS.get(id(parameters))
    if known is None or known[0] is not parameters:
        known = _PARAMETER_KEYS.remember(
            id(parameters), (parameters, repr(sorted(parameters.items())))
        )
    key = (
        text,
        tuple(displays.items()),
        repr(tuple(raw.items())),
        known[1],
        values["title"],
        values["nämnden"],
    )
    found = _REASONING.get(key)
    if found is None:
        found = _REASONING.remember(key, render_text(text, **values))
    return found


_PARAMETER_KEYS = Memo(64)  # id of a case's parameters -> (parameters, their key)
_REASONING = Memo(1 << 14)  # a reasoning template and its inputs -> the text


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
    bounds: _Bounds,
    key: tuple[str, str],
    nämnden: str = "",
    details: bool = True,
) -> dict:
    # A FollowUp grades like an audit: it has its own scale, policy and question_reasoning.
    assessed = [
        (spec, criteria[spec.criterion])
        for spec in question.criteria
        if criteria[spec.criterion]["status"] != NOT_ASSESSED
    ]
    lowest, highest, open_facts, raises, not_raisable = bounds.question(
        audit, key, assessed, with_reasoning, details
    )
    decided = lowest == highest
    verdict = lowest  # on the evidence: an unknown fact counts as not shown
    labels = {grade.id: grade.label for grade in audit.scale}
    results = [criteria[spec.criterion] for spec in question.criteria]
    weights = {
        spec.criterion: {"weight": spec.weight, "essential": spec.essential}
        for spec in question.criteria
    }
    result: dict[str, Any] = {
        "id": question.id,
        "title": question.title,
        "text": question.text,
        "verdict": verdict,
        "verdict_label": labels.get(verdict),
        "bounds": {"lowest": lowest, "highest": highest},
        "decided": decided,
    }
    if details:
        missing = sorted({fact for _spec, item in assessed for fact in item["missing_facts"]})
        result["missing_facts"] = missing
        result["open_facts"] = open_facts
        result["open_fact_titles"] = [rules.facts[fact_id].title for fact_id in open_facts]
    result["bounds_labels"] = {"lowest": labels[lowest], "highest": labels[highest]}
    if details:
        result["to_raise"] = raises
        result["not_raisable"] = not_raisable
    result["criteria"] = results
    if details:
        result["reasoning"] = ""
        if with_reasoning:
            shown = [
                dict(
                    item,
                    status_label=rules.vocabulary.status_labels.get(item["status"] or "okänt"),
                )
                for item in results
            ]
            result["reasoning"] = render_text(
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
    result["weights"] = weights
    result["decisive"] = deciding_criteria(audit, result) if isinstance(audit, Audit) else []
    return result


def _followup(
    rules: RuleBase,
    audit: Audit,
    case: Case,
    criteria: dict,
    with_reasoning: bool,
    bounds: _Bounds,
    details: bool,
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
            bounds,
            (FOLLOWUP, item.id),
            namnd_form(rules.vocabulary, len(case.namnder)),
            details,
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
    rules: RuleBase, audit: Audit, case: Case, questions: list[dict], bounds: _Bounds
) -> list[dict]:
    labels = {grade.id: grade.label for grade in audit.overall_scale}
    results = []
    for number, namnd in enumerate(case.namnder):
        concerned = [q for q in questions if _concerns(q, namnd.roles)]
        lowest, highest = bounds.namnd(audit, number, concerned)
        ends = {"lowest": lowest, "highest": highest}
        verdict = ends["lowest"]  # on the evidence: an unknown fact counts as not shown
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
                "decided": ends["lowest"] == ends["highest"],
                "text": text,
                "questions": [q["id"] for q in concerned],
            }
        )
    return results


def deciding_criteria(audit: Audit, question: dict) -> list[str]:
    """The unmet criteria that decided a question's verdict by the template's `recommend`
    rule (the recommendations come from them), most decisive first: its
    unmet object (essential) criteria and those costing it at least the template's
    `min_shortfall` of weighted score, else those costing it most; at the top grade every
    unmet criterion, as development points (docs/verdict-standard.md). Without a
    `recommend` rule, every unmet criterion in question order."""
    unmet = [
        (position, result)
        for position, result in enumerate(question["criteria"])
        if result["status"] in ("delvis", "ej_uppfyllt")
    ]
    rule = audit.recommend
    if rule is None:
        return [result["id"] for _position, result in unmet]
    best = max(audit.policy.scores.values())

    def shortfall(result: dict) -> float:
        weight = question["weights"][result["id"]]["weight"]
        return weight * (best - audit.policy.scores[result["status"]])

    def essential(result: dict) -> bool:
        return question["weights"][result["id"]]["essential"]

    top = question["verdict"] == audit.scale[0].id
    chosen = [
        (position, result)
        for position, result in unmet
        if top or essential(result) or shortfall(result) >= rule.min_shortfall - 1e-9
    ]
    if not chosen and unmet:
        most = max(shortfall(result) for _position, result in unmet)
        chosen = [(p, result) for p, result in unmet if shortfall(result) >= most - 1e-9]
    chosen.sort(key=lambda item: (not essential(item[1]), -shortfall(item[1]), item[0]))
    return [result["id"] for _position, result in chosen]


def _recommendations(
    rules: RuleBase, audit: Audit, case: Case, criteria: dict, questions: list[dict]
) -> list[dict]:
    """Recommendations from the criteria that decided each question, merged where the
    same recommendation is drawn twice; at most the template's `per_question` each. Those
    drawn only from questions at the top grade are development points (`development`)."""
    gathered: dict[str, dict] = {}
    for question in questions:
        top = audit.recommend is not None and question["verdict"] == audit.scale[0].id
        results = {result["id"]: result for result in question["criteria"]}
        drawn: list[str] = []
        for criterion_id in question["decisive"]:
            result = results[criterion_id]
            criterion = rules.criteria[criterion_id]
            if criterion.recommendation is None or result["status"] not in criterion.recommend_when:
                continue
            if criterion.recommendation not in drawn:
                if audit.recommend and len(drawn) == audit.recommend.per_question:
                    continue
                drawn.append(criterion.recommendation)
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
                    "development": True,
                },
            )
            entry["development"] = entry["development"] and top
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
