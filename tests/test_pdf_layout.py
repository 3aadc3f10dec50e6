"""The PDF's page layout, page by page, on Heby and Nyköping: no page ends in a heading
(a heading keeps its text with it), and no page holds under five lines of text unless it
is the last page of a chapter (the next page starts a new chapter) or of the report.
GRANSKA_SCREENSHOTS=DIR keeps Heby's first question page as docs/report-pdf-page.png."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_support import CASE, HEBY, render_pdf, require_weasyprint

from checker import api

# The page's body, inside its margins (20 mm top, 22 mm bottom on A4, in points): the
# running footer is left out.
TOP, BOTTOM = 841.9 - 20 * 72 / 25.4, 22 * 72 / 25.4
MIN_LINES = 5


@pytest.fixture(scope="module", params=[HEBY, CASE], ids=["heby", "nykoping"])
def checked(request):
    return api.check(request.param)


@pytest.fixture(scope="module")
def document(checked):
    pdfium = pytest.importorskip("pypdfium2")
    return pdfium.PdfDocument(render_pdf(checked))


def _body_lines(page) -> list[str]:
    text = page.get_textpage().get_text_bounded(0, BOTTOM, page.get_width(), TOP)
    return [line for line in text.splitlines() if line.strip()]


def _bookmarks(document) -> list[tuple[int, str, int, float]]:
    """(level, title, page index, top) of every heading, from the PDF's outline."""
    marks = []
    for item in document.get_toc():
        destination = item.get_dest()
        _mode, view = destination.get_view()
        marks.append((item.level, item.get_title(), destination.get_index(), view[1]))
    return marks


def headings_ending_a_page(document) -> list[str]:
    """The headings with no text after them on their page."""
    found = []
    for level, title, index, top in _bookmarks(document):
        if level == 0:
            continue  # the report's title on the front page
        page = document[index]
        below = page.get_textpage().get_text_bounded(0, BOTTOM, page.get_width(), top)
        rest = " ".join(below.split()).replace(" ".join(title.split()), "", 1).strip()
        if not rest:
            found.append(f"page {index + 1} ends in the heading {title!r}")
    return found


def short_pages(document) -> list[str]:
    """Pages under MIN_LINES lines that neither end a chapter nor the document."""
    chapter_starts = {index for level, _title, index, _top in _bookmarks(document) if level <= 1}
    found = []
    for index in range(len(document) - 1):
        lines = _body_lines(document[index])
        if index + 1 not in chapter_starts and len(lines) < MIN_LINES:
            found.append(f"page {index + 1} holds {len(lines)} lines: {lines}")
    return found


def test_no_page_ends_in_a_heading(document):
    assert headings_ending_a_page(document) == []


def test_no_page_holds_under_five_lines_unless_it_ends_a_chapter(document):
    assert short_pages(document) == []


@pytest.mark.parametrize(
    ("body", "check"),
    [
        # a heading pushed to the foot of page 1, its text on page 2
        (
            '<h1>Titel</h1><div style="height: 218mm"></div><h2>Rubrik</h2>'
            '<p style="break-before: page">Text.</p>',
            headings_ending_a_page,
        ),
        # page 1 holds two lines, then the same chapter goes on
        (
            "<h1>Titel</h1><h2>Kapitel</h2><p>En rad.</p>"
            '<p style="break-before: page">' + "<br>".join(["Rad."] * 10) + "</p>",
            short_pages,
        ),
    ],
    ids=["heading-at-page-foot", "short-page"],
)
def test_the_checks_find_what_they_look_for(body, check):
    pytest.importorskip("pypdfium2")
    require_weasyprint()
    import pypdfium2
    import weasyprint

    page = "<style>@page { size: A4; margin: 20mm 18mm 22mm; }</style>" + body
    document = pypdfium2.PdfDocument(weasyprint.HTML(string=page).write_pdf())
    assert len(document) == 2
    assert check(document)


def test_every_chapter_starts_on_a_new_page(document, checked):
    # Organisation och uppdrag is short: it follows the Inledning on the same page.
    flowing = checked["headings"]["organisation"]
    for level, title, index, top in _bookmarks(document):
        if level == 1 and title != flowing:
            page = document[index]
            above = page.get_textpage().get_text_bounded(0, top + 1, page.get_width(), TOP)
            assert not above.strip(), f"{title!r} does not start page {index + 1}"


def test_a_question_page_shows_its_verdict_chip_in_the_grade_colour(document, checked):
    question = checked["questions"][0]
    colour = next(
        grade["colour"]
        for grade in checked["audit"]["scale"]
        if grade["id"] == question["bounds"]["lowest"]
    )
    marks = _bookmarks(document)
    start = next(
        number
        for number, (level, title, _page, _top) in enumerate(marks)
        if level == 2 and title.startswith(f"{question['id']}.")
    )
    index = next(  # the page of the question's Bedömning, where its verdict chip is
        page
        for level, title, page, _top in marks[start:]
        if level == 3 and title == checked["headings"]["bedomning"]
    )
    image = document[index].render(scale=1.5).to_pil().convert("RGB")
    target = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    chip = sum(
        count
        for count, pixel in image.getcolors(image.width * image.height)
        if max(abs(a - b) for a, b in zip(pixel, target, strict=True)) < 8
    )
    assert chip > 200, "no verdict chip in the grade's colour on the question's page"
    folder = os.environ.get("GRANSKA_SCREENSHOTS")
    if folder and checked["kommun"].startswith("Heby"):
        image.save(Path(folder) / "report-pdf-page.png", optimize=True)
