"""A fact type is one registry entry: a new one, registered here as a fixture, works
through the whole pipeline (load, evaluate, bounds, JSON Schema, show, answers, writing)
without any other change to granska."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from checker.casefiles.answers import parse_answer
from checker.casefiles.drafts import Answer, fact_entry
from checker.casefiles.json_schema import case_schema
from checker.casefiles.random_cases import random_case
from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.interview import interview
from checker.language import facttypes
from checker.language.facttypes import NumberType, to_json
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.output.formats import RENDERERS

ROOT = Path(__file__).resolve().parent.parent
FACT = "rutiner.avvikelser_promille"
CRITERION = "rutiner.fa-avvikelser"
AUDIT = "styrdokument-snabbkontroll"

PERMILLE = NumberType(
    "permille",
    limits=(0, 1000),
    unit="\u00a0‰",
    range_noun="a share in per mille",
    typed_unit="‰",
)


@pytest.fixture
def rules(tmp_path, monkeypatch):
    """The shipped rules with a per-mille fact read by a new criterion of question S2."""
    monkeypatch.setitem(facttypes.FACT_TYPES, "permille", PERMILLE)
    directory = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", directory)
    with (directory / "facts" / "rutiner.yaml").open("a", encoding="utf-8") as facts:
        facts.write(
            f"  {FACT}:\n"
            "    type: permille\n"
            "    title: andelen beslut med avvikelser från rutinen\n"
            "    question: Hur många beslut per tusen avviker från rutinen?\n"
            "    recipient: socialsekreterare\n"
            "    established_by: aktgranskning\n"
            "    better: lower\n"
        )
    with (directory / "criteria" / "rutiner.yaml").open("a", encoding="utf-8") as criteria:
        criteria.write(
            f"  {CRITERION}:\n"
            "    title: Få beslut avviker från rutinen\n"
            "    basis: [sosfs.processer-och-rutiner]\n"
            "    concerns: [socialnamnd]\n"
            f"    uppfyllt: {{fact: {FACT}, at_most: 20}}\n"
            f"    delvis: {{fact: {FACT}, at_most: 100}}\n"
            "    reasoning:\n"
            f"      uppfyllt: \"{{{{ v('{FACT}') }}}} av besluten avviker från rutinen\"\n"
            f"      delvis: \"{{{{ v('{FACT}') }}}} av besluten avviker från rutinen\"\n"
            f"      ej_uppfyllt: \"{{{{ v('{FACT}') }}}} av besluten avviker från rutinen\"\n"
        )
    audit = directory / "audits" / f"{AUDIT}.yaml"
    text = audit.read_text(encoding="utf-8")
    anchor = "      - {id: delegation.aterrapportering}\n"
    assert anchor in text
    audit.write_text(text.replace(anchor, anchor + f"      - {{id: {CRITERION}}}\n"), "utf-8")
    return load_rules(directory)


def _case(tmp_path: Path, rules, value: str | None):
    text = (ROOT / "examples" / "snabbkontroll-2024.yaml").read_text(encoding="utf-8")
    text = text.split("förväntat:")[0]
    if value is not None:
        text = text.replace("facts:\n", f"facts:\n  {FACT}: {value}\n")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return load_case(path, rules)


def _criterion(result: dict) -> dict:
    return next(
        criterion
        for question in result["questions"]
        for criterion in question["criteria"]
        if criterion["id"] == CRITERION
    )


def test_a_case_reads_and_refuses_values_of_the_new_type(rules, tmp_path):
    assert _case(tmp_path, rules, "35.5").facts[FACT].value == 35.5
    with pytest.raises(GranskaError, match="a share in per mille from 0 to 1000"):
        _case(tmp_path, rules, "1200")
    with pytest.raises(GranskaError, match="is a number"):
        _case(tmp_path, rules, "många")


@pytest.mark.parametrize(
    ("value", "status"), [("15", "uppfyllt"), ("60", "delvis"), ("400", "ej_uppfyllt")]
)
def test_the_new_type_is_evaluated_and_shown(rules, tmp_path, value, status):
    result = evaluate_case(rules, _case(tmp_path, rules, value))
    criterion = _criterion(result)
    assert criterion["status"] == status
    shown = next(fact for fact in criterion["facts"] if fact["id"] == FACT)
    assert (shown["value"], shown["display"]) == (int(value), f"{value}\u00a0‰")
    assert f"{value} ‰ av besluten avviker" in " ".join(criterion["reasoning"].split())
    assert f"{value} ‰ av besluten avviker" in " ".join(RENDERERS["text"](result).split())


def test_the_bounds_range_over_the_new_types_classes(rules, tmp_path):
    case = _case(tmp_path, rules, None)
    criterion = _criterion(evaluate_case(rules, case))
    assert criterion["status"] is None
    assert criterion["status_range"] == {"lowest": "ej_uppfyllt", "highest": "uppfyllt"}
    guide = interview(rules, case)
    assert FACT in [entry["fact"] for entry in guide["facts"]]


def test_the_json_schema_states_the_new_types_range(rules):
    schema = case_schema(rules, AUDIT)
    text = json.dumps(schema, ensure_ascii=False)
    assert '"type": "number", "minimum": 0, "maximum": 1000' in text


def test_answers_writing_and_random_values_come_from_the_entry(rules):
    fact = rules.facts[FACT]
    assert parse_answer("35,5 ‰", fact) == 35.5
    assert parse_answer("vet ej", fact) is None
    with pytest.raises(GranskaError):
        parse_answer("1001", fact)
    assert fact_entry(Answer(35.5), fact) == "35.5"
    assert to_json(35.5, fact) == 35.5
    case = random_case(rules, AUDIT, random.Random(1))
    assert 0 <= case.facts[FACT].value <= 1000
