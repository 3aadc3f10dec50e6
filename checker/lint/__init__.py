"""`granska lint`: static checks of a rule base, each finding located at file:line.

In yamllint's manner every check is a small function with an id, a level and a
description, listed in one explicit registry (CHECKS below); output lines read
`file:line: [level] message (check-id)`. Checks of what is written run on the YAML
itself (checker.lint.index), so that one run reports every defect; checks of meaning
(what a condition can reach) run on the loaded rules and are skipped while the loader
rejects them. Errors make `granska lint` exit 1; warnings and notes do not.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from checker.bounds.monotonicity import monotonicity_findings
from checker.errors import GranskaError
from checker.lint import legal, reachability, references, templates, texts
from checker.lint.index import read_index
from checker.lint.model import LEVELS, Check, Finding, Subject
from checker.loading.rules import default_rules_dir, load_rules

CHECKS: tuple[Check, ...] = (
    Check(
        "duplicate-id",
        "error",
        "An id (fact, alias, criterion, parameter, recommendation, source, provision, "
        "audit, question) defined twice; the loader would stop at it.",
        references.duplicate_id,
    ),
    Check(
        "unknown-fact",
        "error",
        "A condition names a fact that is neither a fact id nor an alias.",
        references.unknown_fact,
    ),
    Check(
        "unknown-source",
        "error",
        "A citation of a source, or a basis of a provision, that sources.yaml lacks.",
        references.unknown_source,
    ),
    Check(
        "unknown-reference",
        "error",
        "A question names an unknown criterion, a criterion an unknown recommendation, or "
        "a condition or audit an unknown parameter.",
        references.unknown_reference,
    ),
    Check(
        "citation-validity",
        "error",
        "A citation valid outside the dates its source is valid, or ending before it starts.",
        references.citation_validity,
    ),
    Check(
        "missing-reasoning",
        "error",
        "A criterion without a reasoning template for a status it can take, or with one "
        "for a status it cannot.",
        references.missing_reasoning,
    ),
    Check(
        "template-variables",
        "error",
        "A template that uses a variable it is not given, a parameter that does not "
        "exist, or a fact its criterion does not read.",
        templates.template_variables,
    ),
    Check(
        "verified-assessment-basis",
        "error",
        "A bedömningsgrund (practice, not law) cited as verified.",
        legal.verified_assessment_basis,
    ),
    Check(
        "reasoning-value",
        "error",
        "A reasoning text branches on a value its fact cannot have.",
        texts.impossible_value,
    ),
    Check(
        "reasoning-shared",
        "error",
        "Two criteria share a reasoning text: it cannot be true of both.",
        texts.shared_variant,
    ),
    Check(
        "reasoning-word-order",
        "error",
        "A reasoning text (a subordinate clause) puts the negation after the finite verb "
        "('men sammanställs inte').",
        texts.word_order,
    ),
    Check(
        "reasoning-instead",
        "warning",
        "A reasoning text says what happens instead ('…, utan …'), a detail no fact holds.",
        texts.states_instead,
    ),
    Check(
        "never-met",
        "error",
        "A condition no case can meet: uppfyllt or delvis never reached, or a "
        "relevant_when or applies_when that never holds.",
        reachability.never_met,
        needs_rules=True,
    ),
    Check(
        "always-met",
        "error",
        "A condition every case meets: a criterion that is never ej uppfyllt, or a "
        "relevant_when or applies_when that always holds.",
        reachability.always_met,
        needs_rules=True,
    ),
    Check(
        "grade-unreachable",
        "error",
        "A question whose verdict policy can never give the top or the bottom grade of its scale.",
        reachability.grade_unreachable,
        needs_rules=True,
    ),
    Check(
        "question-without-object",
        "error",
        "A question whose policy grades the essential criteria (its object, "
        "essential_min_score) but that names none (docs/verdict-standard.md).",
        reachability.question_without_object,
        needs_rules=True,
    ),
    Check(
        "unused-fact",
        "warning",
        "A fact no criterion and no relevant_when reads.",
        references.unused_fact,
    ),
    Check(
        "unused-criterion",
        "warning",
        "A criterion no question of any audit template uses.",
        references.unused_criterion,
    ),
)


def run_lint(rules_dir: Path | None = None, overlay: Path | None = None) -> list[Finding]:
    """Every finding of every check on the rules (and overlay), sorted by place."""
    directory = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    if not (directory / "sources.yaml").is_file():
        raise GranskaError("not a rules directory (no sources.yaml)", str(directory))
    index = read_index(directory, overlay)
    try:
        rules, refused = load_rules(directory, overlay), None
    except GranskaError as error:
        rules, refused = None, error
    subject = Subject(index, rules)
    findings = {
        Finding(place.file, place.line, check.id, check.level, message)
        for check in CHECKS
        if rules is not None or not check.needs_rules
        for place, message in check.find(subject)
    }
    errors = [*index.unreadable, *([refused] if refused else [])]
    located = {(found.file, found.line) for found in findings if found.level == "error"}
    findings |= {
        Finding(
            error.file or str(directory),
            error.line or 0,
            "load",
            "error",
            f"{error.path + ': ' if error.path else ''}{error.message}",
        )
        for error in errors
        if (error.file, error.line) not in located
    }
    if rules is not None:
        findings |= set(monotonicity_findings(rules))
    return sorted(findings)


def _shown(file: str) -> str:
    """A path as the user would type it: relative to the working directory when inside."""
    relative = os.path.relpath(file)
    return file if relative.startswith("..") else relative


def render(findings: list[Finding]) -> str:
    """Errors, then warnings, then notes, each by place; and a count of each."""
    lines = [
        str(replace(found, file=_shown(found.file)))
        for level in LEVELS
        for found in findings
        if found.level == level
    ]
    counts = {level: sum(1 for found in findings if found.level == level) for level in LEVELS}
    lines.append(f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
    return "\n".join(lines) + "\n"


def describe_checks() -> str:
    """The registry: each check's id, level and description."""
    return "".join(f"{check.id} ({check.level}): {check.description}\n" for check in CHECKS)


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(found.level == "error" for found in findings) else 0
