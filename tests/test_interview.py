"""granska interview: unknown facts ranked by what their answers can decide."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bounds_oracle import SHIPPED, blank
from click.testing import CliRunner
from report_support import require_weasyprint

from checker.cli import main
from checker.interview import document_requests, interview, render_interview
from checker.loading.cases import load_case

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"


def _without(path: Path, facts: tuple[str, ...], tmp_path: Path) -> Path:
    """A copy of a case file with some facts' entries removed (block entries only)."""
    lines, skipping = [], False
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("  ") and not line.startswith("   "):
            skipping = line.strip().rstrip(":") in facts
        elif line[:1].isalpha():  # the next top-level key ends the fact being left out
            skipping = False
        if not skipping:
            lines.append(line)
    copy = tmp_path / path.name
    copy.write_text("".join(lines), encoding="utf-8")
    return copy


def _key(entry: dict) -> tuple:
    kinds = [w["kind"] for w in entry["why"]]
    return (
        kinds.count("avgör"),
        kinds.count("avgör") + kinds.count("kan_avgöra"),
        len(entry["why"]),
        len(entry["criteria"]),
    )


@pytest.mark.parametrize("audit_id", sorted(SHIPPED.audits))
def test_an_empty_case_ranks_every_fact_with_question_reason_and_recipient(audit_id):
    guide = interview(SHIPPED, blank("shipped", audit_id))
    facts = guide["facts"]
    assert facts and [entry["rank"] for entry in facts] == list(range(1, len(facts) + 1))
    assert [_key(entry) for entry in facts] == sorted((_key(e) for e in facts), reverse=True)
    for entry in facts:
        fact = SHIPPED.facts[entry["fact"]]
        assert entry["question"] == fact.question
        assert entry["recipient_label"] == SHIPPED.vocabulary.recipients[fact.recipient]
        assert entry["why"] or entry["criteria"]
    printed = [fact for group in guide["by_recipient"] for fact in group["facts"]]
    printed += guide["file_review"] + guide["from_documents"]
    assert sorted(printed) == sorted(entry["fact"] for entry in facts)
    numbers = {entry["fact"]: entry["number"] for entry in facts}
    assert [numbers[fact] for fact in printed] == list(range(1, len(printed) + 1))
    for group in guide["by_recipient"]:
        assert all(SHIPPED.facts[f].established_by == "intervju" for f in group["facts"])
    assert all(SHIPPED.facts[f].established_by == "aktgranskning" for f in guide["file_review"])
    assert all(SHIPPED.facts[f].documents for f in guide["from_documents"])


def test_a_fact_that_alone_decides_a_question_comes_first(tmp_path):
    path = _without(HEBY, ("uppfoljning.rutin_ame_arenden",), tmp_path)
    guide = interview(SHIPPED, load_case(path, SHIPPED))
    first = guide["facts"][0]
    assert first["fact"] == "uppfoljning.rutin_ame_arenden"
    assert first["why"][0]["kind"] == "avgör" and first["why"][0]["question"] == "RF3"
    text = render_interview(guide, "text")
    assert "avgör RF3 mellan Delvis och Ja" in text
    documents = text.split(SHIPPED.vocabulary.headings["dokument_del"])[1]
    assert ". Rutin för uppföljning av ärenden anvisade" in documents


def test_an_irrelevant_fact_is_not_asked(tmp_path):
    path = tmp_path / "utan-riktlinjer.yaml"
    path.write_text(
        HEBY.read_text(encoding="utf-8").replace(
            "  riktlinjer.finns:\n    värde: ja", "  riktlinjer.finns:\n    värde: nej"
        ),
        encoding="utf-8",
    )
    guide = interview(SHIPPED, load_case(path, SHIPPED))
    asked = {entry["fact"] for entry in guide["facts"]} | {
        entry["fact"] for entry in guide["not_affecting"]
    }
    assert "riktlinjer.beslutsdatum" not in asked


def test_markdown_is_a_printable_guide_by_recipient(tmp_path):
    path = _without(HEBY, ("uppfoljning.rutin_ame_arenden", "samverkan.forum"), tmp_path)
    output = tmp_path / "guide.md"
    outcome = CliRunner().invoke(main, ["interview", str(path), "-o", str(output)])
    assert outcome.exit_code == 0, outcome.output
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Intervjuguide: ")
    assert "förbedömning" in text and "Regelversion" in text
    assert "## Fråga till enhetschef och förste socialsekreterare" in text
    assert "## Att belägga med dokument" in text
    assert text.count("**Anteckningar:**") == len(
        interview(SHIPPED, load_case(path, SHIPPED))["facts"]
    )


def test_json_output_and_a_case_with_nothing_left_to_ask():
    outcome = CliRunner().invoke(main, ["interview", str(HEBY), "--format", "json"])
    assert outcome.exit_code == 0, outcome.output
    assert '"facts"' in outcome.output and '"rules_version"' in outcome.output
    complete = ROOT / "examples" / "snabbkontroll-2024.yaml"
    assert not interview(SHIPPED, load_case(complete, SHIPPED))["facts"]
    outcome = CliRunner().invoke(main, ["interview", str(complete)])
    assert outcome.exit_code == 0 and SHIPPED.vocabulary.headings["inga_okanda"] in outcome.output


