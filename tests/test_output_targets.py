"""Where `-o` writes: only over a plain file that is not an input, through a symlink, with
the target's mode kept (new files honour the umask), never leaving a temporary file."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.errors import GranskaError
from checker.files.atomic import write_file

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "examples" / "snabbkontroll-2024.yaml"
ANSWERS = "rutiner.kanda_och_tillgangliga: ja\n"


def _run(*args: str):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _case_copy(tmp_path: Path) -> Path:
    case = tmp_path / "case.yaml"
    shutil.copyfile(CASE, case)
    return case


def _leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if path.name.endswith(".tmp"))


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "report.md"
    os.mkfifo(fifo)
    result = _run("check", CASE, "-o", fifo)
    assert result.exit_code == 2, result.output
    assert "report.md: not a regular file" in result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("through_link", [False, True])
def test_a_device_is_refused(tmp_path, through_link):
    target = Path(os.devnull)
    if through_link:  # a device stand-in inside the test directory
        target = tmp_path / "report.md"
        target.symlink_to(os.devnull)
    result = _run("check", CASE, "-o", target)
    assert result.exit_code == 2, result.output
    assert "not a regular file" in result.output
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_a_directory_is_refused(tmp_path):
    (tmp_path / "report.md").mkdir()
    result = _run("check", CASE, "-o", tmp_path / "report.md")
    assert result.exit_code == 2
    assert "is a directory" in result.output
    with pytest.raises(GranskaError, match="not a regular file"):
        write_file(tmp_path / "report.md", "text")


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real.name)
    result = _run("check", CASE, "-o", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert "Exempelby kommun" in real.read_text(encoding="utf-8")
    assert _leftovers(tmp_path) == []


def test_a_hard_link_is_refused_and_both_names_untouched(tmp_path):
    first = tmp_path / "first.md"
    first.write_text("old\n", encoding="utf-8")
    second = tmp_path / "second.md"
    os.link(first, second)
    result = _run("check", CASE, "-o", second)
    assert result.exit_code == 2, result.output
    assert "second.md: has 2 hard links" in result.output
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8") == "old\n"
    assert os.path.samefile(first, second)


@pytest.mark.parametrize("alias", ["same", "symlink", "relative"])
def test_the_input_file_is_never_overwritten(tmp_path, alias, monkeypatch):
    case = _case_copy(tmp_path)
    before = case.read_bytes()
    target = case
    if alias == "symlink":
        target = tmp_path / "link.yaml"
        target.symlink_to(case)
    elif alias == "relative":
        monkeypatch.chdir(tmp_path)
        target = Path("./case.yaml")
    result = _run("check", case, "-o", target)
    assert result.exit_code == 2, result.output
    assert "is the input file" in result.output
    assert case.read_bytes() == before


def test_interview_and_followup_refuse_their_input(tmp_path):
    case = _case_copy(tmp_path)
    before = case.read_bytes()
    assert _run("interview", case, "-o", case).exit_code == 2
    assert case.read_bytes() == before
    result_json = tmp_path / "result.json"
    assert _run("check", ROOT / "examples" / "heby-2022.yaml", "-o", result_json).exit_code == 0
    json_before = result_json.read_bytes()
    outcome = _run("followup", result_json, "-o", result_json, "--force")
    assert outcome.exit_code == 2, outcome.output
    assert result_json.read_bytes() == json_before


def test_a_new_file_honours_the_umask(tmp_path, umask_022):
    output = tmp_path / "report.md"
    assert _run("check", CASE, "-o", output).exit_code == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o644


def test_a_replaced_file_keeps_its_mode(tmp_path, umask_022):
    output = tmp_path / "report.md"
    output.write_text("old\n", encoding="utf-8")
    output.chmod(0o664)
    assert _run("check", CASE, "-o", output).exit_code == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o664


def test_merge_keeps_the_case_mode_and_its_symlink(tmp_path, umask_022):
    real = _case_copy(tmp_path)
    real.chmod(0o664)
    link = tmp_path / "link.yaml"
    link.symlink_to(real.name)
    answers = tmp_path / "svar.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    result = _run("merge", link, answers, "-o", link, "--overwrite")
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o664
    assert "rutiner.kanda_och_tillgangliga: ja\n" in real.read_text(encoding="utf-8")


def test_errors_name_the_target_not_the_temporary_file(tmp_path):
    output = tmp_path / "case.yaml"

    def refuse(temporary: Path) -> None:
        raise GranskaError("refused", str(temporary), 4)

    with pytest.raises(GranskaError) as caught:
        write_file(output, "kommun: x\n", check=refuse)
    assert caught.value.file == str(output)
    assert str(caught.value) == f"{output}:4: refused"
    assert list(tmp_path.iterdir()) == []


def test_generate_names_the_written_file_when_the_reread_fails(tmp_path, monkeypatch):
    from checker.casefiles import drafts

    monkeypatch.setattr(drafts, "load_yaml", _raise_for_temporary)
    result = _run("generate", "--n", "1", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert ".tmp" not in result.output
    assert "case-00001.yaml:1: bad" in result.output


def _raise_for_temporary(path: Path):
    raise GranskaError("bad", str(path), 1)


_SLOW_WRITE = """
import signal, sys, time
from pathlib import Path
from checker import cli
from checker.files.atomic import write_file
signal.signal(signal.SIGTERM, cli._terminate)
def wait(temporary):
    print("writing", flush=True)
    time.sleep(60)
write_file(Path(sys.argv[1]), "new\\n", check=wait)
"""


def test_sigterm_during_a_write_leaves_no_temporary_and_the_old_file(tmp_path):
    output = tmp_path / "report.md"
    output.write_text("old\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITE, str(output)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "writing"
    assert len(_leftovers(tmp_path)) == 1
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert _leftovers(tmp_path) == []
    assert output.read_text(encoding="utf-8") == "old\n"
