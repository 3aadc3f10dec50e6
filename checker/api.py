"""The library entry points the command line calls: load, evaluate, render, write."""

from __future__ import annotations

from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import RuleBase
from checker.output.formats import RENDERERS


def check(
    case_path: Path,
    rules_dir: Path | None = None,
    audit: str | None = None,
    rules: RuleBase | None = None,
    overlay: Path | None = None,
) -> dict:
    """Evaluate one case file (with a local overlay); the result is the JSON contract."""
    rules = rules or load_rules(rules_dir, overlay)
    return evaluate_case(rules, load_case(case_path, rules, audit))


def render(
    result: dict, output_format: str, colour: bool = False, docx_template: Path | None = None
) -> str | bytes:
    """The result in one output format; a DOCX in the house style of `docx_template`."""
    if docx_template is not None:
        if output_format != "docx":
            raise GranskaError(f"--docx-template applies to DOCX output, not {output_format}")
        from checker.output.docx import render_docx

        return render_docx(result, colour, Path(docx_template))
    return RENDERERS[output_format](result, colour)


def fails(result: dict, fail_on: str) -> bool:
    """Whether any question's lowest bound is at or below `fail_on` on the audit's scale."""
    order = [grade["id"] for grade in result["audit"]["scale"]]
    if fail_on not in order:
        raise GranskaError(
            f"--fail-on {fail_on!r} is not a grade of this audit; expected one "
            f"of: {', '.join(order)}"
        )
    limit = order.index(fail_on)
    return any(
        order.index(question["bounds"]["lowest"]) >= limit for question in result["questions"]
    )
