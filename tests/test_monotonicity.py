"""The non-monotone places of a rule base, as located findings for `granska lint`."""

from __future__ import annotations

from pathlib import Path

from bounds_oracle import SHIPPED, rule_set

from checker.bounds.monotonicity import monotonicity_findings


def _line(path: str, text: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if line.startswith(text))


def test_the_test_rules_report_each_kind_where_it_is():
    rules = rule_set("nonmonotone")
    findings = monotonicity_findings(rules)
    by_rule: dict[str, list] = {}
    for found in findings:
        by_rule.setdefault(found.rule, []).append(found)
    criteria = rules.criteria
    assert {f.message.value("criterion") for f in by_rule["criterion-not-monotone"]} == {
        "prov.motsatt",
        "prov.tal",
        "prov.datum",
        "prov.andel",
    }
    for found in by_rule["criterion-not-monotone"]:
        criterion = criteria[found.message.value("criterion")]
        assert (found.file, found.line) == (criterion.file, criterion.line)
        assert found.level == "warning"
    assert {f.message.value("fact") for f in by_rule["fact-without-order"]} == {"prov.b", "prov.e"}
    splits = {
        (f.message.value("audit"), f.message.value("question"), f.message.value("fact"))
        for f in by_rule["question-splits"]
    }
    assert ("prov-icke-monoton", "P1", "prov.a") in splits
    assert ("prov-icke-monoton", "P2", "prov.e") in splits
    assert not any(question == "P3" for _audit, question, _fact in splits)
    audit_file = rules.audits["prov-icke-monoton"].file
    p1 = next(f for f in by_rule["question-splits"] if f.message.value("question") == "P1")
    assert (p1.file, p1.line) == (audit_file, _line(audit_file, "  - id: P1"))
    [policy] = by_rule["policy-not-monotone"]
    policy_file = rules.audits["prov-omvand-policy"].file
    assert (policy.file, policy.line) == (policy_file, _line(policy_file, "policy:"))
    assert policy.message.value("policy") == "policy"
    assert findings == sorted(findings)


def test_every_finding_on_the_shipped_rules_is_located_in_a_rule_file():
    for found in monotonicity_findings(SHIPPED):
        assert found.line >= 1 and found.file.endswith(".yaml"), found
