"""`granska diff` on a git fixture: exactly the verdicts a rule change moves, and why."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.evaluation.evaluate import evaluate_case
from checker.files.strict_yaml import load_yaml
from checker.loading.rules import load_rules
from checker.regression.comparison import outcome
from checker.regression.diff import _SECTIONS, _carried, _read, _translator, diff_corpus
from checker.regression.generate import generate_cases

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "diff_fixture"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=granska",
            "-c",
            "user.email=granska@example.invalid",
            *args,
        ],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A repository whose second commit renames a fact (with an alias), tightens a
    threshold and adds a criterion (tests/diff_fixture/README.md)."""
    repo = tmp_path_factory.mktemp("repo")
    _git(repo, "init", "-q")
    shutil.copytree(FIXTURE / "v1", repo / "rules")
    for name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(ROOT / "rules" / name, repo / "rules" / name)
    shutil.copytree(FIXTURE / "cases", repo / "cases")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "first")
    shutil.copytree(FIXTURE / "v2", repo / "rules", dirs_exist_ok=True)
    _git(repo, "commit", "-q", "-am", "second")
    return repo


def _earlier_rules(repo: Path, directory: Path) -> Path:
    """The repository's rules at HEAD~1, unpacked into `directory`."""
    archive = directory.parent / f"{directory.name}.tar"
    subprocess.run(
        ["git", "-C", str(repo), "archive", "HEAD~1:rules", "-o", str(archive)], check=True
    )
    shutil.unpack_archive(archive, directory)
    return directory


def _diff(repo: Path, *args: str):
    return CliRunner().invoke(
        main, ["diff", "--rules", str(repo / "rules"), "--cases", str(repo / "cases"), *args]
    )


def test_diff_reports_exactly_the_verdicts_that_move(repo):
    result = _diff(repo, "--base", "HEAD~1", "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    moved = {
        (
            Path(change["case"]).stem,
            change["level"],
            change["subject"],
            change["before"],
            change["after"],
            tuple((c["id"], c["before"], c["after"]) for c in change["criteria"]),
        )
        for change in report["changes"]
    }
    assert moved == {
        ("c1", "question", "Q1", "ja", "delvis", (("plan.i-tid", "uppfyllt", "delvis"),)),
        ("c1", "overall", "samlat Socialnämnden", "sakerstaller", "inte_helt", ()),
        ("c1", "criterion", "plan.i-tid", "uppfyllt", "delvis", ()),
        ("c2", "question", "Q2", "ja", "delvis", (("plan.dokumenterad", None, "ej_uppfyllt"),)),
        ("c2", "overall", "samlat Socialnämnden", "sakerstaller", "inte_helt", ()),
        ("c2", "criterion", "plan.dokumenterad", None, "ej_uppfyllt", ()),
        # a criterion added is a move of every case it is evaluated in, verdict or not
        ("c1", "criterion", "plan.dokumenterad", None, "uppfyllt", ()),
        ("c3", "criterion", "plan.dokumenterad", None, "ej_uppfyllt", ()),
        ("c4", "criterion", "plan.dokumenterad", None, "uppfyllt", ()),
    }
    summary = report["summary"]
    assert (summary["cases"], summary["changed_cases"], summary["moves"], summary["errors"]) == (
        4,
        4,
        9,
        0,
    )
    per_level = summary["per_level"]
    assert {level: counts["moves"] for level, counts in per_level.items()} == {
        "question": 2,
        "overall": 2,
        "criterion": 5,
        "recommendation": 0,
    }
    assert per_level["criterion"]["subjects"]["plan.i-tid"] == {
        "title": "Planer upprättas i tid",
        "moves": 1,
        "example": str(repo / "cases" / "c1.yaml"),
        "ways": {"uppfyllt → delvis uppfyllt": 1},
    }
    assert report["errors"] == []


def test_each_level_can_be_asked_for_alone(repo):
    for level, count in (("question", 2), ("overall", 2), ("criterion", 5)):
        report = json.loads(
            _diff(repo, "--base", "HEAD~1", "--format", "json", "--level", level).output
        )
        assert {change["level"] for change in report["changes"]} == {level}
        assert len(report["changes"]) == count
        assert list(report["summary"]["per_level"]) == [level]


