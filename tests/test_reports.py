"""The granskningsrapport in HTML, DOCX and PDF: outline, verdicts, escaping, determinism."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile

import pytest
from click.testing import CliRunner
from report_support import (
    ALL_CASES,
    CASE,
    HEBY,
    OUTLINE_HEADINGS,
    SEED,
    expected_labels,
    html_outline,
    libreoffice_pdf,
    parse_html,
    require_weasyprint,
    result,
    seed_outline,
    text_of,
)

from checker import api
from checker.cli import main
from checker.output.collation import swedish_sorted
from checker.output.report_view import report_view


@pytest.fixture(scope="module")
def html() -> str:
    return api.render(result(), "html")


@pytest.fixture(scope="module")
def page(html):
    return parse_html(html)


@pytest.fixture(scope="module")
def word():
    docx = pytest.importorskip("docx")
    return docx.Document(io.BytesIO(api.render(result(), "docx")))


def _summary_rows(page) -> list[list[str]]:
    table = page.find(".//table[@class='summary']")
    return [
        [text_of(cell) for cell in row.findall("td")]
        for row in table.iter("tr")
        if row.find("td") is not None
    ]


# --- HTML -----------------------------------------------------------------------------
def test_html_summary_table_gives_the_golden_verdicts_in_the_scale_colours(page):
    rows = _summary_rows(page)
    assert [verdict for _, verdict in rows] == expected_labels()
    colours = {grade["label"]: grade["colour"] for grade in result()["audit"]["scale"]}
    for chip in page.find(".//table[@class='summary']").iter("span"):
        assert f"background-color: {colours[text_of(chip)]}" in chip.get("style")


def test_html_summary_names_each_namnd_and_numbers_the_recommendations_once(page):
    summary = page.find(".//section[@id='sammanfattning']")
    overall = [text_of(p) for p in summary.findall("p[@class='overall']")]
    assert len(overall) == len(result()["nämnder"])
    for paragraph, entry in zip(overall, result()["overall"], strict=True):
        assert entry["text"] == paragraph
    items = summary.findall("ol[@class='recommendations']/li")
    assert [int(item.get("value")) for item in items] == list(
        range(1, len(result()["recommendations"]) + 1)
    )
    by_id = {rec["id"]: rec for rec in result()["recommendations"]}
    view = report_view(result())
    for item, recommendation in zip(items, view["recommendations"], strict=True):
        assert text_of(item).startswith(f"{recommendation['number']}. ")
        assert ", ".join(by_id[recommendation["id"]]["addressed_to"]) in text_of(item)
    results = page.find(".//section[@id='granskningsresultat']")
    for item in results.iter("li"):
        if item.get("value"):
            number = int(item.get("value"))
            assert text_of(item).startswith(
                f"{number}. {view['recommendations'][number - 1]['sentence']}"
            )


@pytest.mark.skipif(not SEED.is_file(), reason=f"the seed report {SEED} is not beside the repo")
def test_html_outline_follows_the_seed_report(page):
    outline = html_outline(page)
    assert [text for _, text in outline if text in OUTLINE_HEADINGS] == seed_outline()
    results = page.find(".//section[@id='granskningsresultat']")
    for section in results.findall("section"):
        assert [text for _, text in html_outline(section)][1:] == [
            "Iakttagelser",
            "Bedömning",
            "Rekommendationer",
        ]
    levels = dict((text, level) for level, text in outline)
    assert levels["Sammanfattning"] == levels["Inledning"] == 1
    assert levels["Revisionskriterier"] == 2


def test_open_bounds_show_the_verdict_on_the_evidence_and_what_it_could_become(tmp_path):
    unknown = re.sub(r"(?m)^(\s+värde: ).*$", r"\1vet ej", CASE.read_text(encoding="utf-8"))
    case = tmp_path / "unknown.yaml"
    case.write_text(unknown, encoding="utf-8")
    open_result = api.check(case)
    page = parse_html(api.render(open_result, "html"))
    scale = open_result["audit"]["scale"]
    best, worst = scale[0], scale[-1]
    table = page.find(".//table[@class='summary']")
    for _, verdict in _summary_rows(page):
        assert verdict.startswith(
            f"{worst['label']}, utifrån det som visats; kan bli {best['label']}"
        )
    for row in table.iter("tr"):
        chips = [chip.get("style") for chip in row.iter("span") if chip.get("class") == "grade"]
        if chips:
            assert chips == [f"background-color: {worst['colour']}"]
    sections = page.find(".//section[@id='granskningsresultat']").findall("section")
    for section, question in zip(sections, open_result["questions"], strict=True):
        assert question["open_facts"]
        assert len(section.findall("ul[@class='open-facts']/li")) == len(question["open_facts"])
    labels = [grade["label"] for grade in open_result["audit"]["overall_scale"]]
    for paragraph, overall in zip(
        page.findall(".//p[@class='overall']"), open_result["overall"], strict=True
    ):
        assert overall["verdict"] == overall["bounds"]["lowest"]
        assert (
            text_of(paragraph)
            == f"{overall['text']} (utifrån det som visats; kan bli: {labels[0]})"
        )


def test_html_is_self_contained_and_printable(html, page):
    assert page.find(".//script") is None
    for tag in ("link", "img", "iframe", "object", "embed"):
        assert page.find(f".//{tag}") is None, tag
    style = "".join(element.text or "" for element in page.iter("style"))
    assert "url(" not in style and "@import" not in style
    assert "size: A4" in style and "@media print" in style
    assert page.find(".//meta[@name='viewport']") is not None
    assert page.get("lang") == "sv"


def test_html_is_marked_as_a_forbedomning_with_the_rules_version(page):
    text = text_of(page)
    assert result()["disclaimer"] in text
    assert result()["rules_version"] in text_of(page.find(".//header"))


def test_html_front_page_and_introduction_give_the_case_details_and_sources(page):
    front = text_of(page.find(".//header[@id='framsida']"))
    for value in (
        result()["kommun"],
        result()["granskningsdatum"],
        result()["rules_version"],
        *(namnd["namn"] for namnd in result()["nämnder"]),
    ):
        assert value in front
    introduction = page.find(".//section[@id='inledning']")
    text = text_of(introduction)
    assert result()["audit"]["syfte"] in text
    for heading in ("avgransning", "metod", "revisionskriterier", "syfte"):
        assert introduction.find(f"h3[@id='{heading}']") is not None, heading
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", result()["granskningsdatum"])
    sources = [text_of(item) for item in introduction.findall("ul[@class='sources']/li")]
    titles = [item.split(":")[0] for item in sources]
    assert set(titles) >= {entry["source"].split(":")[0] for entry in result()["sources"]}
    for entry in result()["sources"]:
        assert any(item.startswith(entry["source"]) and entry["ref"] in item for item in sources)


def test_html_table_of_contents_links_every_chapter_and_section(page):
    links = [(item.find("a").get("href"), text_of(item)) for item in page.findall(".//nav/ol/li")]
    outline = [entry for entry in report_view(result())["outline"] if entry["level"] < 3]
    assert links == [(f"#{entry['anchor']}", entry["title"]) for entry in outline]
    ids = {element.get("id") for element in page.iter() if element.get("id")}
    assert all(href[1:] in ids for href, _ in links)


def test_html_observations_are_sentences_with_the_kalla_of_each_fact(page):
    sections = page.find(".//section[@id='granskningsresultat']").findall("section")
    for section, question in zip(sections, result()["questions"], strict=True):
        text = text_of(section)
        assert question["reasoning"] in text
        observations = [text_of(p) for p in section.findall("p[@class='observation']")]
        assert observations and all(line[:1].isupper() for line in observations)
        for criterion in question["criteria"]:
            if criterion["status"] in (None, "ej_granskat"):
                continue
            for fact in criterion["facts"]:
                if fact["known"] and fact["källa"]:
                    assert fact["källa"] in text
                    assert f"{fact['title']}:" not in text, "a fact shown as 'title: value'"
    numbers = text_of(page.find(".//section[@id='granskningsresultat']"))
    assert not re.search(r"\d\.\d+\s*%", numbers), "a percentage with a decimal point"


def test_html_appendix_gives_each_criterion_its_status_basis_and_the_way_up(page):
    appendix = page.find(".//section[@id='bilaga-kriterier']")
    labels = result()["audit"]["status_labels"]
    for question in result()["questions"]:
        section = appendix.find(f"section[@id='bilaga-{question['id']}']")
        items = [text_of(item) for item in section.findall("ul[@class='criteria']/li")]
        assert len(items) == len(question["criteria"])
        for item, criterion in zip(items, question["criteria"], strict=True):
            assert item.startswith(criterion["title"])
            assert labels[criterion["status"] or "okänt"].lower() in item.lower()
            for basis in criterion["basis"]:
                assert f"{basis['short']} {basis['ref']}" in item
        way_up = section.findall("ul[@class='way-up']/li")
        assert len(way_up) == len(question["to_raise"])  # an unreachable grade is not listed


def test_html_appendix_lists_every_kalla_once_in_swedish_order(page):
    appendix = page.find(".//section[@id='kallforteckning']")
    listed = [text_of(item) for item in appendix.findall("ol/li")]
    cited = {
        fact["källa"]
        for question in result()["questions"]
        for criterion in question["criteria"]
        for fact in criterion["facts"]
        if fact["källa"]
    }
    assert sorted(listed) == sorted(cited)
    assert listed == swedish_sorted(listed)


def test_html_escapes_every_value_from_the_case(tmp_path):
    text = CASE.read_text(encoding="utf-8")
    hostile = "<script>alert('källa')</script> & <b>fet</b>"
    text = re.sub(r"(?m)^(\s+källa: ).*$", lambda m: m.group(1) + f'"{hostile}"', text, count=1)
    text = re.sub(r"(?m)^kommun: .*$", 'kommun: "Heby <i>&</i> kommun"', text, count=1)
    case = tmp_path / "hostile.yaml"
    case.write_text(text, encoding="utf-8")
    html = api.render(api.check(case), "html")
    page = parse_html(html)
    assert page.find(".//script") is None and page.find(".//b") is None
    assert page.find(".//i") is None
    assert hostile in text_of(page)
    assert "&lt;script&gt;" in html and "Heby &lt;i&gt;&amp;&lt;/i&gt; kommun" in html


@pytest.mark.parametrize("suffix", ["html", "docx"])
def test_reports_are_byte_identical_for_the_same_case(tmp_path, suffix):
    target = tmp_path / f"rapport.{suffix}"
    run = CliRunner().invoke(main, ["check", str(CASE), "-o", str(target)])
    assert run.exit_code == 0, run.output
    rendered = api.render(result(), suffix)
    assert target.read_bytes() == (rendered.encode("utf-8") if suffix == "html" else rendered)


# --- DOCX -----------------------------------------------------------------------------
def _word_outline(word) -> list[tuple[int, str]]:
    return [
        (int(paragraph.style.name.split()[-1]), paragraph.text)
        for paragraph in word.paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda path: path.stem)
def test_every_case_renders_html_and_docx_with_one_outline(path):
    docx = pytest.importorskip("docx")
    case_result = api.check(path)
    page = parse_html(api.render(case_result, "html"))
    word = docx.Document(io.BytesIO(api.render(case_result, "docx")))
    assert _word_outline(word) == html_outline(page)
    tables = page.findall(".//table")
    assert len(word.tables) == len(tables)
    # The verdict tables; the Bakgrund's table of outcome measures is tested on its own.
    measures = case_result["headings"]["utfall_matt"]
    verdict_tables = [table for table in tables if table.get("class") != "outcomes"]
    graded = [*case_result["questions"], *(case_result.get("followup") or [])]
    in_html = [
        text_of(row.findall("td")[1])
        for table in verdict_tables
        for row in table.iter("tr")
        if row.find("td") is not None
    ]
    in_word = [
        row.cells[1].text
        for table in word.tables
        if table.rows[0].cells[0].text != measures
        for row in table.rows[1:]
    ]
    assert [re.sub(r"\s", "", text) for text in in_word] == [
        re.sub(r"\s", "", text) for text in in_html
    ]
    for question, shown in zip(graded, in_html, strict=True):
        if question["decided"]:
            assert shown == question["verdict_label"]


def test_docx_has_the_html_outline_in_word_heading_styles(word, page):
    assert _word_outline(word) == html_outline(page)
    assert word.paragraphs[1].style.name == "Title"
    styles = {paragraph.style.name for paragraph in word.paragraphs}
    assert not any("Quote" in name for name in styles), "the disclaimer in a quote style"


def test_docx_summary_table_gives_the_golden_verdicts(word, page):
    table = word.tables[0]
    rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    assert rows[0] == [text_of(cell) for cell in page.iter("th")][:2]
    assert [verdict for _, verdict in rows[1:]] == expected_labels()
    assert [question for question, _ in rows[1:]] == [q for q, _ in _summary_rows(page)]


def test_docx_is_a_well_formed_package_dated_by_the_case(word):
    data = api.render(result(), "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert "word/document.xml" in package.namelist()
    assert word.core_properties.created.date().isoformat() == result()["granskningsdatum"]
    assert word.sections[0].page_width.mm == pytest.approx(210, abs=0.5)


def test_docx_converts_cleanly_with_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/system-packages installs it")
    pdfium = pytest.importorskip("pypdfium2")
    source = tmp_path / "rapport.docx"
    source.write_bytes(api.render(result(), "docx"))
    converted = libreoffice_pdf(soffice, source)
    document = pdfium.PdfDocument(str(converted))
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert len(document) >= 2 and result()["headings"]["sammanfattning"] in text
    # the footer's page fields, filled in: none on the front page, "Sida 2 av N" on page 2
    h = result()["headings"]
    assert h["sida"] not in document[0].get_textpage().get_text_range()
    second = document[1].get_textpage().get_text_range()
    assert second.rstrip().endswith(f"{h['sida']} 2 {h['av']} {len(document)}")


# --- PDF ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    require_weasyprint()
    return api.render(result(), "pdf")


def test_pdf_pages_are_a4_and_none_is_blank(pdf_bytes):
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(pdf_bytes)
    assert len(document) >= 3
    for index in range(len(document)):
        page = document[index]
        assert page.get_size() == pytest.approx((595.3, 841.9), abs=1)
        image = page.render(scale=0.5).to_pil().convert("L")
        dark = sum(image.histogram()[:200])
        assert dark > 500, f"page {index + 1} is blank"
    first = document[0].get_textpage().get_text_range()
    assert result()["audit"]["title"].split()[0] in first and result()["kommun"] in first
    contents = document[1].get_textpage().get_text_range()
    assert result()["headings"]["innehall"] in contents


def test_pdf_through_the_cli_to_a_pipe_is_byte_identical(pdf_bytes):
    run = CliRunner().invoke(main, ["check", str(CASE), "--format", "pdf"])
    assert run.exit_code == 0, run.output
    assert run.stdout_bytes.startswith(b"%PDF-") and run.stdout_bytes == pdf_bytes


def _instructions(element) -> list[str]:
    from docx.oxml.ns import qn

    return [node.text.strip() for node in element.iter(qn("w:instrText"))]


def test_docx_through_the_cli_has_page_numbers_and_a_contents_field(tmp_path):
    docx = pytest.importorskip("docx")
    target = tmp_path / "heby.docx"
    run = CliRunner().invoke(main, ["check", str(HEBY), "-o", str(target)])
    assert run.exit_code == 0, run.output
    word = docx.Document(str(target))
    section = word.sections[0]
    footer = _instructions(section.footer._element)
    assert footer == ["PAGE", "NUMPAGES"]
    assert section.different_first_page_header_footer  # no number on the front page
    fields = _instructions(word.element.body)
    assert any(field.startswith("TOC ") for field in fields)
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading 1")]
    index = next(i for i, p in enumerate(word.paragraphs) if p.style.name == "TOC Heading")
    contents = word.paragraphs[index + 1].text  # the field's text until Word updates it
    assert all(title in contents for title in headings)


@pytest.fixture(scope="module")
def house_template(tmp_path_factory):
    """A firm's house template: its own heading font and colour, margins and header."""
    docx = pytest.importorskip("docx")
    from docx.shared import Mm, Pt, RGBColor

    template = docx.Document()
    heading = template.styles["Heading 1"]
    heading.font.name = "Liberation Serif"
    heading.font.size = Pt(20)
    heading.font.color.rgb = RGBColor(0x7A, 0x1F, 0x5C)
    template.styles["Normal"].font.name = "Liberation Sans"
    section = template.sections[0]
    section.left_margin = section.right_margin = Mm(30)
    section.header.paragraphs[0].text = "Revisionskontoret · Granskningsrapport"
    template.add_paragraph("Mallens exempeltext, som rapporten ersätter.")
    path = tmp_path_factory.mktemp("mall") / "husmall.docx"
    template.save(str(path))
    return path


