"""Many kommuner at once: every case in a directory evaluated, one row per kommun.

The cases are evaluated in chunks by the batch pool (checker.evaluation.batch), in
worker processes too when there are enough of them. A bad file is reported and
skipped; the batch goes on. Rows are sorted by kommun and file. Markdown (also on
the terminal): a table per audit template with the counts per grade and question. CSV
(semicolon-separated UTF-8 with BOM, as Swedish spreadsheets expect): one table in long
form, a line per kommun and question and per kommun and nämnd; the counts as a second
file on request. xlsx: a sheet per audit (a row per kommun, a column per question and
per nämnd's overall judgement, a colour per grade) and a sheet of counts with a stacked
bar chart and a kommun × question heat map.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation import batch
from checker.evaluation.evaluate import decided_statuses, judge_case, render_text
from checker.files.atomic import write_file
from checker.files.corpus import CASE_SUFFIXES
from checker.files.corpus import case_files as corpus_files
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import Case, RuleBase
from checker.output.collation import swedish_key
from checker.output.self_evaluation_texts import text

FORMATS = {".md": "md", ".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class Row:
    """One evaluated case: ids only; labels are looked up when the table is built."""

    file: str
    kommun: str
    period: str
    audit: str
    questions: dict[str, tuple[str, str]]  # question id -> (lowest, highest) grade ids
    overall: tuple[tuple[str, str, str], ...]  # (nämnd, lowest, highest)
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (nämnd, its role ids)


def case_files(directory: Path) -> list[Path]:
    """The case files directly in `directory`, sorted by name (hidden files left out).

    An entry named like a case file that is not one (a directory, a FIFO, a dangling
    link) is listed too, so that it is reported rather than skipped without a word.
    """
    if not directory.is_dir():
        raise GranskaError("not a directory", str(directory))
    named = [
        child
        for child in directory.iterdir()
        if child.suffix.lower() in CASE_SUFFIXES and not child.name.startswith(".")
    ]
    return sorted({*corpus_files([directory]), *named})


def evaluate_file(rules: RuleBase, path: Path, audit: str | None) -> Row:
    return _row(path, judge_case(rules, load_case(path, rules, audit)))


def evaluate_files(state: tuple[RuleBase, str | None], paths: Sequence[Path]) -> list[Row | str]:
    """Each file's row, or its error message (one bad file never stops the others); the
    criterion statuses of all the files' cases are decided in one batch."""
    rules, audit = state
    cases: dict[Path, Case] = {}
    outcomes: dict[Path, Row | str] = {}
    for path in paths:
        try:
            cases[path] = load_case(path, rules, audit)
        except GranskaError as error:
            outcomes[path] = str(error)
        except Exception as error:  # a crash is reported for this file alone
            outcomes[path] = _internal_error(path, error)
    decided = decided_statuses(rules, list(cases.values()))
    for (path, case), statuses in zip(cases.items(), decided, strict=True):
        try:
            outcomes[path] = _row(path, judge_case(rules, case, decided=statuses))
        except GranskaError as error:
            outcomes[path] = str(error)
        except Exception as error:  # a crash is reported for this file alone
            outcomes[path] = _internal_error(path, error)
    return [outcomes[path] for path in paths]


def _internal_error(path: Path, error: Exception) -> str:
    return f"{path}: internt fel ({type(error).__name__}: {error})"


def _row(path: Path, result: dict) -> Row:
    period = result["granskningsperiod"]
    return Row(
        file=path.name,
        kommun=result["kommun"],
        period=f"{period['från']} – {period['till']}",
        audit=result["audit"]["id"],
        questions={
            q["id"]: (q["bounds"]["lowest"], q["bounds"]["highest"]) for q in result["questions"]
        },
        overall=tuple(
            (o["nämnd"], o["bounds"]["lowest"], o["bounds"]["highest"]) for o in result["overall"]
        ),
        roles=tuple((n["namn"], tuple(n["roller"])) for n in result["nämnder"]),
    )


def evaluate_all(
    rules: RuleBase,
    files: list[Path],
    audit: str | None,
    progress: Callable[[int], None],
    workers: int | None = None,
) -> dict[Path, Row | str]:
    """Each file's row, or its error message; shared out over the cores by the batch
    pool (checker.evaluation.batch) when there are enough files to repay it."""
    outcomes = batch.run(evaluate_files, (rules, audit), files, workers, progress)
    return dict(zip(files, outcomes, strict=True))


