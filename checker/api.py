"""The library's front door: one function per command, each returning (what to show, exit
code), and the library functions they share (evaluate a case, render a result).

A command function takes the command's options, does the work (writing any file through
`files.atomic`) and returns an `Output`, the texts the command shows in order, with its
exit code; it never prints. What needs the terminal while it runs comes in as a small
interface: a `Progress` callback, the questionnaire's `Console`, the server's `say`.
Each command imports what it needs when it runs (the rules loader, the evaluator, DOCX, the
web app, lint), so a command pays only for its own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.errors import GranskaError

if TYPE_CHECKING:
    from checker.model import RuleBase

Progress = Callable[[str, int, int, str], None]  # (label, done, total, time left)


@dataclass(frozen=True)
class Output:
    """What a command shows, in order: (stream, text) parts, stream "out" or "err"; a
    binary format's bytes go to "out"."""

    parts: tuple[tuple[str, str | bytes], ...] = ()

    def __add__(self, other: Output) -> Output:
        return Output(self.parts + other.parts)


def out(text: str | bytes) -> Output:
    """Text for standard output (nothing when empty)."""
    return Output((("out", text),) if text else ())


def err(text: str) -> Output:
    """Text for standard error (nothing when empty)."""
    return Output((("err", text),) if text else ())


# --- the library ----------------------------------------------------------------------
def check(
    case_path: Path,
    rules_dir: Path | None = None,
    audit: str | None = None,
    rules: RuleBase | None = None,
    overlay: Path | None = None,
    warn: Callable[[GranskaError], None] | None = None,
) -> dict:
    """Evaluate one case file (with a local overlay); the result is the JSON contract.

    `warn` receives what is wrong with the case without stopping it: stated facts that
    no criterion of its audit reads.
    """
    from checker.casefiles.validation import unread_facts
    from checker.evaluation.evaluate import evaluate_case
    from checker.loading.cases import load_case

    rules = rules or _rules(rules_dir, overlay)
    case = load_case(case_path, rules, audit)
    for warning in unread_facts(rules, case) if warn is not None else ():
        warn(warning)
    return evaluate_case(rules, case)


def render(
    result: dict, output_format: str, colour: bool = False, docx_template: Path | None = None
) -> str | bytes:
    """The result in one output format; a DOCX in the house style of `docx_template`."""
    if docx_template is not None:
        if output_format != "docx":
            raise GranskaError(f"--docx-template applies to DOCX output, not {output_format}")
        from checker.output.docx import render_docx

        return render_docx(result, colour, Path(docx_template))
    from checker.output.formats import RENDERERS

    return RENDERERS[output_format](result, colour)


def fails(result: dict, fail_on: str) -> bool:
    """Whether any question's verdict (on the evidence: its lowest bound) is at or below
    `fail_on` on the audit's scale."""
    order = [grade["id"] for grade in result["audit"]["scale"]]
    if fail_on not in order:
        raise GranskaError(
            f"--fail-on {fail_on!r} is not a grade of this audit; expected one "
            f"of: {', '.join(order)}"
        )
    limit = order.index(fail_on)
    return any(order.index(question["verdict"]) >= limit for question in result["questions"])


def _rules(rules_dir: Path | None, overlay: Path | None) -> RuleBase:
    """The rules directory (the shipped one by default) with a local overlay, loaded."""
    from checker.loading.rules import load_rules

    return load_rules(rules_dir, overlay)


def _shown_or_written(
    text: str | bytes, output: Path | None, inputs: tuple[Path, ...] = ()
) -> Output:
    """The text on standard output, or written (atomically) to `output`, which may not
    be one of the command's `inputs`."""
    if output is None:
        return out(text)
    from checker.files.atomic import write_file

    write_file(output, text, inputs=inputs)
    return Output()


# --- one function per command ---------------------------------------------------------
def run_check(
    case: Path,
    audit: str | None = None,
    rules_dir: Path | None = None,
    output_format: str | None = None,
    output: Path | None = None,
    fail_on: str | None = None,
    colour: bool | None = None,
    overlay: Path | None = None,
    to_terminal: bool = False,
    docx_template: Path | None = None,
) -> tuple[Output, int]:
    """`granska check`: one case's result in a format (a DOCX in the house style of
    `docx_template`); 1 when a verdict is at or below `fail_on`. `to_terminal`: standard
    output is a terminal (no binary format, colour by default)."""
    from checker.output.formats import BINARY_FORMATS, format_for

    chosen = format_for(output_format, str(output) if output else None)
    if chosen in BINARY_FORMATS and output is None and to_terminal:
        raise GranskaError(f"--format {chosen} is a binary file; give -o FILE.{chosen}")
    warnings: list[GranskaError] = []
    result = check(case, rules_dir, audit, overlay=overlay, warn=warnings.append)
    colour = (to_terminal and output is None) if colour is None else colour
    text = render(result, chosen, colour and chosen == "text", docx_template)
    shown = _warnings(warnings) + _shown_or_written(text, output, (case,))
    return shown, 1 if fail_on is not None and fails(result, fail_on) else 0


