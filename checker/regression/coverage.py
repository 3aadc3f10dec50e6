"""`granska test --coverage`: which statuses and verdicts the tests reach.

A criterion can be uppfyllt and ej uppfyllt, delvis when it has a `delvis:` condition
and ej tillämpligt when it has an `applies_when:`; any further status a result shows it
in counts as one it can take. A question can get every grade of its audit's scale. A
status or verdict is reached when a test's case (a golden case or a criterion test) is
graded so; an open range, unknown or not assessed, reaches nothing. The figure is the
share of all of these, criteria and questions together, that some test reaches.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.model import NOT_APPLICABLE, NOT_ASSESSED, STATUSES, RuleBase

NOT_AN_OUTCOME = (NOT_ASSESSED,)  # the case's word, not the rules' outcome


def _possible(rules: RuleBase) -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]]]:
    statuses = {
        criterion_id: [
            *(status for status in STATUSES if status != "delvis" or criterion.delvis is not None),
            *([NOT_APPLICABLE] if criterion.applies_when is not None else []),
        ]
        for criterion_id, criterion in sorted(rules.criteria.items())
    }
    verdicts = {
        (audit.id, question.id): [grade.id for grade in audit.scale]
        for audit in sorted(rules.audits.values(), key=lambda audit: audit.id)
        for question in audit.questions
    }
    return statuses, verdicts


def coverage(rules: RuleBase, results: Iterable[dict]) -> dict:
    """Per criterion and per question what the results reach and what they miss."""
    statuses, verdicts = _possible(rules)
    reached_statuses: dict[str, set[str]] = {key: set() for key in statuses}
    reached_verdicts: dict[tuple[str, str], set[str]] = {key: set() for key in verdicts}
    for result in results:
        audit_id = result["audit"]["id"]
        for question in result["questions"]:
            if question["decided"] and (audit_id, question["id"]) in verdicts:
                reached_verdicts[audit_id, question["id"]].add(question["verdict"])
        for question in [*result["questions"], *(result.get("followup") or [])]:
            for criterion in question["criteria"]:
                status = criterion["status"]
                if criterion["id"] in statuses and status and status not in NOT_AN_OUTCOME:
                    reached_statuses[criterion["id"]].add(status)
                    if status not in statuses[criterion["id"]]:
                        statuses[criterion["id"]].append(status)
    criteria = [
        {
            "id": criterion_id,
            "reached": [s for s in possible if s in reached_statuses[criterion_id]],
            "missing": [s for s in possible if s not in reached_statuses[criterion_id]],
        }
        for criterion_id, possible in statuses.items()
    ]
    questions = [
        {
            "audit": audit_id,
            "id": question_id,
            "reached": [g for g in possible if g in reached_verdicts[audit_id, question_id]],
            "missing": [g for g in possible if g not in reached_verdicts[audit_id, question_id]],
        }
        for (audit_id, question_id), possible in verdicts.items()
    ]
    counted = [*criteria, *questions]
    total = sum(len(item["reached"]) + len(item["missing"]) for item in counted)
    reached = sum(len(item["reached"]) for item in counted)
    return {
        "criteria": criteria,
        "questions": questions,
        "reached": reached,
        "total": total,
        "percent": 100 * reached / total if total else 100.0,
        "criteria_reached": sum(len(item["reached"]) for item in criteria),
        "criteria_total": sum(len(item["reached"]) + len(item["missing"]) for item in criteria),
        "questions_reached": sum(len(item["reached"]) for item in questions),
        "questions_total": sum(len(item["reached"]) + len(item["missing"]) for item in questions),
        "status_labels": dict(rules.vocabulary.status_labels),
        "grade_labels": {
            audit.id: {grade.id: grade.label for grade in audit.scale}
            for audit in rules.audits.values()
        },
    }
