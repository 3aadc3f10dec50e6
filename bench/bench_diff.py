"""Benchmark of regression testing: `granska diff` over generated cases, `granska test` on
the golden corpus.

Prints figures; asserts nothing. Targets: diff over 5,000 generated cases in at most 8 s
with both rule versions evaluated and both cores used; `granska test` on the golden
corpus in under 2 s. `--quick` runs a smaller corpus for CI.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.loading.rules import load_rules  # noqa: E402
from checker.regression.generate import generate_cases  # noqa: E402


def _timed(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="generated cases (default 5000)")
    parser.add_argument("--base", default="HEAD", help="git ref or directory of the base rules")
    parser.add_argument("--quick", action="store_true", help="500 cases, for CI")
    options = parser.parse_args()
    count = 500 if options.quick else options.n
    granska = [sys.executable, "-m", "checker"]
    with tempfile.TemporaryDirectory(prefix="granska-bench-") as scratch:
        start = time.perf_counter()
        generate_cases(load_rules(ROOT / "rules"), count, 1, Path(scratch))
        print(f"generate: {count} cases in {time.perf_counter() - start:.1f} s")
        seconds, code = _timed([*granska, "diff", "--base", options.base, "--cases", scratch])
        print(
            f"diff: {count} generated cases, rules at {options.base} and working rules, "
            f"{os.cpu_count()} cores: {seconds:.1f} s (exit {code}; "
            f"{2 * count / seconds:.0f} evaluations/s; target for 5000: at most 8 s)"
        )
    corpus = [str(path) for path in (ROOT / "tests" / "cases", ROOT / "examples") if path.is_dir()]
    seconds, code = _timed([*granska, "test", *corpus])
    print(
        f"test: the golden corpus ({', '.join(Path(p).name for p in corpus)}) in "
        f"{seconds:.2f} s (exit {code}; target: under 2 s)"
    )


if __name__ == "__main__":
    main()
