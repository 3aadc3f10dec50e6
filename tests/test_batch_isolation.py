"""One file never stops a batch: `check DIR --summary` with a crashing or hostile file
among twenty gives the nineteen rows, reports the bad one and exits 2."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import summary
from checker.cli import main
from checker.evaluation import batch

ROOT = Path(__file__).resolve().parent.parent
CASE = (ROOT / "examples" / "snabbkontroll-2024.yaml").read_text(encoding="utf-8")
BAD = Path(__file__).parent / "bad"


def _twenty(directory: Path) -> list[Path]:
    paths = []
    for number in range(1, 21):
        path = directory / f"kommun-{number:02d}.yaml"
        path.write_text(CASE.replace("Exempelby kommun", f"Kommun {number:02d}"), encoding="utf-8")
        paths.append(path)
    return paths


def _files(path: Path) -> set[str]:
    """The case files the summary has rows for."""
    rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";")
    return {row[0] for row in rows if row and row[0].startswith("kommun-")}


def test_a_crash_in_one_file_leaves_the_other_nineteen(tmp_path, monkeypatch):
    (tmp_path / "fall").mkdir()
    paths = _twenty(tmp_path / "fall")
    load = summary.load_case

    def crash_on_seven(path, rules, audit=None):
        if Path(path).name == "kommun-07.yaml":
            raise RecursionError("maximum recursion depth exceeded")
        return load(path, rules, audit)

    monkeypatch.setattr(summary, "load_case", crash_on_seven)
    output = tmp_path / "sammanstallning.csv"
    result = CliRunner().invoke(main, ["check", str(paths[0].parent), "--summary", "-o", output])
    assert result.exit_code == 2, result.output
    files = _files(output)
    assert len(files) == 19
    assert "kommun-07.yaml" not in files
    assert "kommun-07.yaml: internt fel (RecursionError" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "bad",
    ["deep_nesting.yaml", "month_parameter_fraction.yaml", "alias_bomb.yaml", "fifo", "dir"],
)
def test_a_hostile_file_among_twenty_is_reported(tmp_path, bad):
    directory = tmp_path / "fall"
    directory.mkdir()
    paths = _twenty(directory)
    paths[6].unlink()
    if bad == "fifo":
        os.mkfifo(paths[6])
    elif bad == "dir":
        paths[6].mkdir()
    else:
        paths[6].write_bytes((BAD / bad).read_bytes())
    output = tmp_path / "sammanstallning.csv"
    result = CliRunner().invoke(main, ["check", str(directory), "--summary", "-o", output])
    assert result.exit_code == 2, result.output
    assert len(_files(output)) == 19
    assert "kommun-07.yaml" not in _files(output)
    assert "kommun-07.yaml" in result.output
    assert "Traceback" not in result.output


def _die_in_a_worker(marker: Path, chunk: list[int]) -> list[int]:
    """In a worker: leave the marker and die without a word; here: wait for the marker
    (so the worker has taken a chunk of its own) and count."""
    import multiprocessing

    if multiprocessing.parent_process() is not None:
        marker.write_text("taken", encoding="utf-8")
        os._exit(3)
    for _wait in range(6000):
        if marker.exists():
            break
        time.sleep(0.01)
    return list(chunk)


def test_a_worker_that_dies_stops_the_batch_instead_of_hanging_it(tmp_path):
    with pytest.raises(RuntimeError, match="stopped before its work was done"):
        batch.run(_die_in_a_worker, tmp_path / "taken", list(range(64)), jobs=2)
