"""The output formats: the registry of renderers, and choosing a format from -o's suffix."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from checker.errors import GranskaError
from checker.output.environment import ANSI, template_environment
from checker.output.report_view import report_view

_BLANK_LINES = re.compile(r"\n{3,}")


def render_json(result: dict, colour: bool = False) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _template_renderer(name: str, autoescape: bool = False) -> Callable[[dict, bool], str]:
    def render(result: dict, colour: bool = False) -> str:
        template = template_environment(autoescape).get_template(name)
        codes = ANSI if colour else {key: "" for key in ANSI}
        rendered = template.render(r=result, c=codes, h=result["headings"], v=report_view(result))
        # The templates' sections each end in a blank line: never leave two in a row.
        return _BLANK_LINES.sub("\n\n", rendered)

    return render


def render_html(result: dict, colour: bool = False) -> str:
    from checker.output.html import render_html as render

    return render(result, colour)


def render_docx(result: dict, colour: bool = False) -> bytes:
    from checker.output.docx import render_docx as render

    return render(result, colour)


def render_pdf(result: dict, colour: bool = False) -> bytes:
    from checker.output.pdf import render_pdf as render

    return render(result, colour)


# html, docx and pdf are imported only when asked for: a text check needs none of them
RENDERERS: dict[str, Callable[[dict, bool], str | bytes]] = {
    "text": _template_renderer("text.j2"),
    "md": _template_renderer("md.j2"),
    "json": render_json,
    "html": render_html,
    "docx": render_docx,
    "pdf": render_pdf,
}
SUFFIXES = {
    ".txt": "text",
    ".md": "md",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
BINARY_FORMATS = ("docx", "pdf")


def format_for(requested: str | None, output: str | None) -> str:
    """The output format: as requested, else from -o's suffix, else text."""
    inferred = SUFFIXES.get(Path(output).suffix.lower()) if output else None
    if requested and inferred and requested != inferred:
        raise GranskaError(
            f"--format {requested} contradicts the suffix of -o {output} ({inferred})"
        )
    return requested or inferred or "text"
