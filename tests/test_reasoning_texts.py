"""Reasoning texts say only what the case says (docs/rule-format.md, "The test a
reasoning text must pass").

Every variant of every criterion is rendered through generated cases: each combination
of values (unknown included) of the facts the criterion reads, with documentary and
interview evidence. The texts must name no fact id and no enum id, and no two criteria
may share one. Detail about one kommun belongs in the case's `iakttagelse`: rendering
Heby's facts under Nyköping's name, without Heby's own words, must give no sentence that
says what happens instead ("…, utan …") and none of the seed reports' findings.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from checker import api
from checker.evaluation.evaluate import criterion_reasoning, parameters_for
from checker.files.strict_yaml import load_yaml
from checker.language import conditions
from checker.model import Case, CaseFact, Count, Namnd

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
AUDIT = "pwc-arbetsmarknadsinsatser"
DATE = date(2022, 12, 31)
CONTEXT = conditions.Context(DATE, date(2022, 1, 1), DATE)
NAMNDER = (Namnd("Socialnämnden", ("socialnamnd",)), Namnd("Kommunstyrelsen", ("arbetsmarknad",)))

# Findings of the seed reports' Iakttagelser (one kommun's detail): none may be in rules/.
SEED_PHRASES = {
    "heby-2022-pwc.txt": [
        "det sker muntligt mellan förvaltningarna",
        "har inte kunnat spåras",
        "blir mer lättillgängliga för medarbetarna",
        "vilka ej är politiskt antagna",
        "det som erbjuds i kommunal regi",
        "det framgår att genomförandeplan och närvarorapport ska finnas",
        "styrgrupp social hållbarhet",
        "har nyligen testat fia",
        "1:e socialsekreterare har systematiska ärendegenomgångar",
    ],
    "nykoping-2021-pwc.txt": [
        "vad som är vad i jobbtorg",
        "en lämplig dokumentationsplattform",
        "de hittills genomförda delutvärderingarna",
        "förmedlas dock en samstämmig bild",
        "utmaningar i att matcha individens behov",
        "fyller socialsekreteraren i en pappersblankett",
    ],
    "varberg-2013-kpmg.txt": [
        "av hög kvalitet rent tekniskt",
        "en handbok för ärendehandläggning är dock under framarbetande",
        "inte har viktiga förändringar aktuella",
        "ger risker att det prioriteras bort",
        "det finns tydliga prioriteringsrutiner",
    ],
}


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def _values(fact) -> list:
    if fact.type == "bool":
        return [True, False]
    if fact.type == "enum":
        return list(fact.values)
    if fact.type == "count":
        return [Count(0, 16), Count(6, 16), Count(12, 16), Count(14, 16), Count(16, 16)]
    if fact.type == "date":
        return [DATE - timedelta(days=days) for days in (30, 300, 600, 1200)]
    if fact.type in ("integer", "number", "percent"):
        return [1, 3, 20, 45, 90]
    return ["fri text"]


def _case(facts: dict[str, tuple]) -> Case:
    return Case(
        file="",
        kommun="Exempels kommun",
        period_from=date(2022, 1, 1),
        period_to=DATE,
        granskningsdatum=DATE,
        namnder=NAMNDER,
        audit=AUDIT,
        parameters={},
        facts={
            fact_id: CaseFact(fact_id, value, "", underlag)
            for fact_id, (value, underlag) in facts.items()
            if value is not None
        },
        not_assessed={},
    )


_RENDERED: dict[str, dict[str, dict[str, set[str]]]] = {}


def _rendered(rules) -> dict[str, dict[str, set[str]]]:
    """criterion -> status -> every text its generated cases render (once per rules)."""
    if rules.version not in _RENDERED:
        _RENDERED[rules.version] = _render_all(rules)
    return _RENDERED[rules.version]


def _render_all(rules) -> dict[str, dict[str, set[str]]]:
    parameters = parameters_for(rules, rules.audits[AUDIT], _case({}))
    texts: dict[str, dict[str, set[str]]] = {}
    for criterion in rules.criteria.values():
        uppfyllt = conditions.bind(criterion.uppfyllt, parameters)
        delvis = conditions.bind(criterion.delvis, parameters)
        read = sorted(conditions.facts_of(uppfyllt) | conditions.facts_of(delvis))
        choices = [
            [(None, "")]
            + [
                (value, underlag)
                for value in _values(rules.facts[fact_id])
                for underlag in ("styrdokument", "intervju")
            ]
            for fact_id in read
        ]
        found = texts.setdefault(criterion.id, {})
        for combination in itertools.product(*choices):
            facts = dict(zip(read, combination, strict=True))
            known = {key: pair for key, pair in facts.items() if pair[0] is not None}
            met = conditions.evaluate(uppfyllt, rules.facts, known, CONTEXT)
            partly = conditions.evaluate(delvis, rules.facts, known, CONTEXT)
            if met is True:
                status = "uppfyllt"
            elif met is False and partly is not None:
                status = "delvis" if partly else "ej_uppfyllt"
            else:
                continue
            text = criterion_reasoning(rules, _case(facts), criterion.id, status)
            found.setdefault(status, set()).add(text)
    return texts


def test_every_variant_is_reached(rules):
    unreached = [
        f"{criterion_id} ({status})"
        for criterion_id, criterion in rules.criteria.items()
        for status in criterion.reasoning
        if not _rendered(rules)[criterion_id].get(status)
    ]
    assert not unreached


def test_no_variant_names_an_id(rules):
    fact_ids = set(rules.facts) | set(rules.fact_aliases)
    leaks = []
    for criterion_id, statuses in _rendered(rules).items():
        criterion = rules.criteria[criterion_id]
        read = conditions.facts_of(criterion.uppfyllt) | conditions.facts_of(criterion.delvis)
        # An enum id is shown by its label; one that is not a word of its label is an id.
        enum_ids = {
            value
            for fact_id in read
            if rules.facts[fact_id].type == "enum"
            for value in rules.facts[fact_id].values
            if "_" in value or value not in rules.facts[fact_id].label(value)
        }
        for status, texts in statuses.items():
            for text in texts:
                words = set(re.findall(r"[\w.]+", text))
                named = (words & fact_ids) | (words & enum_ids)
                if named:
                    leaks.append(f"{criterion_id} ({status}): {sorted(named)} in {text!r}")
    assert not leaks


def test_no_two_criteria_share_a_variant(rules):
    owner: dict[str, str] = {}
    shared = []
    for criterion_id, statuses in _rendered(rules).items():
        for texts in statuses.values():
            for text in texts:
                if owner.setdefault(text, criterion_id) != criterion_id:
                    shared.append(f"{owner[text]} and {criterion_id}: {text!r}")
    assert not shared


def test_variants_are_subordinate_clauses(rules):
    wrong = [
        f"{criterion_id} ({status}): {text!r}"
        for criterion_id, statuses in _rendered(rules).items()
        for status, texts in statuses.items()
        for text in texts
        if not text or text[0].isupper() or text.endswith(".") or ", utan " in text
    ]
    assert not wrong


@pytest.mark.parametrize("seed", sorted(SEED_PHRASES))
def test_no_seed_finding_in_the_rules(seed):
    rules_text = _fold(
        " ".join(
            path.read_text(encoding="utf-8")
            for path in sorted((ROOT / "rules").rglob("*"))
            if path.is_file()
        )
    )
    seed_text = _fold((SEEDS / seed).read_text(encoding="utf-8"))
    for phrase in SEED_PHRASES[seed]:
        assert phrase in seed_text, f"{phrase!r} is not in {seed}"
        assert phrase not in rules_text, f"{phrase!r} from {seed} is in rules/"


def _heby_as_nykoping(tmp_path: Path, with_iakttagelser: bool) -> str:
    """Heby's facts under Nyköping's name and nämnder, rendered as Markdown."""
    case = load_yaml(ROOT / "examples" / "heby-2022.yaml")
    nykoping = load_yaml(ROOT / "tests" / "cases" / "nykoping-2021.yaml")
    facts = {}
    for fact_id, entry in case["facts"].items():
        if isinstance(entry, dict) and not with_iakttagelser:
            # the case's own words (its iakttagelse and källa) are not the rules' texts
            entry = {key: value for key, value in entry.items() if key == "värde"}
        facts[fact_id] = entry
    moved = {
        "kommun": nykoping["kommun"],
        "granskningsperiod": case["granskningsperiod"],
        "granskningsdatum": case["granskningsdatum"],
        "audit": case["audit"],
        "nämnder": nykoping["nämnder"],
        "facts": facts,
    }
    path = tmp_path / "heby-som-nykoping.json"
    path.write_text(json.dumps(moved, default=str, ensure_ascii=False))
    return api.render(api.check(path), "md")


def test_heby_facts_under_nykopings_name_say_only_what_the_facts_hold(tmp_path):
    report = _heby_as_nykoping(tmp_path, with_iakttagelser=False)
    assert "Nyköping" in report and "Heby" not in report.replace("Heby kommun", "")
    instead = [line for line in report.splitlines() if ", utan " in line]
    assert not instead
    folded = _fold(report)
    for phrases in SEED_PHRASES.values():
        for phrase in phrases:
            assert phrase not in folded


def test_case_detail_is_quoted_from_the_case_with_its_source(tmp_path):
    report = _heby_as_nykoping(tmp_path, with_iakttagelser=True)
    quoted = [line.strip() for line in report.splitlines() if "”Planen delas inte" in line]
    assert quoted and all("källa: Rapporten avsnitt Iakttagelser RF3" in line for line in quoted)
