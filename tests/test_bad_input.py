"""Broken inputs, each fixture named after its error: one clear located message, exit 2."""

from __future__ import annotations

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
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CASES)


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
