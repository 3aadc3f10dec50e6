"""Brute force for the bounds tests: every completion of a case's unknown facts, run through
the reference interpreter (checker.language.conditions.evaluate) and
checker.language.verdicts.grade.

Each unknown fact ranges over candidate values made here, independently of
checker.bounds.domains: the tests' constants and their neighbours, every enum value, both
booleans, shares of twenty, and every underlag kind (or none). Candidates that answer
every test of the fact alike are kept once, as they cannot differ in any condition.
"""

from __future__ import annotations

import atexit
import functools
import itertools
import math
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from checker.bounds.analysis import Analysis
from checker.evaluation.evaluate import context_of, parameters_for
from checker.language import conditions, verdicts
from checker.loading.cases import load_case
from checker.loading.rules import load_rules
from checker.model import NOT_APPLICABLE, STATUSES, Case, CaseFact, Count, RuleBase

HEADER = """kommun: Provkommun
granskningsperiod: {{från: 2022-01-01, till: 2022-12-31}}
granskningsdatum: 2022-12-20
audit: {audit}
nämnder:
{namnder}
"""


def blank_case(rules: RuleBase, audit_id: str, directory: Path) -> Case:
    """A case of `audit_id` stating no facts, one nämnd per role (read from a file)."""
    audit = rules.audits[audit_id]
    namnder = "\n".join(
        f"  - {{namn: Nämnd {role.id}, roller: [{role.id}]}}" for role in audit.roles
    )
    path = directory / f"{audit_id}.yaml"
    path.write_text(HEADER.format(audit=audit_id, namnder=namnder), encoding="utf-8")
    return load_case(path, rules)


def with_facts(
    case: Case, facts: dict[str, tuple[Any, str]], not_assessed: tuple[str, ...] = ()
) -> Case:
    return replace(
        case,
        facts={
            fact_id: CaseFact(fact_id, value, "", underlag)
            for fact_id, (value, underlag) in facts.items()
        },
        not_assessed={criterion: "prov" for criterion in not_assessed},
    )


def _tests(condition, into: dict[str, list]) -> None:
    if condition is None:
        return
    if isinstance(condition, conditions.Test):
        into.setdefault(condition.fact, []).append(condition)
    elif isinstance(condition, conditions.Not):
        _tests(condition.item, into)
    else:
        for item in condition.items:
            _tests(item, into)


def _raw_values(fact, tests, context) -> list:
    kind = fact.type
    if kind == "bool":
        return [False, True]
    if kind == "enum":
        return list(fact.values)
    points = []
    for test in tests:
        if test.op in conditions.PERIOD_OPERATORS:
            points.append(conditions.cutoff(test.operand, context))
        else:
            points.append(test.operand)
    if kind == "date":
        day = timedelta(days=1)
        return sorted({p + d for p in points for d in (-day, 0 * day, day)}) or [
            context.granskningsdatum
        ]
    if kind == "integer":
        return sorted(
            {
                v
                for p in points
                for v in (math.floor(p) - 1, math.floor(p), math.ceil(p), math.ceil(p) + 1)
            }
        ) or [0]
    if kind in ("number", "percent"):
        values = {p + d for p in points for d in (-1, -0.5, 0, 0.5, 1)}
        values |= {(a + b) / 2 for a, b in itertools.pairwise(sorted(points))}
        if kind == "percent":
            values = {v for v in values if 0 <= v <= 100} | {0, 100}
        return sorted(values) or [0]
    counts = {Count(j, 20) for j in range(21)}
    for p in points:
        share = Fraction(str(p))
        counts.add(Count(share.numerator, share.denominator))
        for j in (-1, 1):
            scaled = share.numerator * 1000 + j
            if 0 <= scaled <= share.denominator * 1000:
                counts.add(Count(scaled, share.denominator * 1000))
    return sorted(counts, key=lambda c: (c.share, c.total))


