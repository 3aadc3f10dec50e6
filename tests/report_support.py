"""Shared by the report tests: the golden case they render and how to read the outputs."""

from __future__ import annotations

import os
import re
import shutil
from functools import cache
from itertools import pairwise
from pathlib import Path

import html5lib

from checker import api
from checker.files.strict_yaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "cases" / "nykoping-2021.yaml"
HEBY = ROOT / "examples" / "heby-2022.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "nykoping-2021-pwc.txt"
ALL_CASES = sorted([*ROOT.glob("tests/cases/*.yaml"), *ROOT.glob("examples/*.yaml")])
# The headings whose order the report shares with the seed report.
OUTLINE_HEADINGS = (
    "Sammanfattning",
    "Inledning",
    "Revisionskriterier",
    "Iakttagelser",
    "Bedömning",
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = bool(os.environ.get("CI"))


@cache
def result() -> dict:
    return api.check(CASE)


def expected_labels() -> list[str]:
    """The golden case's expected verdict label per question; where the case accepts a
    disagreement with the auditors (`avvikelser`), granska's own verdict."""
    expected = load_yaml(CASE)["förväntat"]
    accepted = {item["fråga"] for item in expected.get("avvikelser", []) if "fråga" in item}
    labels = {grade["id"]: grade["label"] for grade in result()["audit"]["scale"]}
    return [
        question["verdict_label"]
        if question["id"] in accepted
        else labels[expected["frågor"][question["id"]]]
        for question in result()["questions"]
    ]


def parse_html(text: str):
    """The page parsed by a strict HTML5 parser: any parse error raises."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def html_outline(document) -> list[tuple[int, str]]:
    """(level, text) of the h2–h4 headings, the report's sections below its title."""
    return [
        (int(element.tag[1]) - 1, text_of(element))
        for element in document.iter()
        if element.tag in ("h2", "h3", "h4")
    ]


def seed_outline() -> list[str]:
    """The seed report's headings among OUTLINE_HEADINGS, in order (OCR's 'l' for 'I' fixed)."""
    found = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            continue
        text = re.sub(r"[#*]", "", line).strip()
        text = re.sub(r"^lakttagelser$", "Iakttagelser", text)
        if text in OUTLINE_HEADINGS:
            found.append(text)
    return found


# --- one report, five formats: what each shows -------------------------------------------
_RECOMMENDATION = re.compile(r"(?<![\w.])(\d+)\. (Att\b.+?) Riktad till:")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _shown(lines: list[str], headings: list[tuple[int, str]]) -> dict:
    """What a report shows, from its lines of text and its headings."""
    text = _plain(" ".join(lines))
    return {
        "headings": headings,
        # (a PDF's text puts spaces around a chip's padding: "Nej – Ja , beror på")
        "verdicts": [
            re.sub(r"\s*–\s*", "–", re.sub(r"\s+,", ",", _plain(line.split(":", 1)[1])))
            for line in lines
            if line.startswith("Bedömning: ")
        ],
        "recommendations": [
            (int(number), _plain(body)) for number, body in _RECOMMENDATION.findall(text)
        ],
    }


def shown_in_text(text: str) -> dict:
    lines = text.splitlines()
    headings = []
    for line, under in pairwise(lines):
        for level, mark in enumerate("=-~", 1):
            if line and under == mark * len(line):
                headings.append((level, line))
    return _shown(lines, headings)


def shown_in_md(text: str) -> dict:
    lines = [line.replace("*", "") for line in text.splitlines()]
    headings = [
        (len(marks) - 1, title)
        for marks, title in (
            re.match(r"(#+) (.*)", line).groups() for line in lines if line.startswith("#")
        )
        if len(marks) > 1
    ]
    return _shown(lines, headings)


def shown_in_html(text: str) -> dict:
    page = parse_html(text)
    blocks = [text_of(element) for element in page.iter() if element.tag in ("p", "li", "td")]
    return _shown(blocks, html_outline(page.find(".//main")))


def shown_in_docx(data: bytes) -> dict:
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    headings = [
        (int(paragraph.style.name.split()[-1]), paragraph.text)
        for paragraph in document.paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]
    return _shown(lines, headings)


def shown_in_pdf(data: bytes) -> dict:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    lines = []
    for index in range(len(document)):
        lines += document[index].get_textpage().get_text_range().splitlines()
    # The PDF's bookmarks are its headings; level 0 is the report's title.
    headings = [(item.level, item.get_title()) for item in document.get_toc() if item.level > 0]
    return _shown(lines, headings)


def require_weasyprint() -> None:
    """Skip a PDF test where WeasyPrint or Pango is missing, except under CI."""
    import pytest

    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        if IN_CI:
            raise
        pytest.skip(f"WeasyPrint or its Pango library is missing: {error}")


def render_pdf(result: dict) -> bytes:
    """The result rendered to PDF (skipped where WeasyPrint is missing, except under CI)."""
    require_weasyprint()
    return api.render(result, "pdf")


def libreoffice_pdf(soffice: str, source: Path) -> Path:
    """`source` converted to PDF by LibreOffice, beside it, with a profile of its own."""
    import subprocess

    run = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{source.parent / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = source.with_suffix(".pdf")
    assert run.returncode == 0 and converted.is_file(), run.stdout + run.stderr
    return converted
