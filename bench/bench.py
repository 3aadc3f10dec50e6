"""Benchmark of the spine: CLI cold start, throughput, engine vs reference, memory.

Prints figures; asserts nothing. `--quick` runs smaller sizes for CI.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.casefiles.random_cases import random_case  # noqa: E402
from checker.evaluation.evaluate import criterion_forms, evaluate_case  # noqa: E402
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
        f"(target <= 0.4 s; median of {runs})"
    )


def _cases(rules, count: int, seed: int = 1):
    rng = random.Random(seed)
    return [random_case(rules, AUDIT, rng, number, known_share=0.9) for number in range(count)]


def throughput(count: int) -> None:
    rules = load_rules(ROOT / "rules")
    cases = _cases(rules, count)
    evaluate_case(rules, cases[0])  # build the ruleset once, as a long run would
    for label, reasoning in (("evaluate + aggregate", False), ("with reasoning", True)):
        start = time.perf_counter()
        for case in cases:
            evaluate_case(rules, case, with_reasoning=reasoning)
        elapsed = time.perf_counter() - start
        target = "" if reasoning else " (target >= 500)"
        print(
            f"throughput, {label}: {count / elapsed:,.0f} cases/s "
            f"({count} cases, {elapsed:.2f} s, one process){target}"
        )
    rates = {}
    for engine in (True, False):
        start = time.perf_counter()
        for case in cases:
            criterion_forms(rules, case, use_engine=engine)
        rates[engine] = count / (time.perf_counter() - start)
    print(
        f"criteria only: durable-rules {rates[True]:,.0f} cases/s, reference interpreter "
        f"{rates[False]:,.0f} cases/s, ratio {rates[True] / rates[False]:.2f}"
    )


def memory_child(count: int) -> None:
    rules = load_rules(ROOT / "rules")
    rng = random.Random(2)
    for number in range(count):
        evaluate_case(rules, random_case(rules, AUDIT, rng, number, known_share=0.9))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


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
    throughput(200 if args.quick else 1000)
    memory([200, 1000] if args.quick else [1000, 10000])


if __name__ == "__main__":
    main()
