"""Benchmark of the spine: CLI cold start, throughput, engine vs reference, memory.

Prints figures (medians of repeated runs; the machine may be shared, so the ratios in
one run say more than the times); asserts nothing. `--quick` runs smaller sizes for CI.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_startup import import_top  # noqa: E402  (beside this script)

from checker.casefiles.random_cases import random_case  # noqa: E402
from checker.evaluation.evaluate import (  # noqa: E402
    decided_statuses,
    evaluate_case,
    judge_case,
)
from checker.loading.rules import load_rules  # noqa: E402

AUDIT = "pwc-arbetsmarknadsinsatser"


def _median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(runs: int) -> None:
    bare = _median_seconds([sys.executable, "-c", "pass"], runs)
    check = _median_seconds(
        [sys.executable, "-m", "checker", "check", "examples/heby-2022.yaml"], runs
    )
    print(
        f"cold start: granska check examples/heby-2022.yaml {check:.3f} s, "
        f"python -c pass {bare:.3f} s, difference {check - bare:.3f} s "
        f"(target <= 0.25 s; median of {runs})"
    )
    print("  import time, top 10 by cumulative µs (self µs):")
    print("\n".join(import_top("examples/heby-2022.yaml", dict(os.environ))))


def _cases(rules, count: int, seed: int = 1):
    rng = random.Random(seed)
    return [random_case(rules, AUDIT, rng, number, known_share=0.9) for number in range(count)]


def _rate(work, count: int, runs: int) -> float:
    """Cases per second, the median of `runs` runs of `work()` over `count` cases."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return count / statistics.median(times)


def throughput(count: int, runs: int) -> None:
    rules = load_rules(ROOT / "rules")
    cases = _cases(rules, count)
    evaluate_case(rules, cases[0])  # build the ruleset once, as a long run would
    kinds = (
        ("evaluate + aggregate (judge_case: statuses, bounds, verdicts)", "judge", 2000),
        ("the full result without texts (evaluate_case)", "result", None),
        ("with reasoning (evaluate_case: texts, open facts, way up)", "reasoning", 300),
    )
    for label, kind, target in kinds:

        def evaluate_all(kind: str = kind) -> None:
            decided = decided_statuses(rules, cases)
            for case, statuses in zip(cases, decided, strict=True):
                if kind == "judge":
                    judge_case(rules, case, decided=statuses)
                else:
                    evaluate_case(rules, case, with_reasoning=kind == "reasoning", decided=statuses)

        rate = _rate(evaluate_all, count, runs)
        wanted = f"; target >= {target:,}" if target else ""
        print(
            f"throughput, {label}: {rate:,.0f} cases/s ({count} cases, one process, "
            f"median of {runs}{wanted})"
        )
    engine = _rate(lambda: decided_statuses(rules, cases), count, runs)
    reference = _rate(lambda: decided_statuses(rules, cases, use_engine=False), count, runs)
    print(
        f"criteria only: durable-rules {engine:,.0f} cases/s, reference interpreter "
        f"{reference:,.0f} cases/s, ratio {engine / reference:.2f} (target >= 0.50; "
        f"median of {runs})"
    )


def oracle(count: int) -> None:
    """durable-rules against the reference interpreter on generated cases of every audit."""
    rules = load_rules(ROOT / "rules")
    rng = random.Random(7)
    audits = sorted(rules.audits)
    mismatches = criteria = 0
    start = time.perf_counter()
    for first in range(0, count, 1000):
        cases = [
            random_case(
                rules,
                audits[number % len(audits)],
                rng,
                number,
                known_share=rng.choice([1.0, 0.9, 0.7, 0.3, 0.0]),
            )
            for number in range(first, min(count, first + 1000))
        ]
        engine = decided_statuses(rules, cases)
        reference = decided_statuses(rules, cases, use_engine=False)
        for decided, expected in zip(engine, reference, strict=True):
            criteria += len(expected)
            mismatches += sum(decided[key] != value for key, value in expected.items())
    print(
        f"oracle: {count:,} generated cases ({len(audits)} audits), {criteria:,} criterion "
        f"statuses, {mismatches} mismatches between durable-rules and the reference "
        f"interpreter ({time.perf_counter() - start:.1f} s)"
    )


def memory_child(count: int) -> None:
    rules = load_rules(ROOT / "rules")
    rng = random.Random(2)
    for number in range(count):
        evaluate_case(rules, random_case(rules, AUDIT, rng, number, known_share=0.9))
    print(_peak_kib())


def _peak_kib() -> int:
    """This process's peak resident memory in KiB: VmHWM, which starts afresh at exec
    (getrusage's ru_maxrss keeps the peak of the process that started this one)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory(sizes: list[int]) -> None:
    peaks = []
    for size in sizes:
        output = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(size)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        peaks.append((size, int(output.split()[-1]) / 1024))
    print("peak memory: " + ", ".join(f"{size:,} cases {mib:.1f} MiB" for size, mib in peaks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for CI")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    cold_start(3 if args.quick else 10)
    throughput(200 if args.quick else 1000, 3 if args.quick else 5)
    oracle(3000 if args.quick else 30000)
    memory([200, 1000] if args.quick else [1000, 10000])


if __name__ == "__main__":
    main()
