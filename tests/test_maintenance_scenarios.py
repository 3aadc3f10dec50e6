"""A rule maintainer's two changes: every effect shows, and `test` and `diff` agree on it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from click.testing import CliRunner

from checker.cli import main
from checker.files.corpus import case_files
from checker.loading.rules import load_rules
from checker.regression.test import run_cases
from checker.ruledocs import render_docs

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
CORPUS = [ROOT / "tests" / "cases", ROOT / "examples"]


def _rules_with(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the shipped rules with one text replaced in one file."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    text = (rules / file).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (rules / file).write_text(text.replace(old, new), encoding="utf-8")
    return rules


def _diff(rules: Path, *args: str) -> dict:
    result = CliRunner().invoke(
        main, ["diff", "--base", str(RULES), "--rules", str(rules), "--format", "json", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_a_tightened_threshold_shows_at_criterion_level_though_no_verdict_moves(tmp_path):
    rules = _rules_with(
        tmp_path,
        "criteria/planering.yaml",
        "insats_inom_dagar:\n    value: 30",
        "insats_inom_dagar:\n    value: 20",
    )
    case = yaml.safe_load((ROOT / "examples" / "heby-2022.yaml").read_text(encoding="utf-8"))
    case.pop("förväntat", None)
    case["facts"]["planering.dagar_till_insats"] = 26
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "heby-26-dagar.yaml").write_text(yaml.safe_dump(case, allow_unicode=True), "utf-8")
    report = _diff(rules, "--cases", str(cases))
    moved = {
        (change["level"], change["subject"], change["before"], change["after"])
        for change in report["changes"]
    }
    assert ("criterion", "planering.insats-inom-tid", "uppfyllt", "delvis") in moved
    assert not [
        change for change in report["changes"] if change["level"] in ("question", "overall")
    ]
    assert report["summary"]["per_level"]["criterion"]["subjects"]["planering.insats-inom-tid"][
        "example"
    ] == str(cases / "heby-26-dagar.yaml")
    text = (
        CliRunner()
        .invoke(main, ["diff", "--base", str(RULES), "--rules", str(rules), "--cases", str(cases)])
        .output
    )
    assert "uppfyllt → delvis uppfyllt" in text
    assert "Inget ändras" not in text


def test_test_and_diff_name_the_same_cases_when_a_criterion_is_flipped(tmp_path):
    rules = _rules_with(
        tmp_path,
        "criteria/samverkan.yaml",
        "uppfyllt: {fact: samverkan.samordningsforbund, equals: true}",
        "uppfyllt: {fact: samverkan.samordningsforbund, equals: false}",
    )
    runs = run_cases(case_files(CORPUS), load_rules(rules))
    failing = {
        (Path(run.file).name, check.level, check.item)
        for run in runs
        for check in run.checks
        if check.outcome == "failed"
    }
    assert {case for case, _level, _item in failing} == {"heby-2022.yaml", "nykoping-2021.yaml"}
    report = _diff(rules, *(arg for path in CORPUS for arg in ("--cases", str(path))))
    moved = {
        (Path(change["case"]).name, change["level"], change["subject"])
        for change in report["changes"]
    }
    assert {case for case, _level, _subject in moved} == {"heby-2022.yaml", "nykoping-2021.yaml"}
    assert failing <= moved
    assert report["summary"]["changed_cases"] == 2


def test_a_tightened_threshold_shows_in_the_diff_of_the_catalogue(tmp_path):
    rules = _rules_with(
        tmp_path,
        "criteria/planering.yaml",
        "insats_inom_dagar:\n    value: 30",
        "insats_inom_dagar:\n    value: 20",
    )
    before = render_docs(load_rules(RULES)).splitlines()
    after = render_docs(load_rules(rules)).splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert len(changed) == 2, changed
    (criterion_old, criterion_new), (parameter_old, parameter_new) = changed
    assert criterion_new.startswith("| `planering.insats-inom-tid` ")
    assert "är högst 30 (`insats_inom_dagar`)" in criterion_old
    assert "är högst 20 (`insats_inom_dagar`)" in criterion_new
    assert parameter_old.startswith("| `insats_inom_dagar` | 30 | dagar |")
    assert parameter_new.startswith("| `insats_inom_dagar` | 20 | dagar |")


def test_every_condition_is_worded_from_the_vocabulary():
    rules = load_rules(RULES)
    text = render_docs(rules)
    words = rules.vocabulary.headings
    criteria = text[text.index("## Kriterier") : text.index("## Parametrar")]
    for criterion_id in rules.criteria:
        [row] = [line for line in criteria.splitlines() if line.startswith(f"| `{criterion_id}` ")]
        uppfyllt = row.split(" | ")[2]
        assert f" {words['ar']} " in uppfyllt or words["villkor_ligger"] in uppfyllt, row
    for leak in ("Param(", "Period(", "None", "share_at_least", "within", "{'"):
        assert leak not in text
