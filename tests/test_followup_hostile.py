"""`granska followup` from a crafted result JSON: text that reaches comments stays one
comment line, and personal data does not reach the new case through them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.files.strict_yaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent
INJECTED = "v1\nparametrar:\n  delegationsordning_manader: 600\n#"


@pytest.fixture(scope="module")
def heby_json() -> dict:
    run = CliRunner().invoke(
        main, ["check", str(ROOT / "examples" / "heby-2022.yaml"), "--format", "json"]
    )
    return json.loads(run.output)


def _followup(tmp_path: Path, result: dict, *extra: str):
    source = tmp_path / "resultat.json"
    source.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    output = tmp_path / "uppfoljning.yaml"
    run = CliRunner().invoke(main, ["followup", str(source), "-o", str(output), *extra])
    return run, output


@pytest.mark.parametrize("field", ["rules_version", "title"])
@pytest.mark.parametrize("datum", [[], ["--datum", "2024-06-30"]])
def test_text_in_comments_cannot_add_keys(tmp_path, heby_json, field, datum):
    result = json.loads(json.dumps(heby_json))
    if field == "title":
        result["audit"]["title"] = INJECTED
    else:
        result["rules_version"] = INJECTED
    run, output = _followup(tmp_path, result, *datum)
    assert run.exit_code == 0, run.output
    document = load_yaml(output)
    assert "parametrar" not in document
    text = output.read_text(encoding="utf-8")
    assert "v1 parametrar: delegationsordning_manader: 600 #" in text


@pytest.mark.parametrize("field", ["rules_version", "title"])
def test_a_personnummer_in_a_comment_is_refused(tmp_path, heby_json, field):
    result = json.loads(json.dumps(heby_json))
    if field == "title":
        result["audit"]["title"] = "Granskning av 19121212-1212"
    else:
        result["rules_version"] = "19121212 1212"
    run, output = _followup(tmp_path, result)
    assert run.exit_code == 2, run.output
    assert "looks like a personnummer" in run.output
    assert not output.exists()
