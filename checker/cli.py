"""The granska command line: click only. Each command parses its options, makes one call
to checker.api, prints what it returns and exits with its code; this module (with the web
app) is the only one that prints."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from checker import __version__
from checker.errors import GranskaError
from checker.files.text_safety import terminal_safe

if TYPE_CHECKING:
    from checker import api

_OUTPUT_OPTION = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of the terminal.",
)


def _format_option(*formats: str):
    """--format, one of `formats` (default text, or inferred from -o's suffix)."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(formats)),
        help="Output format (default text, or inferred from -o's suffix).",
    )


def _report_format_option(*formats: str, help: str):
    """--format of a report printed to standard output: one of `formats`, text by
    default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(formats)),
        default="text",
        show_default=True,
        help=help,
    )


_RULES_OPTION = click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Rules directory to use instead of the shipped rules.",
)
_OVERLAY_OPTION = click.option(
    "--overlay",
    type=click.Path(file_okay=False, path_type=Path),
    help="A local overlay directory: this uppdrag's own parameters, criteria or questions "
    "on top of the rules; every deviation is listed in the output.",
)


def _show(shown: api.Output, code: int = 0) -> None:
    """Print a command's output in order and exit with its code; on a terminal, text
    from the input loses its escape sequences (colours stay)."""
    for stream, text in shown.parts:
        terminal = (sys.stderr if stream == "err" else sys.stdout).isatty()
        if terminal and isinstance(text, str):
            text = terminal_safe(text)
        click.echo(text, nl=False, err=stream == "err")
    sys.exit(code)


def _progress() -> api.Progress | None:
    """A progress line on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def show(label: str, done: int, total: int, note: str = "") -> None:
        line = " ".join(
            part for part in (label, f"{done}/{total} ({100 * done // total} %)", note) if part
        )
        click.echo(f"\r{line}\033[K", err=True, nl=False)
        if done == total:
            click.echo(err=True)

    return show


def _terminal():
    """The questionnaire's console: click's prompt and echo (Ctrl-C or end of input,
    click.Abort, ends the session as KeyboardInterrupt)."""
    from checker.questionnaire import Console

    def ask(prompt: str) -> str:
        try:
            return click.prompt(prompt, default="", show_default=False)
        except click.Abort:
            raise KeyboardInterrupt from None

    return Console(ask=ask, say=click.echo, style=click.style)


INTERNAL_ERROR = 3
INTERRUPTED = 130


