"""Broken inputs, each fixture named after its error: one clear located message, exit 2."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main

BAD = Path(__file__).parent / "bad"
ROOT = Path(__file__).resolve().parent.parent

# fixture -> (line, keyword the message must contain)
CASES = {
    "syntax_error.yaml": (3, "YAML syntax error"),
    "duplicate_key.yaml": (8, "duplicate key 'riktlinjer.finns' (first given on line 7)"),
    "unknown_key.yaml": (6, "unknown key 'fakta' (did you mean 'facts'?)"),
    "unknown_fact.yaml": (8, "did you mean 'riktlinjer.antagna_av_namnd'?"),
    "wrong_type.yaml": (7, "riktlinjer.finns is ja or nej"),
    "wrong_date.yaml": (8, "a date YYYY-MM-DD that exists"),
    "unknown_audit.yaml": (4, "did you mean 'pwc-arbetsmarknadsinsatser'?"),
    "wrong_enum_value.yaml": (7, "takes one of nej, delvis, ja"),
    "personnummer.yaml": (9, "looks like a personnummer"),
    "unknown_role.yaml": (5, "did you mean 'socialnamnd'?"),
    "period_reversed.yaml": (2, "the period ends before it starts"),
    "wrong_type_json.json": (7, "mal.utfallsstatistik takes one of"),
    "negative_count.yaml": (8, "a number of at least 0, got -5"),
    "share_above_total.yaml": (8, "between 0 and a total above 0, got 12 av 9"),
    "future_decision_date.yaml": (8, "2030-01-01, after the granskningsdatum 2022-12-22"),
    "several_errors.yaml": (8, "a number of at least 0"),
    "alias_bomb.yaml": (13, "more than 100000 values once its aliases are expanded"),
    "deep_nesting.yaml": (7, "nested deeper than 64 levels"),
    "huge_integer.yaml": (7, "number with too many digits"),
    "year_0001.yaml": (3, "from 1900-01-01 to 2100-12-31), got '0001-01-01'"),
    "nan_parameter.yaml": (7, "aktgranskning_andel: expected a finite number, got nan"),
    "control_characters.yaml": (7, "källa: the text holds the control character U+001B"),
    "month_parameter_fraction.yaml": (7, "expected a whole number like the default 12, got 1.5"),
    "parameter_out_of_range.yaml": (7, "takes a value from 1 to 100, got 2025"),
    "granskningsdatum_before_period.yaml": (3, "lies before the period starts (2022-01-01)"),
    "invalid_utf8.yaml": (7, "not UTF-8 text"),
}
# fixture -> (line, keyword): the case is judged, with a warning on standard error.
WARNINGS = {
    "fact_of_another_template.yaml": (8, "delegation.ordning_finns is read by no criterion"),
}


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_case_gives_one_located_error(name):
    line, keyword = CASES[name]
    result = _run("check", str(BAD / name))
    assert result.exit_code == 2, result.output
    assert f"{name}:{line}:" in result.output
    assert keyword in result.output
    assert "Traceback" not in result.output
    assert result.output.count("\n") == 1


def test_every_fixture_is_listed():
    assert sorted(p.name for p in BAD.iterdir()) == sorted([*CASES, *WARNINGS])


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_a_fact_the_template_does_not_read_is_a_warning(name):
    line, keyword = WARNINGS[name]
    for command in ("check", "validate"):
        result = _run(command, str(BAD / name))
        assert result.exit_code == 0, result.output
        assert f"granska: warning: {BAD / name}:{line}:" in result.output
        assert keyword in result.output


def test_validate_reports_every_error_of_a_file_at_once():
    result = _run("validate", str(BAD / "several_errors.yaml"))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("granska: error:")]
    assert [error.split(":")[3] for error in errors] == ["8", "9", "10"]
    assert "a number of at least 0" in errors[0]
    assert "after the granskningsdatum" in errors[1]
    assert "rutiner.anvisning_intern is ja or nej" in errors[2]
    assert "Traceback" not in result.output


def test_validate_passes_good_cases_and_judges_none():
    result = _run("validate", str(ROOT / "examples"), str(ROOT / "tests" / "cases"))
    assert result.exit_code == 0, result.output
    assert result.output.count(": ok") == len(
        [p for d in ("examples", "tests/cases") for p in (ROOT / d).glob("*.yaml")]
    )
    assert "Delvis" not in result.output and "granska: error" not in result.output


def test_validate_gives_every_bad_fixture_exit_2():
    for name in CASES:
        result = _run("validate", str(BAD / name))
        assert result.exit_code == 2, (name, result.output)
        assert "Traceback" not in result.output


def test_missing_case_file():
    result = _run("check", "no-such-case.yaml")
    assert result.exit_code == 2
    assert "no-such-case.yaml: file not found" in result.output


def _rules_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    return rules


def test_duplicate_criterion_id_names_both_files(tmp_path):
    rules = _rules_copy(tmp_path)
    (rules / "criteria" / "zz_extra.yaml").write_text(
        "area: riktlinjer\ncriteria:\n  riktlinjer.antagna:\n    title: Dubblett\n",
        encoding="utf-8",
    )
    result = _run("check", str(ROOT / "examples" / "heby-2022.yaml"), "--rules", str(rules))
    assert result.exit_code == 2
    assert "zz_extra.yaml:3:" in result.output
    assert "duplicate criterion id 'riktlinjer.antagna'; also in" in result.output
    assert "riktlinjer.yaml" in result.output


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            "{fact: riktlinjer.sjalvforsorjnin, equals: ja}",
            "unknown fact 'riktlinjer.sjalvforsorjnin' (did you mean",
        ),
        (
            "{fact: riktlinjer.sjalvforsorjning, share_at_least: 0.5}",
            "operator 'share_at_least' does not apply to riktlinjer.sjalvforsorjning (enum)",
        ),
    ],
)
def test_broken_rule_condition_is_located(tmp_path, broken, message):
    rules = _rules_copy(tmp_path)
    path = rules / "criteria" / "riktlinjer.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("{fact: riktlinjer.sjalvforsorjning, equals: ja}", broken), encoding="utf-8"
    )
    result = _run("rules", "--rules", str(rules))
    assert result.exit_code == 2
    assert "riktlinjer.yaml:" in result.output
    assert message in result.output


def test_not_a_rules_directory(tmp_path):
    result = _run("rules", "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert "not a rules directory" in result.output


def test_a_planned_date_may_lie_after_the_granskningsdatum(tmp_path):
    rules = _rules_copy(tmp_path)
    facts = rules / "facts" / "riktlinjer.yaml"
    text = facts.read_text(encoding="utf-8")
    marker = "  riktlinjer.beslutsdatum:\n    type: date\n"
    assert marker in text
    facts.write_text(text.replace(marker, marker + "    planned: true\n"), encoding="utf-8")
    case = str(BAD / "future_decision_date.yaml")
    assert _run("validate", case, "--rules", str(rules)).exit_code == 0
    assert _run("validate", case).exit_code == 2
    (rules / "facts" / "riktlinjer.yaml").write_text(
        text.replace(
            "  riktlinjer.finns:\n    type: bool\n",
            "  riktlinjer.finns:\n    type: bool\n    planned: true\n",
        ),
        encoding="utf-8",
    )
    result = _run("validate", case, "--rules", str(rules))
    assert result.exit_code == 2 and "only date facts are `planned`" in result.output


@pytest.mark.parametrize("name", ["alias_bomb.yaml", "deep_nesting.yaml", "huge_integer.yaml"])
@pytest.mark.parametrize("command", ["check", "interview"])
def test_hostile_yaml_is_refused_by_every_command(name, command):
    result = _run(command, str(BAD / name))
    assert result.exit_code == 2, result.output
    assert f"{name}:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "number",
    [
        "19121212-1212",
        "19121212 1212",
        "121212-1212",
        "121212+1212",
        "12 12 12-1212",
        "121212 1212",
        "121212\u20131212",  # en dash
        "121212\u20141212",  # em dash
        "121212\u22121212",  # minus sign
        "1212121212",
        "191212121212",
    ],
)
def test_personnummer_in_every_form_is_refused(tmp_path, number):
    case = (BAD / "personnummer.yaml").read_text(encoding="utf-8")
    path = tmp_path / "case.yaml"
    path.write_text(case.replace("19811218-9876", number), encoding="utf-8")
    result = _run("check", str(path))
    assert result.exit_code == 2, result.output
    assert "case.yaml:9: facts.riktlinjer.finns.källa: this looks like a personnummer" in (
        result.output
    )


@pytest.mark.parametrize("where", ["integer", "comment"])
def test_personnummer_as_an_integer_or_in_a_comment_is_refused(tmp_path, where):
    case = (BAD / "personnummer.yaml").read_text(encoding="utf-8")
    case = case.replace('källa: "Akt för 19811218-9876, s. 2"', 'källa: "Akt, s. 2"')
    if where == "integer":
        case += "ej_granskat:\n  riktlinjer.antagna: 198112189876\n"
        line = 11
    else:
        case += "# Akt för 19811218-9876\n"
        line = 10
    path = tmp_path / "case.yaml"
    path.write_text(case, encoding="utf-8")
    result = _run("check", str(path))
    assert result.exit_code == 2, result.output
    assert f"case.yaml:{line}:" in result.output
    assert "looks like a personnummer" in result.output


def test_a_fifo_named_like_a_case_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    result = _run("check", str(fifo))
    assert result.exit_code == 2
    assert "case.yaml: not a regular file" in result.output


def test_an_internal_error_is_exit_3_without_traceback(monkeypatch):
    def crash(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("checker.api.check", crash)
    result = _run("check", str(ROOT / "examples" / "heby-2022.yaml"))
    assert result.exit_code == 3
    assert "internt fel (ZeroDivisionError: boom)" in result.output
    assert "rapportera det" in result.output
    assert "Traceback" not in result.output
