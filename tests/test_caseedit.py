"""Round-trip editing of case files: comments, order and layout survive every change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checker.casefiles.edit import set_facts
from checker.loading.cases import load_case
from checker.model import CaseFact, Count

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_a_file_without_changes_comes_back_byte_for_byte(path):
    text = path.read_text(encoding="utf-8")
    assert set_facts(text, {}, []) == text


def test_a_change_keeps_the_comments_and_the_other_lines():
    path = ROOT / "examples" / "heby-2022.yaml"
    text = path.read_text(encoding="utf-8")
    changed = set_facts(text, {"riktlinjer.finns": CaseFact("riktlinjer.finns", False)}, [])
    old, new = text.splitlines(), changed.splitlines()
    assert [line for line in old if line.lstrip().startswith("#")] == [
        line for line in new if line.lstrip().startswith("#")
    ]
    assert len(old) - len(new) == 3  # the block entry became one line
    assert "  riktlinjer.finns: nej" in new


def test_removing_a_fact_keeps_the_section_comment_after_it():
    text = "facts:\n  a.x: ja  # om a\n\n  # --- avsnitt två ---\n  b.y: 3\n"
    assert set_facts(text, {"a.x": None}, []) == "facts:\n\n  # --- avsnitt två ---\n  b.y: 3\n"


def test_a_new_fact_goes_in_catalogue_order_and_in_the_file_style():
    text = 'kommun: X\nfacts:\n  a.x: {värde: ja, källa: "s. 1"}\n  c.z: 2\n'
    changed = set_facts(
        text,
        {"b.y": CaseFact("b.y", date(2021, 10, 20), "Protokoll, § 3", "protokoll")},
        ["a.x", "b.y", "c.z"],
    )
    assert changed == (
        'kommun: X\nfacts:\n  a.x: {värde: ja, källa: "s. 1"}\n'
        '  b.y: {värde: 2021-10-20, källa: "Protokoll, § 3", '
        "underlag: protokoll}\n  c.z: 2\n"
    )


def test_an_empty_facts_mapping_becomes_a_block(tmp_path):
    changed = set_facts("kommun: X\nfacts: {}\n", {"a.x": CaseFact("a.x", None)}, [])
    assert changed == "kommun: X\nfacts:\n  a.x: vet ej\n"


def test_every_value_reads_back_as_written(tmp_path, rules):
    values = {
        "riktlinjer.finns": True,
        "riktlinjer.beslutsdatum": date(2024, 2, 29),
        "riktlinjer.sjalvforsorjning": "delvis",
        "riktlinjer.antagna_av_namnd": None,
    }
    count = next(f.id for f in rules.facts.values() if f.type == "count")
    integer = next(f.id for f in rules.facts.values() if f.type == "integer")
    values.update({count: Count(9, 16), integer: 3})
    text = (ROOT / "examples" / "snabbkontroll-2024.yaml").read_text(encoding="utf-8")
    changes = {
        fact_id: CaseFact(fact_id, value, 'Källa: "citat" # inte kommentar', "")
        for fact_id, value in values.items()
    }
    path = tmp_path / "case.yaml"
    path.write_text(set_facts(text, changes, list(rules.facts)), encoding="utf-8")
    case = load_case(path, rules)
    for fact_id, value in values.items():
        assert case.facts[fact_id].value == value
        assert case.facts[fact_id].källa == 'Källa: "citat" # inte kommentar'
