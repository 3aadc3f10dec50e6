"""Criterion tests: small named tests of one criterion's status or one question's verdict.

They live beside the rules, in `tests/*.yaml` of the rules directory (the format is in
docs/regression-testing.md; a closed schema, every error located). Each test gives some facts, the
parameters it overrides and the grade it expects; it is run as a case of an audit
template that uses the criterion, with one nämnd per role of the template, and its
grade is read through checker.regression.comparison as `granska diff` reads it.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.nodes import Node, suggest
from checker.files.strict_yaml import Located, load_yaml
from checker.loading.cases import case_from_data
from checker.model import RuleBase
from checker.regression.comparison import outcome
from checker.regression.expected import Check

TESTS_DIR = "tests"
_TEST_KEYS = ("name", "audit", "criterion", "question", "facts", "parameters", "period", "expected")
_PERIOD_KEYS = ("from", "to", "review_date")
# Where a case's field is named otherwise in a test, for located errors.
_CASE_TO_TEST = {"parametrar": "parameters", "granskningsperiod": "period"}


def test_files(rules: RuleBase) -> list[Path]:
    """The criterion test files of the rules directory, sorted (relative to the working
    directory when they are under it, as the user would type them)."""
    here = Path.cwd().resolve()
    found = sorted((Path(rules.directory).resolve() / TESTS_DIR).glob("*.yaml"))
    return [path.relative_to(here) if path.is_relative_to(here) else path for path in found]


def _audit_for(rules: RuleBase, criterion_id: str, node: Node) -> str:
    for audit in sorted(rules.audits.values(), key=lambda audit: audit.id):
        if any(spec.criterion == criterion_id for q in audit.questions for spec in q.criteria):
            return audit.id
    raise node.error(f"criterion {criterion_id!r} is in no question of any audit template")


def _period(fields: dict[str, Node], default: Node | None, test: Node) -> dict:
    node = fields.get("period", default)
    if node is None:
        raise test.error("give the test a `period:` (or the file one for every test)")
    period = node.mapping(required=("from", "to"), optional=_PERIOD_KEYS)
    start, end = period["from"].date(), period["to"].date()
    review = period["review_date"].date() if "review_date" in period else end
    return {"från": start.isoformat(), "till": end.isoformat(), "review": review.isoformat()}


def _case_data(rules: RuleBase, fields: dict[str, Node], audit_id: str, period: dict) -> Located:
    audit = rules.audits[audit_id]
    data = Located(
        kommun=fields["name"].text(),
        granskningsperiod={"från": period["från"], "till": period["till"]},
        granskningsdatum=period["review"],
        audit=audit_id,
        nämnder=[{"namn": role.title, "roller": [role.id]} for role in audit.roles],
        facts=fields["facts"].value if "facts" in fields else {},
    )
    data.line, data.key_lines = fields["name"].line, {}
    if "facts" in fields:
        data.key_lines["facts"] = fields["facts"].line
    if "parameters" in fields:
        data["parametrar"] = fields["parameters"].value
        data.key_lines["parametrar"] = fields["parameters"].line
    return data


def _located(error: GranskaError, test: Node) -> GranskaError:
    """A case error as it reads in the test file: the field path under the test."""
    path = error.path or ""
    head, _, rest = path.partition(".")
    path = ".".join(part for part in (_CASE_TO_TEST.get(head, head), rest) if part)
    return GranskaError(
        error.message, error.file, error.line, f"{test.path}.{path}" if path else test.path
    )


def run_test(rules: RuleBase, test: Node, default_period: Node | None) -> tuple[Check, dict]:
    """Run one test: its grade against the one it expects, and every grade of its case."""
    fields = test.mapping(required=("name", "expected"), optional=_TEST_KEYS)
    name = fields["name"].text()
    targets = [key for key in ("criterion", "question") if key in fields]
    if len(targets) != 1:
        raise test.error("a test names exactly one `criterion:` or one `question:`")
    level = targets[0]
    target = fields[level].text()
    if level == "criterion":
        if target not in rules.criteria:
            raise fields[level].error(
                f"unknown criterion {target!r}{suggest(target, rules.criteria)}"
            )
        audit_id = (
            fields["audit"].choice(sorted(rules.audits))
            if "audit" in fields
            else _audit_for(rules, target, fields[level])
        )
    else:
        if "audit" not in fields:
            raise test.error("a test of a question names its `audit:`")
        audit_id = fields["audit"].choice(sorted(rules.audits))
        known = [question.id for question in rules.audits[audit_id].questions]
        if target not in known:
            raise fields[level].error(
                f"no question {target!r} in audit {audit_id}{suggest(target, known)}"
            )
    period = _period(fields, default_period, test)
    try:
        case = case_from_data(_case_data(rules, fields, audit_id, period), test.file, rules)
    except GranskaError as error:
        raise _located(error, test) from None
    result = evaluate_case(rules, case, with_reasoning=False)
    grades = outcome(result)["levels"][level]
    if target not in grades:
        raise fields[level].error(f"{target} is not evaluated in audit {audit_id}")
    expected = fields["expected"]
    if not isinstance(expected.value, str):
        raise expected.error("expected a status or verdict id, e.g. uppfyllt")
    return Check(name, expected.value, grades[target], level=level, item=target), result


def run_file(path: Path, rules: RuleBase) -> list[tuple[Check, dict]]:
    """Every test of one file, each with the result of the case it ran."""
    root = Node(load_yaml(path), str(path), 1, "")
    fields = root.mapping(required=("tests",), optional=("period",))
    return [run_test(rules, test, fields.get("period")) for test in fields["tests"].sequence()]
