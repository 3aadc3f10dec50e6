"""Follow-up audits: earlier recommendations graded on their own scale, and
`granska followup`, which starts a follow-up case from an earlier result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from checker.cli import main
from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.strict_yaml import load_yaml
from checker.loading.cases import load_case
from checker.output.formats import RENDERERS
from checker.regression.expected import compare

ROOT = Path(__file__).resolve().parent.parent
LUND = ROOT / "tests" / "cases" / "lund-2021.yaml"
HEBY = ROOT / "examples" / "heby-2022.yaml"
AUDIT = "uppfoljning-sjalvforsorjning"


def _run(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _write_case(
    tmp_path: Path, uppfoljning: list, facts: dict | None = None, audit: str = AUDIT, **extra
) -> Path:
    data = {
        "kommun": "Provkommun",
        "granskningsperiod": {"från": "2024-01-01", "till": "2024-12-31"},
        "granskningsdatum": "2024-12-31",
        "audit": audit,
        "nämnder": [{"namn": "Socialnämnden", "roller": ["socialnamnd", "arbetsmarknad"]}],
        "uppföljning": uppfoljning,
        "facts": facts or {},
        **extra,
    }
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _result(rules, path: Path) -> dict:
    return evaluate_case(rules, load_case(path, rules))


# --- the format: cases, evaluation, the JSON contract ---------------------------------
def test_lund_follow_up_grades_and_only_the_two_new_recommendations(rules):
    result = _result(rules, LUND)
    grades = {item["id"]: item["verdict"] for item in result["followup"]}
    assert grades == {"U1": "delvis_atgardad", "U2": "atgardad"}
    assert [rec["id"] for rec in result["recommendations"]] == [
        "rek.rutiner-datum-ansvarig",
        "rek.samlad-malbild",
    ]
    first = result["followup"][0]
    assert first["recommendation"] == "rek.samverkan-mal-uppfoljning"
    assert first["wording"].startswith("att stärka sin styrning och uppföljning av samverkan")
    assert first["text"].startswith(
        "Har socialnämnden vidtagit åtgärder utifrån rekommendationen att stärka"
    )
    assert first["addressed_to"] == ["Socialnämnden"]
    assert result["audit"]["followup"]["scale"][0] == {
        "id": "atgardad",
        "label": "Åtgärdad",
        "colour": "#1b7a3a",
    }


@pytest.mark.parametrize(
    ("value", "grade"), [("ja", "atgardad"), ("delvis", "delvis_atgardad"), ("nej", "ej_atgardad")]
)
def test_a_followed_up_recommendation_is_graded_by_its_criteria(rules, tmp_path, value, grade):
    path = _write_case(
        tmp_path,
        [
            {
                "id": "T1",
                "text": "att följa upp samverkan",
                "kriterier": ["samverkansstyrning.uppfoljning"],
            }
        ],
        {"samverkansstyrning.uppfoljning": value},
    )
    item = _result(rules, path)["followup"][0]
    assert (item["verdict"], item["decided"]) == (grade, True)


def test_unknown_facts_leave_a_follow_up_grade_open(rules, tmp_path):
    path = _write_case(
        tmp_path,
        [
            {
                "id": "T1",
                "text": "att följa upp samverkan",
                "kriterier": ["samverkansstyrning.uppfoljning"],
            }
        ],
    )
    item = _result(rules, path)["followup"][0]
    assert (item["verdict"], item["decided"]) == ("ej_atgardad", False)  # on the evidence
    assert item["bounds"] == {"lowest": "ej_atgardad", "highest": "atgardad"}
    assert item["open_facts"] == ["samverkansstyrning.uppfoljning"]


def test_by_default_the_criteria_carrying_the_recommendation_judge_it(rules, tmp_path):
    path = _write_case(
        tmp_path,
        [
            {
                "id": "T1",
                "text": "att följa upp insatserna",
                "rekommendation": "rek.insatser-foljs-upp",
            }
        ],
    )
    item = _result(rules, path)["followup"][0]
    carriers = [
        c.id for c in rules.criteria.values() if c.recommendation == "rek.insatser-foljs-upp"
    ]
    assert len(carriers) > 1
    assert [c["id"] for c in item["criteria"]] == carriers


def test_criteria_only_in_the_follow_up_are_evaluated_and_cited(rules, tmp_path):
    path = _write_case(
        tmp_path,
        [{"id": "T1", "text": "att anta riktlinjer", "kriterier": ["riktlinjer.aktuella"]}],
        {"riktlinjer.beslutsdatum": "2024-03-01"},
    )
    result = _result(rules, path)
    assert result["followup"][0]["verdict"] == "atgardad"
    assert "riktlinjer_revidering_ar" in result["parameters"]
    assert any(
        source["version"] == "god-praxis" and source["ref"].startswith("om aktuella styrdokument")
        for source in result["sources"]
    )


def test_a_result_without_follow_up_is_unchanged_but_for_the_empty_list(rules):
    result = _result(rules, HEBY)
    assert result["followup"] == [] and result["audit"]["followup"] is None
    assert [q["verdict"] for q in result["questions"]] == ["delvis", "ja", "delvis", "delvis"]
    for name in ("text", "md"):
        assert "Uppföljning av tidigare rekommendationer" not in RENDERERS[name](result)


def test_the_rule_listing_shows_the_follow_up_scale():
    listing = _run("rules", "--audit", AUDIT).output
    assert "  followup: Åtgärdad / Delvis åtgärdad / Ej åtgärdad\n" in listing
    assert "followup:" not in _run("rules", "--audit", "pwc-arbetsmarknadsinsatser").output


@pytest.mark.parametrize("name", ["text", "md"])
def test_text_and_markdown_show_the_follow_up(rules, name):
    output = RENDERERS[name](_result(rules, LUND))
    assert "Uppföljning av tidigare rekommendationer" in output
    assert "Delvis åtgärdad" in output and "Åtgärdad" in output
    assert "2018 års granskning om samverkan" in output


def test_an_expected_follow_up_grade_is_compared(rules, tmp_path):
    path = _write_case(
        tmp_path,
        [
            {
                "id": "T1",
                "text": "att följa upp samverkan",
                "kriterier": ["samverkansstyrning.uppfoljning"],
            }
        ],
        {"samverkansstyrning.uppfoljning": "delvis"},
        förväntat={"uppföljning": {"T1": "atgardad"}},
    )
    case = load_case(path, rules)
    (check,) = compare(case, evaluate_case(rules, case))
    assert (check.subject, check.expected, check.actual, check.passed) == (
        "uppföljning T1",
        "atgardad",
        "delvis_atgardad",
        False,
    )
    assert "samverkansstyrning.uppfoljning: delvis" in check.grounds


_HEADER = """kommun: Provkommun
granskningsperiod: {från: 2024-01-01, till: 2024-12-31}
granskningsdatum: 2024-12-31
nämnder: [{namn: Socialnämnden, roller: [socialnamnd]}]
"""


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "audit: pwc-arbetsmarknadsinsatser\n"
            "uppföljning:\n"
            "  - {id: T1, text: att x, kriterier: [mal.behovsanalys]}\n",
            6,
            "has no `followup:` section",
        ),
        (
            f"audit: {AUDIT}\n"
            "uppföljning:\n"
            "  - {id: T1, text: att x, rekommendation: rek.samlad-malbil}\n",
            7,
            "unknown recommendation 'rek.samlad-malbil' (did you mean 'rek.samlad-malbild'?)",
        ),
        (
            f"audit: {AUDIT}\nuppföljning:\n  - {{id: T1, text: att x}}\n",
            7,
            "names its `rekommendation` id",
        ),
        (
            f"audit: {AUDIT}\n"
            "uppföljning:\n"
            "  - {id: T1, text: att x, kriterier: [mal.behovsanalys]}\n"
            "  - {id: T1, text: att y, kriterier: [mal.behovsanalys]}\n",
            8,
            "expected a new id",
        ),
        (
            f"audit: {AUDIT}\n"
            "uppföljning:\n"
            "  - id: T1\n"
            "    text: att x\n"
            "    kriterier: [mal.behovsanalyz]\n",
            9,
            "unknown criterion 'mal.behovsanalyz'",
        ),
        (
            f"audit: {AUDIT}\n"
            "uppföljning:\n"
            "  - {id: T1, text: att x, kriterier: [mal.behovsanalys]}\n"
            "ej_granskat: {mal.behovsanalys: ingår inte}\n",
            7,
            "nothing is left to judge",
        ),
    ],
)
def test_bad_follow_up_items_give_one_located_error(tmp_path, body, line, message):
    path = tmp_path / "case.yaml"
    path.write_text(_HEADER + body, encoding="utf-8")
    result = _run("check", path)
    assert result.exit_code == 2, result.output
    assert f"case.yaml:{line}:" in result.output
    assert message in result.output
    assert result.output.count("\n") == 1


# --- granska followup -------------------------------------------------------------------
@pytest.fixture()
def heby_result(tmp_path) -> Path:
    path = tmp_path / "heby.json"
    assert _run("check", HEBY, "--format", "json", "-o", path).exit_code == 0
    return path


def test_followup_starts_a_case_from_the_earlier_recommendations(rules, tmp_path, heby_result):
    output = tmp_path / "uppfoljning.yaml"
    run = _run("followup", heby_result, "-o", output, "--datum", "2024-05-02")
    assert run.exit_code == 0, run.output
    earlier = json.loads(heby_result.read_text(encoding="utf-8"))
    case = load_case(output, rules)
    assert (
        case.audit,
        case.kommun,
        case.period_from.isoformat(),
        case.granskningsdatum.isoformat(),
    ) == (AUDIT, "Heby kommun", "2022-12-22", "2024-05-02")
    assert [(n.name, n.roles) for n in case.namnder] == [
        ("Vård- och omsorgsnämnden", ("socialnamnd",)),
        ("Kommunstyrelsen", ("arbetsmarknad",)),
    ]
    assert [item.recommendation for item in case.followup] == [
        rec["id"] for rec in earlier["recommendations"]
    ]
    assert [item.text for item in case.followup] == [
        rec["text"] for rec in earlier["recommendations"]
    ]
    assert [[spec.criterion for spec in item.criteria] for item in case.followup] == [
        rec["criteria"] for rec in earlier["recommendations"]
    ]
    assert case.facts == {}
    text = output.read_text(encoding="utf-8")
    for item in case.followup:
        for spec in item.criteria:
            for fact_id in sorted(_facts_read(rules, spec.criterion)):
                assert f"#  {fact_id}:" in text
    result = evaluate_case(rules, case)
    assert not any(item["decided"] for item in result["followup"])
    assert all(item["verdict"] == item["bounds"]["lowest"] for item in result["followup"])


def _facts_read(rules, criterion_id: str) -> set[str]:
    from checker.language.conditions import facts_of

    criterion = rules.criteria[criterion_id]
    return set(facts_of(criterion.uppfyllt) | facts_of(criterion.delvis))


def test_a_started_case_with_every_listed_fact_at_its_best_is_all_atgardad(
    rules, tmp_path, heby_result
):
    output = tmp_path / "uppfoljning.yaml"
    assert _run("followup", heby_result, "-o", output, "--datum", "2024-05-02").exit_code == 0
    text = output.read_text(encoding="utf-8")
    listed = [
        line.split(":")[0].strip("# ")
        for line in text.splitlines()
        if line.startswith("#  ") and ":" in line
    ]
    best = {}
    for fact_id in listed:
        fact = rules.facts[fact_id]
        value = fact.better if fact.type == "bool" else fact.better[-1]
        best[fact_id] = {"värde": value, "källa": "test", "underlag": "styrdokument"}
    filled = text.replace("facts: {}", "facts: " + json.dumps(best, ensure_ascii=False))
    output.write_text(filled, encoding="utf-8")
    result = _result(rules, output)
    assert {item["verdict"] for item in result["followup"]} == {"atgardad"}


def test_followup_without_datum_leaves_the_dates_to_fill_in(rules, tmp_path, heby_result):
    output = tmp_path / "uppfoljning.yaml"
    assert _run("followup", heby_result, "-o", output).exit_code == 0
    assert load_yaml(output)["granskningsdatum"] == "ÅÅÅÅ-MM-DD"
    with pytest.raises(GranskaError, match="expected a date YYYY-MM-DD"):
        load_case(output, rules)


def test_followup_is_deterministic(tmp_path, heby_result):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        assert _run("followup", heby_result, "-o", path, "--datum", "2024-05-02").exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_followup_refuses_to_overwrite_without_force(tmp_path, heby_result):
    output = tmp_path / "uppfoljning.yaml"
    output.write_text("mitt arbete\n", encoding="utf-8")
    run = _run("followup", heby_result, "-o", output)
    assert run.exit_code == 2
    assert "the file exists" in run.output
    assert output.read_text(encoding="utf-8") == "mitt arbete\n"
    assert _run("followup", heby_result, "-o", output, "--force").exit_code == 0


def test_followup_of_a_case_file_is_not_a_result(tmp_path):
    output = tmp_path / "uppfoljning.yaml"
    run = _run("followup", HEBY, "-o", output)
    assert run.exit_code == 2
    assert "heby-2022.yaml:1: not a granska result" in run.output
    assert not output.exists()


@pytest.mark.parametrize(
    ("audit", "message"),
    [
        (
            "uppfoljning-sjalvforsorjnin",
            "unknown audit 'uppfoljning-sjalvforsorjnin' (did you "
            "mean 'uppfoljning-sjalvforsorjning'?)",
        ),
        ("pwc-arbetsmarknadsinsatser", "is not a follow-up template"),
    ],
)
def test_followup_with_an_unusable_audit(tmp_path, heby_result, audit, message):
    output = tmp_path / "uppfoljning.yaml"
    run = _run("followup", heby_result, "-o", output, "--audit", audit)
    assert run.exit_code == 2
    assert message in run.output
    assert "Traceback" not in run.output
    assert not output.exists()


def test_followup_datum_must_come_after_the_earlier_audit(tmp_path, heby_result):
    run = _run("followup", heby_result, "-o", tmp_path / "u.yaml", "--datum", "2022-01-01")
    assert run.exit_code == 2
    assert "is not after the earlier granskningsdatum 2022-12-22" in run.output


def test_followup_names_the_line_of_a_recommendation_the_rules_lack(tmp_path, heby_result):
    data = json.loads(heby_result.read_text(encoding="utf-8"))
    data["recommendations"][1]["id"] = "rek.finns-inte"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    line = next(
        number
        for number, text in enumerate(edited.read_text(encoding="utf-8").splitlines(), start=1)
        if "rek.finns-inte" in text
    )
    run = _run("followup", edited, "-o", tmp_path / "u.yaml")
    assert run.exit_code == 2
    assert (
        f"edited.json:{line}: recommendations[1].id: recommendation 'rek.finns-inte' is "
        f"not in the rule catalogue" in run.output
    )
    assert not (tmp_path / "u.yaml").exists()
