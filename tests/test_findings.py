"""The kommun's claim beside the auditor's finding: the verdict reads the finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bounds_oracle import SHIPPED
from click.testing import CliRunner
from report_support import parse_html, text_of

from checker.cli import main
from checker.loading.cases import load_case

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"
FINDINGS = """\
samverkan.forum:
  {värde: nej, källa: "Protokoll från arbetsmarknadsrådet saknas", underlag: protokoll}
riktlinjer.beslutsdatum:
  {värde: 2021-06-15, källa: "Protokoll 2021-06-15 § 40", underlag: protokoll}
"""


def _run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture
def audited(tmp_path: Path) -> Path:
    """Heby's case with two findings merged beside the kommun's statements."""
    answers = tmp_path / "fynd.yaml"
    answers.write_text(FINDINGS, encoding="utf-8")
    output = tmp_path / "heby-granskad.yaml"
    outcome = _run("merge", HEBY, answers, "-o", output, "--finding")
    assert outcome.exit_code == 0, outcome.output
    return output


def test_merge_keeps_the_claim_and_adds_the_finding(audited):
    case = load_case(audited, SHIPPED)
    forum = case.facts["samverkan.forum"]
    assert forum.value is False and forum.underlag == "protokoll"
    assert forum.claim.value is True and forum.claim.underlag == "intervju"
    assert "Rapporten avsnitt Iakttagelser RF2" in forum.claim.källa
    datum = case.facts["riktlinjer.beslutsdatum"]
    assert datum.claim.value is None and str(datum.value) == "2021-06-15"
    text = audited.read_text(encoding="utf-8")
    assert text.count("granskning:") == 2
    original = HEBY.read_text(encoding="utf-8").splitlines()
    assert [line for line in text.splitlines() if line in original] == original


def test_the_verdict_follows_the_finding(audited):
    before = json.loads(_run("check", HEBY, "--format", "json").output)
    after = json.loads(_run("check", audited, "--format", "json").output)
    verdict = {q["id"]: q["verdict"] for q in before["questions"]}
    assert verdict["RF2"] == "ja"
    assert {q["id"]: q["verdict"] for q in after["questions"]}["RF2"] == "nej"
    forum = next(
        fact
        for question in after["questions"]
        for criterion in question["criteria"]
        for fact in criterion["facts"]
        if fact["id"] == "samverkan.forum"
    )
    assert forum["value"] is False and forum["claim"]["value"] is True


def test_the_report_and_compare_show_claim_and_finding(audited, tmp_path):
    report = tmp_path / "rapport.html"
    assert _run("check", audited, "-o", report).exit_code == 0
    claims = [
        text_of(element)
        for element in parse_html(report.read_text(encoding="utf-8")).iter()
        if element.get("class") == "claim"
    ]
    assert (
        "Etablerade forum för samverkan om arbetsmarknadsinsatser: kommunens uppgift ja "
        "(källa: Rapporten avsnitt Iakttagelser RF2: arbetsmarknadsråd, Styrgrupp Social "
        "hållbarhet, LOKUS); granskningens iakttagelse nej (källa: Protokoll från "
        "arbetsmarknadsrådet saknas)." in claims
    ), claims
    for output_format in ("md", "text"):
        shown = " ".join(_run("check", audited, "--format", output_format).output.split())
        assert "kommunens uppgift ja (källa: Rapporten avsnitt Iakttagelser RF2:" in shown
    compared = json.loads(_run("compare", HEBY, audited, "--format", "json").output)
    shown = {claim["id"]: (claim["claim"], claim["finding"]) for claim in compared["claims"]}
    assert shown["samverkan.forum"] == ("ja", "nej")
    text = " ".join(_run("compare", HEBY, audited).output.split())
    assert "Kommunens uppgift: ja; granskningens iakttagelse: nej" in text


def test_a_second_different_finding_is_a_conflict(audited, tmp_path):
    answers = tmp_path / "nya-fynd.yaml"
    answers.write_text("samverkan.forum: ja\n", encoding="utf-8")
    output = tmp_path / "igen.yaml"
    outcome = _run("merge", audited, answers, "-o", output, "--finding")
    assert outcome.exit_code == 2 and "contradict" in outcome.output
    assert not output.exists()
    outcome = _run("merge", audited, answers, "-o", output, "--finding", "--overwrite")
    assert outcome.exit_code == 0, outcome.output
    forum = load_case(output, SHIPPED).facts["samverkan.forum"]
    assert forum.value is True and forum.claim.value is True and forum.claim.underlag == "intervju"


def test_a_finding_is_checked_like_any_value(tmp_path):
    case = tmp_path / "fall.yaml"
    case.write_text(
        HEBY.read_text(encoding="utf-8").replace(
            "  samverkan.forum:\n    värde: ja\n",
            "  samverkan.forum:\n    värde: ja\n    granskning: {värde: kanske}\n",
        ),
        encoding="utf-8",
    )
    outcome = _run("check", case)
    assert outcome.exit_code == 2
    assert "facts.samverkan.forum.granskning.värde" in outcome.output
