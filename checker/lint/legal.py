"""What lint checks of the legal basis: a bedömningsgrund is never verified.

A bedömningsgrund (sources.yaml kind `bedömningsgrund`) is practice the audit applies,
not a provision whose wording could be checked against a published text; marking it
verified would tell the reader it is law.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.lint.index import Place, line_in
from checker.lint.messages import Message, said
from checker.lint.model import Subject

ASSESSMENT_KIND = "bedömningsgrund"


def verified_assessment_basis(subject: Subject) -> Iterator[tuple[Place, Message]]:
    index = subject.index
    for provision in index.provisions.values():
        fields = provision.value if isinstance(provision.value, dict) else {}
        citations = fields.get("citations")
        for position, citation in enumerate(citations if isinstance(citations, list) else []):
            if not isinstance(citation, dict) or citation.get("verified") is not True:
                continue
            source = index.sources.get(citation.get("source"))
            kind = source.value.get("kind") if source and isinstance(source.value, dict) else None
            if kind == ASSESSMENT_KIND:
                yield (
                    Place(provision.file, line_in(citations, position, provision.line)),
                    said(
                        "verified-assessment-basis",
                        provision=provision.id,
                        source=str(citation.get("source")),
                        kind=ASSESSMENT_KIND,
                    ),
                )
