"""The granskningsrapport as a Word document (python-docx), in the HTML report's outline.

Headings use Word's built-in Heading styles, so the navigation pane and a table of
contents work; the summary is a real table; all wording comes from the result.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone

from checker.errors import GranskaError
from checker.language.facttypes import count_noun
from checker.output.environment import render_template, sentence
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
_CELL_SHADING_SUCCESSORS = (
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)
_LANGUAGE = "sv-SE"
_MARGIN_MM = 22
_TEXT_WIDTH_MM = 210 - 2 * _MARGIN_MM


def render_docx(result: dict, colour: bool = False) -> bytes:
    """The report as the bytes of a .docx file."""
    try:
        import docx
    except ImportError as error:
        raise GranskaError(
            f"DOCX output needs python-docx ({error}); install granska "
            "with its dependencies or choose --format html"
        ) from None
    builder = _Builder(docx.Document(), result)
    builder.build()
    stream = io.BytesIO()
    builder.document.save(stream)
    return _dated_package(stream.getvalue(), result["granskningsdatum"])


def _dated_package(package: bytes, day: str) -> bytes:
    """The package with every member dated `day`, so the same case gives the same bytes."""
    stamp = (*date.fromisoformat(day).timetuple()[:3], 0, 0, 0)
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
    """Writes the report view into a python-docx Document, section by section."""

    def __init__(self, document, result: dict) -> None:

        self.document = document
        self.result = result
        self.h = result["headings"]
        self.view = report_view(result)
        self.sentence = sentence

    def build(self) -> None:
        self._setup()
        self._cover()
        self._summary()
        self._introduction()
        self._results()
        self._followup()
        self._references()

    # --- sections ---------------------------------------------------------------
    def _cover(self) -> None:
        r, h = self.result, self.h
        self._paragraph(
            f"{h['title']} · {h['regelversion']} {r['rules_version']}", style="Subtitle"
        )
        self.document.add_heading(r["audit"]["title"], level=0)
        self._paragraph(f"{r['kommun']} · {r['granskningsdatum']}", style="Subtitle")
        self._paragraph(r["disclaimer"], style="Intense Quote")
        if r.get("overlay"):
            heading, intro, *deviations = render_template(
                "overlay.lines.j2", overlay=r["overlay"]
            ).splitlines()
            self._paragraph(heading, style="Intense Quote")
            self._paragraph(intro)
            for deviation in deviations:
                self._paragraph(deviation, style="List Bullet")

    def _summary(self) -> None:
        h = self.h
        self.document.add_heading(h["sammanfattning"], level=1)
        for overall in self.view["overall"]:
            self._paragraph(
                overall["text"]
                if overall["decided"]
                else f"{overall['nämnd']}: {overall['lowest']}–{overall['highest']}"
            )
        self._summary_table(
            self.h["revisionsfraga"],
            [
                (f"{item['question']['id']}. {item['question']['text']}", item)
                for item in self.view["questions"]
            ],
        )
        if self.view["followup"] is not None:
            self.document.add_heading(self.view["followup"]["title"], level=2)
            self._summary_table(
                self.h["tidigare_rekommendation"],
                [
                    (
                        f"{item['question']['id']}. {self.sentence(item['question']['wording'])}",
                        item,
                    )
                    for item in self.view["followup"]["entries"]
                ],
            )
        if self.view["recommendations"]:
            self.document.add_heading(h["rekommendationer"], level=2)
            for recommendation in self.view["recommendations"]:
                self._recommendation(recommendation, style="List Number")

    def _summary_table(self, first_heading: str, rows: list[tuple[str, dict]]) -> None:
        from docx.shared import Mm

        table = self.document.add_table(rows=1, cols=2)
        table.autofit = False
        table.style = self.document.styles["Table Grid"]
        header = table.rows[0]
        _repeat_as_header(header)
        for cell, text in zip(header.cells, (first_heading, self.h["bedomning"]), strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for text, item in rows:
            row = table.add_row()
            row.cells[0].paragraphs[0].add_run(text)
            self._grades(row.cells[1].paragraphs[0], item)
            if item["decided"] and item["grades"][0]["colour"]:
                _shade_cell(row.cells[1], item["grades"][0]["colour"])
        # Word reads the cells' widths, LibreOffice the grid's: set both.
        for index, width in enumerate((Mm(_TEXT_WIDTH_MM - 40), Mm(40))):
            table.columns[index].width = width
            for cell in table.columns[index].cells:
                cell.width = width

    def _introduction(self) -> None:
        r, h, view = self.result, self.h, self.view
        self.document.add_heading(h["inledning"], level=1)
        period = f"{r['granskningsperiod']['från']} – {r['granskningsperiod']['till']}"
        for label, value in (
            (h["kommun"], r["kommun"]),
            (h["period"], period),
            (h["granskningsdatum"], r["granskningsdatum"]),
            (h["namnder"], ", ".join(view["nämnder"])),
            (h["regelversion"], r["rules_version"]),
        ):
            paragraph = self._paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
        self.document.add_heading(h["syfte_och_revisionsfragor"], level=2)
        self._paragraph(r["audit"]["syfte"])
        for item in view["questions"]:
            question = item["question"]
            self._paragraph(f"{question['id']}. {question['text']}", style="List Bullet")
        self.document.add_heading(h["revisionskriterier"], level=2)
        self._paragraph(f"{h['revisionskriterier_inledning']} {period}:")
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
        if r["parameter_overrides"]:
            self.document.add_heading(h["avvikande_parametrar"], level=2)
            for key, value in r["parameter_overrides"].items():
                self._paragraph(f"{key} = {value}", style="List Bullet")

    def _results(self) -> None:
        h = self.h
        self.document.add_heading(h["granskningsresultat"], level=1)
        for item in self.view["questions"]:
            question = item["question"]
            self.document.add_heading(
                f"{question['id']}. {question['title'] or question['text']}", level=2
            )
            self._paragraph().add_run(f"{h['revisionsfraga']}: {question['text']}").italic = True
            self._observations(item)
            self._assessment(item)
            self.document.add_heading(h["rekommendationer"], level=3)
            for recommendation in item["recommendations"]:
                self._recommendation(recommendation, style="List", number=recommendation["number"])
            if not item["recommendations"]:
                self._paragraph(h["inga_rekommendationer"])

    def _followup(self) -> None:
        h, followup = self.h, self.view["followup"]
        if followup is None:
            return
        self.document.add_heading(followup["title"], level=1)
        for item in followup["entries"]:
            question = item["question"]
            self.document.add_heading(
                f"{question['id']}. {question['title'] or question['text']}", level=2
            )
            paragraph = self._paragraph(
                f"{h['tidigare_rekommendation']}: {self.sentence(question['wording'])}"
            )
            paragraph.add_run().add_break()
            cited = (
                f". {_first_upper(h['kalla'])}: {question['källa']}" if question["källa"] else ""
            )
            paragraph.add_run(
                f"{h['riktad_till']}: {', '.join(question['addressed_to'])}{cited}"
            ).italic = True
            self._observations(item)
            self._assessment(item)

    def _observations(self, item: dict) -> None:
        self.document.add_heading(self.h["iakttagelser"], level=3)
        for fact in item["observations"]:
            self._observation(fact)
        if not item["observations"]:
            self._paragraph(self.h["inga_iakttagelser"])

    def _assessment(self, item: dict) -> None:
        self.document.add_heading(self.h["bedomning"], level=3)
        self._grades(self._paragraph(), item)
        self._paragraph(item["question"]["reasoning"])
        if item["open_facts"]:
            self._paragraph().add_run(f"{self.h['saknade_uppgifter']}:").bold = True
            for title in item["open_facts"]:
                self._paragraph(_first_upper(title), style="List Bullet")

    def _references(self) -> None:
        self.document.add_heading(self.h["kallforteckning"], level=1)
        self._paragraph(self.h["kallforteckning_inledning"])
        for number, reference in enumerate(self.view["references"], 1):
            self._paragraph(f"{number}. {reference}", style="List")

    # --- pieces -----------------------------------------------------------------
    def _paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(style=style)
        if text:
            paragraph.add_run(text)
        return paragraph

    def _grades(self, paragraph, item: dict) -> None:
        for index, grade in enumerate(item["grades"]):
            if index:
                paragraph.add_run("–")
            _grade_run(paragraph, grade)
        if not item["decided"]:
            unknown = count_noun(
                len(item["question"]["open_facts"]),
                self.h["okand_uppgift"],
                self.h["okanda_uppgifter"],
            )
            paragraph.add_run(f" {self.h['beror_pa']} {unknown}")

    def _observation(self, fact: dict) -> None:
        paragraph = self._paragraph(style="List Bullet")
        paragraph.add_run(_first_upper(fact["title"])).bold = True
        paragraph.add_run(f": {fact['display']}")
        if fact.get("iakttagelse"):
            paragraph.add_run().add_break()
            paragraph.add_run(f"”{fact['iakttagelse']}”")
        if fact["källa"]:
            underlag = f" ({self.h['underlag']}: {fact['underlag']})" if fact["underlag"] else ""
            paragraph.add_run().add_break()
            paragraph.add_run(
                f"{_first_upper(self.h['kalla'])}: {fact['källa']}{underlag}"
            ).italic = True

    def _recommendation(self, recommendation: dict, style: str, number: int | None = None) -> None:
        prefix = f"{number}. " if number is not None else ""
        paragraph = self._paragraph(prefix + self.sentence(recommendation["text"]), style=style)
        paragraph.add_run().add_break()
        paragraph.add_run(
            f"{self.h['riktad_till']}: {', '.join(recommendation['addressed_to'])}"
            f" ({', '.join(recommendation['questions'])})"
        ).italic = True

    def _setup(self) -> None:
        from docx.shared import Mm

        document, r = self.document, self.result
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(_MARGIN_MM)
        section.top_margin = section.bottom_margin = Mm(_MARGIN_MM)
        section.footer.paragraphs[
            0
        ].text = f"{self.h['title']} · {self.h['regelversion']} {r['rules_version']}"
        for lang in document.styles.element.xpath("w:docDefaults//w:lang"):
            lang.set(_qualified("w:val"), _LANGUAGE)
        properties = document.core_properties
        # Word's core properties hold at most 255 characters each.
        properties.title = f"{self.h['title']}: {r['kommun']} – {r['audit']['title']}"[:255]
        properties.subject = f"{self.h['title']} · {self.h['regelversion']} {r['rules_version']}"
        properties.language = _LANGUAGE
        properties.author = properties.last_modified_by = "granska"
        properties.comments = ""
        # Dated by the case, not the clock, so the same case gives the same document.
        stamp = datetime.fromisoformat(r["granskningsdatum"]).replace(tzinfo=timezone.utc)
        properties.created = properties.modified = stamp
        properties.revision = 1


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


def _grade_run(paragraph, grade: dict) -> None:
    from docx.shared import RGBColor

    run = paragraph.add_run(f" {grade['label']} " if grade["colour"] else grade["label"])
    run.bold = True
    if grade["colour"]:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        run._r.get_or_add_rPr().insert_element_before(
            _shading(grade["colour"]), *_RUN_SHADING_SUCCESSORS
        )


def _shade_cell(cell, colour: str) -> None:
    cell._tc.get_or_add_tcPr().insert_element_before(_shading(colour), *_CELL_SHADING_SUCCESSORS)


def _repeat_as_header(row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
