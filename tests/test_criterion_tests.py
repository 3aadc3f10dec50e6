"""Criterion tests in rules/tests/, `granska test -k`, and `granska test --coverage`."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.files.strict_yaml import load_yaml
from checker.language import conditions, facttypes
from checker.loading.rules import load_rules
from checker.regression.coverage import coverage

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
THRESHOLD_OPERATORS = {
    *facttypes.ORDER_OPERATORS,
    *facttypes.SHARE_OPERATORS,
    *facttypes.PERIOD_OPERATORS,
}


def _run(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _operators(condition) -> set[str]:
    if condition is None:
        return set()
    if isinstance(condition, conditions.Test):
        return {condition.op}
    if isinstance(condition, conditions.Not):
        return _operators(condition.item)
    return set().union(*(_operators(item) for item in condition.items))


def _shipped_tests() -> list[dict]:
    return [
        test
        for path in sorted((RULES / "tests").glob("*.yaml"))
        for test in load_yaml(path)["tests"]
    ]


def test_every_criterion_with_a_threshold_is_tested_at_and_on_both_sides_of_it():
    rules = load_rules()
    with_threshold = {
        criterion_id
        for criterion_id, criterion in rules.criteria.items()
        if (_operators(criterion.uppfyllt) | _operators(criterion.delvis)) & THRESHOLD_OPERATORS
    }
    assert len(with_threshold) >= 12
    tested: dict[str, set] = {}
    for test in _shipped_tests():
        if test.get("criterion") in with_threshold:
            tested.setdefault(test["criterion"], set()).add(str(sorted(test["facts"].items())))
    for criterion_id in sorted(with_threshold):
        # below, at and above one boundary at least: three different sets of facts
        assert len(tested.get(criterion_id, ())) >= 3, criterion_id


def test_the_shipped_criterion_tests_pass_and_name_each_test():
    result = _run("test", RULES / "tests")
    assert result.exit_code == 0, result.output
    assert re.search(r"rules/tests/planering\.yaml\s+\d+\s+0\s+0  ok", result.output)


def test_a_failing_criterion_test_names_the_test_and_both_statuses(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "period: {from: 2024-01-01, to: 2024-12-31}\n"
        "tests:\n"
        "  - name: trettio dagar är delvis\n"
        "    criterion: planering.insats-inom-tid\n"
        "    facts: {planering.dagar_till_insats: 30}\n"
        "    expected: delvis\n",
        encoding="utf-8",
    )
    result = _run("test", tmp_path / "t.yaml", "--junit", tmp_path / "junit.xml")
    assert result.exit_code == 1
    assert "trettio dagar är delvis förväntat delvis uppfyllt, fick uppfyllt" in result.output
    case = ElementTree.parse(tmp_path / "junit.xml").getroot().find("testsuite/testcase")
    assert case.get("name") == "trettio dagar är delvis"
    assert case.find("failure").get("message") == "expected delvis, got uppfyllt"


def test_a_question_can_be_tested_and_parameters_overridden(tmp_path):
    (tmp_path / "t.yaml").write_text(
        "tests:\n"
        "  - name: utan riktlinjer och rutiner\n"
        "    audit: styrdokument-snabbkontroll\n"
        "    question: S1\n"
        "    period: {from: 2024-01-01, to: 2024-12-31}\n"
        "    facts: {riktlinjer.finns: false, delegation.ordning_finns: false}\n"
        "    expected: rod\n"
        "  - name: 26 dagar med 20 som gräns\n"
        "    criterion: planering.insats-inom-tid\n"
        "    period: {from: 2024-01-01, to: 2024-12-31}\n"
        "    facts: {planering.dagar_till_insats: 26}\n"
        "    parameters: {insats_inom_dagar: 20}\n"
        "    expected: delvis\n",
        encoding="utf-8",
    )
    result = _run("test", tmp_path / "t.yaml")
    assert result.exit_code == 0, result.output
    assert "2 godkända" in result.output


def test_k_runs_only_the_matching_tests_of_cases_and_criterion_tests():
    result = _run("test", "-k", "insats-inom-tid")
    assert result.exit_code == 0, result.output
    assert re.search(r"rules/tests/planering\.yaml\s+8\s", result.output)
    assert "aktgranskning.yaml" not in result.output
    assert "nykoping-2021.yaml" not in result.output  # it expects nothing of that criterion
    nothing = _run("test", "-k", "no-such-test")
    assert nothing.exit_code == 2
    assert "with -k no-such-test" in nothing.output


@pytest.mark.parametrize(
    ("test", "where"),
    [
        (
            "    criterion: planering.insats-inom-tid\n    expected: uppfyllt\n    colour: red\n",
            ":6: tests[0].colour: unknown key 'colour'",
        ),
        (
            "    criterion: planering.insats-inom-tidd\n    expected: uppfyllt\n",
            ":4: tests[0].criterion: unknown criterion 'planering.insats-inom-tidd'",
        ),
        (
            "    criterion: planering.insats-inom-tid\n"
            "    facts: {planering.dagar_till_insats: många}\n"
            "    expected: uppfyllt\n",
            ":5: tests[0].facts.planering.dagar_till_insats:",
        ),
        (
            "    criterion: planering.insats-inom-tid\n"
            "    parameters: {insats_inom_dagarr: 3}\n"
            "    expected: uppfyllt\n",
            ":5: tests[0].parameters.insats_inom_dagarr: unknown parameter",
        ),
        (
            "    expected: uppfyllt\n",
            ":3: tests[0]: a test names exactly one `criterion:` or one `question:`",
        ),
        (
            "    question: RF9\n    audit: pwc-arbetsmarknadsinsatser\n    expected: ja\n",
            ":4: tests[0].question: no question 'RF9' in audit pwc-arbetsmarknadsinsatser",
        ),
    ],
)
def test_a_broken_test_is_a_located_error(tmp_path, test, where):
    path = tmp_path / "t.yaml"
    path.write_text(
        "period: {from: 2024-01-01, to: 2024-12-31}\ntests:\n  - name: trasig\n" + test,
        encoding="utf-8",
    )
    result = _run("test", path)
    assert result.exit_code == 2, result.output
    assert f"{path}{where}" in result.output
    assert "Traceback" not in result.output


def test_a_test_without_a_period_says_where_to_give_one(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "tests:\n  - name: utan period\n    criterion: planering.insats-inom-tid\n"
        "    expected: uppfyllt\n",
        encoding="utf-8",
    )
    result = _run("test", path)
    assert result.exit_code == 2
    assert f"{path}:2: tests[0]: give the test a `period:`" in result.output


def test_criterion_tests_do_not_change_the_rules_version(tmp_path):
    shutil.copytree(RULES, tmp_path / "rules")
    before = load_rules(tmp_path / "rules").version
    shutil.rmtree(tmp_path / "rules" / "tests")
    assert load_rules(tmp_path / "rules").version == before


def test_coverage_counts_only_the_statuses_a_criterion_can_take():
    rules = load_rules()
    nothing = coverage(rules, [])
    assert nothing["reached"] == 0
    by_id = {entry["id"]: entry for entry in nothing["criteria"]}
    assert by_id["planering.insats-inom-tid"]["missing"] == ["ej_uppfyllt", "delvis", "uppfyllt"]
    assert by_id["planering.plan-krav"]["missing"] == ["ej_uppfyllt", "uppfyllt"]  # no delvis
    assert nothing["total"] == nothing["criteria_total"] + nothing["questions_total"]


def test_coverage_prints_its_figure_and_min_coverage_fails_below_it():
    result = _run("test", "--coverage")
    assert result.exit_code == 0, result.output
    figure = re.search(
        r"Täckning: (\d+) av (\d+) utfall nås av något test \(([\d,]+) %\)", result.output
    )
    assert figure, result.output
    percent = float(figure.group(3).replace(",", "."))
    assert "  planering.insats-inom-tid: ej uppfyllt, delvis uppfyllt, uppfyllt\n" in result.output
    assert _run("test", "--min-coverage", percent - 0.1).exit_code == 0
    below = _run("test", "--min-coverage", percent + 0.1)
    assert below.exit_code == 1
    assert "UNDERSKRIDEN" in below.output