@dataclass(frozen=True)
class Table:
    """One audit's summary: a row per case, the counts per grade, and the long form."""

    audit: str
    title: str
    disclaimer: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    counts: tuple[tuple[str | int, ...], ...]  # header, then a row per grade and the open row
    questions: tuple[str, ...]
    verdict_columns: tuple[int, ...]  # 0-based indexes of the columns holding a verdict
    grades: tuple[tuple[str, str], ...]  # (label, colour) best first, for each verdict column
    scores: tuple[tuple[float, ...], ...]  # per row, per question: the grade as a number
    long_columns: tuple[str, ...]
    long_rows: tuple[tuple[str, ...], ...]
    count_columns: tuple[str, ...]


def _span(labels: dict[str, str], lowest: str, highest: str) -> str:
    return labels[lowest] if lowest == highest else f"{labels[lowest]}–{labels[highest]}"


def _score(order: list[str], lowest: str, highest: str) -> float:
    """A grade as a number for the heat map: the best grade highest, 1 the worst; an open
    verdict the middle of its bounds."""
    size = len(order)
    return ((size - order.index(lowest)) + (size - order.index(highest))) / 2


def build_tables(rules: RuleBase, rows: list[Row]) -> list[Table]:
    """One table per audit (sorted by id), rows in Swedish order of kommun, then file."""
    h = rules.vocabulary.headings
    tables = []
    for audit_id in sorted({row.audit for row in rows}):
        audit = rules.audits[audit_id]
        labels = {grade.id: grade.label for grade in audit.scale}
        order = [grade.id for grade in audit.scale]
        overall_labels = {grade.id: grade.label for grade in audit.overall_scale}
        questions = [question.id for question in audit.questions]
        roles = [role for role in audit.roles]
        selected = sorted(
            (row for row in rows if row.audit == audit_id),
            key=lambda row: (swedish_key(row.kommun), row.file),
        )
        body = []
        for row in selected:
            judged = {name: (low, high) for name, low, high in row.overall}
            per_role = []
            for role in roles:
                names = [name for name, held in row.roles if role.id in held]
                name = names[0] if names else ""
                per_role += [
                    name,
                    _span(overall_labels, *judged[name]) if name in judged else "",
                ]
            body.append(
                (
                    row.file,
                    row.kommun,
                    row.period,
                    *(_span(labels, *row.questions[q]) for q in questions),
                    *per_role,
                )
            )
        counts: list[tuple[str | int, ...]] = [
            (
                label,
                *(sum(row.questions[q] == (grade, grade) for row in selected) for q in questions),
            )
            for grade, label in labels.items()
        ]
        counts.append(
            (
                text(rules, "summary_open"),
                *(
                    sum(row.questions[q][0] != row.questions[q][1] for row in selected)
                    for q in questions
                ),
            )
        )
        fixed = 3 + len(questions)
        long_rows = []
        for row in selected:
            for q in questions:
                low, high = row.questions[q]
                long_rows.append(
                    (
                        row.file,
                        row.kommun,
                        row.period,
                        audit_id,
                        "",
                        q,
                        labels[low] if low == high else "",
                        labels[low],
                        labels[high],
                        rules.version,
                    )
                )
            for name, low, high in row.overall:
                long_rows.append(
                    (
                        row.file,
                        row.kommun,
                        row.period,
                        audit_id,
                        name,
                        text(rules, "summary_overall"),
                        overall_labels[low] if low == high else "",
                        overall_labels[low],
                        overall_labels[high],
                        rules.version,
                    )
                )
        tables.append(
            Table(
                audit=audit_id,
                title=audit.title,
                disclaimer=render_text(
                    rules.vocabulary.disclaimer, version=rules.version, audit=audit.title
                ),
                columns=(
                    text(rules, "summary_file"),
                    text(rules, "summary_kommun"),
                    text(rules, "summary_period"),
                    *questions,
                    *(
                        heading
                        for role in roles
                        for heading in (
                            f"{h['namnd']}: {role.title}",
                            f"{text(rules, 'summary_overall')}: {role.title}",
                        )
                    ),
                ),
                rows=tuple(body),
                counts=((text(rules, "summary_count"), *questions), *counts),
                questions=tuple(questions),
                verdict_columns=(
                    *range(3, fixed),
                    *(fixed + 2 * index + 1 for index in range(len(roles))),
                ),
                grades=tuple((grade.label, grade.colour or "") for grade in audit.scale),
                scores=tuple(
                    tuple(_score(order, *row.questions[q]) for q in questions) for row in selected
                ),
                long_columns=(
                    text(rules, "summary_file"),
                    text(rules, "summary_kommun"),
                    text(rules, "summary_period"),
                    h["granskningsmall"],
                    h["namnd"],
                    h["revisionsfraga"],
                    h["title"],  # the verdict, named as what it is: a förbedömning
                    h["lagsta"],
                    h["hogsta"],
                    h["regelversion"],
                ),
                long_rows=tuple(long_rows),
                count_columns=(
                    h["granskningsmall"],
                    h["revisionsfraga"],
                    h["bedomning"],
                    text(rules, "summary_count"),
                ),
            )
        )
    return tables


