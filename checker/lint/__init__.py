"""`granska lint`: static checks of a rule base, each finding located at file:line.

In yamllint's manner every check is a small function with an id, a level and a
description, listed in one explicit registry (CHECKS below); output lines read
`file:line: [level] message (check-id)`, the message in Swedish
(reports/lint.messages.j2); `--format json` and `sarif` carry the same. Checks of what is
written run on the YAML itself (checker.lint.index), so that one run reports every
defect; checks of meaning (what a condition can reach) run on the loaded rules and are
skipped while the loader rejects them. A rule file can accept a finding with a reason
(checker.lint.suppressions). Errors not accepted make `granska lint` exit 1; warnings and
notes do not.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from checker import __version__
from checker.bounds.monotonicity import monotonicity_findings
from checker.errors import GranskaError
from checker.lint import legal, reachability, references, suppressions, templates, texts
from checker.lint.index import Place, read_index
from checker.lint.messages import Message, text
from checker.lint.model import LEVELS, Check, Finding, Subject
from checker.loading.rules import default_rules_dir, load_rules
from checker.output.environment import render_template


def _load_errors(subject: Subject) -> Iterator[tuple[Place, str]]:
    """What the loader refuses (in its own words), and every file lint could not read."""
    for error in subject.memo["load_errors"]:
        where = Place(error.file or str(subject.index.directory), error.line or 0)
        yield where, f"{error.path + ': ' if error.path else ''}{error.message}"


def _non_monotone(check_id: str):
    """The findings of one kind of checker.bounds.monotonicity, as a check."""

    def find(subject: Subject) -> Iterator[tuple[Place, Message]]:
        if "monotonicity" not in subject.memo:
            subject.memo["monotonicity"] = monotonicity_findings(subject.rules)
        for found in subject.memo["monotonicity"]:
            if found.rule == check_id:
                yield Place(found.file, found.line), found.message

    return find


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
    Check(
        "criterion-not-monotone",
        "warning",
        "A criterion whose status can fall when one of its facts improves along the fact's "
        "`better:` order; the exact bounds split on it.",
        _non_monotone("criterion-not-monotone"),
        needs_rules=True,
    ),
    Check(
        "policy-not-monotone",
        "warning",
        "A verdict policy whose scores fall along the scale; bounds then enumerate every "
        "completion.",
        _non_monotone("policy-not-monotone"),
        needs_rules=True,
    ),
    Check(
        "fact-without-order",
        "info",
        "A fact the criteria read that declares no `better:`, so improving it has no meaning.",
        _non_monotone("fact-without-order"),
        needs_rules=True,
    ),
    Check(
        "question-splits",
        "info",
        "A question whose criteria use a fact in opposite directions; its bounds split on it.",
        _non_monotone("question-splits"),
        needs_rules=True,
    ),
    Check(
        "lint-suppression",
        "error",
        "A `lint: {ignore: [check-id], reason: …}` without a reason, naming an unknown "
        "check, or of another shape.",
        suppressions.malformed,
    ),
    Check(
        "load",
        "error",
        "A rule file the loader refuses (as `granska check` would), at the line it names.",
        _load_errors,
    ),
)
CHECK_IDS = tuple(check.id for check in CHECKS)


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
    subject.memo.update(
        check_ids=CHECK_IDS, load_errors=[*index.unreadable, *([refused] if refused else [])]
    )
    findings = {
        Finding(place.file, place.line, check.id, check.level, text(message))
        for check in CHECKS
        if rules is not None or not check.needs_rules
        for place, message in check.find(subject)
    }
    # A refusal where a check already reports an error says the same thing less precisely.
    located = {
        (found.file, found.line)
        for found in findings
        if found.level == "error" and found.check != "load"
    }
    findings = {
        found
        for found in findings
        if found.check != "load" or (found.file, found.line) not in located
    }
    accepted, _malformed = suppressions.read(subject, CHECK_IDS)
    return sorted(_suppressed(found, accepted) for found in findings)


def _suppressed(found: Finding, accepted: list[suppressions.Suppression]) -> Finding:
    if found.check == "lint-suppression":
        return found
    for suppression in accepted:
        if suppression.covers(found.file, found.line, found.check):
            return replace(found, suppressed=suppression.reason)
    return found


def _shown(file: str) -> str:
    """A path as the user would type it: relative to the working directory when inside."""
    relative = os.path.relpath(file)
    return file if relative.startswith("..") else relative


def _ordered(findings: list[Finding]) -> list[Finding]:
    """Errors, then warnings, then notes, each by place."""
    return [found for level in LEVELS for found in findings if found.level == level]


def render(findings: list[Finding], output_format: str = "text") -> str:
    """The findings as text (yamllint's lines and a count), json or SARIF 2.1.0."""
    shown = [replace(found, file=_shown(found.file)) for found in _ordered(findings)]
    if output_format == "json":
        return json.dumps(_as_json(shown), ensure_ascii=False, indent=2) + "\n"
    if output_format == "sarif":
        return json.dumps(sarif(shown), ensure_ascii=False, indent=2) + "\n"
    return render_template(
        "lint.text.j2",
        active=[found for found in shown if not found.suppressed],
        suppressed=[found for found in shown if found.suppressed],
        counts=_counts(shown),
    )


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = {
        level: sum(1 for found in findings if found.level == level and not found.suppressed)
        for level in LEVELS
    }
    return {**counts, "suppressed": sum(1 for found in findings if found.suppressed)}


def _as_json(findings: list[Finding]) -> dict:
    return {
        "findings": [
            {
                "file": found.file,
                "line": found.line,
                "check": found.check,
                "level": found.level,
                "message": found.message,
                "suppressed": found.suppressed or None,
            }
            for found in findings
        ],
        "counts": _counts(findings),
    }


_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def sarif(findings: list[Finding]) -> dict:
    """A SARIF 2.1.0 log of one run: every check as a rule, every finding as a result
    (an accepted one with its reason as an in-source suppression)."""
    results = []
    for found in findings:
        result: dict = {
            "ruleId": found.check,
            "ruleIndex": CHECK_IDS.index(found.check),
            "level": _SARIF_LEVELS[found.level],
            "message": {"text": found.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(found.file).as_posix()},
                        **({"region": {"startLine": found.line}} if found.line >= 1 else {}),
                    }
                }
            ],
        }
        if found.suppressed:
            result["suppressions"] = [{"kind": "inSource", "justification": found.suppressed}]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "granska",
                        "version": __version__,
                        "rules": [
                            {
                                "id": check.id,
                                "shortDescription": {"text": check.description},
                                "defaultConfiguration": {"level": _SARIF_LEVELS[check.level]},
                            }
                            for check in CHECKS
                        ],
                    }
                },
                "results": results,
            }
        ],
    }


def describe_checks() -> str:
    """The registry: each check's id, level and description."""
    return "".join(f"{check.id} ({check.level}): {check.description}\n" for check in CHECKS)


def exit_code(findings: list[Finding]) -> int:
    """1 when an error is not accepted by a suppression, else 0."""
    return 1 if any(found.level == "error" and not found.suppressed for found in findings) else 0