def test_docx_template_supplies_styles_page_setup_and_header(tmp_path, house_template):
    docx = pytest.importorskip("docx")
    target = tmp_path / "rapport.docx"
    run = CliRunner().invoke(
        main, ["check", str(HEBY), "-o", str(target), "--docx-template", str(house_template)]
    )
    assert run.exit_code == 0, run.output
    word = docx.Document(str(target))
    heading = word.styles["Heading 1"].font
    assert (heading.name, heading.size.pt, str(heading.color.rgb)) == (
        "Liberation Serif",
        20,
        "7A1F5C",
    )
    assert word.styles["Normal"].font.name == "Liberation Sans"
    assert word.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
    assert word.sections[0].header.paragraphs[0].text == "Revisionskontoret · Granskningsrapport"
    text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    assert "Mallens exempeltext" not in text
    assert _word_outline(word) == _word_outline(
        docx.Document(io.BytesIO(api.render(api.check(HEBY), "docx")))
    )


def test_docx_template_that_is_no_word_document_is_a_clear_error(tmp_path):
    bad = tmp_path / "mall.docx"
    bad.write_text("ingen mall", encoding="utf-8")
    target = tmp_path / "rapport.docx"
    run = CliRunner().invoke(
        main, ["check", str(HEBY), "-o", str(target), "--docx-template", str(bad)]
    )
    assert run.exit_code == 2 and str(bad) in run.output and "Word" in run.output
    assert not target.exists()


def test_pdf_is_byte_identical_without_harfbuzz_subset(monkeypatch):
    """Forces WeasyPrint's fontTools path (as on a machine without HarfBuzz-subset) and
    moves the clock between two renders: the fonts are dated by the case, not the clock."""
    require_weasyprint()
    import time

    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = api.render(result(), "pdf")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86400 * 400)
    second = api.render(result(), "pdf")
    assert first.startswith(b"%PDF-")
    assert first == second
    assert "SOURCE_DATE_EPOCH" not in os.environ