# --- output formats -----------------------------------------------------------------
def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


def render_md(tables: list[Table]) -> str:
    parts = []
    for table in tables:
        parts += [
            f"## {table.title} ({table.audit})",
            "",
            f"> {table.disclaimer}",
            "",
            _md_row(table.columns),
            _md_row(tuple("---" for _ in table.columns)),
            *map(_md_row, table.rows),
            "",
            _md_row(table.counts[0]),
            _md_row(tuple("---" for _ in table.counts[0])),
            *map(_md_row, table.counts[1:]),
            "",
        ]
    return "\n".join(parts)


def _csv(rows: Iterator[tuple]) -> bytes:
    import csv  # not needed by a batch worker, which imports this module

    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return stream.getvalue().encode("utf-8-sig")


def render_csv(tables: list[Table]) -> bytes:
    """One table in long form: a line per kommun and question, and per kommun and nämnd
    for the overall judgement; the same columns on every line."""
    if not tables:
        return _csv(iter(()))
    return _csv(iter((tables[0].long_columns, *(row for t in tables for row in t.long_rows))))


def render_counts_csv(tables: list[Table]) -> bytes:
    """The counts per grade and question as one table: a line per audit, question and
    grade (the open verdicts as a grade of their own)."""
    header = tables[0].count_columns if tables else ()
    lines = (
        (table.audit, question, row[0], row[1 + index])
        for table in tables
        for index, question in enumerate(table.questions)
        for row in table.counts[1:]
    )
    return _csv(iter((header, *lines)))


def render_xlsx(tables: list[Table]) -> bytes:
    """A workbook per summary: a sheet per audit (a row per kommun, frozen header, filters,
    widths, a colour per grade) and its counts sheet (numbers, a stacked bar chart per
    question, a kommun × question heat map); byte-identical for identical tables."""
    import datetime

    from openpyxl import Workbook
    from openpyxl.xml.functions import tostring

    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, table in enumerate(tables, 1):
        _rows_sheet(workbook.create_sheet(table.audit[:31]), table)
        _counts_sheet(workbook.create_sheet(f"{table.counts[0][0]} {number}"[:31]), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # saving stamps the workbook and every zip entry with the time; fix both
    fixed = datetime.datetime(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    core = tostring(workbook.properties.to_tree())
    return _rezip(buffer.getvalue(), fixed.timetuple()[:6], {"docProps/core.xml": core})


def _fill(colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill(
        fill_type="solid",
        start_color=colour.lstrip("#").upper(),
        end_color=colour.lstrip("#").upper(),
    )


def _rows_sheet(sheet, table: Table) -> None:
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    last_row = len(table.rows) + 1
    last_column = get_column_letter(len(table.columns))
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
    for index, heading in enumerate(table.columns, 1):
        values = [heading, *(row[index - 1] for row in table.rows)]
        width = max(len(str(value)) for value in values) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), 50)
    white = Font(color="FFFFFF", bold=True)
    for column in table.verdict_columns:
        letter = get_column_letter(column + 1)
        cells = f"{letter}2:{letter}{max(last_row, 2)}"
        for label, colour in table.grades:
            if colour:
                sheet.conditional_formatting.add(
                    cells,
                    CellIsRule(
                        operator="equal", formula=[f'"{label}"'], fill=_fill(colour), font=white
                    ),
                )
        # an open verdict (a range, low to high) on grey
        sheet.conditional_formatting.add(
            cells, FormulaRule(formula=[f'ISNUMBER(SEARCH("–",{letter}2))'], fill=_fill("#d0d0d5"))
        )
    sheet.cell(row=last_row + 2, column=1, value=table.disclaimer)


def _counts_sheet(sheet, table: Table) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([f"{table.title} ({table.audit})"])
    sheet["A1"].font = Font(bold=True)
    start = 2
    for row in table.counts:
        sheet.append(list(row))
    for cell in sheet[start]:
        cell.font = Font(bold=True)
    grades = len(table.counts) - 1
    questions = len(table.questions)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = table.counts[0][0]
    data = Reference(
        sheet, min_col=1, max_col=questions + 1, min_row=start + 1, max_row=start + grades
    )
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=2, max_col=questions + 1, min_row=start))
    colours = [colour for _label, colour in table.grades] + ["#d0d0d5"]
    for series, colour in zip(chart.series, colours, strict=False):
        if colour:
            series.graphicalProperties = GraphicalProperties(solidFill=colour.lstrip("#").upper())
    chart.height, chart.width = 7.5, 16
    # the heat map: a kommun per row, a question per column, the grade as a number
    top = start + grades + 3
    sheet.cell(row=top, column=1, value=table.columns[1]).font = Font(bold=True)
    for offset, question in enumerate(table.questions, 2):
        sheet.cell(row=top, column=offset, value=question).font = Font(bold=True)
    for index, (row, scores) in enumerate(zip(table.rows, table.scores, strict=True), 1):
        sheet.cell(row=top + index, column=1, value=row[1])
        for offset, score in enumerate(scores, 2):
            sheet.cell(row=top + index, column=offset, value=score)
    colours = [colour.lstrip("#").upper() for _label, colour in table.grades if colour]
    if table.rows and colours:
        area = f"B{top + 1}:{get_column_letter(questions + 1)}{top + len(table.rows)}"
        size = len(table.grades)
        sheet.conditional_formatting.add(
            area,
            ColorScaleRule(
                start_type="num",
                start_value=1,
                start_color=colours[-1],
                mid_type="num",
                mid_value=(1 + size) / 2,
                mid_color=colours[len(colours) // 2],
                end_type="num",
                end_value=size,
                end_color=colours[0],
            ),
        )
    legend = ", ".join(
        f"{len(table.grades) - index} = {label}"
        for index, (label, _colour) in enumerate(table.grades)
    )
    sheet.cell(row=top + len(table.rows) + 2, column=1, value=legend)
    sheet.add_chart(chart, f"A{top + len(table.rows) + 4}")
    sheet.column_dimensions["A"].width = (
        max([len(str(row[1])) for row in table.rows] + [len(str(table.counts[0][0])), 12]) + 2
    )


def _rezip(data: bytes, date_time: tuple, replaced: dict[str, bytes]) -> bytes:
    """The zip archive with fixed entry times and some entries' contents replaced."""
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, replaced.get(info.filename, source.read(info.filename)))
    return target.getvalue()


