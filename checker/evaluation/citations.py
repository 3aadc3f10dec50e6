"""Choosing the wording of each cited provision in force during a case's period."""

from __future__ import annotations

from datetime import date

from checker.model import Citation, RuleBase


def in_force(rules: RuleBase, citation: Citation, start: date, end: date) -> bool:
    """Whether the citation applies to some day of [start, end]."""
    source = rules.sources[citation.source]
    if source.status == "förslag":
        return False
    valid_from = citation.valid_from or source.valid_from or date.min
    valid_to = citation.valid_to or source.valid_to or date.max
    return valid_from <= end and valid_to >= start


def cite(rules: RuleBase, provision_ids: tuple[str, ...], start: date, end: date) -> list[dict]:
    """The basis entries of the JSON contract for a criterion's provisions."""
    entries = []
    for provision_id in provision_ids:
        provision = rules.provisions[provision_id]
        for citation in provision.citations:
            if not in_force(rules, citation, start, end):
                continue
            source = rules.sources[citation.source]
            entries.append(
                {
                    "provision": provision_id,
                    "source": source.title,
                    "short": source.short,
                    "kind": source.kind,
                    "ref": citation.ref,
                    "version": source.id,
                    "verified": citation.verified,
                    "text": provision.text,
                    "note": citation.note,
                }
            )
    return entries
