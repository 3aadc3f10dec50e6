"""The granskningsrapport as a Word document (python-docx), from the report model.

Headings use Word's built-in Heading styles, so the navigation pane and the table of
contents field work; the footer numbers the pages; the summary is a real table; all
wording comes from the result. A house template (`--docx-template`) supplies the styles,
page setup, header and footer.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from checker.errors import GranskaError
from checker.files.text_safety import xml_safe
from checker.output.report_view import report_view

# Schema order matters to Word: an element placed after one of these prompts a repair.
_RUN_SHADING_SUCCESSORS = (
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
_LANGUAGE = "sv-SE"
_MARGIN_MM = 22
_TEXT_WIDTH_MM = 210 - 2 * _MARGIN_MM


def import_docx():
    """python-docx, or a clear error where it is not installed."""
    try:
        import docx
    except ImportError as error:
        raise GranskaError(
            f"DOCX output needs python-docx ({error}); install granska "
            "with its dependencies or choose --format html"
        ) from None
    return docx


def render_docx(result: dict, colour: bool = False, template: Path | None = None) -> bytes:
    """The report as the bytes of a .docx file; with `template`, in that document's house
    style (its styles, page setup, header and footer; its body is replaced)."""
    docx = import_docx()
    if template is None:
        document = docx.Document()
    else:
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(str(template))
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, PackageNotFoundError):
            raise GranskaError(
                "expected a Word document (.docx) to take the house style from", str(template)
            ) from None
        _clear_body(document)
    builder = _Builder(document, _xml_safe(result), house_style=template is not None)
    builder.build()
    stream = io.BytesIO()
    builder.document.save(stream)
    return dated_package(stream.getvalue(), result["granskningsdatum"])


def _clear_body(document) -> None:
    """Remove a template's body content, keeping its final section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag != _qualified("w:sectPr"):
            body.remove(child)


