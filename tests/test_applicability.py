"""Applicability: a criterion whose `applies_when` does not hold leaves the score, and the
report names it "ej tillämpligt" with the reason; bounds read the facts deciding it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from checker.cli import main
from checker.evaluation.evaluate import evaluate_case
from checker.language import verdicts
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import NOT_APPLICABLE, STATUSES, CaseFact

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"

# A question whose essential criterion concerns external providers: unmet, it gives Nej;
# inapplicable, it leaves the question to the criterion that is met.
OVERLAY = {
    "overlay.yaml": "uppdrag: Prov av tillämplighet\n",
    "audits/pwc.yaml": (
        "audit: pwc-arbetsmarknadsinsatser\n"
        "questions:\n"
        "  - id: RF5\n"
        "    text: Är ansvaret hos externa utförare reglerat?\n"
        "    criteria:\n"
        "      - {id: samverkan.externa-utforare, essential: true}\n"
        "      - {id: uppfoljning.externa-utforare, essential: true}\n"
        "      - {id: samverkan.forum}\n"
    ),
}


def _overlay(tmp_path: Path) -> Path:
    for name, text in OVERLAY.items():
        path = tmp_path / "overlay" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path / "overlay"


def _with(case, **values):
    facts = dict(case.facts)
    for fact_id, value in values.items():
        fact_id = fact_id.replace("__", ".")
        if value is None:
            facts.pop(fact_id, None)
        else:
            facts[fact_id] = CaseFact(fact_id, value, "", "styrdokument")
    return replace(case, facts=facts)


def _rf5(rules, case) -> dict:
    result = evaluate_case(rules, case)
    return next(q for q in result["questions"] if q["id"] == "RF5")


def test_only_inapplicable_failing_criteria_give_ja_and_are_named(tmp_path):
    rules = load_rules(ROOT / "rules", _overlay(tmp_path))
    case = load_case(HEBY, rules)
    none_external = _with(case, samverkan__externa_utforare=False, samverkan__externa_avtal=False)
    rf5 = _rf5(rules, none_external)
    statuses = {c["id"]: c["status"] for c in rf5["criteria"]}
    assert statuses == {
        "samverkan.externa-utforare": NOT_APPLICABLE,
        "uppfoljning.externa-utforare": NOT_APPLICABLE,
        "samverkan.forum": "uppfyllt",
    }
    assert rf5["verdict"] == "ja"
    inapplicable = next(c for c in rf5["criteria"] if c["id"] == "samverkan.externa-utforare")
    assert "externa utförare" in inapplicable["reasoning"]
    # The same failing facts where external providers exist: the object is unmet.
    some_external = _with(case, samverkan__externa_utforare=True, samverkan__externa_avtal=False)
    assert _rf5(rules, some_external)["verdict"] == "nej"


def test_the_report_names_inapplicable_criteria(tmp_path):
    overlay = _overlay(tmp_path)
    text = HEBY.read_text(encoding="utf-8").replace(
        "  samverkan.externa_utforare:\n    värde: ja",
        "  samverkan.externa_utforare:\n    värde: nej",
    )
    case = tmp_path / "heby.yaml"
    case.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(case), "--overlay", str(overlay)])
    assert result.exit_code == 0, result.output
    report = " ".join(result.output.split())
    assert "Ej tillämpligt, eftersom det som kriteriet förutsätter inte föreligger" in report


def test_an_unknown_applicability_fact_opens_the_verdict_and_is_asked_for(tmp_path):
    rules = load_rules(ROOT / "rules", _overlay(tmp_path))
    case = _with(
        load_case(HEBY, rules), samverkan__externa_utforare=None, samverkan__externa_avtal=False
    )
    rf5 = _rf5(rules, case)
    assert rf5["bounds"] == {"lowest": "nej", "highest": "ja"}
    assert "samverkan.externa_utforare" in rf5["open_facts"]
    externa = next(c for c in rf5["criteria"] if c["id"] == "samverkan.externa-utforare")
    assert externa["status"] is None
    assert "samverkan.externa_utforare" in externa["missing_facts"]


def test_an_inapplicable_item_leaves_the_score():
    policy = load_rules(ROOT / "rules").audits["pwc-arbetsmarknadsinsatser"].policy
    met = [verdicts.Item("uppfyllt", 1.0, True)]
    assert verdicts.grade(policy, [*met, verdicts.Item(NOT_APPLICABLE, 2.0, True)], STATUSES) == (
        verdicts.grade(policy, met, STATUSES)
    )