@dataclass
class Oracle:
    """Brute force over one case's unknown facts."""

    rules: RuleBase
    case: Case

    def __post_init__(self) -> None:
        rules, case = self.rules, self.case
        self.audit = rules.audits[case.audit]
        self.context = context_of(case)
        parameters = parameters_for(rules, self.audit, case)
        self.criteria = {}
        tests: dict[str, list] = {}
        for question in self.audit.questions:
            for spec in question.criteria:
                criterion = rules.criteria[spec.criterion]
                u = conditions.bind(criterion.uppfyllt, parameters)
                d = conditions.bind(criterion.delvis, parameters)
                a = conditions.bind(criterion.applies_when, parameters)
                _tests(u, tests)
                _tests(d, tests)
                _tests(a, tests)
                self.criteria[criterion.id] = (
                    u,
                    d,
                    sorted(
                        conditions.facts_of(u) | conditions.facts_of(d) | conditions.facts_of(a)
                    ),
                    a,
                )
        self.known = {f: (v.value, v.underlag) for f, v in case.facts.items() if v.known}
        self.tests = tests
        self.all_candidates = {}
        for fact_id, fact_tests in tests.items():
            seen = {}
            kinds = ("", *rules.vocabulary.underlag)
            for value in _raw_values(rules.facts[fact_id], fact_tests, self.context):
                for kind in kinds:
                    seen.setdefault(self.signature(fact_id, (value, kind)), (value, kind))
            self.all_candidates[fact_id] = list(seen.values())
        self.candidates = {f: c for f, c in self.all_candidates.items() if f not in self.known}
        self._statuses: dict[tuple, str] = {}
        self.grades = [g.id for g in reversed(self.audit.scale)]
        self.overall_grades = [g.id for g in reversed(self.audit.overall_scale)]

    def signature(self, fact_id: str, pair: tuple[Any, str]) -> tuple:
        """How every test of the fact judges one (value, underlag)."""
        return tuple(
            conditions.evaluate(test, self.rules.facts, {fact_id: pair}, self.context)
            for test in self.tests[fact_id]
        )

    def status(self, criterion_id: str, values: dict[str, tuple[Any, str]]) -> str:
        u, d, facts, applies = self.criteria[criterion_id]
        key = (criterion_id, *(values[f] for f in facts))
        if key not in self._statuses:
            if applies is not None and not conditions.evaluate(
                applies, self.rules.facts, values, self.context
            ):
                self._statuses[key] = NOT_APPLICABLE
            elif conditions.evaluate(u, self.rules.facts, values, self.context):
                self._statuses[key] = "uppfyllt"
            elif conditions.evaluate(d, self.rules.facts, values, self.context):
                self._statuses[key] = "delvis"
            else:
                self._statuses[key] = "ej_uppfyllt"
        return self._statuses[key]

    def unknown(self, criterion_ids) -> list[str]:
        read = {f for c in criterion_ids for f in self.criteria[c][2]}
        return [f for f in self.rules.facts if f in read and f not in self.known]

    def assessed(self, question) -> list:
        return [spec for spec in question.criteria if spec.criterion not in self.case.not_assessed]

    def question_grade(self, question, values) -> str:
        items = [
            verdicts.Item(self.status(spec.criterion, values), spec.weight, spec.essential)
            for spec in self.assessed(question)
        ]
        return verdicts.grade(self.audit.policy, items, STATUSES)

    def table(self, criterion_ids, grade_of, fixed=None) -> dict[tuple, str]:
        """Every completion of the unknown facts the criteria read, and its grade."""
        facts = [f for f in self.unknown(criterion_ids) if f not in (fixed or {})]
        result = {}
        for choice in itertools.product(*(self.candidates[f] for f in facts)):
            values = {**self.known, **(fixed or {}), **dict(zip(facts, choice, strict=True))}
            result[choice] = grade_of(values)
        return result

    def question_table(self, question_id: str, fixed=None) -> tuple[list[str], dict]:
        question = next(q for q in self.audit.questions if q.id == question_id)
        ids = [spec.criterion for spec in self.assessed(question)]
        facts = [f for f in self.unknown(ids) if f not in (fixed or {})]
        return facts, self.table(ids, lambda values: self.question_grade(question, values), fixed)

    def question_bounds(self, question_id: str, fixed=None) -> tuple[str, str]:
        _facts, table = self.question_table(question_id, fixed)
        ranks = [self.grades.index(grade) for grade in table.values()]
        return self.grades[min(ranks)], self.grades[max(ranks)]

    def open_facts(self, question_id: str) -> list[str]:
        """Unknown facts with two completions, differing only in them, of different grades."""
        facts, table = self.question_table(question_id)
        result = []
        for index, fact_id in enumerate(facts):
            groups: dict[tuple, set] = {}
            for choice, grade in table.items():
                groups.setdefault(choice[:index] + choice[index + 1 :], set()).add(grade)
            if any(len(grades) > 1 for grades in groups.values()):
                result.append(fact_id)
        return result

    def criterion_statuses(self, criterion_id: str) -> tuple[str, ...]:
        table = self.table([criterion_id], lambda values: self.status(criterion_id, values))
        return tuple(s for s in (*STATUSES, NOT_APPLICABLE) if s in table.values())

    def concerned(self, namnd) -> tuple[list, list[str]]:
        """The questions concerning a nämnd, and their assessed criteria."""
        questions = [
            q
            for q in self.audit.questions
            if any(
                role in namnd.roles
                for spec in q.criteria
                for role in self.rules.criteria[spec.criterion].concerns
            )
        ]
        return questions, [spec.criterion for q in questions for spec in self.assessed(q)]

    def namnd_bounds(self, namnd) -> tuple[str, str]:
        questions, ids = self.concerned(namnd)

        def grade_of(values):
            items = [verdicts.Item(self.question_grade(q, values)) for q in questions]
            return verdicts.grade(self.audit.overall_policy, items, self.grades)

        ranks = [self.overall_grades.index(g) for g in self.table(ids, grade_of).values()]
        return self.overall_grades[min(ranks)], self.overall_grades[max(ranks)]

    def namnd_unknowns(self, namnd) -> int:
        return len(self.unknown(self.concerned(namnd)[1]))

    def minimal_raises(self, question_id: str, target: str, max_changes: int = 3) -> set:
        """Every minimal set of at most `max_changes` fact changes after which the
        question's lowest bound is at least `target`, as {(fact, signature)}."""
        question = next(q for q in self.audit.questions if q.id == question_id)
        read = [
            f
            for f in self.rules.facts
            if f in {f for s in self.assessed(question) for f in self.criteria[s.criterion][2]}
        ]
        options = {}
        for fact_id in read:
            current = (
                self.signature(fact_id, self.known[fact_id]) if fact_id in self.known else None
            )
            options[fact_id] = [
                pair
                for pair in self.all_candidates[fact_id]
                if self.signature(fact_id, pair) != current
            ]
        goal = self.grades.index(target)
        working = set()
        for size in range(1, max_changes + 1):
            for chosen in itertools.combinations(read, size):
                for pairs in itertools.product(*(options[f] for f in chosen)):
                    fixed = dict(zip(chosen, pairs, strict=True))
                    lowest = self.question_bounds(question_id, fixed)[0]
                    if self.grades.index(lowest) >= goal:
                        working.add(frozenset((f, self.signature(f, p)) for f, p in fixed.items()))
        return {changes for changes in working if not any(other < changes for other in working)}


