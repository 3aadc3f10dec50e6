"""The interview guide as a Word document, laid out from its tagged lines (reports/).

reports/interview.docx.j2 renders the guide as lines `KIND<tab>TEXT[<tab>TEXT]`, from
the same macros as the Markdown guide, so every format says the same; this module only
maps each kind to Word's built-in styles.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

from checker.output.docx import dated_package, import_docx
from checker.output.environment import render_template

_CHECKBOX = "☐ "


def render_guide_docx(guide: dict) -> bytes:
    """The interview guide as the bytes of a .docx file."""
    document = import_docx().Document()
    fields = document.add_table(rows=0, cols=2)
    fields.style = "Table Grid"
    questions = None
    lines = render_template("interview.docx.j2", g=guide, h=guide["headings"]).splitlines()
    for line in filter(None, lines):
        kind, text, *rest = line.split("\t")
        if kind == "title":
            document.add_heading(text, level=0)
            document.element.body.append(fields._tbl)  # the header table follows the title
        elif kind == "field":
            cells = fields.add_row().cells
            cells[0].text, cells[1].text = text, rest[0]
        elif kind == "row":
            if questions is None:
                questions = document.add_table(rows=0, cols=2)
                questions.style = "Table Grid"
            cells = questions.add_row().cells
            cells[0].text, cells[1].text = text, rest[0]
        elif kind in ("heading2", "heading3"):
            document.add_heading(text, level=int(kind[-1]) - 1)
        elif kind == "labelled":
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{text}: ").bold = True
            paragraph.add_run(rest[0])
        elif kind == "label":
            document.add_paragraph().add_run(f"{text}:").bold = True
        elif kind == "option":
            document.add_paragraph(_CHECKBOX + text)
        elif kind == "quote":
            document.add_paragraph().add_run(text).italic = True
        elif kind == "bullet":
            document.add_paragraph(text, style="List Bullet")
        elif kind in ("para", "numbered"):
            document.add_paragraph(text)
        else:
            raise ValueError(f"unknown line kind in interview.docx.j2: {kind!r}")
    properties = document.core_properties
    properties.title = f"{guide['headings']['intervjuguide']}: {guide['kommun']}"[:255]
    properties.author = properties.last_modified_by = "granska"
    properties.language = "sv-SE"
    stamp = datetime.fromisoformat(guide["granskningsdatum"]).replace(tzinfo=timezone.utc)
    properties.created = properties.modified = stamp
    properties.revision = 1
    stream = io.BytesIO()
    document.save(stream)
    return dated_package(stream.getvalue(), guide["granskningsdatum"])
