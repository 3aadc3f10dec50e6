"""`granska test` through click's runner: the table, exit codes, explanations, JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import yaml
from click.testing import CliRunner

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"


def _run(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _heby_expecting(tmp_path: Path, name: str, **expected) -> Path:
    """A copy of the Heby case whose `förväntat:` block is `expected`."""
    data = yaml.safe_load(HEBY.read_text(encoding="utf-8"))
    data["förväntat"] = expected
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_golden_corpus_passes():
    corpus = [path for path in (ROOT / "tests" / "cases", ROOT / "examples") if path.is_dir()]
    result = _run("test", *corpus)
    assert result.exit_code == 0, result.output
    assert "heby-2022.yaml" in result.output
    assert "0 underkända" in result.output


def test_a_mismatch_fails_and_names_the_criteria_that_decided_it(tmp_path):
    _heby_expecting(tmp_path, "heby.yaml", frågor={"RF1": "ja", "RF2": "ja"})
    result = _run("test", tmp_path)
    assert result.exit_code == 1, result.output
    assert "RF1 förväntat Ja, fick Delvis, eftersom:" in result.output
    assert "Dokumenterade rutiner för anvisning" in result.output
    assert "(väsentligt, vikt 2)" in result.output
    assert "RF2 förväntat" not in result.output


def test_an_accepted_disagreement_is_counted_not_failed(tmp_path):
    _heby_expecting(
        tmp_path,
        "heby.yaml",
        frågor={"RF1": "ja"},
        avvikelser=[
            {"fråga": "RF1", "granskarna": "ja", "skäl": "rapporten väger rutinerna högre"}
        ],
    )
    junit = tmp_path / "out" / "junit.xml"
    junit.parent.mkdir()
    result = _run("test", tmp_path, "--junit", junit)
    assert result.exit_code == 0, result.output
    assert "1 accepterade avvikelser" in result.output
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite.get("skipped") == "1" and suite.get("failures") == "0"
    skipped = suite.find("testcase/skipped")
    assert skipped.get("message") == "rapporten väger rutinerna högre"


def test_a_stale_accepted_disagreement_fails(tmp_path):
    _heby_expecting(
        tmp_path,
        "heby.yaml",
        frågor={"RF2": "ja"},
        avvikelser=[{"fråga": "RF2", "granskarna": "ja", "skäl": "gammal avvikelse"}],
    )
    result = _run("test", tmp_path)
    assert result.exit_code == 1
    assert "den accepterade avvikelsen för RF2 förekommer inte längre" in result.output


def test_junit_lists_every_expectation_and_each_failure(tmp_path):
    _heby_expecting(
        tmp_path,
        "heby.yaml",
        frågor={"RF1": "nej", "RF2": "ja"},
        rekommendationer=["rek.insatsutbud-dokumenteras"],
    )
    junit = tmp_path / "junit.xml"
    result = _run("test", tmp_path / "heby.yaml", "--junit", junit)
    assert result.exit_code == 1
    root = ElementTree.parse(junit).getroot()
    cases = root.findall("testsuite/testcase")
    assert [case.get("name") for case in cases] == [
        "RF1",
        "RF2",
        "rekommendation rek.insatsutbud-dokumenteras",
    ]
    failure = cases[0].find("failure")
    assert failure.get("message") == "expected nej, got delvis"
    assert "rutiner.anvisning: delvis" in failure.text
    assert cases[1].find("failure") is None


def test_a_broken_case_is_reported_with_its_location_and_exit_2(tmp_path):
    _heby_expecting(tmp_path, "heby.yaml", frågor={"RF2": "ja"})
    (tmp_path / "broken.yaml").write_text("kommun: X\n", encoding="utf-8")
    result = _run("test", tmp_path)
    assert result.exit_code == 2
    assert "KAN INTE KÖRAS" in result.output
    assert "broken.yaml:1: missing required key 'granskningsperiod'" in result.output
    assert "Traceback" not in result.output


def test_no_case_with_expectations_is_an_error(tmp_path):
    (tmp_path / "empty.yaml").write_text(
        "\n".join(
            line for line in HEBY.read_text(encoding="utf-8").split("förväntat:")[0].splitlines()
        ),
        encoding="utf-8",
    )
    result = _run("test", tmp_path)
    assert result.exit_code == 2
    assert "no case with a `förväntat:` block" in result.output
