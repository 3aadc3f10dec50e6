"""`granska generate`: valid case files, deterministic for a seed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from checker import api
from checker.cli import main
from checker.loading.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


def _generate(directory: Path, *args: str):
    return CliRunner().invoke(main, ["generate", "-o", str(directory), *args])


def test_generated_cases_load_and_are_the_same_for_a_seed(tmp_path):
    first = _generate(tmp_path / "a", "--n", "12", "--seed", "3")
    assert first.exit_code == 0, first.output
    _generate(tmp_path / "b", "--n", "12", "--seed", "3")
    _generate(tmp_path / "c", "--n", "12", "--seed", "4")
    names = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert names == [f"case-{number:05d}.yaml" for number in range(1, 13)]
    read = {key: [(tmp_path / key / name).read_bytes() for name in names] for key in "abc"}
    assert read["a"] == read["b"] and read["a"] != read["c"]
    rules = load_rules(ROOT / "rules")
    audits = set()
    for name in names:
        result = api.check(tmp_path / "a" / name, rules=rules)
        audits.add(result["audit"]["id"])
        assert result["questions"] and result["disclaimer"]
    assert audits == {
        audit.id for audit in rules.audits.values() if getattr(audit, "followup", None) is None
    }


def test_one_audit_only(tmp_path):
    result = _generate(tmp_path, "--n", "3", "--audit", "pwc-arbetsmarknadsinsatser")
    assert result.exit_code == 0
    assert all(
        "audit: pwc-arbetsmarknadsinsatser" in path.read_text(encoding="utf-8")
        for path in tmp_path.iterdir()
    )


def test_an_unknown_audit_is_an_error(tmp_path):
    result = _generate(tmp_path, "--n", "3", "--audit", "pwc-arbetsmarknadsinsats")
    assert result.exit_code == 2
    assert "unknown audit 'pwc-arbetsmarknadsinsats' (did you mean" in result.output
