"""Start-up of `granska check CASE` to text, in the conditions a user meets: with the
start-up cache filled or turned off; as this environment runs it (with
PYTHONDONTWRITEBYTECODE set and no __pycache__ in a checkout, Python compiles the
package's source on every run, as bench.py measures it) and with all bytecode compiled
(every run after the first of an install).

The runs of all variants take turns, so a shared machine's load falls on each alike;
each figure is the median of `--runs` runs, and its difference to `python -c pass` under
the same bytecode condition. Prints figures; asserts nothing. The caches live in
temporary directories: the user's cache and the checkout are left alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _seconds(command: list[str], environment: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=environment)
    return time.perf_counter() - start


def import_top(case: str, environment: dict[str, str], count: int = 10) -> list[str]:
    """The `count` modules of most cumulative import time (python -X importtime)."""
    stderr = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "checker", "check", case],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    timings = []
    for line in stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            timings.append((int(parts[1]), int(parts[0]), parts[2].strip()))
    return [
        f"    {cumulative:8,d} ({own:7,d})  {name}"
        for cumulative, own, name in sorted(timings, reverse=True)[:count]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=11, help="runs of each variant")
    parser.add_argument("--case", default="examples/heby-2022.yaml")
    args = parser.parse_args()
    check = [sys.executable, "-m", "checker", "check", args.case]
    bare = [sys.executable, "-c", "pass"]
    with tempfile.TemporaryDirectory() as scratch:
        base = {**os.environ, "XDG_CACHE_HOME": str(Path(scratch) / "cache")}
        base.pop("GRANSKA_NO_CACHE", None)
        compiled = {**base, "PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": scratch + "/pyc"}
        variants = {
            ("as here", "bare"): (bare, base),
            ("as here", "cache"): (check, base),
            ("as here", "no cache"): (check, {**base, "GRANSKA_NO_CACHE": "1"}),
            ("bytecode", "bare"): (bare, compiled),
            ("bytecode", "cache"): (check, compiled),
            ("bytecode", "no cache"): (check, {**compiled, "GRANSKA_NO_CACHE": "1"}),
        }
        for command, environment in variants.values():  # fill the caches, compile
            _seconds(command, environment)
        times: dict[tuple[str, str], list[float]] = {key: [] for key in variants}
        for _ in range(args.runs):
            for key, (command, environment) in variants.items():
                times[key].append(_seconds(command, environment))
        median = {key: statistics.median(values) for key, values in times.items()}
        print(f"start-up of granska check {args.case} (median of {args.runs}, runs interleaved)")
        package_bytecode = (ROOT / "checker" / "__pycache__").is_dir()
        for code in ("as here", "bytecode"):
            for cache in ("cache", "no cache"):
                print(
                    f"  {code:8} {cache:8}: {median[code, cache]:.3f} s, difference to "
                    f"python -c pass {median[code, cache] - median[code, 'bare']:.3f} s"
                )
        print(
            "  as here: the package's own bytecode was "
            + ("used" if package_bytecode else "not there (its source compiled every run)")
        )
        print("  import time as here, cache filled, top 10 by cumulative µs (self µs):")
        print("\n".join(import_top(args.case, base)))


if __name__ == "__main__":
    main()
