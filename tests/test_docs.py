"""`granska docs`: the rule catalogue comes from the rules, and the committed one is current."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from checker.cli import main
from checker.loading.rules import load_rules
from checker.ruledocs import render_docs

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")


def test_the_committed_catalogue_is_up_to_date():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_docs(RULES), (
        "docs/rules.md is out of date with rules/: regenerate it with "
        "`granska docs -o docs/rules.md` and commit it"
    )


def test_every_criterion_and_fact_has_its_line():
    text = render_docs(RULES)
    for criterion_id, criterion in RULES.criteria.items():
        line = next(line for line in text.splitlines() if line.startswith(f"| `{criterion_id}` "))
        assert criterion.title in line
    for fact_id in RULES.facts:
        assert f"| `{fact_id}`" in text
    rf1 = next(line for line in text.splitlines() if line.startswith("| `rutiner.anvisning` "))
    assert "pwc-arbetsmarknadsinsatser RF1" in rf1


def test_the_command_writes_the_catalogue_with_an_overlay(tmp_path):
    output = tmp_path / "rules.md"
    overlay = ROOT / "examples" / "overlays" / "kommunens-riktlinjer"
    result = CliRunner().invoke(main, ["docs", "-o", str(output), "--overlay", str(overlay)])
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "Avvikelser från de levererade reglerna" in text
    assert "| `lokal.plan-inom-en-manad` Plan mot självförsörjning upprättas inom en månad" in text
    assert "pwc-arbetsmarknadsinsatser RF5" in text