def test_text_and_markdown_name_case_question_and_criteria(repo):
    text = _diff(repo, "--base", "HEAD~1").output
    assert "c1.yaml: Q1 Ja → Delvis" in text
    assert "  - Planer upprättas i tid (plan.i-tid): uppfyllt → delvis uppfyllt" in text
    assert "c2.yaml: Q2 Ja → Delvis" in text
    assert "Planerna är dokumenterade (plan.dokumenterad): – → ej uppfyllt" in text
    assert "Revisionsfrågor: 2 ändras i 2 av 4 fall." in text
    assert "Kriterier: 5 ändras i 4 av 4 fall." in text
    assert "  plan.i-tid (Planer upprättas i tid): 1 (uppfyllt → delvis uppfyllt: 1), t.ex." in text
    markdown = _diff(repo, "--base", "HEAD~1", "--format", "md").output
    assert markdown.startswith("### granska diff: något ändras i 4 av 4 fall")
    question_table = markdown.index("| Fall | Fråga | Före | Efter | Kriterier som ändras |")
    assert question_table < markdown.index("| Kriterium | Ändras | Hur | Exempel |")
    assert (
        "| Q1 | Ja | **Delvis** | Planer upprättas i tid (`plan.i-tid`): uppfyllt → "
        "delvis uppfyllt |" in markdown
    )


def test_no_change_exits_0(repo):
    result = _diff(repo, "--base", "HEAD")
    assert result.exit_code == 0, result.output
    assert "Inget ändras i de 4 fallen" in result.output


def test_a_rules_directory_can_be_the_base(repo, tmp_path):
    base_dir = _earlier_rules(repo, tmp_path / "rules")
    result = _diff(repo, "--base", str(base_dir), "--format", "json")
    assert json.loads(result.output)["summary"]["moves"] == 9


def test_an_unknown_ref_is_a_clear_error(repo):
    result = _diff(repo, "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "--base no-such-branch is not a directory, and not a git ref" in result.output


def test_worker_processes_give_the_sequential_outcome(repo, tmp_path):
    base_dir = _earlier_rules(repo, tmp_path / "base")
    base, working = load_rules(base_dir), load_rules(repo / "rules")
    paths = generate_cases(working, 240, 7, tmp_path / "corpus")
    sequential = diff_corpus(paths, base, working, jobs=1)
    parallel = diff_corpus(paths, base, working, jobs=2)
    assert parallel == sequential
    assert any(entry["changes"] for entry in sequential)


def test_a_case_carried_to_the_base_rules_reads_as_if_validated_anew(repo, tmp_path):
    base = load_rules(_earlier_rules(repo, tmp_path / "base"))
    working = load_rules(repo / "rules")
    to_base = {kind: _translator(base, working, kind) for _key, kind in _SECTIONS}
    to_working = {kind: _translator(working, base, kind) for _key, kind in _SECTIONS}
    paths = [
        *sorted((repo / "cases").glob("*.yaml")),
        *generate_cases(working, 40, 11, tmp_path / "corpus"),
    ]
    for path in paths:
        data = load_yaml(path)
        read, _error = _read(working, base, data, str(path), to_working)
        carried = _carried(read, base, working, to_base)
        anew, _error = _read(base, working, data, str(path), to_base)
        assert carried is not None
        assert outcome(evaluate_case(base, carried), {}) == outcome(
            evaluate_case(base, anew), {}
        ), path.name


def test_progress_is_told_of_every_case_sequential_and_parallel(repo, tmp_path):
    base = load_rules(_earlier_rules(repo, tmp_path / "base"))
    working = load_rules(repo / "rules")
    paths = generate_cases(working, 210, 3, tmp_path / "corpus")
    for jobs in (1, 2):
        told: list[tuple[int, int]] = []
        diff_corpus(
            paths, base, working, jobs=jobs, progress=lambda *done, told=told: told.append(done)
        )
        assert told[-1] == (210, 210)
        assert [done for done, _total in told] == sorted(done for done, _total in told)
