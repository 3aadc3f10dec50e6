"""`granska generate`: write random but valid case files, for benchmarks and diff corpora.

The cases come from checker.casefiles.random_cases (drawn from the fact catalogue) and are
written as every case file is (checker.casefiles.drafts). Deterministic: the same rules,
count and seed give byte-identical files.
"""

from __future__ import annotations

import random
from pathlib import Path

from checker.casefiles.drafts import draft_from_case, render_draft, write_case
from checker.casefiles.random_cases import random_case
from checker.errors import GranskaError
from checker.files.nodes import suggest
from checker.model import RuleBase

KNOWN_SHARE = 0.9  # a generated case states nine facts in ten


def generate_cases(
    rules: RuleBase, count: int, seed: int, directory: Path, audit_id: str | None = None
) -> list[Path]:
    """Write `count` cases to `directory` as case-00001.yaml, …; audits taken in turn."""
    if count < 1:
        raise GranskaError(f"--n is at least 1, got {count}")
    if audit_id is not None and audit_id not in rules.audits:
        raise GranskaError(f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)}")
    # A follow-up audit's cases also list the recommendations they follow up: not drawn here.
    audits = (
        [audit_id]
        if audit_id
        else [
            audit.id
            for audit in sorted(rules.audits.values(), key=lambda audit: audit.id)
            if getattr(audit, "followup", None) is None
        ]
    )
    rng = random.Random(seed)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GranskaError(
            f"cannot create the directory: {error.strerror}", str(directory)
        ) from None
    paths = []
    for number in range(1, count + 1):
        case = random_case(rules, audits[(number - 1) % len(audits)], rng, number, KNOWN_SHARE)
        path = directory / f"case-{number:05d}.yaml"
        draft = draft_from_case(case, {})
        text = render_draft(rules, draft, "generated", seed=seed, number=number, count=count)
        write_case(path, text)
        paths.append(path)
    return paths
