"""Starting a follow-up case from an earlier result (`granska followup`).

The earlier result's recommendations become the case's `uppföljning:` items, each
judged by the criteria that gave rise to it; the facts those criteria and the follow-up
template's questions read are listed as comments under an empty `facts:` block. The
case is rendered by reports/followup-case.yaml.j2, written atomically and re-read
before the rename.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from checker.casefiles.drafts import case_environment, write_case
from checker.errors import GranskaError
from checker.evaluation.evaluate import SCHEMA_VERSION, audit_criteria
from checker.files.nodes import Node, suggest
from checker.files.strict_yaml import load_yaml
from checker.files.text_safety import one_line
from checker.language import conditions
from checker.model import Audit, Fact, RuleBase

TEMPLATE = "followup-case.yaml.j2"
_RESULT_KEYS = (
    "schema_version",
    "kommun",
    "granskningsdatum",
    "nämnder",
    "audit",
    "recommendations",
    "rules_version",
)


def start_followup(
    rules: RuleBase,
    result_path: Path,
    output: Path,
    audit_id: str | None = None,
    datum: date | None = None,
    force: bool = False,
) -> Path:
    """Write a follow-up case for the recommendations of the result at `result_path`."""
    result = _read_result(Path(result_path))
    audit = followup_audit(rules, audit_id)
    if Path(output).exists() and not force:
        raise GranskaError("the file exists; choose another name or pass --force", str(output))
    text = render_case(rules, audit, result, datum)
    # Without --datum the case is a YAML skeleton whose dates are still to be filled in.
    write_case(Path(output), text, rules if datum is not None else None, inputs=(result_path,))
    return Path(output)


def followup_audit(rules: RuleBase, audit_id: str | None) -> Audit:
    """The follow-up template asked for, or the only one the rules have."""
    templates = sorted(audit.id for audit in rules.audits.values() if audit.followup)
    if audit_id is None:
        if len(templates) != 1:
            raise GranskaError(
                "choose a follow-up template with --audit; known: "
                + (", ".join(templates) or "none")
            )
        audit_id = templates[0]
    if audit_id not in rules.audits:
        raise GranskaError(
            f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)}; "
            f"follow-up templates: {', '.join(templates) or 'none'}"
        )
    if rules.audits[audit_id].followup is None:
        raise GranskaError(
            f"audit {audit_id!r} is not a follow-up template (it has no "
            f"`followup:`); follow-up templates: {', '.join(templates) or 'none'}"
        )
    return rules.audits[audit_id]


def _read_result(path: Path) -> Node:
    root = Node(load_yaml(path), str(path), 1, "")
    if not isinstance(root.value, dict) or not set(_RESULT_KEYS) <= set(root.value):
        raise root.error(
            "not a granska result: expected the JSON written by `granska check "
            "--format json`, with " + ", ".join(_RESULT_KEYS)
        )
    fields = dict(root.items())
    # Version 2 only changed the meaning of `verdict`, which a follow-up does not read.
    if fields["schema_version"].value not in (1, SCHEMA_VERSION):
        raise fields["schema_version"].error(
            f"expected schema_version 1 or {SCHEMA_VERSION}, got {fields['schema_version'].value!r}"
        )
    return root


def render_case(rules: RuleBase, audit: Audit, result: Node, datum: date | None) -> str:
    """The follow-up case as YAML text."""
    fields = dict(result.items())
    roles = {role.id for role in audit.roles}
    namnder = []
    for item in fields["nämnder"].sequence():
        entry = item.mapping(required=("namn", "roller"))
        kept = [role for role in entry["roller"].text_list() if role in roles]
        if not kept:
            raise entry["roller"].error(
                f"none of these roles is one of follow-up template "
                f"{audit.id}'s: {', '.join(sorted(roles))}"
            )
        namnder.append({"namn": entry["namn"].text(), "roller": kept})
    items = [
        _item(rules, index, node)
        for index, node in enumerate(fields["recommendations"].sequence(), start=1)
    ]
    if not items:
        raise fields["recommendations"].error("the result has no recommendations to follow up")
    criteria = [criterion.id for criterion in audit_criteria(rules, audit)]
    criteria += [c for item in items for c in item["kriterier"] if c not in criteria]
    earlier = _open(fields["audit"], ("id", "title"))
    if datum is not None and datum <= fields["granskningsdatum"].date():
        raise GranskaError(
            f"--datum {datum} is not after the earlier granskningsdatum "
            f"{fields['granskningsdatum'].date()}"
        )
    environment = case_environment()
    environment.filters["one_line"] = one_line
    return environment.get_template(TEMPLATE).render(
        audit=audit,
        kommun=fields["kommun"].text(),
        nämnder=namnder,
        items=items,
        facts=_facts(rules, criteria),
        datum=datum,
        earlier={
            "title": earlier["title"].text(),
            "datum": fields["granskningsdatum"].date(),
            "rules_version": fields["rules_version"].text(),
        },
    )


def _item(rules: RuleBase, index: int, node: Node) -> dict[str, Any]:
    entry = _open(node, ("id", "text", "criteria"))
    recommendation = entry["id"].text()
    if recommendation not in rules.recommendations:
        raise entry["id"].error(
            f"recommendation {recommendation!r} is not in the rule "
            f"catalogue; was the result made with other rules?"
        )
    criteria = entry["criteria"].text_list()
    for position, criterion in enumerate(criteria):
        if criterion not in rules.criteria:
            raise (
                entry["criteria"]
                .sequence()[position]
                .error(
                    f"criterion {criterion!r} is not in the rule catalogue; was the result made "
                    f"with other rules?"
                )
            )
    questions = entry["questions"].text_list() if "questions" in entry else ()
    return {
        "id": f"U{index}",
        "rekommendation": recommendation,
        "text": entry["text"].text(),
        "kriterier": criteria,
        "questions": questions,
    }


def _open(node: Node, required: tuple[str, ...]) -> dict[str, Node]:
    """An open mapping of a result (later schema additions pass) with its required keys."""
    fields = dict(node.items())
    for key in required:
        if key not in fields:
            raise node.error(f"missing required key {key!r}")
    return fields


def _facts(rules: RuleBase, criteria: list[str]) -> list[Fact]:
    read: set[str] = set()
    for criterion_id in criteria:
        criterion = rules.criteria[criterion_id]
        read |= conditions.criterion_facts(criterion)
    return [rules.facts[fact_id] for fact_id in sorted(read)]
