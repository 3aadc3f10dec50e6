"""Local overlays: parameters, criteria, facts and whole questions for one uppdrag."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import api
from checker.cli import main
from checker.errors import GranskaError
from checker.loading.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
HEBY = ROOT / "examples" / "heby-2022.yaml"
EXAMPLE = ROOT / "examples" / "overlays" / "kommunens-riktlinjer"


def _run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _overlay(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "overlay"
    files = {"overlay.yaml": "uppdrag: Prov\n", **files}
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_every_deviation_of_the_example_is_recorded():
    rules = load_rules(RULES, EXAMPLE)
    deviations = [(d.kind, d.id, d.change) for d in rules.overlay.deviations]
    assert deviations == [
        ("source", "kommunens-riktlinjer", "added"),
        ("provision", "lokal.plan-inom-en-manad", "added"),
        ("provision", "lokal.revidering", "added"),
        ("fact", "lokal.plan_inom_en_manad", "added"),
        ("parameter", "riktlinjer_revidering_ar", "changed"),
        ("parameter", "riktlinjer_tolerans_ar", "changed"),
        ("recommendation", "rek.lokal-plan-inom-en-manad", "added"),
        ("criterion", "lokal.plan-inom-en-manad", "added"),
        ("question", "pwc-arbetsmarknadsinsatser/RF5", "added"),
    ]
    parameter = next(d for d in rules.overlay.deviations if d.kind == "parameter")
    assert (parameter.before, parameter.after) == (1, 2)
    assert parameter.file.endswith("criteria/riktlinjer.yaml") and parameter.line == 6
    assert rules.version.startswith(load_rules(RULES).version + "+")


def test_the_overlay_changes_the_evaluation_and_not_the_shipped_rules():
    with_overlay = api.check(HEBY, RULES, overlay=EXAMPLE)
    shipped = api.check(HEBY, RULES)
    assert [q["id"] for q in with_overlay["questions"]][-1] == "RF5"
    assert "RF5" not in [q["id"] for q in shipped["questions"]]
    assert with_overlay["parameters"]["riktlinjer_revidering_ar"] == 2
    assert shipped["parameters"]["riktlinjer_revidering_ar"] == 1
    assert shipped["overlay"] is None
    assert [q["verdict"] for q in with_overlay["questions"][:4]] == [
        q["verdict"] for q in shipped["questions"]
    ]


@pytest.mark.parametrize("output_format", ["text", "md", "json"])
def test_every_output_format_lists_every_deviation(output_format):
    result = _run("check", HEBY, "--overlay", EXAMPLE, "--format", output_format)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for deviation in load_rules(RULES, EXAMPLE).overlay.deviations:
        assert deviation.id in text
    if output_format == "json":
        data = json.loads(result.output)
        assert (
            data["overlay"]["uppdrag"] == "Exempel – kommunens egna riktlinjer som "
            "revisionskriterium"
        )
        assert len(data["overlay"]["deviations"]) == 9
    else:
        assert "Avvikelser från de levererade reglerna" in text
        assert "riktlinjer_revidering_ar ändrad (1 → 2)" in text


def test_a_question_and_a_criterion_can_be_replaced(tmp_path):
    overlay = _overlay(
        tmp_path,
        {
            "audits/pwc.yaml": (
                "audit: pwc-arbetsmarknadsinsatser\n"
                "parameters: {riktlinjer_tolerans_ar: 3}\n"
                "questions:\n"
                "  - id: RF1\n"
                "    text: Finns det riktlinjer?\n"
                "    criteria: [{id: riktlinjer.antagna}]\n"
            ),
            "criteria/riktlinjer.yaml": (
                "area: riktlinjer\n"
                "criteria:\n"
                "  riktlinjer.antagna:\n"
                "    title: Det finns riktlinjer\n"
                "    basis: [kl.namndernas-ansvar]\n"
                "    concerns: [socialnamnd]\n"
                "    uppfyllt: {fact: riktlinjer.finns, equals: true}\n"
                "    reasoning: {uppfyllt: det finns riktlinjer, ej_uppfyllt: de saknas}\n"
            ),
        },
    )
    rules = load_rules(RULES, overlay)
    audit = rules.audits["pwc-arbetsmarknadsinsatser"]
    assert [q.id for q in audit.questions] == ["RF1", "RF2", "RF3", "RF4"]
    assert [spec.criterion for spec in audit.questions[0].criteria] == ["riktlinjer.antagna"]
    assert audit.parameters["riktlinjer_tolerans_ar"] == 3
    assert rules.criteria["riktlinjer.antagna"].title == "Det finns riktlinjer"
    changes = {(d.kind, d.id): (d.change, d.before, d.after) for d in rules.overlay.deviations}
    assert changes == {
        ("parameter", "pwc-arbetsmarknadsinsatser/riktlinjer_tolerans_ar"): ("changed", 2, 3),
        ("criterion", "riktlinjer.antagna"): ("changed", None, None),
        ("question", "pwc-arbetsmarknadsinsatser/RF1"): ("changed", None, None),
    }
    result = api.check(HEBY, RULES, overlay=overlay)
    rf1 = result["questions"][0]
    assert rf1["verdict"] == "ja" and [c["id"] for c in rf1["criteria"]] == ["riktlinjer.antagna"]


@pytest.mark.parametrize(
    ("files", "where", "keyword"),
    [
        ({"overlay.yaml": "beskrivning: x\n"}, "overlay.yaml:1", "missing required key 'uppdrag'"),
        (
            {"audits/x.yaml": "audit: pwc-arbetsmarknadsinsatsr\n"},
            "audits/x.yaml:1",
            "unknown audit 'pwc-arbetsmarknadsinsatsr' (did you mean",
        ),
        (
            {"audits/x.yaml": "audit: pwc-arbetsmarknadsinsatser\nparameters: {okand: 1}\n"},
            "audits/x.yaml:2",
            "unknown parameter 'okand'",
        ),
        (
            {
                "criteria/x.yaml": "area: x\ncriteria:\n  x.y:\n    title: t\n    basis: [okand]\n"
                "    concerns: [socialnamnd]\n    uppfyllt: {fact: riktlinjer.finns,"
                " equals: true}\n    reasoning: {uppfyllt: a, ej_uppfyllt: b}\n"
            },
            "criteria/x.yaml:5",
            "unknown provision 'okand'",
        ),
        (
            {
                "sources.yaml": "sources: {}\nprovisions:\n  p:\n    text: t\n    citations:\n"
                "      - {source: okand, ref: r, verified: true}\n"
            },
            "sources.yaml:6",
            "unknown source 'okand'",
        ),
    ],
)
def test_a_broken_overlay_is_a_located_error(tmp_path, files, where, keyword):
    overlay = _overlay(tmp_path, files)
    with pytest.raises(GranskaError) as error:
        load_rules(RULES, overlay)
    assert where in str(error.value) and keyword in str(error.value)
    result = _run("check", HEBY, "--overlay", overlay)
    assert result.exit_code == 2 and keyword in result.output


def test_an_overlay_directory_needs_its_manifest(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "copy")
    (tmp_path / "copy" / "overlay.yaml").unlink()
    result = _run("check", HEBY, "--overlay", tmp_path / "copy")
    assert result.exit_code == 2
    assert "an overlay directory has an overlay.yaml" in result.output


@pytest.mark.parametrize("suffix", ["html", "docx"])
def test_the_documents_list_every_deviation(tmp_path, suffix):
    output = tmp_path / f"rapport.{suffix}"
    result = _run("check", HEBY, "--overlay", EXAMPLE, "-o", output)
    assert result.exit_code == 0, result.output
    if suffix == "html":
        text = output.read_text(encoding="utf-8")
    else:
        import docx

        text = "\n".join(paragraph.text for paragraph in docx.Document(output).paragraphs)
    assert "Avvikelser från de levererade reglerna" in text
    for deviation in load_rules(RULES, EXAMPLE).overlay.deviations:
        assert deviation.id in text


def test_every_command_takes_an_overlay():
    lacking = [
        name
        for name, command in main.commands.items()
        if not any("--overlay" in getattr(param, "opts", ()) for param in command.params)
    ]
    assert lacking == [], f"add @_OVERLAY_OPTION to: {', '.join(lacking)}"
