"""Which statuses a criterion can take and which grades a question can get, exactly.

Each fact a condition reads ranges over finitely many classes, the (value, underlag)
pairs its tests tell apart (checker.bounds.domains); a criterion's conditions are evaluated
on every combination of the classes of its facts, for every parameter set an audit
template binds it with. A question's grades follow from its policy with each criterion
at its best or worst reachable status: the policies are monotone (docs/rule-format.md)
and the criteria are taken one by one, so a grade reported unreachable is unreachable.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from datetime import date
from typing import Any

from checker.bounds.domains import build_domain, collect_tests
from checker.language import conditions, verdicts
from checker.lint.index import Place, line_in
from checker.lint.messages import Message, said
from checker.lint.model import Subject
from checker.model import STATUSES, Audit, Criterion, RuleBase

# Period operators need reference dates; which ones does not change what is reachable.
CONTEXT = conditions.Context(date(2024, 12, 31), date(2024, 1, 1), date(2024, 12, 31))
MAX_COMBINATIONS = 100_000  # beyond this a condition is not enumerated (none comes near)

Found = Iterator[tuple[Place, Message]]


def truth_table(rules: RuleBase, condition_list: tuple[Any, ...]) -> set[tuple[bool, ...]]:
    """Every combination of truths the bound conditions take together over all cases;
    empty when there are too many combinations to enumerate."""
    tests: dict[str, list] = {}
    for condition in condition_list:
        collect_tests(condition, tests)
    domains = [
        build_domain(rules.facts[fact_id], found, rules.vocabulary.underlag, CONTEXT)
        for fact_id, found in sorted(tests.items())
    ]
    if math.prod(len(domain.classes) for domain in domains) > MAX_COMBINATIONS:
        return set()
    table = set()
    for combination in itertools.product(*(domain.classes for domain in domains)):
        known = {
            domain.fact.id: (chosen.value, chosen.underlag)
            for domain, chosen in zip(domains, combination, strict=True)
        }
        table.add(
            tuple(
                conditions.evaluate(condition, rules.facts, known, CONTEXT) is True
                for condition in condition_list
            )
        )
    return table


def _parameter_sets(rules: RuleBase) -> dict[str, list[dict[str, Any]]]:
    """Per criterion, the parameter values each audit using it binds it with."""
    defaults = {name: parameter.value for name, parameter in rules.parameters.items()}
    sets: dict[str, list[dict[str, Any]]] = {}
    for audit in sorted(rules.audits.values(), key=lambda audit: audit.id):
        values = {**defaults, **audit.parameters}
        for question in audit.questions:
            for spec in question.criteria:
                if values not in sets.setdefault(spec.criterion, []):
                    sets[spec.criterion].append(values)
    return {criterion_id: sets.get(criterion_id, [defaults]) for criterion_id in rules.criteria}


def criterion_table(
    subject: Subject, criterion: Criterion, parameters: dict[str, Any]
) -> set[tuple[bool, bool]]:
    """The (uppfyllt, delvis) truths the criterion can show with these parameters."""
    key = ("criterion", criterion.id, tuple(sorted(parameters.items())))
    if key not in subject.memo:
        bound = (
            conditions.bind(criterion.uppfyllt, parameters),
            conditions.bind(criterion.delvis, parameters),
        )
        subject.memo[key] = truth_table(subject.rules, bound)
    return subject.memo[key]


def statuses(table: set[tuple[bool, bool]]) -> tuple[str, ...]:
    """The statuses a truth table allows, worst first (all of them when unknown)."""
    if not table:
        return STATUSES
    found = {"uppfyllt" if u else "delvis" if d else "ej_uppfyllt" for u, d in table}
    return tuple(status for status in STATUSES if status in found)


def _place(subject: Subject, kind: str, item_id: str, key: str, fallback: Place) -> Place:
    entry = (subject.index.criteria if kind == "criterion" else subject.index.facts).get(item_id)
    if entry is None or not isinstance(entry.value, dict):
        return fallback
    return Place(entry.file, line_in(entry.value, key, entry.line))


def _criterion_messages(criterion: Criterion, table: set, met: bool) -> dict[str, str]:
    """Message ids by the key of the condition they concern."""
    if not table:
        return {}
    upp = {u for u, _d in table}
    delvis_alone = any(d and not u for u, d in table)
    messages = {}
    if not met and True not in upp:
        messages["uppfyllt"] = "uppfyllt-never"
    if not met and criterion.delvis is not None and not delvis_alone:
        never = not any(d for _u, d in table)
        messages["delvis"] = "delvis-never" if never else "delvis-shadowed"
    if met and False not in upp:
        messages["uppfyllt"] = "uppfyllt-always"
    elif met and criterion.delvis is not None and all(u or d for u, d in table):
        messages["delvis"] = "delvis-always"
    return messages


def _parameters_of(condition: Any) -> list[str]:
    """The parameters a condition's tests compare with, in order."""
    if condition is None:
        return []
    if isinstance(condition, conditions.Test):
        operand = condition.operand
        amount = getattr(operand, "amount", None)
        return [item.name for item in (operand, amount) if isinstance(item, conditions.Param)]
    if isinstance(condition, conditions.Not):
        return _parameters_of(condition.item)
    return [name for item in condition.items for name in _parameters_of(item)]