# --- shared by the bounds tests: rule sets, blank cases, drawn cases ----------------
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = load_rules(ROOT / "rules")
NONMONOTONE = ("prov-icke-monoton", "prov-omvand-policy")
AUDITS = [("shipped", audit_id) for audit_id in sorted(SHIPPED.audits)] + [
    ("nonmonotone", audit_id) for audit_id in NONMONOTONE
]
SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def rule_set(name: str) -> RuleBase:
    """The shipped rules, or the test rules in tests/data/nonmonotone (with the shipped
    vocabulary and sources), read once."""
    if name == "shipped":
        return SHIPPED
    directory = Path(tempfile.mkdtemp(prefix="granska-nonmonotone-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    shutil.copytree(ROOT / "tests" / "data" / "nonmonotone", directory, dirs_exist_ok=True)
    for file_name in ("vocabulary.yaml", "sources.yaml"):
        shutil.copy(ROOT / "rules" / file_name, directory / file_name)
    return load_rules(directory)


@functools.cache
def blank(name: str, audit_id: str) -> Case:
    """A case of the audit stating no facts."""
    directory = Path(tempfile.mkdtemp(prefix="granska-blank-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return blank_case(rule_set(name), audit_id, directory)


def analyse(rules, case) -> Analysis:
    return Analysis(
        rules, case, parameters_for(rules, rules.audits[case.audit], case), context_of(case)
    )


def draw_cases(data, rules, blank, max_unknown: int = 12, skip: bool = True):
    """A complete case (values from the brute force's candidates) and a partial one."""
    candidates = Oracle(rules, blank).candidates
    facts = list(candidates)
    full = {
        fact_id: data.draw(st.sampled_from(candidates[fact_id]), label=fact_id) for fact_id in facts
    }
    unknown = data.draw(
        st.sets(st.sampled_from(facts), max_size=min(max_unknown, len(facts))), label="unknown"
    )
    criteria = sorted(
        {spec.criterion for q in rules.audits[blank.audit].questions for spec in q.criteria}
    )
    skipped = data.draw(
        st.lists(st.sampled_from(criteria), max_size=1 if skip else 0), label="ej granskat"
    )
    partial = with_facts(blank, {f: v for f, v in full.items() if f not in unknown}, tuple(skipped))
    return with_facts(blank, full, tuple(skipped)), partial


def names(analysis: Analysis, bounds: tuple[int, int]) -> tuple[str, str]:
    return analysis.grades[bounds[0]], analysis.grades[bounds[1]]
