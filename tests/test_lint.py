"""`granska lint`: each planted defect found at its line; the shipped rules lint clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.lint import CHECKS, run_lint

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "lint"
KINDS = sorted(path.name for path in FIXTURES.iterdir() if path.is_dir() and path.name != "base")


def _rules(tmp_path: Path, kind: str | None = None) -> Path:
    """The base fixture with the shipped vocabulary and, over it, the files of `kind`."""
    directory = tmp_path / "rules"
    shutil.copytree(FIXTURES / "base", directory)
    shutil.copy(ROOT / "rules" / "vocabulary.yaml", directory)
    if kind is not None:
        shutil.copytree(FIXTURES / kind, directory, dirs_exist_ok=True)
        (directory / "expected.txt").unlink()
    return directory


def _expected(kind: str) -> list[tuple[str, int, str, str]]:
    expected = []
    for line in (FIXTURES / kind / "expected.txt").read_text(encoding="utf-8").splitlines():
        where, check, keyword = line.split(" ", 2)
        file, number = where.rsplit(":", 1)
        expected.append((file, int(number), check, keyword))
    return expected


def test_every_check_has_a_fixture():
    assert {check.id for check in CHECKS} <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_lint_finds_the_planted_defect_and_nothing_else(tmp_path, kind):
    directory = _rules(tmp_path, kind)
    findings = run_lint(directory)
    found = [
        (Path(f.file).relative_to(directory).as_posix(), f.line, f.check, f.message)
        for f in findings
    ]
    expected = _expected(kind)
    assert len(found) == len(expected), found
    for (file, line, check, message), (want_file, want_line, want_check, keyword) in zip(
        sorted(found), sorted(expected), strict=True
    ):
        assert (file, line, check) == (want_file, want_line, want_check)
        assert keyword in message


def test_the_base_fixture_lints_clean(tmp_path):
    assert run_lint(_rules(tmp_path)) == []


def test_the_shipped_rules_lint_clean():
    findings = [f for f in run_lint(ROOT / "rules") if f.level in ("error", "warning")]
    assert findings == [], "\n".join(map(str, findings))


def test_the_example_overlay_lints_clean():
    overlay = ROOT / "examples" / "overlays" / "kommunens-riktlinjer"
    findings = [f for f in run_lint(ROOT / "rules", overlay) if f.level in ("error", "warning")]
    assert findings == [], "\n".join(map(str, findings))


def test_a_defect_in_an_overlay_is_located_in_the_overlay(tmp_path):
    overlay = tmp_path / "overlay"
    shutil.copytree(ROOT / "examples" / "overlays" / "kommunens-riktlinjer", overlay)
    criteria = overlay / "criteria" / "lokal.yaml"
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace(
            "{fact: lokal.plan_inom_en_manad, equals: ja}",
            "{fact: lokal.plan_inom_en_manader, equals: ja}",
        ),
        encoding="utf-8",
    )
    findings = run_lint(ROOT / "rules", overlay)
    errors = [f for f in findings if f.level == "error"]
    assert [(Path(f.file), f.check) for f in errors] == [(criteria, "unknown-fact")]


def test_an_unreadable_file_is_an_error_with_its_line(tmp_path):
    directory = _rules(tmp_path)
    (directory / "facts" / "plan.yaml").write_text("area: plan\nfacts: [\n", encoding="utf-8")
    findings = run_lint(directory)
    load = [f for f in findings if f.check == "load"]
    assert load and load[0].file.endswith("facts/plan.yaml") and load[0].line >= 2
    assert "YAML syntax error" in load[0].message


def test_the_command_exits_1_on_errors_and_0_on_warnings(tmp_path):
    runner = CliRunner()
    errors = runner.invoke(main, ["lint", "--rules", str(_rules(tmp_path / "a", "never-met"))])
    assert errors.exit_code == 1
    assert (
        "criteria/plan.yaml:28: [fel] plan.i-tid: delvis nås aldrig, eftersom uppfyllt gäller "
        "närhelst delvis gör det (never-met)" in errors.output
    )
    assert errors.output.rstrip().endswith("2 fel, 0 varningar, 0 noteringar")
    warnings = runner.invoke(main, ["lint", "--rules", str(_rules(tmp_path / "b", "unused-fact"))])
    assert warnings.exit_code == 0
    assert "[varning] uppgiften plan.mall läses varken av något kriterium" in warnings.output
    listing = runner.invoke(main, ["lint", "--list-checks"])
    assert all(f"{check.id} ({check.level})" in listing.output for check in CHECKS)