def _status_findings(subject: Subject, met: bool) -> Found:
    rules = subject.rules
    for criterion_id, parameter_sets in sorted(_parameter_sets(rules).items()):
        criterion = rules.criteria[criterion_id]
        messages: dict[str, str] = {}
        for parameters in parameter_sets:
            messages.update(
                _criterion_messages(criterion, criterion_table(subject, criterion, parameters), met)
            )
        for key, message in sorted(messages.items()):
            place = _place(
                subject, "criterion", criterion_id, key, Place(criterion.file, criterion.line)
            )
            # A threshold that makes a condition unreachable is found where it is set: one
            # an overlay sets (in either condition) first, else one of this condition.
            index = subject.index
            own = [
                name for name in _parameters_of(getattr(criterion, key)) if name in index.parameters
            ]
            overlaid = [
                name
                for name in (
                    *_parameters_of(criterion.uppfyllt),
                    *_parameters_of(criterion.delvis),
                )
                if name in index.parameters and index.parameters[name].file in index.overlay_files
            ]
            parameters = list(dict.fromkeys([*overlaid, *own]))
            if parameters:
                entry = index.parameters[parameters[0]]
                place = Place(entry.file, line_in(entry.value, "value", entry.line))
            yield (
                place,
                said(
                    message,
                    criterion=criterion_id,
                    parameters=tuple(dict.fromkeys(parameters)),
                ),
            )
        if criterion.applies_when is not None:
            for parameters in parameter_sets:
                bound = conditions.bind(criterion.applies_when, parameters)
                truths = {truth for (truth,) in truth_table(rules, (bound,))}
                place = _place(
                    subject,
                    "criterion",
                    criterion_id,
                    "applies_when",
                    Place(criterion.file, criterion.line),
                )
                if truths and not met and True not in truths:
                    yield place, said("applies-never", criterion=criterion_id)
                    break
                if truths and met and False not in truths:
                    yield place, said("applies-always", criterion=criterion_id)
                    break
    for fact_id, fact in sorted(rules.facts.items()):
        if fact.relevant_when is None:
            continue
        truths = {truth for (truth,) in truth_table(rules, (fact.relevant_when,))}
        place = _place(subject, "fact", fact_id, "relevant_when", Place(fact.file, fact.line))
        if truths and not met and True not in truths:
            yield place, said("relevant-never", fact=fact_id)
        if truths and met and False not in truths:
            yield place, said("relevant-always", fact=fact_id)


def never_met(subject: Subject) -> Found:
    return _status_findings(subject, met=False)


def always_met(subject: Subject) -> Found:
    return _status_findings(subject, met=True)


def grade_unreachable(subject: Subject) -> Found:
    rules = subject.rules
    defaults = {name: parameter.value for name, parameter in rules.parameters.items()}
    for audit in sorted(rules.audits.values(), key=lambda audit: audit.id):
        parameters = {**defaults, **audit.parameters}
        for question in audit.questions:
            reachable = [
                statuses(criterion_table(subject, rules.criteria[spec.criterion], parameters))
                for spec in question.criteria
            ]
            for best, wanted in ((True, audit.scale[0]), (False, audit.scale[-1])):
                items = [
                    verdicts.Item(found[-1 if best else 0], spec.weight, spec.essential)
                    for spec, found in zip(question.criteria, reachable, strict=True)
                ]
                grade = verdicts.grade(audit.policy, items, STATUSES)
                if grade != wanted.id:
                    entry = subject.index.questions.get((audit.id, question.id))
                    place = Place(entry.file, entry.line) if entry else Place(audit.file, 1)
                    yield (
                        place,
                        said(
                            "grade-unreachable",
                            audit=audit.id,
                            question=question.id,
                            wanted=wanted.label,
                            best=best,
                            gives=_label(audit, grade),
                        ),
                    )


def _label(audit: Audit, grade: str) -> str:
    return next(item.label for item in audit.scale if item.id == grade)


def question_without_object(subject: Subject) -> Found:
    """A question of a template whose policy grades the essential criteria (the question's
    object, docs/verdict-standard.md) that names none: its object could not decide it."""
    rules = subject.rules
    for audit in sorted(rules.audits.values(), key=lambda audit: audit.id):
        if all(step.essential_min_score is None for step in audit.policy.steps):
            continue
        for question in audit.questions:
            if any(spec.essential for spec in question.criteria):
                continue
            entry = subject.index.questions.get((audit.id, question.id))
            place = Place(entry.file, entry.line) if entry else Place(audit.file, 1)
            yield (
                place,
                said("question-without-object", audit=audit.id, question=question.id),
            )