def _xml_safe(value: Any) -> Any:
    """The result with every text stripped of the characters XML cannot hold."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {key: _xml_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_xml_safe(item) for item in value]
    return value


def dated_package(package: bytes, day: str) -> bytes:
    """The package with every member dated `day`, so the same case gives the same bytes
    (a day outside the years a ZIP stamp can hold, 1980–2107, is moved to the nearest)."""
    year, month, mday = date.fromisoformat(day).timetuple()[:3]
    stamp = (1980, 1, 1, 0, 0, 0) if year < 1980 else (min(year, 2107), month, mday, 0, 0, 0)
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(
                zipfile.ZipInfo(member.filename, stamp),
                source.read(member),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return output.getvalue()


class _Builder:
    """Writes the report model into a python-docx Document, section by section."""

    def __init__(self, document, result: dict, house_style: bool = False) -> None:
        self.document = document
        self.result = result
        self.h = result["headings"]
        self.view = report_view(result)
        self.house_style = house_style
        self.styles = {style.name for style in document.styles}

    def build(self) -> None:
        self._setup()
        self._front()
        self._contents()
        self._summary()
        self._introduction()
        self._organisation()
        self._results()
        self._followup()
        self._appendix()
        self._references()

    # --- sections ---------------------------------------------------------------
    def _front(self) -> None:
        front, h = self.view["front"], self.h
        self._paragraph(
            f"{front['marking']} · {h['regelversion']} {front['rules_version']}", style="Subtitle"
        )
        self._paragraph(front["title"], style="Title")
        self._paragraph(front["kommun"], style="Subtitle")
        rows = [
            (h["diarienummer"], front["diarienummer"]),
            (h["granskningsdatum"], front["datum"]),
            (h["period"], self.view["introduction"]["period"]),
            (h["namnder"], ", ".join(self.view["nämnder"])),
            (h["regelversion"], front["rules_version"]),
        ]
        for label, value in rows:
            if value:
                paragraph = self._paragraph()
                paragraph.add_run(f"{label}: ").bold = True
                paragraph.add_run(value)
        self._paragraph(front["disclaimer"])
        if front["overlay"]:
            self._paragraph().add_run(front["overlay"]["heading"]).bold = True
            self._paragraph(front["overlay"]["intro"])
            for deviation in front["overlay"]["deviations"]:
                self._paragraph(deviation, style="List Bullet")
        self._page_break()

    def _contents(self) -> None:
        """A table-of-contents field (Word fills in the page numbers on opening); until
        then it shows the outline, so the document reads right in any program."""
        self._paragraph(self.h["innehall"], style="TOC Heading")
        paragraph = self._paragraph()
        _field(paragraph, 'TOC \\o "1-2" \\h \\z \\u', dirty=True)
        placeholder = "\n".join(
            ("    " * (entry["level"] - 1)) + entry["title"]
            for entry in self.view["outline"]
            if entry["level"] < 3
        )
        _field_result(paragraph, placeholder)
        self._page_break()

    def _summary(self) -> None:
        h, view = self.h, self.view
        self._heading(h["sammanfattning"], 1)
        for overall in view["overall"]:
            self._paragraph(overall["text"])
        self._summary_table(
            h["revisionsfraga"],
            [
                (f"{item['question']['id']}. {item['question']['text']}", item)
                for item in view["questions"]
            ],
        )
        if view["followup"] is not None:
            self._heading(view["followup"]["title"], 2)
            self._summary_table(
                h["tidigare_rekommendation"],
                [
                    (f"{item['question']['id']}. {item['wording']}", item)
                    for item in view["followup"]["entries"]
                ],
            )
        if view["recommendations"]:
            self._heading(h["rekommendationer"], 2)
            for group in view["recommendation_groups"]:
                self._paragraph().add_run(f"{group['heading']}:").bold = True
                for recommendation in group["items"]:
                    self._recommendation(recommendation)
        self._page_break()

    def _summary_table(self, first_heading: str, rows: list[tuple[str, dict]]) -> None:
        from docx.shared import Mm

        table = self.document.add_table(rows=1, cols=2)
        table.autofit = False
        if "Table Grid" in self.styles:
            table.style = self.document.styles["Table Grid"]
        header = table.rows[0]
        _repeat_as_header(header)
        for cell, text in zip(header.cells, (first_heading, self.h["bedomning"]), strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for text, item in rows:
            row = table.add_row()
            row.cells[0].paragraphs[0].add_run(text)
            self._verdict(row.cells[1].paragraphs[0], item)
        # Word reads the cells' widths, LibreOffice the grid's: set both. The verdict
        # column is wide enough for a range and its note on one or two lines.
        for index, width in enumerate((Mm(_TEXT_WIDTH_MM - 58), Mm(58))):
            table.columns[index].width = width
            for cell in table.columns[index].cells:
                cell.width = width

    def _outcomes(self, rows: list[dict]) -> None:
        h = self.h
        self._paragraph(f"{h['utfall_inledning']}:")
        table = self.document.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        columns = ("utfall_matt", "utfall_ar", "utfall_kommunen", "utfall_riket")
        columns += ("utfall_liknande", "utfall_kolada")
        for cell, key in zip(table.rows[0].cells, columns, strict=True):
            cell.text = h[key]
        for row in rows:
            title = (
                f"{row['title']} ({h['kalla']}: {row['källa']})" if row["källa"] else row["title"]
            )
            values = (
                title,
                row["year"],
                row["value"],
                row["riket"],
                row["liknande"],
                row["kolada"],
            )
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value

    def _introduction(self) -> None:
        r, h, view = self.result, self.h, self.view
        intro = view["introduction"]
        self._heading(h["inledning"], 1)
        if intro["bakgrund"] or intro["utfall"]:
            self._heading(h["bakgrund"], 2)
        if intro["bakgrund"]:
            self._paragraph(intro["bakgrund"])
        if intro["utfall"]:
            self._outcomes(intro["utfall"])
        self._heading(h["syfte_och_revisionsfragor"], 2)
        self._paragraph(r["audit"]["syfte"])
        for item in view["questions"]:
            question = item["question"]
            self._paragraph(f"{question['id']}. {question['text']}", style="List Bullet")
        self._heading(h["revisionskriterier"], 2)
        self._paragraph(f"{h['revisionskriterier_inledning']} {intro['period']}:")
        for source in view["sources"]:
            paragraph = self._paragraph(style="List Bullet")
            paragraph.add_run(source["title"]).bold = True
            paragraph.add_run(
                ": "
                + "; ".join(
                    source["local"]
                    or [
                        ref["ref"] + (h["overifierad"] if ref["unverified_paragraph"] else "")
                        for ref in source["refs"]
                    ]
                )
            )
            for note in source["notes"]:
                self._paragraph(note)
        if view["unverified"]:
            self._paragraph(h["overifierad_not"])
        self._heading(h["avgransning"], 2)
        scope = f"{h['avgransning_inledning']} {intro['period']}."
        self._paragraph(f"{scope} {intro['avgränsning']}" if intro["avgränsning"] else scope)
        self._heading(h["metod"], 2)
        self._paragraph(f"{h['metod_inledning']}: {', '.join(intro['underlag'])}.")
        for label, items in (
            (h["metod_dokument"], intro["dokument"]),
            (h["metod_intervjuer"], intro["intervjuer"]),
        ):
            if items:
                self._paragraph().add_run(f"{label}:").bold = True
                for item in items:
                    self._paragraph(item, style="List Bullet")
        if r["parameter_overrides"]:
            self._heading(h["avvikande_parametrar"], 2)
            for key, value in r["parameter_overrides"].items():
                self._paragraph(f"{key} = {value}", style="List Bullet")

    def _organisation(self) -> None:
        self._heading(self.h["organisation"], 1)
        self._paragraph(f"{self.h['organisation_inledning']}:")
        for entry in self.view["organisation"]:
            paragraph = self._paragraph(style="List Bullet")
            paragraph.add_run(entry["nämnd"]).bold = True
            paragraph.add_run(": " + "; ".join(entry["roles"]))
        self._page_break()

    def _results(self) -> None:
        h = self.h
        self._heading(h["granskningsresultat"], 1)
        for item in self.view["questions"]:
            self._heading(item["heading"], 2)
            self._paragraph().add_run(
                f"{h['revisionsfraga']}: {item['question']['text']}"
            ).italic = True
            self._observations(item)
            self._assessment(item)
            self._heading(h["rekommendationer"], 3)
            for recommendation in item["recommendations"]:
                self._recommendation(recommendation)
            if not item["recommendations"]:
                self._paragraph(h["inga_rekommendationer"])
        self._page_break()

    def _followup(self) -> None:
        h, followup = self.h, self.view["followup"]
        if followup is None:
            return
        self._heading(followup["title"], 1)
        for item in followup["entries"]:
            question = item["question"]
            self._heading(item["heading"], 2)
            paragraph = self._paragraph(f"{h['tidigare_rekommendation']}: {item['wording']}")
            paragraph.add_run().add_break()
            cited = (
                f". {_first_upper(h['kalla'])}: {question['källa']}" if question["källa"] else ""
            )
            paragraph.add_run(
                f"{h['riktad_till']}: {', '.join(question['addressed_to'])}{cited}"
            ).italic = True
            self._observations(item)
            self._assessment(item)
        self._page_break()

    def _observations(self, item: dict) -> None:
        self._heading(self.h["iakttagelser"], 3)
        for observation in item["observations"]:
            paragraph = self._paragraph(observation["text"])
            if observation["sources"]:
                paragraph.add_run(
                    f" ({_first_upper(self.h['kalla'])}: {'; '.join(observation['sources'])})"
                ).italic = True
            for claim in observation["claims"]:
                self._paragraph(claim)
            for quote in observation["quotes"]:
                paragraph = self._paragraph(f"”{quote['text']}”")
                if quote["källa"]:
                    paragraph.add_run(f" ({self.h['kalla']}: {quote['källa']})").italic = True
        if not item["observations"]:
            self._paragraph(self.h["inga_iakttagelser"])

    def _assessment(self, item: dict) -> None:
        self._heading(self.h["bedomning"], 3)
        paragraph = self._paragraph(f"{self.h['bedomning']}: ")
        self._verdict(paragraph, item)
        self._paragraph(item["question"]["reasoning"])
        if item["open_facts"]:
            self._paragraph().add_run(f"{self.h['saknade_uppgifter']}:").bold = True
            for title in item["open_facts"]:
                self._paragraph(title, style="List Bullet")

    def _appendix(self) -> None:
        h, view = self.h, self.view
        self._heading(h["bilaga_kriterier"], 1)
        self._paragraph(h["bilaga_kriterier_inledning"])
        for item in [*view["questions"], *(view["followup"] or {}).get("entries", [])]:
            self._heading(item["heading"], 2)
            self._verdict(self._paragraph(f"{h['bedomning']}: "), item)
            for criterion in item["criteria"]:
                paragraph = self._paragraph(style="List Bullet")
                paragraph.add_run(criterion["title"]).bold = True
                paragraph.add_run(f": {criterion['reasoning']}")
                if criterion["basis"]:
                    paragraph.add_run(f" {h['grund']}: {criterion['basis']}.").italic = True
            if item["way_up"]:
                self._paragraph().add_run(f"{h['hojning']}:").bold = True
                for line in item["way_up"]:
                    self._paragraph(line, style="List Bullet")
        self._page_break()

    def _references(self) -> None:
        self._heading(self.h["kallforteckning"], 1)
        self._paragraph(self.h["kallforteckning_inledning"])
        for number, reference in enumerate(self.view["references"], 1):
            self._paragraph(f"{number}. {reference}")

    # --- pieces -----------------------------------------------------------------
    def _paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(
            style=style if style is None or style in self.styles else None
        )
        if text:
            paragraph.add_run(text)
        return paragraph

    def _heading(self, text: str, level: int):
        style = f"Heading {level}"
        if style in self.styles:
            return self.document.add_heading(text, level=level)
        # A template without Word's heading styles: keep the outline level all the same.
        paragraph = self._paragraph()
        paragraph.add_run(text).bold = True
        _outline_level(paragraph, level)
        return paragraph

    def _page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    def _verdict(self, paragraph, item: dict) -> None:
        verdict = item["verdict"]
        for index, grade in enumerate(verdict["chips"]):
            if index:
                paragraph.add_run("–")
            _grade_run(paragraph, grade)
        if verdict["note"]:
            paragraph.add_run(f", {verdict['note']}")

    def _recommendation(self, recommendation: dict) -> None:
        paragraph = self._paragraph(f"{recommendation['number']}. {recommendation['sentence']}")
        paragraph.add_run().add_break()
        paragraph.add_run(
            f"{self.h['riktad_till']}: {', '.join(recommendation['addressed_to'])}"
            f" ({', '.join(recommendation['questions'])})"
        ).italic = True

    def _setup(self) -> None:
        from docx.shared import Mm

        document, r, h = self.document, self.result, self.h
        if not self.house_style:
            section = document.sections[0]
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.left_margin = section.right_margin = Mm(_MARGIN_MM)
            section.top_margin = section.bottom_margin = Mm(_MARGIN_MM)
            section.different_first_page_header_footer = True
            footer = section.footer.paragraphs[0]
            footer.text = f"{h['title']} · {h['regelversion']} {r['rules_version']}\t"
            footer.add_run(f"{h['sida']} ")
            _field(footer, "PAGE", shown="1")
            footer.add_run(f" {h['av']} ")
            _field(footer, "NUMPAGES", shown="1")
            for lang in document.styles.element.xpath("w:docDefaults//w:lang"):
                lang.set(_qualified("w:val"), _LANGUAGE)
        properties = document.core_properties
        # Word's core properties hold at most 255 characters each.
        properties.title = f"{h['title']}: {r['kommun']} – {r['audit']['title']}"[:255]
        properties.subject = f"{h['title']} · {h['regelversion']} {r['rules_version']}"
        properties.language = _LANGUAGE
        properties.author = properties.last_modified_by = "granska"
        properties.comments = ""
        # Dated by the case, not the clock, so the same case gives the same document.
        stamp = datetime.fromisoformat(r["granskningsdatum"]).replace(tzinfo=timezone.utc)
        properties.created = properties.modified = stamp
        properties.revision = 1
        # Word asks to update the fields (the contents' page numbers) when it opens the file.
        settings = document.settings.element
        if not settings.xpath("w:updateFields"):
            from docx.oxml import OxmlElement

            update = OxmlElement("w:updateFields")
            update.set(_qualified("w:val"), "true")
            settings.append(update)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _qualified(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(name)


def _shading(fill: str):
    from docx.oxml import OxmlElement

    shading = OxmlElement("w:shd")
    shading.set(_qualified("w:val"), "clear")
    shading.set(_qualified("w:color"), "auto")
    shading.set(_qualified("w:fill"), fill.lstrip("#").upper())
    return shading


def _field(paragraph, instruction: str, shown: str | None = None, dirty: bool = False) -> None:
    """A complex field (PAGE, NUMPAGES, TOC) in `paragraph`; `shown` is its result text
    until Word updates it; a TOC's result comes from _field_result."""
    from docx.oxml import OxmlElement

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(_qualified("w:fldCharType"), kind)
        if dirty and kind == "begin":
            element.set(_qualified("w:dirty"), "true")
        run._r.append(element)

    char("begin")
    code = OxmlElement("w:instrText")
    code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    char("separate")
    if shown is not None:
        paragraph.add_run(shown)
        char("end")


def _field_result(paragraph, text: str) -> None:
    """The shown result of a field opened by _field without `shown`, then its end."""
    from docx.oxml import OxmlElement

    lines = text.split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()
    end = OxmlElement("w:fldChar")
    end.set(_qualified("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _outline_level(paragraph, level: int) -> None:
    from docx.oxml import OxmlElement

    element = OxmlElement("w:outlineLvl")
    element.set(_qualified("w:val"), str(level - 1))
    paragraph._p.get_or_add_pPr().append(element)


def _grade_run(paragraph, grade: dict) -> None:
    from docx.shared import RGBColor

    run = paragraph.add_run(grade["label"])
    run.bold = True
    if grade["colour"]:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        run._r.get_or_add_rPr().insert_element_before(
            _shading(grade["colour"]), *_RUN_SHADING_SUCCESSORS
        )


def _repeat_as_header(row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
