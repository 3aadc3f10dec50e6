"""`granska compare`: what moved for one kommun between two results or cases."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"
IMPROVED = {
    "rutiner.anvisning_intern": {"värde": "ja", "underlag": "styrdokument"},
    "rutiner.insatsutbud_dokumenterat": {"värde": "ja", "underlag": "styrdokument"},
    "rutiner.malgruppskriterier": {"värde": "ja", "underlag": "styrdokument"},
    "riktlinjer.beslutsdatum": "2023-03-01",
}
# A year later: the period and granskningsdatum of the improved case.
LATER = {
    "granskningsperiod": {"från": "2023-01-01", "till": "2023-12-31"},
    "granskningsdatum": "2023-12-20",
}


def _run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _heby(tmp_path: Path, name: str, facts: dict, **fields) -> Path:
    data = yaml.safe_load(HEBY.read_text(encoding="utf-8"))
    data["facts"].update(facts)
    data.update(fields)
    data.pop("förväntat", None)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_compare_cases_lists_moves_facts_and_answered_recommendations(tmp_path):
    later = _heby(tmp_path, "heby-2023.yaml", IMPROVED, **LATER)
    result = _run("compare", HEBY, later, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    rf1 = next(q for q in data["questions"] if q["id"] == "RF1")
    assert rf1["direction"] == "up" and rf1["before"] == "Delvis"
    moved = {c["id"]: (c["before"], c["after"], c["direction"]) for c in rf1["criteria"]}
    assert moved["rutiner.anvisning"] == ("delvis uppfyllt", "uppfyllt", "up")
    anvisning = next(c for c in rf1["criteria"] if c["id"] == "rutiner.anvisning")
    assert [(f["id"], f["before"], f["after"]) for f in anvisning["facts"]] == [
        ("rutiner.anvisning_intern", "nej", "ja")
    ]
    assert all(
        q["direction"] == "same" and not q["criteria"]
        for q in data["questions"]
        if q["id"] in ("RF2", "RF3")
    )
    answered = [rec["id"] for rec in data["recommendations"]["answered"]]
    assert "rek.insatsutbud-dokumenteras" in answered
    # RF1 is now Ja: what remains of it are development points, not new recommendations.
    assert all(rec["development"] for rec in data["recommendations"]["new"])
    assert "rek.insatsutbud-dokumenteras" not in [
        rec["id"] for rec in data["recommendations"]["remaining"]
    ]


def test_a_saved_result_compares_like_its_case(tmp_path):
    later = _heby(tmp_path, "later.yaml", IMPROVED, **LATER)
    saved = tmp_path / "heby.json"
    assert _run("check", HEBY, "-o", saved).exit_code == 0
    from_cases = _run("compare", HEBY, later, "--format", "json").output
    from_result = _run("compare", saved, later, "--format", "json").output

    def strip(text: str) -> dict:
        return {key: value for key, value in json.loads(text).items() if key != "old"}

    assert strip(from_cases) == strip(from_result)


def test_text_and_markdown(tmp_path):
    later = _heby(tmp_path, "later.yaml", IMPROVED, **LATER)
    text = _run("compare", HEBY, later).output
    assert "Jämförelse för Heby kommun" in text
    assert "rutiner för anvisning" in text.lower()
    assert "Rekommendationer som har besvarats (" in text
    assert "förbedömning" in text
    markdown = tmp_path / "jamforelse.md"
    assert _run("compare", HEBY, later, "-o", markdown).exit_code == 0
    written = markdown.read_text(encoding="utf-8")
    assert written.startswith("# Jämförelse för Heby kommun")
    assert "| Fråga | Före | Efter | |" in written


def test_two_kommuner_are_not_compared(tmp_path):
    other = _heby(tmp_path, "other.yaml", {}, kommun="Tierps kommun")
    result = _run("compare", HEBY, other)
    assert result.exit_code == 2
    assert "compare compares one kommun's results" in result.output
