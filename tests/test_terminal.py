"""Text from input files reaches a terminal without its escape sequences: a crafted
result JSON cannot retitle the window or clear the screen through `granska compare`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.files.text_safety import terminal_safe

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "Heby \x1b]0;pwned\x07kommun\x1b[2J\x1b[H\x9b31m\x00"


def _results(tmp_path: Path) -> tuple[Path, Path]:
    run = CliRunner().invoke(
        main, ["check", str(ROOT / "examples" / "heby-2022.yaml"), "--format", "json"]
    )
    result = json.loads(run.output)
    result["kommun"] = HOSTILE
    paths = tmp_path / "före.json", tmp_path / "efter.json"
    for path in paths:
        path.write_text(json.dumps(result), encoding="utf-8")
    return paths


def test_escape_sequences_are_stripped_on_a_terminal(tmp_path):
    before, after = _results(tmp_path)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "checker", "compare", str(before), str(after)],
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=60,
    )
    shown = child.read()
    child.close()
    assert child.exitstatus == 0, shown
    assert "Heby " in shown and "pwned" not in shown.replace("]0;pwned", "")
    assert "\x1b]" not in shown and "\x1b[2J" not in shown and "\x9b" not in shown
    assert "\x00" not in shown


def test_escape_sequences_pass_unchanged_into_a_pipe(tmp_path):
    before, after = _results(tmp_path)
    run = CliRunner().invoke(main, ["compare", str(before), str(after)])
    assert run.exit_code == 0
    assert "\x1b]0;pwned\x07" in run.output


def test_terminal_safe_keeps_colours_and_text():
    coloured = "\x1b[1;32mJa\x1b[0m"
    assert terminal_safe(coloured + "\x1b]8;;http://x\x1b\\länk\x1b]8;;\x1b\\") == coloured + "länk"
    assert terminal_safe("rad 1\nrad\t2") == "rad 1\nrad\t2"
