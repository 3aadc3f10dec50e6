"""Benchmark of `granska check DIR --summary`: many generated cases, one and two processes.

Prints figures; asserts nothing. `--quick` runs a smaller batch for CI.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.evaluation.batch import PARALLEL_FROM  # noqa: E402
from checker.loading.rules import load_rules  # noqa: E402
from checker.summary import case_files, evaluate_all  # noqa: E402

AUDIT = "pwc-arbetsmarknadsinsatser"


def write_cases(directory: Path, count: int) -> None:
    # imported here: a worker imports this script again, and needs none of it
    from checker.casefiles.drafts import draft_from_case, render_draft
    from checker.casefiles.random_cases import random_case

    rules = load_rules(ROOT / "rules")
    rng = random.Random(3)
    for number in range(count):
        case = random_case(rules, AUDIT, rng, number, known_share=0.9)
        text = render_draft(rules, draft_from_case(case, {}), "questionnaire")
        (directory / f"kommun-{number:05d}.yaml").write_text(text, encoding="utf-8")


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (
            resource.getrusage(resource.RUSAGE_SELF),
            resource.getrusage(resource.RUSAGE_CHILDREN),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller batch, for CI")
    quick = parser.parse_args().quick
    count, runs = (100, 1) if quick else (1000, 3)
    rules = load_rules(ROOT / "rules")
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        write_cases(directory, count)
        files = case_files(directory)
        print(
            f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
            f"(other work on the machine slows the parallel run most)"
        )
        rates, cpu = {}, {}
        for workers in (1, 2):
            times, cpus = [], []
            for _run in range(runs):
                cpu_before, start = _cpu_seconds(), time.perf_counter()
                evaluate_all(rules, files, None, lambda _done: None, workers=workers)
                times.append(time.perf_counter() - start)
                cpus.append(_cpu_seconds() - cpu_before)
            elapsed = statistics.median(times)
            rates[workers] = count / elapsed
            cpu[workers] = statistics.median(cpus)
            print(
                f"summary, {workers} process{'es' if workers > 1 else ''}: "
                f"{rates[workers]:,.0f} cases/s ({count} files read, validated and "
                f"evaluated in {elapsed:.2f} s wall, {cpu[workers]:.2f} s CPU, "
                f"worker start-up included; median of {runs}; target >= 1,000 on 2 cores)"
            )
        print(f"two processes / one: {rates[2] / rates[1]:.2f} (target > 1)")
        per_case, start_up = cpu[1] / count, cpu[2] - cpu[1]
        print(
            f"a worker's start-up: {start_up:.2f} s CPU (two processes' CPU less one's); "
            f"a case: {per_case * 1000:.2f} ms CPU; a worker repays its start-up from "
            f"{start_up / per_case:.0f} cases (batch.PARALLEL_FROM = {PARALLEL_FROM})"
        )
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "checker",
                "check",
                str(directory),
                "--summary",
                "-o",
                str(directory / "sammanstallning.xlsx"),
            ],
            check=True,
            cwd=ROOT,
        )
        print(
            f"granska check DIR --summary -o FILE.xlsx: {time.perf_counter() - start:.2f} s "
            f"end to end for {count} cases on {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
