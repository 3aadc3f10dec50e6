"""granska merge: answers folded into a case file, comments and order kept, conflicts
refused unless --overwrite, the result written atomically and valid."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from bounds_oracle import SHIPPED, rule_set
from click.testing import CliRunner

from checker.casefiles.merge import merge
from checker.cli import main
from checker.evaluation.evaluate import evaluate_case
from checker.loading.cases import load_case

ROOT = Path(__file__).resolve().parent.parent
HEBY = ROOT / "examples" / "heby-2022.yaml"
ANSWERS = """# Svar från intervjun med förvaltningsledningen
riktlinjer.beslutsdatum: {värde: 2022-03-15, källa: "Protokoll § 12", underlag: protokoll}
uppfoljning.franvaro_rutin: ja
rutiner.kanda_och_tillgangliga: delvis
"""


def _run(*args: str):
    return CliRunner().invoke(main, ["merge", *args])


def test_merge_adds_facts_and_keeps_comments_and_order(tmp_path):
    answers = tmp_path / "svar.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    output = tmp_path / "heby.yaml"
    outcome = _run(str(HEBY), str(answers), "-o", str(output))
    assert outcome.exit_code == 0, outcome.output
    assert "2 facts added, 0 changed, 1 already stated" in outcome.output
    before = HEBY.read_text(encoding="utf-8").splitlines()
    after = output.read_text(encoding="utf-8").splitlines()
    assert [line for line in after if line.lstrip().startswith("#")] == [
        line for line in before if line.lstrip().startswith("#")
    ]
    changes = difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
    assert {tag for tag, *_ in changes} == {"equal", "insert"}, "nothing lost or moved"
    case = load_case(output, SHIPPED)
    assert case.facts["riktlinjer.beslutsdatum"].underlag == "protokoll"
    assert case.facts["uppfoljning.franvaro_rutin"].value is True
    keys = list(case.facts)
    assert keys.index("riktlinjer.beslutsdatum") < keys.index("riktlinjer.sjalvforsorjning")
    assert evaluate_case(SHIPPED, case)["questions"][0]["open_facts"] == []


def test_a_contradicting_answer_is_refused_unless_overwriting(tmp_path):
    answers = tmp_path / "svar.yaml"
    answers.write_text("rutiner.kanda_och_tillgangliga: ja\n", encoding="utf-8")
    output = tmp_path / "heby.yaml"
    outcome = _run(str(HEBY), str(answers), "-o", str(output))
    assert outcome.exit_code == 2
    assert (
        f"{answers}:1:" in outcome.output
        and "rutiner.kanda_och_tillgangliga" in outcome.output
        and "--overwrite" in outcome.output
    )
    assert not output.exists()
    outcome = _run(str(HEBY), str(answers), "-o", str(output), "--overwrite")
    assert outcome.exit_code == 0, outcome.output
    assert load_case(output, SHIPPED).facts["rutiner.kanda_och_tillgangliga"].value == "ja"


def test_a_bad_answer_names_the_answers_file_and_line(tmp_path):
    answers = tmp_path / "svar.yaml"
    answers.write_text(
        "uppfoljning.franvaro_rutin: ja\nmal.maluppfoljning: kanske\n", encoding="utf-8"
    )
    outcome = _run(str(HEBY), str(answers), "-o", str(tmp_path / "ut.yaml"))
    assert outcome.exit_code == 2 and f"{answers}:2:" in outcome.output
    assert "Traceback" not in outcome.output


def test_merging_in_place_and_into_an_alias(tmp_path):
    rules = rule_set("nonmonotone")
    case = tmp_path / "prov.yaml"
    case.write_text(
        """# Ett provfall
kommun: Provkommun
granskningsperiod: {från: 2022-01-01, till: 2022-12-31}
granskningsdatum: 2022-12-20
audit: prov-icke-monoton
nämnder:
  - {namn: Nämnden, roller: [socialnamnd]}
facts:
  prov.gammalt_a: vet ej   # frågas vid intervjun
  prov.b: nej
""",
        encoding="utf-8",
    )
    answers = tmp_path / "svar.yaml"
    answers.write_text(
        "prov.a: ja\nprov.e: {värde: y, källa: intervju 2023-01-10}\n", encoding="utf-8"
    )
    done = merge(rules, case, answers, case)
    assert done.changed == ("prov.a",) and done.added == ("prov.e",)
    text = case.read_text(encoding="utf-8")
    assert "prov.gammalt_a: ja" in text and "prov.a:" not in text.replace("prov.a: ja", "")
    assert "# Ett provfall" in text
    assert load_case(case, rules).facts["prov.e"].källa == "intervju 2023-01-10"


def test_an_answer_repeating_the_case_changes_nothing(tmp_path):
    answers = tmp_path / "svar.yaml"
    answers.write_text("samverkan.forum: ja\n", encoding="utf-8")
    copy = tmp_path / "heby.yaml"
    shutil.copy(HEBY, copy)
    done = merge(SHIPPED, copy, answers, copy)
    assert done.unchanged == ("samverkan.forum",)
    assert copy.read_bytes() == HEBY.read_bytes()