def run_summary(
    directory: Path,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    audit: str | None = None,
    output: Path | None = None,
    progress: Progress | None = None,
    counts: Path | None = None,
) -> tuple[Output, int]:
    """`granska check --summary`: a table of every case in `directory` (and the counts per
    grade as CSV to `counts`); 2 if any was skipped (each skipped file's error is shown)."""
    from checker.summary import summarise

    errors, rendered, skipped = summarise(
        directory, rules_dir, overlay, audit, output, progress, counts
    )
    shown = Output(tuple(("err", f"granska: error: {message}\n") for message in errors))
    shown += out(rendered) + err(f"{skipped}\n" if skipped else "")
    return shown, 2 if errors else 0


def run_rules(
    audit: str | None = None, rules_dir: Path | None = None, overlay: Path | None = None
) -> tuple[Output, int]:
    """`granska rules`: the audit templates, their questions and criteria."""
    from checker.ruledocs import describe_rules

    return out(describe_rules(_rules(rules_dir, overlay), audit)), 0


def run_followup(
    result: Path,
    output: Path,
    audit: str | None = None,
    datum: date | None = None,
    force: bool = False,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska followup`: a follow-up case written from an earlier result."""
    from checker.casefiles.followup import start_followup

    start_followup(_rules(rules_dir, overlay), result, output, audit, datum, force)
    return Output(), 0


def run_test(
    cases: tuple[Path, ...] = (),
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    junit: Path | None = None,
    pattern: str | None = None,
    with_coverage: bool = False,
    min_coverage: float | None = None,
) -> tuple[Output, int]:
    """`granska test`: every expected outcome and criterion test; 1 on a mismatch."""
    from checker.regression.test import run_tests

    text, code = run_tests(
        cases, _rules(rules_dir, overlay), junit, pattern, with_coverage, min_coverage
    )
    return out(text), code


def run_diff(
    base: str,
    case_dirs: tuple[Path, ...] = (),
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    output_format: str = "text",
    jobs: int | None = None,
    levels: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> tuple[Output, int]:
    """`granska diff`: what the working rules move compared with `base`; 1 if anything."""
    from checker.regression.diff import run_diff as diff_rules

    def counted(done: int, total: int) -> None:
        progress("", done, total, "")

    text, code = diff_rules(
        base,
        case_dirs,
        rules_dir,
        overlay,
        output_format,
        jobs,
        levels,
        counted if progress is not None else None,
    )
    return out(text), code


def run_generate(
    count: int,
    seed: int,
    output: Path,
    audit: str | None = None,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska generate`: random but valid case files written to `output`."""
    from checker.regression.generate import generate_cases

    paths = generate_cases(_rules(rules_dir, overlay), count, seed, output, audit)
    return out(f"{len(paths)} cases written to {output}\n"), 0


def run_compare(
    old: Path,
    new: Path,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    output_format: str | None = None,
    output: Path | None = None,
) -> tuple[Output, int]:
    """`granska compare`: what moved between two results or cases of one kommun."""
    from checker.output.formats import format_for
    from checker.regression.compare import run_compare as compare_results

    chosen = format_for(output_format, str(output) if output else None)
    text = compare_results(old, new, _rules(rules_dir, overlay), chosen)
    return _shown_or_written(text, output, (old, new)), 0


def run_lint(
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    list_checks: bool = False,
    output_format: str = "text",
) -> tuple[Output, int]:
    """`granska lint`: the findings of every check as text, json or SARIF, or the checks;
    1 on an error no rule file accepts with a reason."""
    from checker.lint import describe_checks, exit_code, render
    from checker.lint import run_lint as lint_rules

    if list_checks:
        return out(describe_checks()), 0
    findings = lint_rules(rules_dir, overlay)
    return out(render(findings, output_format)), exit_code(findings)


def run_docs(
    output: Path | None = None, rules_dir: Path | None = None, overlay: Path | None = None
) -> tuple[Output, int]:
    """`granska docs`: the rule catalogue, shown or written to `output`."""
    from checker.ruledocs import write_docs

    text = write_docs(_rules(rules_dir, overlay), output)
    return (out(text) if output is None else Output()), 0


def run_questionnaire(
    console: Any,
    audit: str | None = None,
    output: Path | None = None,
    short: bool = False,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska questionnaire`: the self-evaluation through `console` (a
    questionnaire.Console); 130 when interrupted."""
    from checker.questionnaire import run_questionnaire as ask

    return Output(), ask(_rules(rules_dir, overlay), output, audit, short, console)


def run_template(
    audit: str,
    output: Path | None = None,
    kommun: str | None = None,
    year: int | None = None,
    schema_ref: str | None = None,
    force: bool = False,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska template`: a blank case file, shown or written to `output`."""
    from checker.casefiles.drafts import write_template

    rules = _rules(rules_dir, overlay)
    text = write_template(rules, audit, output, year, kommun, schema_ref, force)
    return (out(text) if output is None else Output()), 0


def run_schema(
    audit: str | None = None,
    output: Path | None = None,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska schema`: the case file's JSON Schema, shown or written to `output`."""
    from checker.casefiles.json_schema import schema_text

    return _shown_or_written(schema_text(_rules(rules_dir, overlay), audit), output), 0


def run_serve(
    cases_dir: Path,
    host: str,
    port: int,
    allow_remote: bool,
    say: Callable[[str], None],
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    open_browser: bool = True,
    allowed_hosts: tuple[str, ...] = (),
) -> tuple[Output, int]:
    """`granska serve`: the web app until interrupted; `say` shows its address; only
    the loopback names, `host` and `allowed_hosts` are answered."""
    from checker.web.server import serve

    serve(cases_dir, host, port, allow_remote, rules_dir, say, overlay, open_browser, allowed_hosts)
    return Output(), 0


def run_documents(
    case: Path,
    output_format: str | None = None,
    output: Path | None = None,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska documents`: the documents to request for one case."""
    from checker.interview import DOCUMENT_FORMATS, documents_file, render_documents
    from checker.output.formats import format_for

    chosen = format_for(output_format, str(output) if output else None)
    if chosen not in DOCUMENT_FORMATS:
        raise GranskaError(f"document lists are {', '.join(DOCUMENT_FORMATS)}, not {chosen}")
    text = render_documents(documents_file(case, rules_dir, overlay), chosen)
    return _shown_or_written(text, output), 0


def run_validate(
    cases: list[Path],
    audit: str | None = None,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
) -> tuple[Output, int]:
    """`granska validate`: every error of each case file and warnings for facts its audit
    does not read, without judging; 2 if any file has an error."""
    from checker.casefiles.validation import validate_file
    from checker.files.corpus import case_files

    rules = _rules(rules_dir, overlay)
    shown, failed = Output(), False
    for path in case_files(cases):
        found = validate_file(path, rules, audit)
        shown += err("".join(f"granska: error: {error}\n" for error in found.errors))
        shown += _warnings(found.warnings)
        shown += Output() if found.errors else out(f"{path}: ok\n")
        failed = failed or bool(found.errors)
    return shown, 2 if failed else 0


def _warnings(warnings: list[GranskaError]) -> Output:
    return err("".join(f"granska: warning: {warning}\n" for warning in warnings))


def run_interview(
    case: Path,
    output_format: str | None = None,
    output: Path | None = None,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    to_terminal: bool = False,
) -> tuple[Output, int]:
    """`granska interview`: the interview guide of one case, as text or a printable
    document. `to_terminal`: standard output is a terminal (no binary format)."""
    from checker.interview import FORMATS, interview_file, render_interview
    from checker.output.formats import BINARY_FORMATS, format_for

    chosen = format_for(output_format, str(output) if output else None)
    if chosen not in FORMATS:
        raise GranskaError(f"interview guides are {', '.join(FORMATS)}, not {chosen}")
    if chosen in BINARY_FORMATS and output is None and to_terminal:
        raise GranskaError(f"--format {chosen} is a binary file; give -o FILE.{chosen}")
    text = render_interview(interview_file(case, rules_dir, overlay), chosen)
    return _shown_or_written(text, output, (case,)), 0


def run_merge(
    case: Path,
    answers: Path,
    output: Path,
    overwrite: bool = False,
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    as_findings: bool = False,
) -> tuple[Output, int]:
    """`granska merge`: the answers merged into the case (as the auditors' findings beside
    the kommun's statements, with `as_findings`), written to `output`."""
    from checker.casefiles.merge import merge

    done = merge(_rules(rules_dir, overlay), case, answers, output, overwrite, as_findings)
    return err(
        f"{output}: {len(done.added)} facts added, {len(done.changed)} changed, "
        f"{len(done.unchanged)} already stated\n"
    ), 0
