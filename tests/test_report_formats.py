"""One report in every format: text, md, HTML, DOCX and PDF show the same sections, the
same verdicts and the same recommendations with the same numbers, on every golden case."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_support import (
    ALL_CASES,
    render_pdf,
    shown_in_docx,
    shown_in_html,
    shown_in_md,
    shown_in_pdf,
    shown_in_text,
)

from checker import api
from checker.casefiles.drafts import blank_case
from checker.output.report_view import report_view


def _open_case(rules, directory: Path) -> Path:
    """A case with every fact unknown: every verdict a range."""
    path = directory / "oppen.yaml"
    path.write_text(
        blank_case(rules, "pwc-arbetsmarknadsinsatser", 2024, "Öppna kommun"), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize("path", [*ALL_CASES, None], ids=lambda path: path.stem if path else "open")
def test_every_format_shows_the_same_report(path, rules, tmp_path):
    result = api.check(path or _open_case(rules, tmp_path))
    if path is None:
        assert all(not question["decided"] for question in result["questions"])
    view = report_view(result)
    shown = {
        "text": shown_in_text(api.render(result, "text")),
        "md": shown_in_md(api.render(result, "md")),
        "html": shown_in_html(api.render(result, "html")),
        "docx": shown_in_docx(api.render(result, "docx")),
        "pdf": shown_in_pdf(render_pdf(result)),
    }
    outline = [(entry["level"], entry["title"]) for entry in view["outline"]]
    graded = [*view["questions"], *((view["followup"] or {}).get("entries", []))]
    # each question's verdict under Granskningsresultat (or the follow-up), then in the appendix
    verdicts = [item["verdict"]["text"] for item in graded] * 2
    numbered = [(rec["number"], rec["sentence"]) for rec in view["recommendations"]]
    in_questions = [
        (rec["number"], rec["sentence"])
        for item in view["questions"]
        for rec in item["recommendations"]
    ]
    for name, report in shown.items():
        assert report["headings"] == outline, name
        assert report["verdicts"] == verdicts, name
        assert report["recommendations"] == numbered + in_questions, name


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda path: path.stem)
def test_recommendations_are_numbered_once_grouped_per_namnd(path):
    view = report_view(api.check(path))
    numbers = [rec["number"] for group in view["recommendation_groups"] for rec in group["items"]]
    assert numbers == list(range(1, len(view["recommendations"]) + 1))
    for group in view["recommendation_groups"]:
        assert all(rec["addressed_to"] == group["addressed_to"] for rec in group["items"])
        assert all(name in group["heading"] for name in group["addressed_to"])
    by_number = {rec["number"]: rec for rec in view["recommendations"]}
    for item in view["questions"]:
        for rec in item["recommendations"]:
            assert by_number[rec["number"]]["id"] == rec["id"]
            assert item["question"]["id"] in rec["questions"]