RENDERERS: dict[str, Callable[[list[Table]], str | bytes]] = {
    "md": render_md,
    "csv": render_csv,
    "xlsx": render_xlsx,
}


# --- the command ----------------------------------------------------------------------
class Estimate:
    """The time left, from the pace since the first case finished: starting the workers
    is not a case's cost, so until a pace is measured there is no estimate at all."""

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.clock = total, clock
        self.done = 0
        self.first: tuple[float, int] | None = None  # (time, cases done) at the first result

    def advance(self, done: int) -> None:
        self.done += done
        if self.first is None:
            self.first = (self.clock(), self.done)

    def seconds_left(self) -> float | None:
        if self.first is None or self.done <= self.first[1]:
            return None
        since, counted = self.first
        pace = (self.clock() - since) / (self.done - counted)
        return pace * (self.total - self.done)

    def text(self) -> str:
        left = self.seconds_left()
        if left is None:
            return ""
        minutes, seconds = divmod(round(left), 60)
        return f"{minutes:d}:{seconds:02d}"


def summarise(
    directory: Path,
    rules_dir: Path | None,
    overlay: Path | None,
    audit: str | None,
    output: Path | None,
    progress: Callable[[str, int, int, str], None] | None = None,
    counts: Path | None = None,
) -> tuple[list[str], str | bytes, str]:
    """Evaluate every case in `directory` and render the summary, written to `output` if
    given (and, to `counts`, the counts per grade as CSV); the skipped files' errors, the
    summary if not written, and the note on skipped files. `progress` is told the label,
    the cases done, their total and the time left."""
    chosen = "md"
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in FORMATS:
            raise GranskaError(
                f"--summary writes {', '.join(FORMATS)}; got {suffix or 'none'}", str(output)
            )
        chosen = FORMATS[suffix]
    if counts is not None and Path(counts).suffix.lower() != ".csv":
        raise GranskaError("the counts are written as CSV: give a .csv file", str(counts))
    rules = load_rules(rules_dir, overlay)
    files = case_files(Path(directory))
    if not files:
        raise GranskaError(
            f"no case files ({', '.join(CASE_SUFFIXES)}) in this directory", str(directory)
        )
    label, estimate = text(rules, "summary_progress"), Estimate(len(files))

    def advance(done: int) -> None:
        estimate.advance(done)
        if progress is not None:
            progress(label, estimate.done, len(files), estimate.text())

    outcomes = evaluate_all(rules, files, audit, advance)
    errors = [outcome for path in files if isinstance(outcome := outcomes[path], str)]
    rows = [outcome for path in files if isinstance(outcome := outcomes[path], Row)]
    tables = build_tables(rules, rows)
    rendered = RENDERERS[chosen](tables)
    if counts is not None:
        write_file(Path(counts), render_counts_csv(tables), inputs=files)
    if output is not None:
        write_file(Path(output), rendered, inputs=files)
        rendered = ""
    skipped = ""
    if errors:
        skipped = text(rules, "summary_skipped", skipped=len(errors), total=len(files))
    return errors, rendered, skipped