def test_the_document_list_refuses_a_page_format(tmp_path):
    outcome = CliRunner().invoke(main, ["documents", str(HEBY), "-o", str(tmp_path / "list.pdf")])
    assert outcome.exit_code == 2 and "document lists are" in outcome.output


def _half_of_heby(tmp_path: Path) -> Path:
    """Heby's case with every other fact left out, as an auditor gets it before interviews."""
    lines = HEBY.read_text(encoding="utf-8").splitlines()
    start = lines.index("facts:") + 1
    end = next(i for i in range(start, len(lines)) if lines[i][:1].isalpha())
    facts = lines[start:end]
    stated = [
        line.strip().rstrip(":")
        for line in facts
        if line.startswith("  ") and not line.startswith("   ") and line.strip().endswith(":")
    ]
    return _without(HEBY, tuple(stated[1::2]), tmp_path)


def _paragraph_texts(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return cells + [paragraph.text for paragraph in document.paragraphs]


def test_the_guide_as_a_word_document(tmp_path):
    case = _half_of_heby(tmp_path)
    output = tmp_path / "guide.docx"
    outcome = CliRunner().invoke(main, ["interview", str(case), "-o", str(output)])
    assert outcome.exit_code == 0, outcome.output
    texts = _paragraph_texts(output)
    h = SHIPPED.vocabulary.headings
    for field in (h["kommun"], h["intervjuad_funktion"], h["intervjudatum"], h["intervjuare"]):
        assert field in texts
    assert "Heby kommun" in texts
    guide = interview(SHIPPED, load_case(case, SHIPPED))
    groups = [f"{h['fraga_till']} {group['label']}" for group in guide["by_recipient"]]
    assert groups and all(group in texts for group in groups)
    numbered = [text for text in texts if text[:1].isdigit() and ". " in text[:5]]
    assert numbered[0].startswith("1. ")
    assert any(text.startswith("☐ ") for text in texts)
    assert h["att_verifiera"] in texts
    assert not any("riktlinjer.finns" in text for text in texts)


def test_every_format_of_the_guide_carries_the_same_questions(tmp_path):
    case = _half_of_heby(tmp_path)
    guide = interview(SHIPPED, load_case(case, SHIPPED))
    questions = [entry["question"] for entry in guide["facts"]]
    markdown = render_interview(guide, "md")
    text = " ".join(render_interview(guide, "text").split())
    html = render_interview(guide, "html")
    for question in questions:
        assert question in markdown and " ".join(question.split()) in text
        assert question.replace('"', "&#34;") in html or question in html
    for heading in ("att_verifiera", "dokumentforteckning", "dokument_del"):
        title = SHIPPED.vocabulary.headings[heading]
        assert title in markdown and title in text and title in html
    assert render_interview(guide, "docx") == render_interview(guide, "docx")


def test_the_guide_as_a_pdf(tmp_path):
    require_weasyprint()
    pdfium = pytest.importorskip("pypdfium2")
    guide = interview(SHIPPED, load_case(_half_of_heby(tmp_path), SHIPPED))
    document = pdfium.PdfDocument(render_interview(guide, "pdf"))
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert SHIPPED.vocabulary.headings["intervjuguide"] in text and "☐" in text


def _heby_without_facts(tmp_path: Path) -> Path:
    """Heby's case header with no facts stated: what an auditor starts from."""
    text = HEBY.read_text(encoding="utf-8")
    empty = tmp_path / "heby-tom.yaml"
    empty.write_text(text[: text.index("\nfacts:")] + "\nfacts: {}\n", encoding="utf-8")
    return empty


def test_the_document_list_of_an_empty_case_names_every_kind_of_document(tmp_path):
    outcome = CliRunner().invoke(
        main, ["documents", str(_heby_without_facts(tmp_path)), "--format", "json"]
    )
    assert outcome.exit_code == 0, outcome.output
    documents = json.loads(outcome.output)["documents"]
    names = [document["name"] for document in documents]
    assert len(set(names)) == len(names) >= 12
    assert names == [n for n in SHIPPED.vocabulary.documents.values() if n in names]
    full = document_requests(SHIPPED, load_case(HEBY, SHIPPED))["documents"]
    assert 0 < len(full) < len(documents)


def test_the_document_list_says_what_each_document_should_show(tmp_path):
    outcome = CliRunner().invoke(main, ["documents", str(_heby_without_facts(tmp_path))])
    assert outcome.exit_code == 0, outcome.output
    assert "1. Nämndernas reglementen" in outcome.output
    assert "- riktlinjer för ekonomiskt bistånd" in outcome.output
    assert "riktlinjer.finns" not in outcome.output
    markdown = tmp_path / "dokument.md"
    outcome = CliRunner().invoke(main, ["documents", str(HEBY), "-o", str(markdown)])
    assert outcome.exit_code == 0 and markdown.read_text().startswith("# Dokumentförteckning: ")


def test_facts_resting_on_an_interview_are_listed_to_verify():
    guide = interview(SHIPPED, load_case(HEBY, SHIPPED))
    case = load_case(HEBY, SHIPPED)
    listed = {entry["fact"] for entry in guide["to_verify"]}
    assert listed and all(
        case.facts[fact].underlag not in SHIPPED.vocabulary.documentary_underlag for fact in listed
    )
    assert "samverkan.forum" in listed  # stated from interviews in Heby's case
    assert SHIPPED.vocabulary.headings["att_verifiera"] in render_interview(guide, "md")
