"""Many kommuner at once: every case in a directory evaluated, one row per kommun.

The cases are evaluated in worker processes (durable-rules keeps its rulesets in global
state, so each worker loads the rules and holds its own engine). A bad file is reported
and skipped; the batch goes on. The output is one table per audit template, rows sorted
by kommun and file, with a count per grade per question; as Markdown (also on the
terminal), CSV (semicolon-separated UTF-8 with BOM, as Swedish spreadsheets expect) or
xlsx.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

import click

from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case, render_text
from checker.files.atomic import write_file
from checker.files.corpus import CASE_SUFFIXES
from checker.files.corpus import case_files as corpus_files
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import RuleBase
from checker.output.collation import swedish_key
from checker.output.self_evaluation_texts import text

FORMATS = {".md": "md", ".csv": "csv", ".xlsx": "xlsx"}
CASES_PER_WORKER = 200
_WORKER_RULES: RuleBase | None = None


@dataclass(frozen=True)
class Row:
    """One evaluated case: ids only; labels are looked up when the table is built."""

    file: str
    kommun: str
    period: str
    audit: str
    questions: dict[str, tuple[str, str]]  # question id -> (lowest, highest) grade ids
    overall: tuple[tuple[str, str, str], ...]  # (nämnd, lowest, highest)


@dataclass(frozen=True)
class Table:
    """One audit's summary: header, a row per case, and the counts per grade."""

    audit: str
    title: str
    disclaimer: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    counts: tuple[tuple[str, ...], ...]


def case_files(directory: Path) -> list[Path]:
    """The case files directly in `directory`, sorted by name (hidden files left out)."""
    if not directory.is_dir():
        raise GranskaError("not a directory", str(directory))
    return corpus_files([directory])


def evaluate_file(rules: RuleBase, path: Path, audit: str | None) -> Row:
    result = evaluate_case(rules, load_case(path, rules, audit), with_reasoning=False)
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
    )


def _start_worker(rules_dir: Path | None, overlay: Path | None) -> None:
    global _WORKER_RULES
    _WORKER_RULES = load_rules(rules_dir, overlay)


def _work(path: Path, audit: str | None) -> Row | str:
    try:
        return evaluate_file(_WORKER_RULES, path, audit)
    except GranskaError as error:
        return str(error)


def evaluate_all(
    rules: RuleBase,
    files: list[Path],
    audit: str | None,
    progress: Callable[[int], None],
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    workers: int | None = None,
) -> dict[Path, Row | str]:
    """Each file's row, or its error message; on every core when there are many files.

    The workers (default: one per core, but one per CASES_PER_WORKER files, as starting a
    worker costs as much as evaluating about a hundred cases) load the rules from
    `rules_dir` and `overlay`, as `rules` was loaded.
    """
    workers = workers or min(os.cpu_count() or 1, len(files) // CASES_PER_WORKER)
    workers = max(1, min(workers, len(files)))
    if workers <= 1:
        outcomes: dict[Path, Row | str] = {}
        for path in files:
            try:
                outcomes[path] = evaluate_file(rules, path, audit)
            except GranskaError as error:
                outcomes[path] = str(error)
            progress(1)
        return outcomes
    # spawn, not fork: a forked child would share the parent's durable-rules state
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(rules_dir, overlay),
    ) as pool:
        outcomes = {}
        chunk = max(1, len(files) // (workers * 8))
        for path, outcome in zip(
            files, pool.map(_work, files, repeat(audit), chunksize=chunk), strict=True
        ):
            outcomes[path] = outcome
            progress(1)
        return outcomes


def _span(labels: dict[str, str], lowest: str, highest: str) -> str:
    return labels[lowest] if lowest == highest else f"{labels[lowest]}–{labels[highest]}"


def build_tables(rules: RuleBase, rows: list[Row]) -> list[Table]:
    """One table per audit (sorted by id), rows in Swedish order of kommun, then file."""
    tables = []
    for audit_id in sorted({row.audit for row in rows}):
        audit = rules.audits[audit_id]
        labels = {grade.id: grade.label for grade in audit.scale}
        overall_labels = {grade.id: grade.label for grade in audit.overall_scale}
        questions = [question.id for question in audit.questions]
        selected = sorted(
            (row for row in rows if row.audit == audit_id),
            key=lambda row: (swedish_key(row.kommun), row.file),
        )
        body = tuple(
            (
                row.file,
                row.kommun,
                row.period,
                *(_span(labels, *row.questions[q]) for q in questions),
                "; ".join(
                    f"{name}: {_span(overall_labels, low, high)}" for name, low, high in row.overall
                ),
            )
            for row in selected
        )
        counts = [
            (
                label,
                *(
                    str(sum(row.questions[q] == (grade, grade) for row in selected))
                    for q in questions
                ),
            )
            for grade, label in labels.items()
        ]
        counts.append(
            (
                text(rules, "summary_open"),
                *(
                    str(sum(row.questions[q][0] != row.questions[q][1] for row in selected))
                    for q in questions
                ),
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
                    text(rules, "summary_overall"),
                ),
                rows=body,
                counts=((text(rules, "summary_count"), *questions), *counts),
            )
        )
    return tables


