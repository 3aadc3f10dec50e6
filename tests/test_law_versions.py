"""The law in force during a case's period decides what it cites (rules/sources.yaml).

Varberg 2013 predates KL (2017:725) and the 2016 wording of SoL 4 kap. 1 § andra
stycket; Heby 2022 predates SoL (2025:400); a period after 2025-07-01 cites the new SoL
by topic, once, with one note, and marks the föreskrifter that refer to the repealed
law; a period straddling that day cites both.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import api

ROOT = Path(__file__).resolve().parent.parent
VARBERG = ROOT / "tests" / "cases" / "varberg-2013.yaml"
HEBY = ROOT / "examples" / "heby-2022.yaml"


def cited(result: dict) -> list[dict]:
    """Every citation shown for any criterion of the result."""
    return [
        entry
        for question in result["questions"]
        for criterion in question["criteria"]
        for entry in criterion["basis"]
    ]


def versions(result: dict) -> set[str]:
    return {entry["version"] for entry in result["sources"]}


def heby_with_period(tmp_path: Path, start: str, end: str) -> Path:
    """The Heby example with its granskningsperiod and granskningsdatum moved."""
    text = HEBY.read_text(encoding="utf-8")
    text, periods = re.subn(
        r"(?m)^granskningsperiod: .*$", f"granskningsperiod: {{från: {start}, till: {end}}}", text
    )
    text, dates = re.subn(r"(?m)^granskningsdatum: .*$", f"granskningsdatum: {end}", text)
    assert periods == dates == 1, "the Heby example no longer has one period and one date"
    path = tmp_path / f"heby-{start}-{end}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_varberg_2013_cites_the_kommunallag_of_1991(rules):
    result = api.check(VARBERG, rules=rules)
    assert "kl-1991-900" in versions(result)
    assert "kl-2017-725" not in versions(result)
    kl = [e for e in cited(result) if e["provision"] == "kl.namndernas-ansvar"]
    assert kl and {e["ref"] for e in kl} == {"6 kap. 7 §"}


def test_varberg_2013_does_not_cite_the_2016_wording_on_arbetsmarknadens_forfogande(rules):
    result = api.check(VARBERG, rules=rules)
    readers = [
        c["id"]
        for q in result["questions"]
        for c in q["criteria"]
        if "sol.arbetsmarknadens-forfogande" in rules.criteria[c["id"]].basis
    ]
    assert readers, "no Varberg criterion rests on arbetsmarknadens förfogande any more"
    refs = [(e["version"], e["ref"]) for e in cited(result)]
    assert not [
        ref
        for version, ref in refs
        if version == "sol-2001-453" and ref.startswith("4 kap. 1 § andra stycket")
    ]
    assert "sol-2025-400" not in versions(result)
    assert ("sol-2001-453", "4 kap. 1 §") in refs  # the right to bistånd itself is cited


def test_heby_2022_cites_the_kommunallag_of_2017(rules):
    result = api.check(HEBY, rules=rules)
    assert "kl-2017-725" in versions(result)
    assert "kl-1991-900" not in versions(result)
    assert ("sol-2001-453", "4 kap. 1 § andra stycket") in {
        (e["version"], e["ref"]) for e in cited(result)
    }


def test_a_period_after_2025_07_01_cites_the_new_sol_by_topic_with_one_note(rules, tmp_path):
    result = api.check(heby_with_period(tmp_path, "2025-08-01", "2025-12-31"), rules=rules)
    assert "sol-2025-400" in versions(result)
    assert "sol-2001-453" not in versions(result)
    new_sol = [e for e in cited(result) if e["version"] == "sol-2025-400"]
    # Unverified section numbers are not guessed: the new law is cited by topic.
    assert new_sol and not any(e["verified"] or "§" in e["ref"] for e in new_sol)
    note = rules.sources["sol-2025-400"].note
    for output_format in ("text", "md"):
        shown = " ".join(api.render(result, output_format).split())
        assert shown.count(" ".join(note.split())) == 1


def test_a_case_of_2025_26_cites_no_placeholder_twice_and_marks_sosfs_2011_9(rules, tmp_path):
    result = api.check(heby_with_period(tmp_path, "2025-09-01", "2026-08-31"), rules=rules)
    for question in result["questions"]:
        for criterion in question["criteria"]:
            refs = [(e["version"], e["ref"]) for e in criterion["basis"]]
            assert len(refs) == len(set(refs)), criterion["id"]
    report = api.render(result, "md")
    for line in report.splitlines():
        if line.strip().startswith(rules.vocabulary.headings["grund"]):
            parts = [part.strip() for part in line.split(":", 1)[1].split(";")]
            assert len(parts) == len(set(parts)), line
    sosfs = next(e for e in result["sources"] if e["version"] == "sosfs-2011-9")
    assert any("upphävdes 2025-07-01" in note for note in sosfs["notes"])
    assert " ".join(sosfs["notes"][0].split()) in " ".join(report.split())
    guidance = [e for e in result["sources"] if e["version"] == "sosfs-2013-1"]
    assert guidance and any("upphävdes 2025-07-01" in note for note in guidance[0]["notes"])


def test_a_case_before_2025_07_01_carries_no_note_of_the_repeal(rules):
    result = api.check(HEBY, rules=rules)
    sosfs = next(e for e in result["sources"] if e["version"] == "sosfs-2011-9")
    assert sosfs["notes"] == []


@pytest.mark.parametrize("provision", ["sol.ratt-till-bistand", "sol.arbetsmarknadens-forfogande"])
def test_a_period_straddling_2025_07_01_cites_both_sol_versions(rules, tmp_path, provision):
    result = api.check(heby_with_period(tmp_path, "2025-01-01", "2025-12-31"), rules=rules)
    sources = {e["version"] for e in cited(result) if e["provision"] == provision}
    assert sources == {"sol-2001-453", "sol-2025-400"}
