"""`granska test`: run every case that carries a `förväntat:` block and report the outcome.

The comparison itself is checker.regression.expected's (the same one the pytest golden runner
uses); this module runs a corpus, summarises it, explains each failure in the domain's
words and writes JUnit XML for CI systems.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.atomic import write_file
from checker.files.corpus import case_files, default_case_dirs
from checker.language.values import format_number
from checker.loading.cases import load_case
from checker.model import RuleBase
from checker.output.environment import render_template
from checker.regression.comparison import grade_labels, label
from checker.regression.expected import Check, compare

OUTCOMES = ("passed", "accepted", "failed", "stale")


@dataclass(frozen=True)
class CaseRun:
    """The expectations of one case file and how they came out (or why it could not run)."""

    file: str
    checks: tuple[Check, ...] = ()
    result: dict = field(default_factory=dict)
    error: str = ""

    @property
    def counts(self) -> Counter:
        return Counter(check.outcome for check in self.checks)

    @property
    def ok(self) -> bool:
        return not self.error and not any(
            check.outcome in ("failed", "stale") for check in self.checks
        )


def run_cases(paths: Sequence[Path], rules: RuleBase) -> list[CaseRun]:
    """Evaluate every case file that has expectations; files without are left out."""
    runs = []
    for path in paths:
        try:
            case = load_case(path, rules)
            if case.expected is None:
                continue
            result = evaluate_case(rules, case)
            runs.append(CaseRun(str(path), tuple(compare(case, result)), result))
        except GranskaError as error:
            runs.append(CaseRun(str(path), error=str(error)))
    return runs


def exit_code(runs: Sequence[CaseRun]) -> int:
    """2 when a case could not be run, 1 on an unaccepted mismatch, else 0."""
    if any(run.error for run in runs):
        return 2
    return 0 if all(run.ok for run in runs) else 1


def _explain(run: CaseRun, check: Check) -> dict:
    """A failed or stale check, with the labels and criteria that decided it."""
    result = run.result
    statuses = result["audit"]["status_labels"]
    labels = statuses if check.subject.startswith("kriterium ") else grade_labels(result)
    items = {question["id"]: question for question in result["questions"]}
    items.update({f"uppföljning {item['id']}": item for item in result.get("followup") or []})
    detail = {
        "subject": check.subject,
        "outcome": check.outcome,
        "expected": label(check.expected, labels),
        "actual": label(check.actual, labels),
        "accepted": check.accepted,
        "criteria": [],
    }
    question = items.get(check.subject)
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
                    "reasoning": criterion["reasoning"],
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
            {"file": run.file, **_explain(run, check)}
            for check in run.checks
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


def run_tests(paths: Sequence[Path], rules: RuleBase, junit: Path | None = None) -> tuple[str, int]:
    """Run the cases under `paths` (default: tests/cases and examples); report and exit code."""
    runs = run_cases(case_files(list(paths) or default_case_dirs()), rules)
    if not runs:
        raise GranskaError(
            "no case with a `förväntat:` block found in "
            + ", ".join(str(path) for path in paths or default_case_dirs())
        )
    if junit is not None:
        write_file(junit, junit_xml(runs))
    return report(runs, rules), exit_code(runs)