class _Group(click.Group):
    """The one error path: bad input → `file:line: field: message` on stderr and exit 2;
    anything else → "internt fel" with a bug-report hint and exit 3, never a traceback.
    Exit 1 stays reserved for findings (`--fail-on`, lint, test, diff)."""

    def invoke(self, ctx: click.Context):
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _terminate)
        try:
            return super().invoke(ctx)
        except GranskaError as error:
            _warn(f"granska: error: {error}")
            ctx.exit(error.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            ctx.exit(INTERRUPTED)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            _warn(f"granska: error: {where}{error.strerror or error}")
            ctx.exit(GranskaError.exit_code)
        except Exception as error:  # the last resort: never a traceback
            _warn(
                f"granska: internt fel ({type(error).__name__}: {error}). Det är ett fel i "
                f"granska, inte i indata: rapportera det med kommandot och filen som gav det."
            )
            ctx.exit(INTERNAL_ERROR)


def _warn(message: str) -> None:
    """Print a message to stderr; on a terminal, without escape sequences from the input."""
    click.echo(terminal_safe(message) if sys.stderr.isatty() else message, err=True)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like an interrupt, so a write in progress removes its temp file."""
    raise SystemExit(128 + signum)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="granska")
def main() -> None:
    """granska: förbedömning of how a kommun helps people on ekonomiskt bistånd towards
    egen försörjning, against the criteria Swedish auditors apply.

    Start with `granska check examples/heby-2022.yaml`. Every output is a förbedömning
    from the kommun's own statements, not a revisionell bedömning.
    """


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@click.option("--audit", help="Audit template id; must match the case's `audit`.")
@_RULES_OPTION
@_format_option("text", "md", "json", "html", "docx", "pdf")
@_OUTPUT_OPTION
@click.option(
    "--fail-on",
    metavar="GRADE",
    help="Exit 1 when any question's verdict is at or below GRADE (e.g. delvis).",
)
@click.option("--color/--no-color", default=None, help="Colour the text output.")
@_OVERLAY_OPTION
@click.option(
    "--docx-template",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A Word document (.docx) whose styles, page setup, header and footer the DOCX "
    "report takes (a firm's or kommun's house style).",
)
@click.option(
    "--counts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --summary: also write the counts per grade and question to this CSV file.",
)
@click.option(
    "--summary",
    is_flag=True,
    help="CASE is a directory: evaluate every case in it, one row per kommun "
    "(-o FILE.md, .csv or .xlsx; Markdown on the terminal).",
)
def check(
    case: Path,
    audit: str | None,
    rules_dir: Path | None,
    output_format: str | None,
    output: Path | None,
    fail_on: str | None,
    color: bool | None,
    overlay: Path | None,
    docx_template: Path | None,
    counts: Path | None,
    summary: bool,
) -> None:
    """Evaluate CASE (a YAML or JSON case file) and show the verdict per revisionsfråga."""
    from checker import api

    if counts is not None and not summary:
        raise GranskaError("--counts goes with --summary")
    if summary:
        if output_format or fail_on:
            raise GranskaError("--summary takes its format from -o's suffix, without --fail-on")
        _show(*api.run_summary(case, rules_dir, overlay, audit, output, _progress(), counts))
    _show(
        *api.run_check(
            case,
            audit,
            rules_dir,
            output_format,
            output,
            fail_on,
            color,
            overlay,
            sys.stdout.isatty(),
            docx_template,
        )
    )


@main.command()
@click.option("--audit", help="Show only this audit template.")
@_RULES_OPTION
@_OVERLAY_OPTION
def rules(audit: str | None, rules_dir: Path | None, overlay: Path | None) -> None:
    """List the audit templates, their questions and criteria with their basis."""
    from checker import api

    _show(*api.run_rules(audit, rules_dir, overlay))


@main.command()
@click.argument("result", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The follow-up case file to write (atomically).",
)
@click.option("--audit", help="Follow-up template id (default: the only one there is).")
@click.option(
    "--datum",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the follow-up, YYYY-MM-DD; the period runs from the earlier "
    "granskningsdatum to it. Without it the dates are left to fill in.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@_RULES_OPTION
@_OVERLAY_OPTION
def followup(
    result: Path,
    output: Path,
    audit: str | None,
    datum,
    force: bool,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """Start a follow-up case from RESULT (the JSON of `granska check`): its
    recommendations become the earlier recommendations the case follows up."""
    from checker import api

    _show(
        *api.run_followup(
            result, output, audit, datum.date() if datum else None, force, rules_dir, overlay
        )
    )


@main.command("test")
@click.argument("cases", nargs=-1, type=click.Path(path_type=Path))
@_RULES_OPTION
@_OVERLAY_OPTION
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the outcome as JUnit XML to this file, for CI systems.",
)
@click.option(
    "-k", "pattern", metavar="PATTERN", help="Only the tests whose name or subject contains it."
)
@click.option(
    "--coverage",
    "with_coverage",
    is_flag=True,
    help="Also list the statuses and verdicts the tests reach, per criterion and question.",
)
@click.option(
    "--min-coverage",
    type=click.FloatRange(0, 100),
    metavar="N",
    help="Exit 1 when the tests reach less than N % of the statuses and verdicts.",
)
def test_cases(
    cases: tuple[Path, ...],
    rules_dir: Path | None,
    overlay: Path | None,
    junit: Path | None,
    pattern: str | None,
    with_coverage: bool,
    min_coverage: float | None,
) -> None:
    """Run every case under CASES that has a `förväntat:` block and every criterion test
    (default: tests/cases, examples and the rules' tests/); exit 1 on any mismatch not
    accepted as an `avvikelse`."""
    from checker import api

    _show(*api.run_test(cases, rules_dir, overlay, junit, pattern, with_coverage, min_coverage))


@main.command()
@click.option(
    "--base",
    required=True,
    metavar="REF|DIR",
    help="The rules to compare with: a git ref (e.g. main, HEAD~1) or a rules directory.",
)
@click.option(
    "--cases",
    "case_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A case file or directory (repeatable; default tests/cases and examples).",
)
@_RULES_OPTION
@_OVERLAY_OPTION
@_report_format_option("text", "md", "json", help="md is fit for a pull-request comment.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes for large corpora (default: one per core).",
)
@click.option(
    "--level",
    "levels",
    multiple=True,
    type=click.Choice(["question", "overall", "criterion", "recommendation", "reasoning"]),
    help="Compare only this level (repeatable; default all but reasoning, which is slower).",
)
def diff(
    base: str,
    case_dirs: tuple[Path, ...],
    rules_dir: Path | None,
    overlay: Path | None,
    output_format: str,
    jobs: int | None,
    levels: tuple[str, ...],
) -> None:
    """List every criterion status, verdict, overall judgement and recommendation the
    working rules move compared with the rules at --base; exit 0 when nothing changed,
    1 otherwise."""
    from checker import api

    _show(
        *api.run_diff(base, case_dirs, rules_dir, overlay, output_format, jobs, levels, _progress())
    )


@main.command()
@click.option(
    "--n", "count", type=click.IntRange(min=1), required=True, help="How many cases to write."
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="The same seed gives the same cases."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write case-00001.yaml, … into.",
)
@click.option("--audit", help="Only cases of this audit template (default: each in turn).")
@_RULES_OPTION
@_OVERLAY_OPTION
def generate(
    count: int,
    seed: int,
    output: Path,
    audit: str | None,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """Write random but valid cases drawn from the fact catalogue (for benchmarks and
    diff corpora)."""
    from checker import api

    _show(*api.run_generate(count, seed, output, audit, rules_dir, overlay))


@main.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@_RULES_OPTION
@_OVERLAY_OPTION
@_format_option("text", "md", "json")
@_OUTPUT_OPTION
def compare(
    old: Path,
    new: Path,
    rules_dir: Path | None,
    overlay: Path | None,
    output_format: str | None,
    output: Path | None,
) -> None:
    """Show what moved between two results or cases of one kommun (e.g. last year's and
    this year's): per question and criterion, and which recommendations were answered."""
    from checker import api

    _show(*api.run_compare(old, new, rules_dir, overlay, output_format, output))


@main.command()
@_RULES_OPTION
@_OVERLAY_OPTION
@click.option(
    "--list-checks", is_flag=True, help="List the checks, their level and what they find."
)
@_report_format_option(
    "text", "json", "sarif", help="sarif (2.1.0) is read by code-scanning views of CI systems."
)
def lint(
    rules_dir: Path | None, overlay: Path | None, list_checks: bool, output_format: str
) -> None:
    """Check the rules statically, each finding as file:line: unknown or unused ids,
    citations, templates, conditions never or always met; exit 1 on errors a rule file
    does not accept with a reason (lint: {ignore: [check-id], reason: …})."""
    from checker import api

    _show(*api.run_lint(rules_dir, overlay, list_checks, output_format))


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the catalogue here (atomically), e.g. docs/rules.md.",
)
@_RULES_OPTION
@_OVERLAY_OPTION
def docs(output: Path | None, rules_dir: Path | None, overlay: Path | None) -> None:
    """Generate the rule catalogue (Markdown) from the rules: templates and questions,
    each criterion with its basis and questions, each fact with what reads it."""
    from checker import api

    _show(*api.run_docs(output, rules_dir, overlay))


@main.command()
@click.option("--audit", help="Audit template id (asked for when there are several).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The case file to write, and to resume when it exists.",
)
@click.option(
    "--kort",
    "short",
    is_flag=True,
    help="The short route: only questions that can still change a verdict, the "
    "most decisive first.",
)
@_RULES_OPTION
@_OVERLAY_OPTION
def questionnaire(
    audit: str | None,
    output: Path | None,
    short: bool,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """Answer the audit's questions in the terminal and see the verdicts (self-evaluation).

    Every answer is saved at once; run the command again with the same -o to continue
    where you left off.
    """
    from checker import api

    _show(*api.run_questionnaire(_terminal(), audit, output, short, rules_dir, overlay))


@main.command()
@click.option("--audit", required=True, help="Audit template id.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the case file here (atomically) instead of the terminal.",
)
@click.option("--kommun", help="The kommun's name (default: a placeholder).")
@click.option("--year", type=int, help="The calendar year audited (default: last year).")
@click.option(
    "--schema",
    "schema_ref",
    metavar="PATH_OR_URL",
    help="Point editors at this JSON Schema (a yaml-language-server comment).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@_RULES_OPTION
@_OVERLAY_OPTION
def template(
    audit: str,
    output: Path | None,
    kommun: str | None,
    year: int | None,
    schema_ref: str | None,
    force: bool,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """Write a blank case file: every fact of the audit as "vet ej" under its question."""
    from checker import api

    _show(*api.run_template(audit, output, kommun, year, schema_ref, force, rules_dir, overlay))


@main.command()
@click.option("--audit", help="Only this audit template's ids and roles.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema here (atomically) instead of the terminal.",
)
@_RULES_OPTION
@_OVERLAY_OPTION
def schema(
    audit: str | None, output: Path | None, rules_dir: Path | None, overlay: Path | None
) -> None:
    """Print a JSON Schema of the case file, for completion and validation in editors."""
    from checker import api

    _show(*api.run_schema(audit, output, rules_dir, overlay))


@main.command()
@click.option(
    "--dir",
    "cases_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder of case files to serve.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; only loopback addresses without --allow-remote.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow an address other computers can reach (there is no login).",
)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Do not open the start page in the default browser.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name or address other computers use to reach the server (repeatable; "
    "required with --allow-remote). Requests naming any other host are refused.",
)
@_RULES_OPTION
@_OVERLAY_OPTION
def serve(
    cases_dir: Path,
    port: int,
    host: str,
    allow_remote: bool,
    no_browser: bool,
    allowed_hosts: tuple[str, ...],
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """Self-evaluation in the browser: answer the questions, see the verdicts move,
    download the report. Every answer is saved to the case file at once."""
    from checker import api

    _show(
        *api.run_serve(
            cases_dir,
            host,
            port,
            allow_remote,
            click.echo,
            rules_dir,
            overlay,
            not no_browser,
            allowed_hosts,
        )
    )


@main.command()
@click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
@_format_option("text", "md", "json", "html", "docx", "pdf")
@_OUTPUT_OPTION
@_RULES_OPTION
@_OVERLAY_OPTION
def interview(
    case: Path,
    output_format: str | None,
    output: Path | None,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """An interview guide for CASE: its unknown facts, those that can decide a verdict
    first, as open questions per function, the documents to request, and what to verify
    (text, md, json, or a printable html, docx or pdf)."""
    from checker import api

    _show(
        *api.run_interview(
            case, output_format, output, rules_dir, overlay, to_terminal=sys.stdout.isatty()
        )
    )


@main.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--audit", help="Audit template id; must match each case's `audit`.")
@_RULES_OPTION
@_OVERLAY_OPTION
def validate(
    cases: tuple[Path, ...], audit: str | None, rules_dir: Path | None, overlay: Path | None
) -> None:
    """Check CASES (files or directories) without judging them: every error of each
    file, and warnings for facts its audit template does not read. Exit 0 when no file
    has an error, 2 otherwise."""
    from checker import api

    _show(*api.run_validate(list(cases), audit, rules_dir, overlay))


@main.command()
@click.argument("case", type=click.Path(path_type=Path))
@_format_option("text", "md", "json")
@_OUTPUT_OPTION
@_RULES_OPTION
@_OVERLAY_OPTION
def documents(
    case: Path,
    output_format: str | None,
    output: Path | None,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """The documents to request for CASE: every document its unknown facts are
    established by, each once, with what it should show."""
    from checker import api

    _show(*api.run_documents(case, output_format, output, rules_dir, overlay))


@main.command()
@click.argument("case", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The merged case file to write (atomically); may be CASE itself.",
)
@click.option(
    "--overwrite", is_flag=True, help="Let answers replace facts the case states otherwise."
)
@click.option(
    "--finding",
    is_flag=True,
    help="The answers are the auditors' findings: keep the kommun's statements beside them.",
)
@_RULES_OPTION
@_OVERLAY_OPTION
def merge(
    case: Path,
    answers: Path,
    output: Path,
    overwrite: bool,
    finding: bool,
    rules_dir: Path | None,
    overlay: Path | None,
) -> None:
    """Merge ANSWERS (fact: value, or {värde, källa, underlag}) into CASE, keeping its
    comments and order; a contradicting answer is refused unless --overwrite. With
    --finding the answers are the auditors' findings, written beside the kommun's
    statements (under `granskning:`), which stay."""
    from checker import api

    _show(*api.run_merge(case, answers, output, overwrite, rules_dir, overlay, finding))
