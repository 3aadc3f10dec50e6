"""The next most decisive questions for a case, shown beside the form.

This is the one seam for an interview ranking: until a ranking that knows how far an
answer can move the verdicts exists, the open facts of the result are ordered by how
many still open revisionsfrågor read them (ties in catalogue order).
"""

from __future__ import annotations

from collections import Counter

from checker.model import RuleBase


def next_questions(rules: RuleBase, result: dict) -> list[str]:
    """The ids of the open facts, those whose answers most likely settle a verdict first."""
    reads: Counter[str] = Counter()
    for question in result["questions"]:
        if not question["decided"]:
            reads.update(set(question["open_facts"]))
    position = {fact_id: index for index, fact_id in enumerate(rules.facts)}
    ranked = sorted(reads, key=lambda fact_id: (-reads[fact_id], position.get(fact_id, 0)))
    return ranked
