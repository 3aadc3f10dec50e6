"""Where the rule base is not monotone: the places the exact bounds must split on.

`granska lint` reports these as located findings (`file:line: [level] message (rule)`,
yamllint's shape). None is an error: bounds stay exact, they only cost more where facts
are used both ways. Rules:

- `fact-without-order` (info): a fact the criteria read declares no `better:`, so
  "improving" it has no meaning for the way up and the monotonicity tests.
- `criterion-not-monotone` (warning): a criterion's status falls when one of its facts
  improves along the fact's `better:` order.
- `question-splits` (info): a question whose criteria use a fact in opposite directions,
  so its bounds split on that fact.
- `policy-not-monotone` (warning): a verdict policy whose scores fall along the scale, so
  bounds fall back to enumerating every completion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checker.bounds.domains import FactDomain
from checker.bounds.search import (
    Scope,
    pointwise_extreme,
    policy_is_monotone,
    question_aggregate,
)
from checker.bounds.tables import Problem
from checker.files.strict_yaml import load_yaml
from checker.language import conditions, facttypes
from checker.language.facttypes import format_value
from checker.model import STATUSES, Audit, Policy, RuleBase

# Period operators need reference dates; monotonicity does not depend on which.
_CONTEXT = conditions.Context(date(2024, 12, 31), date(2024, 1, 1), date(2024, 12, 31))


@dataclass(frozen=True, order=True)
class Message:
    """What a finding says: a message id and its values, worded by `granska lint`."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def value(self, name: str) -> Any:
        return dict(self.values)[name]


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    rule: str
    level: str
    message: Message


def monotonicity_findings(rules: RuleBase) -> list[Finding]:
    """Every non-monotone place of the rule base's audit templates, sorted by place."""
    findings: set[Finding] = set()
    for audit in rules.audits.values():
        findings |= _audit_findings(rules, audit)
    return sorted(findings)


def _audit_findings(rules: RuleBase, audit: Audit) -> set[Finding]:
    parameters = {name: parameter.value for name, parameter in rules.parameters.items()}
    parameters.update(audit.parameters)
    criteria = {
        spec.criterion: rules.criteria[spec.criterion]
        for question in audit.questions
        for spec in question.criteria
    }
    problem = Problem(rules, criteria.values(), parameters, {}, _CONTEXT)
    # Whether a criterion applies is neither better nor worse for the kommun: the facts
    # of `applies_when` need no order and are not read "against" one.
    applicability = {
        criterion_id: conditions.facts_of(criterion.applies_when)
        for criterion_id, criterion in criteria.items()
    }
    graded = set().union(
        *(
            conditions.facts_of(criterion.uppfyllt) | conditions.facts_of(criterion.delvis)
            for criterion in criteria.values()
        )
    )
    findings = set()
    for fact_id, domain in problem.domains.items():
        fact = domain.fact
        if fact.better is None and fact_id in graded:
            findings.add(
                Finding(
                    fact.file,
                    fact.line,
                    "fact-without-order",
                    "info",
                    Message("fact-without-order", (("fact", fact_id),)),
                )
            )
    for number, model in enumerate(problem.criteria):
        criterion = rules.criteria[model.id]
        for fact_id in model.facts:
            if fact_id in applicability[model.id]:
                continue
            witness = _falls(problem, number, problem.domains[fact_id], rules)
            if witness:
                findings.add(
                    Finding(
                        criterion.file,
                        criterion.line,
                        "criterion-not-monotone",
                        "warning",
                        Message("criterion-not-monotone", (("criterion", model.id), *witness)),
                    )
                )
    lines = _question_lines(audit)
    monotone = policy_is_monotone(audit.policy, STATUSES)
    ranks = {grade.id: rank for rank, grade in enumerate(reversed(audit.scale))}
    for index, question in enumerate(audit.questions):
        positions = tuple(problem.index[spec.criterion] for spec in question.criteria)
        scope = Scope.of(
            problem, positions, question_aggregate(audit.policy, question.criteria, ranks), monotone
        )
        for fact_id in scope.readers:
            if any(fact_id in applicability[spec.criterion] for spec in question.criteria):
                continue
            if not all(
                pointwise_extreme(problem, scope, fact_id, {}, best) for best in (True, False)
            ):
                findings.add(
                    Finding(
                        audit.file,
                        lines.get(index, 1),
                        "question-splits",
                        "info",
                        Message(
                            "question-splits",
                            (("audit", audit.id), ("fact", fact_id), ("question", question.id)),
                        ),
                    )
                )
    for name, policy, order in _policies(audit):
        if not policy_is_monotone(policy, order):
            findings.add(
                Finding(
                    audit.file,
                    _key_line(audit.file, name),
                    "policy-not-monotone",
                    "warning",
                    Message(
                        "policy-not-monotone",
                        (("audit", audit.id), ("order", tuple(order)), ("policy", name)),
                    ),
                )
            )
    return findings


def _goodness(domain: FactDomain, index: int) -> Any:
    """A sort key for a class's value by the fact's `better:` order (higher is better)."""
    return facttypes.of(domain.fact).goodness(domain.classes[index].value, domain.fact)


def _falls(
    problem: Problem, criterion: int, domain: FactDomain, rules: RuleBase
) -> tuple[tuple[str, str], ...]:
    """How the criterion's status falls as the fact improves (a witness), or ()."""
    fact = domain.fact
    if not facttypes.of(fact).ordered(fact):
        return ()
    classes = domain.classes
    for worse in range(len(classes)):
        for better in range(len(classes)):
            if (
                classes[worse].underlag == classes[better].underlag
                and _goodness(domain, worse) < _goodness(domain, better)
                and not problem.dominated(criterion, fact.id, worse, better)
            ):
                shown = [
                    format_value(classes[index].value, fact, rules.vocabulary)
                    for index in (worse, better)
                ]
                return (("better", shown[1]), ("fact", fact.id), ("worse", shown[0]))
    return ()


def _policies(audit: Audit) -> list[tuple[str, Policy, tuple[str, ...]]]:
    grades = tuple(grade.id for grade in reversed(audit.scale))
    found = [("policy", audit.policy, STATUSES), ("overall", audit.overall_policy, grades)]
    if audit.followup is not None:
        found.append(("followup", audit.followup.policy, STATUSES))
    return found


def _question_lines(audit: Audit) -> dict[int, int]:
    """The line of each question of the audit file (by position)."""
    document = load_yaml(Path(audit.file))
    questions = document.get("questions") if isinstance(document, dict) else None
    if not hasattr(questions, "line_of"):
        return {}
    return {index: questions.line_of(index) for index in range(len(questions))}


def _key_line(file: str, key: str) -> int:
    document = load_yaml(Path(file))
    return document.line_of(key) if hasattr(document, "line_of") and key in document else 1
