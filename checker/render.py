"""Output formats: the JSON contract, and jinja2 templates in reports/ for the others."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import jinja2

from checker.docx_report import render_docx
from checker.errors import GranskaError
from checker.pdf_report import render_pdf
from checker.report import report_view
from checker.values import count_noun

ANSI = {"ja": "\033[32m", "delvis": "\033[33m", "nej": "\033[31m", "bold": "\033[1m",
        "dim": "\033[2m", "reset": "\033[0m"}


def reports_dir() -> Path:
    """The shipped templates: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "reports", here.parent / "reports"):
        if (candidate / "text.j2").is_file():
            return candidate
    raise GranskaError("the report templates were not found (reports/text.j2)")


def template_environment(autoescape: bool = False) -> jinja2.Environment:
    """The jinja2 environment of the templates in reports/, with their shared filters."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())), autoescape=autoescape,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    environment.filters.update(
        wrap=wrap, sentence=sentence, count_noun=count_noun,
        md_code=lambda text: f"`{text}`",
        first_upper=lambda text: text[:1].upper() + text[1:])
    return environment


def render_template(name: str, **context) -> str:
    """Render one template of reports/ (plain text, no escaping) with `context`."""
    return template_environment().get_template(name).render(**context)


def sentence(clause: str) -> str:
    """A reasoning clause as a sentence: capital first letter, closing full stop."""
    if not clause:
        return clause
    text = clause[:1].upper() + clause[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def wrap(content: str, width: int = 88, indent: str = "") -> str:
    """Text folded to lines of `width` characters (a longer word, a path, stays whole)."""
    return textwrap.fill(" ".join(content.split()), width=width, initial_indent=indent,
                         subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=False)


def render_json(result: dict, colour: bool = False) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _template_renderer(name: str, autoescape: bool = False) -> Callable[[dict, bool], str]:
    def render(result: dict, colour: bool = False) -> str:
        template = template_environment(autoescape).get_template(name)
        codes = ANSI if colour else {key: "" for key in ANSI}
        return template.render(r=result, c=codes, h=result["headings"])
    return render


def render_html(result: dict, colour: bool = False) -> str:
    """The granskningsrapport as one self-contained, autoescaped HTML page."""
    template = template_environment(autoescape=True).get_template("html.j2")
    return template.render(r=result, h=result["headings"], v=report_view(result))


RENDERERS: dict[str, Callable[[dict, bool], str | bytes]] = {
    "text": _template_renderer("text.j2"),
    "md": _template_renderer("md.j2"),
    "json": render_json,
    "html": render_html,
    "docx": render_docx,
    "pdf": render_pdf,
}
SUFFIXES = {".txt": "text", ".md": "md", ".json": "json", ".html": "html", ".htm": "html",
            ".docx": "docx", ".pdf": "pdf"}
BINARY_FORMATS = ("docx", "pdf")


def format_for(requested: str | None, output: str | None) -> str:
    """The output format: as requested, else from -o's suffix, else text."""
    inferred = SUFFIXES.get(Path(output).suffix.lower()) if output else None
    if requested and inferred and requested != inferred:
        raise GranskaError(f"--format {requested} contradicts the suffix of -o {output} "
                           f"({inferred})")
    return requested or inferred or "text"
