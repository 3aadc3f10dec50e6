"""`granska lint` in CI: json and SARIF output, suppressions with a reason, the place a
finding comes from, and an overlay of parameters only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from checker.cli import main
from checker.lint import CHECKS, run_lint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "lint"
SARIF_SCHEMA = ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json"


def _rules(tmp_path: Path, kind: str) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(FIXTURES / "base", directory)
    shutil.copy(ROOT / "rules" / "vocabulary.yaml", directory)
    shutil.copytree(FIXTURES / kind, directory, dirs_exist_ok=True)
    (directory / "expected.txt").unlink()
    return directory


def _lint(*args: str):
    return CliRunner().invoke(main, ["lint", *map(str, args)])


def _accept_unused_fact(directory: Path, reason: str) -> Path:
    """The unused-fact fixture with the fact plan.mall accepted where it is defined."""
    facts = directory / "facts" / "plan.yaml"
    text = facts.read_text(encoding="utf-8")
    marker = "  plan.mall:\n"
    assert marker in text
    facts.write_text(
        text.replace(marker, marker + f"    lint: {{ignore: [unused-fact], reason: {reason}}}\n"),
        encoding="utf-8",
    )
    return facts


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path):
    directory = _rules(tmp_path, "never-met")
    _accept_unused_fact(_rules(tmp_path / "b", "unused-fact"), "mallen används i nästa version")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    for rules in (directory, tmp_path / "b" / "rules", ROOT / "rules"):
        result = _lint("--rules", rules, "--format", "sarif")
        log = json.loads(result.output)
        jsonschema.validate(log, schema)
        [run] = log["runs"]
        assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [c.id for c in CHECKS]
    never = json.loads(_lint("--rules", directory, "--format", "sarif").output)["runs"][0]
    [result] = [
        result
        for result in never["results"]
        if result["locations"][0]["physicalLocation"]["region"] == {"startLine": 28}
    ]
    assert (result["ruleId"], result["level"]) == ("never-met", "error")
    location = result["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 28}
    assert location["artifactLocation"]["uri"].endswith("criteria/plan.yaml")
    assert "delvis nås aldrig" in result["message"]["text"]
    accepted = json.loads(_lint("--rules", tmp_path / "b" / "rules", "--format", "sarif").output)[
        "runs"
    ][0]["results"]
    assert accepted[0]["suppressions"] == [
        {"kind": "inSource", "justification": "mallen används i nästa version"}
    ]


def test_json_carries_the_same_findings(tmp_path):
    directory = _rules(tmp_path, "never-met")
    report = json.loads(_lint("--rules", directory, "--format", "json").output)
    assert [
        (found["line"], found["check"], found["level"], found["suppressed"])
        for found in report["findings"]
    ] == [(28, "never-met", "error", None), (38, "never-met", "error", None)]
    assert report["counts"] == {"error": 2, "warning": 0, "info": 0, "suppressed": 0}


def test_a_suppression_with_a_reason_is_listed_and_not_counted(tmp_path):
    directory = _rules(tmp_path, "unused-fact")
    facts = _accept_unused_fact(directory, "mallen används i nästa version")
    result = _lint("--rules", directory)
    assert result.exit_code == 0, result.output
    assert "Undantagna i regelfilerna:" in result.output
    assert "[varning, undantaget] uppgiften plan.mall läses varken" in result.output
    assert "(unused-fact); skäl: mallen används i nästa version" in result.output
    assert result.output.rstrip().endswith(
        "0 fel, 0 varningar, 0 noteringar, 1 undantaget med skäl"
    )
    assert [f.suppressed for f in run_lint(directory)] == ["mallen används i nästa version"]
    assert facts.is_file()


def test_a_suppression_covers_only_its_entry(tmp_path):
    directory = _rules(tmp_path, "unused-fact")
    facts = directory / "facts" / "plan.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(
        text.replace(
            "  plan.finns:\n",
            "  plan.finns:\n    lint: {ignore: [unused-fact], reason: gäller en annan uppgift}\n",
        ),
        encoding="utf-8",
    )
    [found] = run_lint(directory)
    assert (found.check, found.suppressed) == ("unused-fact", "")


def test_a_suppression_of_an_error_makes_lint_pass_and_one_without_a_reason_fails(tmp_path):
    directory = _rules(tmp_path, "never-met")
    criteria = directory / "criteria" / "plan.yaml"
    text = criteria.read_text(encoding="utf-8")
    accepted = "lint: {ignore: [never-met], reason: prövas i nästa version}\n"
    criteria.write_text(accepted + text, encoding="utf-8")
    passed = _lint("--rules", directory)
    assert passed.exit_code == 0, passed.output
    assert "2 undantagna med skäl" in passed.output
    criteria.write_text(text.replace("  plan.i-tid:\n", "  plan.i-tid:\n    " + accepted), "utf-8")
    [found, other] = run_lint(directory)
    assert (found.line, found.suppressed) == (29, "prövas i nästa version")
    assert (other.line, other.suppressed) == (39, "")  # another criterion: not covered
    criteria.write_text("lint: {ignore: [never-met]}\n" + text, encoding="utf-8")
    failed = _lint("--rules", directory)
    assert failed.exit_code == 1
    assert "lint: ignore (never-met) saknar reason" in failed.output
    assert "(lint-suppression)" in failed.output
    criteria.write_text("lint: {ignore: [never-mett], reason: stavfel}\n" + text, "utf-8")
    unknown = _lint("--rules", directory)
    assert "okänd kontroll, never-mett (menade du never-met?)" in unknown.output


def test_a_parameter_only_overlay_is_accepted_and_its_finding_is_at_the_parameter(tmp_path):
    overlay = tmp_path / "overlay"
    (overlay / "criteria").mkdir(parents=True)
    (overlay / "overlay.yaml").write_text("uppdrag: Prov med längre tid\n", encoding="utf-8")
    parameters = overlay / "criteria" / "planering.yaml"
    parameters.write_text(
        "area: planering\n"
        "parameters:\n"
        "  insats_inom_dagar:\n"
        "    value: 90\n"
        "    description: Inom hur många dagar en insats bör påbörjas i detta uppdrag.\n"
        "    basis: [praxis.insats-utan-drojsmal]\n",
        encoding="utf-8",
    )
    result = _lint("--overlay", overlay)
    assert result.exit_code == 1
    assert f"{parameters}:4: [fel] planering.insats-inom-tid: delvis nås aldrig" in result.output
    assert "insats_inom_dagar" in result.output
    checked = CliRunner().invoke(
        main, ["check", str(ROOT / "examples" / "heby-2022.yaml"), "--overlay", str(overlay)]
    )
    assert checked.exit_code == 0, checked.output


def test_every_check_is_listed_and_every_message_is_worded_in_swedish(tmp_path):
    listing = _lint("--list-checks").output
    for check in (*CHECKS, "criterion-not-monotone", "lint-suppression", "load"):
        name = check if isinstance(check, str) else check.id
        assert f"\n{name} (" in "\n" + listing
    for kind in sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()):
        if kind in ("base", "load"):
            continue
        for found in run_lint(_rules(tmp_path / kind, kind)):
            assert not any(
                word in found.message.split() for word in ("the", "is", "not", "has", "never")
            ), found
