"""`granska merge` keeps every byte it does not change, whatever the file's layout: line
endings, byte-order mark, directives and markers, indentation, comments, long lines,
multi-line flow maps. One test per layout; each merge changes one fact and adds one."""

from __future__ import annotations

import difflib
import functools
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.loading.cases import load_case

BASE = """\
# Ett påhittat fall för att pröva hur merge behandlar filens form.
kommun: Exempelby kommun
granskningsperiod: {från: 2024-01-01, till: 2024-12-31}
granskningsdatum: 2024-11-15
audit: styrdokument-snabbkontroll
nämnder:
  - namn: Socialnämnden
    roller: [socialnamnd]
facts:
  riktlinjer.finns: {värde: ja, källa: "Riktlinjer för ekonomiskt bistånd", underlag: styrdokument}
  riktlinjer.antagna_av_namnd: ja
  delegation.ordning_finns: {värde: ja, källa: "Delegationsordning", underlag: styrdokument}
  rutiner.kanda_och_tillgangliga: {värde: delvis, källa: "Intervju", underlag: intervju}
förväntat:
  frågor: {S1: gul, S2: gul}
  not: Ett fall för layouttester.
"""
ANSWERS = """\
riktlinjer.beslutsdatum: {värde: 2024-03-12, källa: "Protokoll § 41", underlag: protokoll}
rutiner.kanda_och_tillgangliga: ja
"""
CHANGED = ("riktlinjer.beslutsdatum", "rutiner.kanda_och_tillgangliga")

BLOCK_FACTS = """\
facts:
  riktlinjer.finns:
    värde: ja
    källa: "Riktlinjer för ekonomiskt bistånd"
    underlag: styrdokument
  riktlinjer.antagna_av_namnd:
    värde: ja
  delegation.ordning_finns:
    värde: ja
    källa: "Delegationsordning"
    underlag: styrdokument
  rutiner.kanda_och_tillgangliga:
    värde: delvis
    källa: "Intervju"
    underlag: intervju
"""
FLOW_FACTS = "\n".join(BASE.splitlines()[8:13]) + "\n"


LAYOUTS = {
    "plain": BASE,
    "crlf": BASE.replace("\n", "\r\n"),
    "bom": "\ufeff" + BASE,
    "bom_and_crlf": "\ufeff" + BASE.replace("\n", "\r\n"),
    "document_start": "---\n" + BASE,
    "yaml_directive": "%YAML 1.1\n---\n" + BASE,
    "document_end": BASE + "...\n",
    "no_final_newline": BASE.rstrip("\n"),
    "four_space_indent": re.sub(r"^  (?=\S)", "    ", BASE, flags=re.MULTILINE).replace(
        "    - namn: Socialnämnden\n    roller:", "    - namn: Socialnämnden\n      roller:"
    ),
    "zero_indented_sequence": BASE.replace(
        "  - namn: Socialnämnden\n    roller: [socialnamnd]",
        "- namn: Socialnämnden\n  roller: [socialnamnd]",
    ),
    "four_space_sequence": BASE.replace(
        "  - namn: Socialnämnden\n    roller: [socialnamnd]",
        "    -   namn: Socialnämnden\n        roller: [socialnamnd]",
    ),
    "long_line": BASE.replace('"Delegationsordning"', '"' + "Delegationsordning " * 300 + '"'),
    "multi_line_flow_map": BASE.replace(
        "  frågor: {S1: gul, S2: gul}", "  frågor: {S1: gul,\n    S2: gul}"
    ),
    "flow_namnder": BASE.replace(
        "nämnder:\n  - namn: Socialnämnden\n    roller: [socialnamnd]",
        "nämnder: [{namn: Socialnämnden,\n           roller: [socialnamnd]}]",
    ),
    "block_entries": BASE.replace(FLOW_FACTS, BLOCK_FACTS),
    "block_entries_crlf": BASE.replace(FLOW_FACTS, BLOCK_FACTS).replace("\n", "\r\n"),
    "section_comments": BASE.replace(
        "  delegation.ordning_finns",
        "\n  # --- Delegation ---\n  # Har nämnden en delegationsordning?\n"
        "  delegation.ordning_finns",
    ),
    "end_of_line_comments": BASE.replace(
        "  riktlinjer.antagna_av_namnd: ja",
        "  riktlinjer.antagna_av_namnd: ja   # enligt protokoll",
    ).replace("facts:\n", "facts:    # uppgifterna\n"),
    "comment_after_last_fact": BASE.replace(
        "förväntat:", "  # fler uppgifter kommer efter intervjun\n\nförväntat:"
    ),
    "facts_last": BASE.replace(FLOW_FACTS, "") + FLOW_FACTS,
    "facts_first": FLOW_FACTS + BASE.replace(FLOW_FACTS, ""),
    "blank_lines_between_facts": BASE.replace("}\n  ", "}\n\n  "),
    "single_quoted": BASE.replace('"Intervju"', "'Intervju med ''enhetschef'''"),
    "folded_scalar": BASE.replace(
        "  not: Ett fall för layouttester.",
        "  not: >-\n    Ett fall för\n    layouttester, på två rader.",
    ),
    "literal_scalar_in_block_fact": BASE.replace(FLOW_FACTS, BLOCK_FACTS).replace(
        '    källa: "Delegationsordning"\n', "    källa: |\n      Delegationsordning\n      § 3\n"
    ),
    "anchor_elsewhere": BASE.replace("  not: Ett fall", "  not: &anteckning Ett fall"),
    "trailing_spaces": BASE.replace("kommun: Exempelby kommun", "kommun: Exempelby kommun   "),
    "tab_in_comment": BASE.replace("# Ett påhittat", "#\tEtt påhittat"),
    "unicode_comments": BASE.replace("# Ett påhittat", "# Ärende – “Exempelby” ✓ 2024"),
}


