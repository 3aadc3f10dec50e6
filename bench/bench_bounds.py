"""Benchmark of the exact bounds and the interview ranking (docs/bounds.md).

Prints, for the largest audit template (most facts read): the time of bounds plus the
full ranking (`granska interview`'s work) for an empty case and for half-known cases,
how the cost grows with the number of unknown facts, and how many criterion evaluations
by the reference interpreter lie behind it (every criterion on every combination of
its own facts' classes, whatever is unknown). Asserts nothing. `--quick` runs fewer
repetitions, for CI.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.casefiles.fact_order import criteria_reading  # noqa: E402
from checker.casefiles.random_cases import random_case  # noqa: E402
from checker.evaluation.evaluate import evaluate_case  # noqa: E402
from checker.interview import interview  # noqa: E402
from checker.loading.rules import load_rules  # noqa: E402
from checker.model import Case, RuleBase  # noqa: E402


def largest_audit(rules: RuleBase) -> str:
    return max(
        sorted(rules.audits),
        key=lambda audit_id: len(criteria_reading(rules, rules.audits[audit_id])),
    )


def _timed(rules: RuleBase, case: Case, runs: int) -> tuple[float, int]:
    """Median seconds of bounds plus a full interview ranking, and the facts ranked."""
    times, ranked = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        guide = interview(rules, case)
        times.append(time.perf_counter() - start)
        ranked = len(guide["facts"])
    return statistics.median(times), ranked


def _evaluations(rules: RuleBase, case: Case) -> int:
    """Criterion evaluations by the reference interpreter behind one full ranking."""
    from checker.bounds.analysis import Analysis
    from checker.evaluation.evaluate import context_of, parameters_for

    analysis = Analysis(
        rules, case, parameters_for(rules, rules.audits[case.audit], case), context_of(case)
    )
    for key in analysis.graded:
        analysis.bound_names(key)
    for number in range(len(case.namnder)):
        analysis.namnd_bounds(number)
    for fact_id in analysis.unknown_facts:
        analysis.effect(fact_id)
    return sum(table.evaluations for table in analysis.problem.tables)


def with_unknown(case: Case, count: int, rng: random.Random) -> Case:
    """The case with `count` of its stated facts made unknown."""
    forgotten = set(rng.sample(sorted(case.facts), min(count, len(case.facts))))
    return replace(case, facts={k: v for k, v in case.facts.items() if k not in forgotten})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for CI")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    rules = load_rules(ROOT / "rules")
    audit_id = largest_audit(rules)
    facts = len(criteria_reading(rules, rules.audits[audit_id]))
    rng = random.Random(5)
    complete = random_case(rules, audit_id, rng, 0, known_share=1.0)
    empty = replace(complete, facts={})
    seconds, ranked = _timed(rules, empty, runs)
    print(
        f"largest template: {audit_id} ({len(rules.audits[audit_id].questions)} questions, "
        f"{facts} facts; {_evaluations(rules, empty)} criterion evaluations in all)"
    )
    print(
        f"empty case: bounds + full ranking {seconds:.3f} s ({ranked} facts ranked; "
        f"target <= 2 s; median of {runs})"
    )
    half = [
        random_case(rules, audit_id, random.Random(seed), seed, known_share=0.5)
        for seed in range(5)
    ]
    figures = [_timed(rules, case, runs)[0] for case in half]
    print(
        f"half-known cases: bounds + full ranking median {statistics.median(figures):.3f} s, "
        f"worst {max(figures):.3f} s (5 random cases; target <= 0.5 s)"
    )
    start = time.perf_counter()
    evaluate_case(rules, empty)
    print(
        f"granska check of the empty case (bounds, open facts, the way up, reasoning): "
        f"{time.perf_counter() - start:.3f} s"
    )
    print("growth with the number of unknown facts (median over 5 random cases):")
    print("  unknown   seconds   facts ranked")
    for count in sorted({0, 4, 8, 12, 16, 20, 24, 32, facts}):
        if count > facts:
            continue
        samples = [
            _timed(
                rules,
                with_unknown(
                    random_case(rules, audit_id, random.Random(s), s), count, random.Random(s)
                ),
                3,
            )
            for s in range(5)
        ]
        print(
            f"  {count:7d}   {statistics.median(t for t, _r in samples):7.3f}   "
            f"{statistics.median(r for _t, r in samples):12.0f}"
        )


if __name__ == "__main__":
    main()
