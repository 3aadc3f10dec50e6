"""Outcome measures as background: the kommun's value beside riket and similar kommuner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import parse_html, text_of

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "cases" / "exempelstad-2024.yaml"


def _run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_the_html_report_shows_the_measures_in_the_bakgrund(tmp_path):
    report = tmp_path / "rapport.html"
    assert _run("check", CASE, "-o", report).exit_code == 0
    document = parse_html(report.read_text(encoding="utf-8"))
    rows = [
        [text_of(cell) for cell in row if cell.tag.endswith(("td", "th"))]
        for table in document.iter()
        if table.get("class") == "outcomes"
        for row in table.iter()
        if row.tag.endswith("tr")
    ]
    assert rows[0] == ["Mått", "År", "Kommunen", "Riket", "Liknande kommuner", "Kolada"]
    assert rows[1][1:] == ["2024", "38,5 %", "35,1 %", "36 %", "N31816*"]
    assert rows[2][1:] == ["2024", "1 450 kr/inv", "1 320 kr/inv", "–", "U31004"]


def test_the_docx_and_markdown_carry_the_same_table(tmp_path):
    import docx

    output = tmp_path / "rapport.docx"
    assert _run("check", CASE, "-o", output).exit_code == 0
    cells = [
        [cell.text for cell in row.cells]
        for table in docx.Document(str(output)).tables
        for row in table.rows
    ]
    assert ["Mått", "År", "Kommunen", "Riket", "Liknande kommuner", "Kolada"] in cells
    markdown = _run("check", CASE, "--format", "md").output
    assert "| 2024 | 38,5 % | 35,1 % | 36 % | N31816\\* |" in markdown


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{mått: okant, år: 2024, värde: 3}", "okant"),
        ("{mått: langvarigt_bistand, år: tjugo, värde: 3}", "expected a year"),
        ("{mått: langvarigt_bistand, år: 2024, värde: .nan}", "expected a number"),
    ],
)
def test_a_bad_measure_is_a_located_error(tmp_path, entry, message):
    text = CASE.read_text(encoding="utf-8")
    start = text.index("    - {mått: langvarigt_bistand")
    end = text.index("\n", start)
    case = tmp_path / "fall.yaml"
    case.write_text(text[:start] + f"    - {entry}" + text[end:], encoding="utf-8")
    outcome = _run("check", case)
    assert outcome.exit_code == 2 and message in outcome.output
    assert "rapport.utfall[0]" in outcome.output
