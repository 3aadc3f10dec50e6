"""Benchmark of hostile input: how long `granska check` takes to refuse an alias bomb
of growing depth and a deeply nested file (each must stay flat, not grow with the
expansion), measured through the command line in a fresh process.

Prints figures; asserts nothing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = (ROOT / "tests" / "bad" / "year_0001.yaml").read_text(encoding="utf-8")
HEADER = HEADER.replace("granskningsdatum: 0001-01-01", "granskningsdatum: 2022-12-22")


def alias_bomb(levels: int, width: int = 9) -> str:
    lines = [HEADER.rstrip("\n"), "förväntat:", "  not:", "    a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        references = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"    a{level}: &a{level} [{references}]")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return HEADER + "förväntat:\n  not: " + "[" * depth + "]" * depth + "\n"


def seconds(text: str, runs: int = 3) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "case.yaml"
        path.write_text(text, encoding="utf-8")
        times, code = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            code = subprocess.run(
                [sys.executable, "-m", "checker", "check", str(path)],
                cwd=ROOT,
                capture_output=True,
                check=False,
            ).returncode
            times.append(time.perf_counter() - start)
        return statistics.median(times), code


def main() -> None:
    print(f"{'input':<28}{'bytes':>8}{'seconds':>10}{'exit':>6}")
    for levels in (4, 5, 6, 7, 8, 10):
        text = alias_bomb(levels)
        took, code = seconds(text)
        print(f"{f'alias bomb, {levels} levels':<28}{len(text.encode()):>8}{took:>10.2f}{code:>6}")
    for depth in (50, 250, 1000, 5000):
        text = nested(depth)
        took, code = seconds(text)
        print(f"{f'nesting, depth {depth}':<28}{len(text.encode()):>8}{took:>10.2f}{code:>6}")


if __name__ == "__main__":
    main()
