"""`granska check DIR --summary`: many kommuner at once, bad files skipped, any format."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_support import libreoffice_pdf

from checker.casefiles.drafts import blank_case
from checker.cli import main
from checker.evaluation.evaluate import evaluate_case
from checker.loading.cases import load_case
from checker.output.self_evaluation_texts import text
from checker.summary import Estimate, case_files, evaluate_all, evaluate_file

ROOT = Path(__file__).resolve().parent.parent
IN_CI = bool(os.environ.get("CI"))
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
    """Each format written twice: suffix -> (first path, second path, first run's result);
    the CSV run also writes the counts (key "counts")."""
    directory = tmp_path_factory.mktemp("sammanstallningar")
    written = {}
    for suffix in (".md", ".csv", ".xlsx"):
        first, second = directory / f"a{suffix}", directory / f"b{suffix}"
        extra = ["--counts", str(directory / "antal.csv")] if suffix == ".csv" else []
        result = CliRunner().invoke(
            main, ["check", str(batch), "--summary", "-o", str(first), *extra]
        )
        CliRunner().invoke(main, ["check", str(batch), "--summary", "-o", str(second)])
        written[suffix] = (first, second, result)
    written["counts"] = directory / "antal.csv"
    return written


def _label(result: dict, question: dict) -> str:
    labels = {grade["id"]: grade["label"] for grade in result["audit"]["scale"]}
    low, high = question["bounds"]["lowest"], question["bounds"]["highest"]
    return labels[low] if low == high else f"{labels[low]}–{labels[high]}"


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))


def test_the_csv_is_one_table_with_a_constant_field_count(outputs):
    rows = _read_csv(outputs[".csv"][0])
    assert len(rows) > 1
    assert {len(row) for row in rows} == {len(rows[0])}
    for path in (outputs["counts"],):
        counts = _read_csv(path)
        assert {len(row) for row in counts} == {len(counts[0])}


def test_every_case_gets_its_lines_and_a_bad_file_is_skipped(rules, batch, outputs):
    output, _second, result = outputs[".csv"]
    assert result.exit_code == 2, result.output
    assert "trasig.yaml:2" in result.output
    assert text(rules, "summary_skipped", skipped=1, total=len(CASES) + 2) in result.output
    header, *lines = _read_csv(output)
    h = rules.vocabulary.headings
    column = {name: header.index(name) for name in header}
    for path in [*CASES, batch / "blank.yaml"]:
        evaluated = evaluate_case(rules, load_case(path, rules))
        mine = [line for line in lines if line[0] == path.name]
        labels = {grade["id"]: grade["label"] for grade in evaluated["audit"]["scale"]}
        for question in evaluated["questions"]:
            (line,) = [line for line in mine if line[column[h["revisionsfraga"]]] == question["id"]]
            low, high = question["bounds"]["lowest"], question["bounds"]["highest"]
            assert line[column[h["lagsta"]]] == labels[low]
            assert line[column[h["hogsta"]]] == labels[high]
            assert line[column[h["title"]]] == (labels[low] if low == high else "")
            assert line[column[h["regelversion"]]] == rules.version
        overall = [line for line in mine if line[column[h["namnd"]]]]
        assert [line[column[h["namnd"]]] for line in overall] == [
            entry["nämnd"] for entry in evaluated["overall"]
        ]
    assert not any(line[0] in ("trasig.yaml", "anteckningar.txt") for line in lines)
    assert any(not line[column[h["title"]]] for line in lines), "the blank case is not open"


def test_the_counts_add_up_per_question(rules, outputs):
    header, *lines = _read_csv(outputs[".csv"][0])
    h = rules.vocabulary.headings
    question_at, low_at, high_at = (
        header.index(h[key]) for key in ("revisionsfraga", "lagsta", "hogsta")
    )
    audit_at = header.index(h["granskningsmall"])
    _counts_header, *counts = _read_csv(outputs["counts"])
    open_label = text(rules, "summary_open")
    for audit_id, question, grade, number in counts:
        judged = [
            line for line in lines if line[audit_at] == audit_id and line[question_at] == question
        ]
        if grade == open_label:
            expected = sum(line[low_at] != line[high_at] for line in judged)
        else:
            expected = sum(line[low_at] == line[high_at] == grade for line in judged)
        assert int(number) == expected, (audit_id, question, grade)


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
    assert workbook.sheetnames[::2] == [audit[:31] for audit in audits]
    heby = workbook["pwc-arbetsmarknadsinsatser"]
    values = [[cell.value for cell in row] for row in heby.iter_rows()]
    row = next(row for row in values if row[0] == "heby-2022.yaml")
    assert row[3:7] == ["Delvis", "Ja", "Delvis", "Delvis"]
    assert row[7:11] == [
        "Vård- och omsorgsnämnden",
        "inte helt säkerställer",
        "Kommunstyrelsen",
        "inte helt säkerställer",
    ]
    assert any(row[0] and "förbedömning" in row[0] for row in values)


def test_the_workbook_is_made_for_analysis(rules, outputs):
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart

    workbook = load_workbook(outputs[".xlsx"][0])
    audit = rules.audits["pwc-arbetsmarknadsinsatser"]
    index = workbook.sheetnames.index(audit.id)
    sheet, counts = workbook[audit.id], workbook[workbook.sheetnames[index + 1]]
    # one row per kommun under a frozen, filtered header, with widths
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref.startswith("A1:")
    widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
    assert all(width >= 8 for width in widths)
    assert widths[1] >= len("Heby kommun")  # the kommun column fits its names
    # a colour per grade on every verdict column
    ranges = {str(entry.sqref): entry.rules for entry in sheet.conditional_formatting}
    headers = [cell.value for cell in sheet[1]]
    for question in audit.questions:
        letter = sheet.cell(row=1, column=headers.index(question.id) + 1).column_letter
        (rules_here,) = [found for where, found in ranges.items() if where.startswith(letter)]
        colours = {rule.dxf.fill.fgColor.rgb[-6:] for rule in rules_here if rule.dxf.fill}
        assert {grade.colour.lstrip("#").upper() for grade in audit.scale} <= colours
    # the counts are numbers, with a stacked bar chart and a heat map
    numbers = [
        cell
        for row in counts.iter_rows(min_row=3, max_row=3 + len(audit.scale))
        for cell in row[1:]
        if cell.value is not None
    ]
    assert numbers and all(cell.data_type == "n" for cell in numbers)
    assert all(isinstance(cell.value, int) for cell in numbers)
    (chart,) = counts._charts
    assert isinstance(chart, BarChart) and chart.grouping == "stacked"
    assert len(chart.series) == len(audit.scale) + 1
    heat = [str(entry.sqref) for entry in counts.conditional_formatting]
    assert heat and all(
        isinstance(cell.value, (int, float)) for row in counts[heat[0]] for cell in row
    )


def test_the_estimate_waits_for_a_pace_and_then_follows_it():
    clock = [0.0]
    estimate = Estimate(1000, clock=lambda: clock[0])
    assert estimate.text() == ""
    clock[0] = 30.0  # the workers start: no case has finished yet
    estimate.advance(1)
    assert estimate.seconds_left() is None  # one result gives no pace
    for _ in range(99):
        clock[0] += 0.1
        estimate.advance(1)
    assert estimate.seconds_left() == pytest.approx(0.1 * 900)
    assert estimate.text() == "1:30"


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


def test_libreoffice_draws_the_counts_chart_in_the_grade_colours(rules, outputs, tmp_path):
    """The workbook printed by LibreOffice: the counts sheet's stacked bars appear in
    the grades' colours (GRANSKA_SCREENSHOTS=DIR keeps it as summary-chart.png)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is missing under CI")
        pytest.skip("LibreOffice (soffice) is not installed; .ci/system-packages installs it")
    pdfium = pytest.importorskip("pypdfium2")
    from openpyxl import load_workbook

    workbook = load_workbook(outputs[".xlsx"][0])
    audit = rules.audits["pwc-arbetsmarknadsinsatser"]
    counts = workbook.sheetnames[workbook.sheetnames.index(audit.id) + 1]
    for name in workbook.sheetnames:
        if name != counts:
            del workbook[name]
    source = tmp_path / "antal.xlsx"
    workbook.save(source)
    printed = libreoffice_pdf(soffice, source)
    image = pdfium.PdfDocument(str(printed))[0].render(scale=2).to_pil().convert("RGB")
    colours = image.getcolors(image.width * image.height)
    counted = {
        row[0].value: sum(cell.value for cell in row[1:])
        for row in workbook[counts].iter_rows(min_row=3, max_row=2 + len(audit.scale))
    }
    for grade in audit.scale:
        if not counted[grade.label]:
            continue  # no bar of this grade
        target = tuple(int(grade.colour[i : i + 2], 16) for i in (1, 3, 5))
        drawn = sum(
            count
            for count, pixel in colours
            if max(abs(a - b) for a, b in zip(pixel, target, strict=True)) < 10
        )
        assert drawn > 300, f"no bar in the colour of {grade.label}"
    folder = os.environ.get("GRANSKA_SCREENSHOTS")
    if folder:
        box = image.convert("L").point(lambda value: value < 250 and 255).getbbox()
        image.crop(box).save(Path(folder) / "summary-chart.png", optimize=True)