def _fact_lines(lines: list[str], names: tuple[str, ...]) -> set[int]:
    """The indices of the lines that state one of `names`, with their indented values."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        if not any(re.match(rf"^\s*{re.escape(name)}:", line.lstrip("\ufeff")) for name in names):
            continue
        found.add(index)
        depth = len(line) - len(line.lstrip(" "))
        for following in range(index + 1, len(lines)):
            text = lines[following]
            if text.strip() and len(text) - len(text.lstrip(" ")) <= depth:
                break
            if text.strip():
                found.add(following)
    return found


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_merge_keeps_every_unrelated_byte(tmp_path, layout):
    original = LAYOUTS[layout].encode("utf-8")
    case = tmp_path / "case.yaml"
    case.write_bytes(original)
    answers = tmp_path / "svar.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["merge", str(case), str(answers), "-o", str(case), "--overwrite"]
    )
    assert result.exit_code == 0, result.output
    merged = case.read_bytes()
    before = original.decode("utf-8").splitlines(keepends=True)
    after = merged.decode("utf-8").splitlines(keepends=True)
    changed_before = _fact_lines(before, CHANGED[1:])
    changed_after = _fact_lines(after, CHANGED)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        assert set(range(i1, i2)) <= changed_before, (layout, before[i1:i2])
        assert set(range(j1, j2)) <= changed_after, (layout, after[j1:j2])
    assert merged.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
    newline = "\r\n" if b"\r\n" in original else "\n"
    assert all(line.endswith(newline) for line in after[:-1])
    if newline == "\n":
        assert b"\r" not in merged
    facts = load_case(case, _rules()).facts
    assert facts["rutiner.kanda_och_tillgangliga"].value == "ja"
    assert facts["riktlinjer.beslutsdatum"].value == date(2024, 3, 12)
    assert facts["riktlinjer.beslutsdatum"].källa == "Protokoll § 41"
    assert facts["riktlinjer.finns"].källa == "Riktlinjer för ekonomiskt bistånd"


def test_the_new_fact_goes_in_catalogue_order(tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text(BASE, encoding="utf-8")
    answers = tmp_path / "svar.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    CliRunner().invoke(main, ["merge", str(case), str(answers), "-o", str(case), "--overwrite"])
    keys = re.findall(r"^  ([a-z_.]+):", case.read_text(encoding="utf-8"), flags=re.MULTILINE)
    facts = [key for key in keys if key in _rules().facts]
    rank = {fact_id: index for index, fact_id in enumerate(_rules().facts)}
    position = facts.index("riktlinjer.beslutsdatum")
    assert all(rank[fact] < rank["riktlinjer.beslutsdatum"] for fact in facts[:position])
    assert all(rank[fact] > rank["riktlinjer.beslutsdatum"] for fact in facts[position + 1 :])


def test_a_multi_line_flow_map_of_a_golden_case_survives(tmp_path):
    source = Path(__file__).parent / "cases" / "varberg-2013.yaml"
    case = tmp_path / "varberg.yaml"
    case.write_bytes(source.read_bytes())
    answers = tmp_path / "svar.yaml"
    answers.write_text("uppfoljning.franvaro_rutin: ja\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["merge", str(case), str(answers), "-o", str(case)])
    assert result.exit_code == 0, result.output
    before = source.read_text(encoding="utf-8").splitlines(keepends=True)
    after = case.read_text(encoding="utf-8").splitlines(keepends=True)
    assert [line for line in after if "uppfoljning.franvaro_rutin" not in line] == before


@functools.cache
def _rules():
    from checker.loading.rules import load_rules

    return load_rules(None)
