"""The command line through click's runner: formats, exit codes, atomic output, determinism."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from checker import __version__
from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
HEBY = str(ROOT / "examples" / "heby-2022.yaml")


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_text_shows_verdicts_reasoning_and_disclaimer():
    result = _run("check", HEBY)
    assert result.exit_code == 0, result.output
    # once under Granskningsresultat, once in the appendix of the criteria
    assert result.output.count("Bedömning: Delvis") == 2 * 3
    assert result.output.count("Bedömning: Ja") == 2 * 1
    text = " ".join(result.output.split())  # the text output is wrapped
    assert "vård- och omsorgsnämnden inte helt säkerställer" in text
    assert "kommunstyrelsen inte helt säkerställer" in text
    assert "Bedömningen grundar sig främst på att" in text
    assert "förbedömning" in text and "inte en revisionell bedömning" in text
    assert "Regelversion:" in result.output
    assert "KL (2017:725) 6 kap. 6 §" in result.output


def test_check_json_contract():
    result = _run("check", HEBY, "--format", "json")
    data = json.loads(result.output)
    assert [q["verdict"] for q in data["questions"]] == ["delvis", "ja", "delvis", "delvis"]
    assert {o["nämnd"]: o["verdict"] for o in data["overall"]} == {
        "Vård- och omsorgsnämnden": "inte_helt",
        "Kommunstyrelsen": "inte_helt",
    }
    assert data["rules_version"] and "förbedömning" in data["disclaimer"]
    criterion = data["questions"][0]["criteria"][0]
    assert set(criterion) >= {"id", "title", "status", "basis", "facts", "reasoning"}
    assert set(criterion["basis"][0]) >= {"source", "ref", "version", "verified", "text"}
    assert set(criterion["facts"][0]) >= {"id", "value", "källa", "underlag"}


def test_markdown_output():
    result = _run("check", HEBY, "--format", "md")
    assert result.output.startswith("# Förbedömning")
    assert "| RF2." in result.output and "**Ja**" in result.output


def test_format_inferred_from_suffix_and_written(tmp_path):
    target = tmp_path / "heby.json"
    result = _run("check", HEBY, "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(target.read_text(encoding="utf-8"))["kommun"] == "Heby kommun"


def test_format_conflicting_with_suffix_is_an_error(tmp_path):
    result = _run("check", HEBY, "--format", "md", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
    assert "contradicts the suffix" in result.output
    assert not (tmp_path / "x.json").exists()


def test_failed_run_leaves_no_output_file(tmp_path):
    target = tmp_path / "out.txt"
    result = _run("check", str(ROOT / "tests" / "bad" / "wrong_date.yaml"), "-o", str(target))
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_a_clear_error(tmp_path):
    result = _run("check", HEBY, "-o", str(tmp_path / "no" / "such" / "dir.txt"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_fail_on_compares_grades():
    assert _run("check", HEBY, "--fail-on", "delvis").exit_code == 1
    assert _run("check", HEBY, "--fail-on", "nej").exit_code == 0
    wrong = _run("check", HEBY, "--fail-on", "röd")
    assert wrong.exit_code == 2 and "not a grade of this audit" in wrong.output


def test_audit_option_must_match_case():
    assert _run("check", HEBY, "--audit", "pwc-arbetsmarknadsinsatser").exit_code == 0
    result = _run("check", HEBY, "--audit", "styrdokument-snabbkontroll")
    assert result.exit_code == 2 and "contradicts the case's audit" in result.output


def test_rules_listing():
    result = _run("rules", "--audit", "pwc-arbetsmarknadsinsatser")
    assert result.exit_code == 0
    assert "RF4" in result.output and "rutiner.anvisning" in result.output
    assert "KL (2017:725) 6 kap. 6 §" in result.output
    assert _run("rules", "--audit", "nope").exit_code == 2


def test_version():
    assert __version__ in _run("--version").output


def test_output_is_deterministic(tmp_path):
    for name in ("a.json", "b.json", "a.md", "b.md"):
        assert _run("check", HEBY, "-o", str(tmp_path / name)).exit_code == 0
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()


def test_parameter_override_is_shown(tmp_path):
    case = tmp_path / "case.yaml"
    text = (ROOT / "examples" / "heby-2022.yaml").read_text(encoding="utf-8")
    case.write_text(
        text.replace("facts:\n", "parametrar: {riktlinjer_revidering_ar: 3}\nfacts:\n", 1),
        encoding="utf-8",
    )
    result = _run("check", str(case), "--format", "json")
    data = json.loads(result.output)
    assert data["parameter_overrides"] == {"riktlinjer_revidering_ar": 3}
    assert data["parameters"]["riktlinjer_revidering_ar"] == 3