# --- output formats -----------------------------------------------------------------
def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


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


def _blocks(table: Table) -> Iterator[tuple[str, ...]]:
    yield (f"{table.title} ({table.audit})",)
    yield table.columns
    yield from table.rows
    yield ()
    yield from table.counts
    yield ()
    yield (table.disclaimer,)


def render_csv(tables: list[Table]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    for index, table in enumerate(tables):
        if index:
            writer.writerow(())
        writer.writerows(_blocks(table))
    return stream.getvalue().encode("utf-8-sig")


def render_xlsx(tables: list[Table]) -> bytes:
    """An xlsx workbook, a sheet per audit; byte-identical for identical tables."""
    import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.xml.functions import tostring

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.audit[:31])
        for row in _blocks(table):
            sheet.append(list(row))
        for cell in sheet[1] + sheet[2]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # saving stamps the workbook and every zip entry with the time; fix both
    fixed = datetime.datetime(2000, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    core = tostring(workbook.properties.to_tree())
    return _rezip(buffer.getvalue(), fixed.timetuple()[:6], {"docProps/core.xml": core})


def _rezip(data: bytes, date_time: tuple, replaced: dict[str, bytes]) -> bytes:
    """The zip archive with fixed entry times and some entries' contents replaced."""
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
def run_summary(
    directory: Path,
    rules_dir: Path | None,
    overlay: Path | None,
    audit: str | None,
    output: Path | None,
    show_progress: bool,
) -> int:
    """Evaluate every case in `directory` and write the summary; 2 if any file was skipped."""
    chosen = "md"
    if output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in FORMATS:
            raise GranskaError(
                f"--summary writes {', '.join(FORMATS)}; got {suffix or 'none'}", str(output)
            )
        chosen = FORMATS[suffix]
    rules = load_rules(rules_dir, overlay)
    files = case_files(Path(directory))
    if not files:
        raise GranskaError(
            f"no case files ({', '.join(CASE_SUFFIXES)}) in this directory", str(directory)
        )
    if show_progress:
        with click.progressbar(
            length=len(files), label=text(rules, "summary_progress"), file=sys.stderr
        ) as bar:
            outcomes = evaluate_all(rules, files, audit, bar.update, rules_dir, overlay)
    else:
        outcomes = evaluate_all(rules, files, audit, lambda _done: None, rules_dir, overlay)
    errors = [outcome for path in files if isinstance(outcome := outcomes[path], str)]
    for message in errors:
        click.echo(f"granska: error: {message}", err=True)
    rows = [outcome for path in files if isinstance(outcome := outcomes[path], Row)]
    rendered = RENDERERS[chosen](build_tables(rules, rows))
    if output is not None:
        write_file(Path(output), rendered)
    else:
        click.echo(rendered, nl=False)
    if errors:
        click.echo(text(rules, "summary_skipped", skipped=len(errors), total=len(files)), err=True)
        return 2
    return 0
