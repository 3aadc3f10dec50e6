"""Which facts an audit template asks for, and in which order to ask them.

The one fact order, for the terminal questionnaire, the web form, blank case files and
drafts alike.

An audit's facts are those its criteria read, together with the facts their
`relevant_when` conditions read (so a follow-up is never asked before the question it
follows). They are grouped by area, in the order the audit's questions come to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from checker.evaluation.evaluate import audit_criteria
from checker.language import conditions
from checker.model import Audit, RuleBase


def criteria_reading(rules: RuleBase, audit: Audit) -> Counter[str]:
    """Per fact, how many of the audit's criteria grade by it (read it in their statuses)."""
    counts: Counter[str] = Counter()
    for criterion in audit_criteria(rules, audit):
        counts.update(
            conditions.facts_of(criterion.uppfyllt) | conditions.facts_of(criterion.delvis)
        )
    return counts


def prerequisites(rules: RuleBase, fact_id: str) -> frozenset[str]:
    """The facts whose answers decide whether `fact_id` is relevant."""
    return conditions.facts_of(rules.facts[fact_id].relevant_when)


def with_prerequisites_first(rules: RuleBase, ordered: Iterable[str]) -> list[str]:
    """The facts in the given order, each preceded by the facts its relevance depends on."""
    position = {fact_id: index for index, fact_id in enumerate(rules.facts)}
    result: list[str] = []
    placed: set[str] = set()

    def place(fact_id: str, visiting: frozenset[str]) -> None:
        if fact_id in placed or fact_id in visiting:
            return
        for prerequisite in sorted(prerequisites(rules, fact_id), key=position.__getitem__):
            place(prerequisite, visiting | {fact_id})
        placed.add(fact_id)
        result.append(fact_id)

    for fact_id in ordered:
        place(fact_id, frozenset())
    return result


def audit_facts(rules: RuleBase, audit: Audit) -> list[str]:
    """The facts of an audit grouped by area, each after the facts it depends on.

    Areas come in the order the audit's questions first read them; within an area the
    facts keep their catalogue order.
    """
    area_rank: dict[str, int] = {}
    read: set[str] = set()
    for criterion in audit_criteria(rules, audit):
        for fact_id in sorted(conditions.criterion_facts(criterion)):
            area_rank.setdefault(rules.facts[fact_id].area, len(area_rank))
            read.add(fact_id)
    ordered = sorted(
        (fact_id for fact_id in rules.facts if fact_id in read),
        key=lambda fact_id: area_rank[rules.facts[fact_id].area],
    )
    return with_prerequisites_first(rules, ordered)
