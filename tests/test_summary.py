"""`granska check DIR --summary`: many kommuner at once, bad files skipped, any format."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.casefiles.drafts import blank_case
from checker.cli import main
from checker.evaluation.evaluate import evaluate_case
from checker.loading.cases import load_case
from checker.output.self_evaluation_texts import text
from checker.summary import case_files, evaluate_all, evaluate_file

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/cases/*.yaml")])


@pytest.fixture(scope="module")
def batch(tmp_path_factory, rules):
    """Every golden case, a blank (open) case, a broken file and a file that is no case."""
    directory = tmp_path_factory.mktemp("kommuner")
    for path in CASES:
        shutil.copy(path, directory / path.name)
    (directory / "blank.yaml").write_text(
        blank_case(rules, "pwc-arbetsmarknadsinsatser", 2024, "Öppna kommun"), encoding="utf-8"
    )
    (directory / "trasig.yaml").write_text("kommun: [\n", encoding="utf-8")
    (directory / "anteckningar.txt").write_text("inget fall\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def outputs(batch, tmp_path_factory):
    """Each format written twice: suffix -> (first path, second path, first run's result)."""
    directory = tmp_path_factory.mktemp("sammanstallningar")
    written = {}
    for suffix in (".md", ".csv", ".xlsx"):
        first, second = directory / f"a{suffix}", directory / f"b{suffix}"
        result = CliRunner().invoke(main, ["check", str(batch), "--summary", "-o", str(first)])
        CliRunner().invoke(main, ["check", str(batch), "--summary", "-o", str(second)])
        written[suffix] = (first, second, result)
    return written


def _label(result: dict, question: dict) -> str:
    labels = {grade["id"]: grade["label"] for grade in result["audit"]["scale"]}
    low, high = question["bounds"]["lowest"], question["bounds"]["highest"]
    return labels[low] if low == high else f"{labels[low]}–{labels[high]}"


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


def test_every_case_gets_its_row_and_a_bad_file_is_skipped(rules, batch, outputs):
    output, _second, result = outputs[".csv"]
    assert result.exit_code == 2, result.output
    assert "trasig.yaml:2" in result.output
    assert text(rules, "summary_skipped", skipped=1, total=len(CASES) + 2) in result.output
    rows = _read_csv(output)
    for path in [*CASES, batch / "blank.yaml"]:
        evaluated = evaluate_case(rules, load_case(path, rules))
        matching = [row for row in rows if row and row[0] == path.name]
        assert len(matching) == 1, path.name
        header = next(
            row
            for row in rows[rows.index(matching[0]) :: -1]
            if row[:1] == [text(rules, "summary_file")]
        )
        for question in evaluated["questions"]:
            assert matching[0][header.index(question["id"])] == _label(evaluated, question)
    assert not any(row and row[0] in ("trasig.yaml", "anteckningar.txt") for row in rows)


def test_the_counts_add_up_per_question(rules, outputs):
    rows = _read_csv(outputs[".csv"][0])
    audit = rules.audits["pwc-arbetsmarknadsinsatser"]
    start = rows.index([f"{audit.title} ({audit.id})"])
    header = rows[start + 1]
    body = []
    for row in rows[start + 2 :]:
        if not row:
            break
        body.append(row)
    counts_header = rows[start + 2 + len(body) + 1]
    counts = {row[0]: row[1:] for row in rows[start + 3 + len(body) + 1 :][: len(audit.scale) + 1]}
    assert counts_header == [text(rules, "summary_count"), *(q.id for q in audit.questions)]
    for index, question in enumerate(audit.questions):
        cells = [row[header.index(question.id)] for row in body]
        for grade in audit.scale:
            assert int(counts[grade.label][index]) == cells.count(grade.label)
        assert int(counts[text(rules, "summary_open")][index]) == sum("–" in c for c in cells)
    assert any("–" in cell for row in body for cell in row[3:-1]), "the blank case is not open"


def test_the_workers_give_what_one_process_gives(rules, batch):
    files = case_files(batch)
    assert len(files) > 2
    together = evaluate_all(rules, files, None, lambda _done: None, workers=2)
    for path in files:
        try:
            alone = evaluate_file(rules, path, None)
        except Exception as error:
            alone = str(error)
        assert together[path] == alone, path.name


@pytest.mark.parametrize("suffix", [".md", ".csv", ".xlsx"])
def test_the_output_is_the_same_every_time(outputs, suffix):
    first, second, _result = outputs[suffix]
    assert first.read_bytes() == second.read_bytes()


def test_the_workbook_has_a_sheet_per_audit_with_the_disclaimer(rules, outputs):
    from openpyxl import load_workbook

    workbook = load_workbook(outputs[".xlsx"][0])
    audits = sorted({load_case(path, rules).audit for path in CASES})
    assert workbook.sheetnames == [audit[:31] for audit in audits]
    heby = workbook["pwc-arbetsmarknadsinsatser"]
    values = [[cell.value for cell in row] for row in heby.iter_rows()]
    row = next(row for row in values if row[0] == "heby-2022.yaml")
    assert row[3:7] == ["Delvis", "Ja", "Delvis", "Delvis"]
    assert any(row[0] and "förbedömning" in row[0] for row in values)


def test_markdown_goes_to_the_terminal(rules, batch, outputs):
    result = CliRunner().invoke(main, ["check", str(batch), "--summary"])
    assert result.exit_code == 2
    assert result.stdout == outputs[".md"][0].read_text(encoding="utf-8")
    assert "| heby-2022.yaml | Heby kommun |" in result.stdout
    assert rules.version in result.stdout


def test_a_directory_without_cases_is_an_error(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path), "--summary"])
    assert result.exit_code == 2 and "no case files" in result.output


def test_an_unknown_output_suffix_is_an_error(batch, tmp_path):
    result = CliRunner().invoke(
        main, ["check", str(batch), "--summary", "-o", str(tmp_path / "ut.pdf")]
    )
    assert result.exit_code == 2 and ".xlsx" in result.output
    assert not (tmp_path / "ut.pdf").exists()
