"""Golden cases: every case in tests/cases/ and examples/ with a `förväntat:` block.

One generic runner (as OpenFisca's YAML tests): a failure reads like the domain,
e.g. `heby-2022.yaml: RF3 expected delvis, got nej (because …)`. Accepted
disagreements with the auditors are reported as xfail, so they stay counted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.evaluation.evaluate import evaluate_case
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.regression.expected import compare

ROOT = Path(__file__).resolve().parent.parent
CASE_FILES = sorted([*ROOT.glob("tests/cases/*.yaml"), *ROOT.glob("examples/*.yaml")])
RULES = load_rules(ROOT / "rules")


def _expectations():
    for path in CASE_FILES:
        case = load_case(path, RULES)
        if case.expected is None:
            continue
        result = evaluate_case(RULES, case)
        for check in compare(case, result):
            yield pytest.param(path.name, check, id=f"{path.stem}:{check.subject}")


@pytest.mark.parametrize(("case_name", "check"), list(_expectations()))
def test_expectation(case_name, check):
    if check.outcome == "accepted":
        pytest.xfail(
            f"accepted disagreement: {check.subject} auditors {check.expected}, "
            f"granska {check.actual}: {check.accepted}"
        )
    assert check.outcome != "stale", (
        f"{case_name}: the accepted disagreement on {check.subject} no longer occurs "
        f"(both {check.actual}); remove it from `avvikelser`"
    )
    assert check.passed, (
        f"{case_name}: {check.subject} expected {check.expected}, got "
        f"{check.actual} (because {check.grounds})"
    )


def test_every_seed_report_has_a_golden_case():
    assert CASE_FILES, "no golden cases found"
