"""Choosing the wording of each cited provision in force during a case's period.

A reference is flagged unverified only where it has a section number (`§`) not checked
against the published text: a guidance section, an Öppna jämförelser indicator or a
bedömningsgrund has none to check. A source's notes (its own, and those in force during
the period, such as a föreskrift that refers to a repealed law) go with the list of
sources, once per report.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from checker.model import Case, Citation, RuleBase

LOCAL_KIND = "lokal"  # the source kind a case's `lokala_revisionskriterier` fill in


def in_force(rules: RuleBase, citation: Citation, start: date, end: date) -> bool:
    """Whether the citation applies to some day of [start, end]."""
    source = rules.sources[citation.source]
    if source.status == "förslag":
        return False
    valid_from = citation.valid_from or source.valid_from or date.min
    valid_to = citation.valid_to or source.valid_to or date.max
    return valid_from <= end and valid_to >= start


@lru_cache(maxsize=4096)
def reference_order(ref: str) -> tuple:
    """A sort key that puts "3 kap. 5 §" before "11 kap. 5 §": numbers by value."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", ref)
    )


def unverified_paragraph(citation: Citation) -> bool:
    """Whether the reference names a section number that has not been verified."""
    return not citation.verified and "§" in citation.ref


def cite(rules: RuleBase, provision_ids: tuple[str, ...], start: date, end: date) -> list[dict]:
    """The basis entries of the JSON contract for a criterion's provisions; a reference
    two provisions share (a topic of SoL 2025:400) is given once."""
    entries = []
    seen: set[tuple[str, str]] = set()
    for provision_id in provision_ids:
        provision = rules.provisions[provision_id]
        for citation in provision.citations:
            if not in_force(rules, citation, start, end):
                continue
            if (citation.source, citation.ref) in seen:
                continue
            seen.add((citation.source, citation.ref))
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
                    "unverified_paragraph": unverified_paragraph(citation),
                    "text": provision.text,
                    "note": citation.note,
                }
            )
    return entries


def annotate_sources(rules: RuleBase, case: Case, cited: list[dict]) -> list[dict]:
    """The cited sources with their notes in force during the case's period, and the
    local source with the case's own lokala revisionskriterier."""
    annotated = []
    for entry in cited:
        source = rules.sources[entry["version"]]
        local = list(case.local_criteria) if source.kind == LOCAL_KIND else []
        notes = [source.note] if source.note and not local else []
        notes += [
            note.text
            for note in source.notes
            if (note.valid_from or date.min) <= case.period_to
            and (note.valid_to or date.max) >= case.period_from
        ]
        annotated.append({**entry, "notes": notes, "local": local})
    return annotated
