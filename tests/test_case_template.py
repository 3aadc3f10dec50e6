"""`granska template` (a blank case file) and `granska schema` (a JSON Schema of cases)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from checker.casefiles.drafts import blank_case
from checker.casefiles.fact_order import audit_facts
from checker.casefiles.json_schema import case_schema
from checker.cli import main
from checker.errors import GranskaError
from checker.files.strict_yaml import load_yaml
from checker.loading.cases import load_case

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/cases/*.yaml")])


def _comments(content: str) -> str:
    return " ".join(
        line.strip().lstrip("#").strip()
        for line in content.splitlines()
        if line.strip().startswith("#")
    )


def test_every_audit_gets_a_blank_case_that_loads_with_every_fact_unknown(rules, tmp_path):
    for audit_id, audit in rules.audits.items():
        path = tmp_path / f"{audit_id}.yaml"
        result = CliRunner().invoke(
            main, ["template", "--audit", audit_id, "-o", str(path), "--year", "2024"]
        )
        assert result.exit_code == 0, result.output
        case = load_case(path, rules)
        assert list(case.facts) == audit_facts(rules, audit)
        assert all(fact.value is None for fact in case.facts.values())
        assert case.period_from.isoformat() == "2024-01-01"
        assert {role for namnd in case.namnder for role in namnd.roles} == {
            role.id for role in audit.roles
        }
        comments = " ".join(_comments(path.read_text(encoding="utf-8")).split())
        for fact_id in case.facts:
            assert " ".join(rules.facts[fact_id].question.split()) in comments, fact_id


def test_the_template_is_the_same_on_the_terminal_and_in_the_file(tmp_path):
    path = tmp_path / "fall.yaml"
    arguments = [
        "template",
        "--audit",
        "pwc-arbetsmarknadsinsatser",
        "--year",
        "2023",
        "--kommun",
        "Exempelby kommun",
        "--schema",
        "granska-schema.json",
    ]
    printed = CliRunner().invoke(main, arguments)
    written = CliRunner().invoke(main, [*arguments, "-o", str(path)])
    assert printed.exit_code == written.exit_code == 0
    assert printed.output == path.read_text(encoding="utf-8")
    assert printed.output.splitlines()[0] == "# yaml-language-server: $schema=granska-schema.json"
    assert "kommun: Exempelby kommun" in printed.output


def test_the_template_does_not_overwrite_a_file(tmp_path):
    path = tmp_path / "fall.yaml"
    path.write_text("mitt arbete\n", encoding="utf-8")
    arguments = ["template", "--audit", "pwc-arbetsmarknadsinsatser", "-o", str(path)]
    refused = CliRunner().invoke(main, arguments)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert path.read_text(encoding="utf-8") == "mitt arbete\n"
    assert CliRunner().invoke(main, [*arguments, "--force"]).exit_code == 0


def test_an_unknown_audit_is_an_error():
    result = CliRunner().invoke(main, ["template", "--audit", "pwc-arbetsmarknad"])
    assert result.exit_code == 2 and "did you mean 'pwc-arbetsmarknadsinsatser'" in result.output


# --- the JSON Schema ---------------------------------------------------------------
@pytest.fixture(scope="module")
def schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    Draft202012Validator.check_schema(document)
    return document


def _errors(schema: dict, instance) -> list[str]:
    return [error.message for error in Draft202012Validator(schema).iter_errors(instance)]


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.name)
def test_every_example_and_golden_case_is_valid(rules, schema, path):
    instance = load_yaml(path)
    assert _errors(schema, instance) == []
    assert _errors(case_schema(rules, instance["audit"]), instance) == []


def test_every_blank_case_is_valid(rules, schema, tmp_path):
    for audit_id in rules.audits:
        path = tmp_path / f"{audit_id}.yaml"
        CliRunner().invoke(main, ["template", "--audit", audit_id, "-o", str(path)])
        assert _errors(schema, load_yaml(path)) == []


def _broken_cases():
    fact = "riktlinjer.finns"
    yield "unknown fact", lambda case: case["facts"].update({"riktlinjer.finnes": "ja"})
    yield "yes is no boolean", lambda case: case["facts"].update({fact: "yes"})
    yield (
        "enum value",
        lambda case: case["facts"].update({"planering.plan_inom_tre_manader": "kanske"}),
    )
    yield (
        "unknown underlag",
        lambda case: case["facts"].update({fact: {"värde": "ja", "underlag": "rykte"}}),
    )
    yield "no kommun", lambda case: case.pop("kommun")
    yield "unknown key", lambda case: case.update({"kommunen": "x"})
    yield "date", lambda case: case.update({"granskningsdatum": "22 december 2022"})
    yield "role of no audit", lambda case: case["nämnder"][0].update({"roller": ["revisor"]})


@pytest.mark.parametrize(
    ("what", "breaking"), list(_broken_cases()), ids=[what for what, _ in _broken_cases()]
)
def test_what_the_loader_refuses_the_schema_refuses(rules, schema, tmp_path, what, breaking):
    case = json.loads(json.dumps(load_yaml(ROOT / "examples" / "heby-2022.yaml")))
    breaking(case)
    assert _errors(schema, case), f"the schema accepts a case with a broken {what}"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GranskaError):
        load_case(path, rules)


def test_a_role_of_another_audit_is_refused_for_this_audit(rules, schema, tmp_path):
    roles = {
        audit_id: {role.id for role in audit.roles} for audit_id, audit in rules.audits.items()
    }
    audit_id, foreign = next(
        (audit_id, sorted(set().union(*roles.values()) - own)[0])
        for audit_id, own in sorted(roles.items())
        if set().union(*roles.values()) - own
    )
    path = tmp_path / "fall.yaml"
    path.write_text(blank_case(rules, audit_id, 2024), encoding="utf-8")
    case = json.loads(json.dumps(load_yaml(path)))
    assert _errors(schema, case) == []
    case["nämnder"][0]["roller"] = [foreign]
    assert _errors(schema, case), f"{audit_id} accepts the role {foreign}"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GranskaError):
        load_case(path, rules)


def test_the_schema_of_one_audit_names_only_it(rules):
    document = case_schema(rules, "pwc-arbetsmarknadsinsatser")
    assert document["properties"]["audit"] == {"enum": ["pwc-arbetsmarknadsinsatser"]}
    with pytest.raises(GranskaError):
        case_schema(rules, "okänd")
