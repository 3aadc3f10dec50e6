"""`granska test`: run every case that carries a `förväntat:` block and report the outcome.

The comparison itself is checker.regression.expected's (the same one the pytest golden runner
uses); this module runs a corpus, summarises it, explains each failure in the domain's
words and writes JUnit XML for CI systems.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.atomic import write_file
from checker.files.corpus import case_files, default_case_dirs
from checker.files.strict_yaml import load_yaml
from checker.language.facttypes import format_number
from checker.loading.cases import load_case
from checker.model import RuleBase
from checker.output.environment import render_template
from checker.regression.comparison import grade_labels, label, questions
from checker.regression.coverage import coverage
from checker.regression.criterion_tests import run_file, test_files
from checker.regression.expected import Check, compare

OUTCOMES = ("passed", "accepted", "failed", "stale")


@dataclass(frozen=True)
class CaseRun:
    """The expectations of one case file, or the tests of one criterion test file, and how
    they came out (or why the file could not run). `results` holds the result each check
    was read from."""

    file: str
    checks: tuple[Check, ...] = ()
    results: tuple[dict, ...] = ()
    error: str = ""

    @property
    def counts(self) -> Counter:
        return Counter(check.outcome for check in self.checks)

    @property
    def ok(self) -> bool:
        return not self.error and not any(
            check.outcome in ("failed", "stale") for check in self.checks
        )


def _selected(check: Check, pattern: str | None) -> bool:
    """Whether `-k PATTERN` keeps the check: a part of its name, level or subject."""
    if not pattern:
        return True
    wanted = pattern.casefold()
    return any(wanted in text.casefold() for text in (check.subject, check.item, check.level))


def _is_test_file(path: Path) -> bool:
    data = load_yaml(path)
    return isinstance(data, dict) and "tests" in data and "kommun" not in data


def _run_file(path: Path, rules: RuleBase) -> CaseRun | None:
    if _is_test_file(path):
        ran = run_file(path, rules)
        return CaseRun(str(path), tuple(c for c, _ in ran), tuple(r for _, r in ran))
    case = load_case(path, rules)
    if case.expected is None:
        return None
    result = evaluate_case(rules, case)
    checks = tuple(compare(case, result))
    return CaseRun(str(path), checks, (result,) * len(checks))


def run_cases(paths: Sequence[Path], rules: RuleBase, pattern: str | None = None) -> list[CaseRun]:
    """Run every case file that has expectations and every criterion test file; files
    without expectations, and those `pattern` leaves no check of, are left out."""
    runs = []
    for path in paths:
        try:
            run = _run_file(path, rules)
        except GranskaError as error:
            runs.append(CaseRun(str(path), error=str(error)))
            continue
        if run is None:
            continue
        kept = [index for index, check in enumerate(run.checks) if _selected(check, pattern)]
        if kept:
            runs.append(
                CaseRun(
                    run.file,
                    tuple(run.checks[index] for index in kept),
                    tuple(run.results[index] for index in kept),
                )
            )
    return runs


def exit_code(runs: Sequence[CaseRun]) -> int:
    """2 when a case could not be run, 1 on an unaccepted mismatch, else 0."""
    if any(run.error for run in runs):
        return 2
    return 0 if all(run.ok for run in runs) else 1


def _explain(check: Check, result: dict) -> dict:
    """A failed or stale check, with the labels and criteria that decided it."""
    statuses = result["audit"]["status_labels"]
    labels = statuses if check.level == "criterion" else grade_labels(result)
    items = questions(result)
    detail = {
        "subject": check.subject,
        "outcome": check.outcome,
        "expected": label(check.expected, labels),
        "actual": label(check.actual, labels),
        "accepted": check.accepted,
        "criteria": [],
    }
    question = items.get(check.item) if check.level == "question" else None
    if question is not None:
        for criterion in question["criteria"]:
            weight = question["weights"][criterion["id"]]
            detail["criteria"].append(
                {
                    "id": criterion["id"],
                    "title": criterion["title"],
                    "status": statuses[criterion["status"] or "okänt"],
                    "essential": weight["essential"],
                    "weight": format_number(weight["weight"]) if weight["weight"] != 1 else "",
                    "reasoning": criterion.get("reasoning") or "",
                }
            )
    return detail


def report(runs: Sequence[CaseRun], rules: RuleBase) -> str:
    """The compact pass/fail table and, below it, each failure explained."""
    rows, failures = [], []
    for run in runs:
        counts = run.counts
        rows.append(
            {
                "file": run.file,
                "error": run.error,
                "ok": run.ok,
                **{outcome: counts[outcome] for outcome in OUTCOMES},
            }
        )
        failures.extend(
            {"file": run.file, **_explain(check, result)}
            for check, result in zip(run.checks, run.results, strict=True)
            if check.outcome in ("failed", "stale")
        )
    totals = sum((run.counts for run in runs), Counter())
    return render_template(
        "test.text.j2",
        rows=rows,
        failures=failures,
        totals={outcome: totals[outcome] for outcome in OUTCOMES},
        errors=sum(1 for run in runs if run.error),
        rules_version=rules.version,
        overlay=rules.overlay.as_json() if rules.overlay else None,
        width=max((len(run.file) for run in runs), default=10),
    )


def junit_xml(runs: Sequence[CaseRun]) -> str:
    """JUnit XML: one testsuite per case file, one testcase per expectation."""
    suites = ElementTree.Element("testsuites", name="granska")
    for run in runs:
        counts = run.counts
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=run.file,
            tests=str(len(run.checks) or 1),
            failures=str(counts["failed"] + counts["stale"]),
            errors="1" if run.error else "0",
            skipped=str(counts["accepted"]),
        )
        if run.error:
            case = ElementTree.SubElement(suite, "testcase", classname=run.file, name="load")
            ElementTree.SubElement(case, "error", message=run.error).text = run.error
            continue
        for check in run.checks:
            case = ElementTree.SubElement(suite, "testcase", classname=run.file, name=check.subject)
            if check.outcome == "accepted":
                ElementTree.SubElement(case, "skipped", message=check.accepted)
            elif check.outcome in ("failed", "stale"):
                message = (
                    f"expected {check.expected}, got {check.actual}"
                    if check.outcome == "failed"
                    else f"accepted disagreement no longer occurs: {check.accepted}"
                )
                failure = ElementTree.SubElement(
                    case, "failure", message=message, type=check.outcome
                )
                failure.text = check.grounds
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def run_tests(
    paths: Sequence[Path],
    rules: RuleBase,
    junit: Path | None = None,
    pattern: str | None = None,
    with_coverage: bool = False,
    min_coverage: float | None = None,
) -> tuple[str, int]:
    """Run the cases and criterion tests under `paths` (default: tests/cases, examples
    and the rules' own tests/); report and exit code.

    `pattern` keeps only the checks whose name or subject contains it; with coverage, the
    report ends with the statuses and verdicts the tests reach, and falling below
    `min_coverage` per cent exits 1."""
    given = list(paths) or [*default_case_dirs(), *test_files(rules)]
    runs = run_cases(case_files(given), rules, pattern)
    if not runs:
        raise GranskaError(
            "no case with a `förväntat:` block and no criterion test found in "
            + ", ".join(str(path) for path in given)
            + (f" (with -k {pattern})" if pattern else "")
        )
    if junit is not None:
        write_file(junit, junit_xml(runs))
    text, code = report(runs, rules), exit_code(runs)
    if with_coverage or min_coverage is not None:
        reached = coverage(rules, [result for run in runs for result in run.results])
        text += render_template("coverage.text.j2", c=reached, minimum=min_coverage)
        if code == 0 and min_coverage is not None and reached["percent"] < min_coverage:
            code = 1
    return text, code
