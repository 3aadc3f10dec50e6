"""`granska compare OLD NEW`: what moved for one kommun between two results.

OLD and NEW are each a result (`granska check --format json`) or a case file, which is
evaluated. Typical pairs: last year's and this year's case, or the case before and
after the kommun's measures. The comparison lists, per question and per criterion, the
grade before and after and which way it moved (on the audit's own scale), the facts
that changed under a criterion that moved, and which recommendations were answered,
remain or are new.
"""

from __future__ import annotations

import json
from pathlib import Path

from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.strict_yaml import load_yaml
from checker.loading.cases import case_from_data
from checker.model import STATUSES, RuleBase
from checker.output.environment import render_template
from checker.regression.comparison import ends, grade_labels, label


def read_result(path: Path, rules: RuleBase) -> dict:
    """The result in `path`: a JSON result as written by `granska check`, or a case."""
    data = load_yaml(Path(path))
    if isinstance(data, dict) and "schema_version" in data and "questions" in data:
        return json.loads(json.dumps(data))  # plain dicts, as the renderers expect
    return evaluate_case(rules, case_from_data(data, str(path), rules))


def direction(
    before: tuple[str, str] | None, after: tuple[str, str] | None, worst_first: list[str]
) -> str:
    """up, down, changed (the bounds moved apart), same, added or removed."""
    if before is None or after is None:
        return "added" if before is None else "removed"
    if before == after:
        return "same"
    rank = {grade: index for index, grade in enumerate(worst_first)}
    moves = [
        rank[now] - rank[was]
        for was, now in zip(before, after, strict=True)
        if was in rank and now in rank
    ]
    if moves and all(move >= 0 for move in moves):
        return "up"
    if moves and all(move <= 0 for move in moves):
        return "down"
    return "changed"


def _label(span: tuple[str, str] | None, labels: dict[str, str]) -> str | None:
    if span is None:
        return None
    return label(span[0] if span[0] == span[1] else "–".join(span), labels)


def _fact_changes(old: dict | None, new: dict | None) -> list[dict]:
    before = {fact["id"]: fact for fact in (old or {}).get("facts", [])}
    after = {fact["id"]: fact for fact in (new or {}).get("facts", [])}
    changes = []
    for fact_id in [*after, *(fact_id for fact_id in before if fact_id not in after)]:
        was, now = before.get(fact_id), after.get(fact_id)
        if (was or {}).get("value") != (now or {}).get("value"):
            changes.append(
                {
                    "id": fact_id,
                    "title": (now or was)["title"],
                    "before": was["display"] if was else None,
                    "after": now["display"] if now else None,
                }
            )
    return changes


def _criteria(old: dict | None, new: dict | None, statuses: dict[str, str]) -> list[dict]:
    before = {c["id"]: c for c in (old or {}).get("criteria", [])}
    after = {c["id"]: c for c in (new or {}).get("criteria", [])}
    worst_first = list(STATUSES)
    moved = []
    for criterion_id in [*after, *(key for key in before if key not in after)]:
        was, now = before.get(criterion_id), after.get(criterion_id)
        span = [ends(c, "status", "status_range") if c else None for c in (was, now)]
        way = direction(*span, worst_first)
        if way != "same":
            moved.append(
                {
                    "id": criterion_id,
                    "title": (now or was)["title"],
                    "direction": way,
                    "before": _label(span[0], statuses),
                    "after": _label(span[1], statuses),
                    "facts": _fact_changes(was, now),
                }
            )
    return moved


def compare_results(old: dict, new: dict, old_name: str, new_name: str) -> dict:
    """What moved from `old` to `new`: the data behind every format."""
    if old["kommun"] != new["kommun"]:
        raise GranskaError(
            f"{old_name} is about {old['kommun']} and {new_name} about "
            f"{new['kommun']}; compare compares one kommun's results"
        )
    if old["audit"]["id"] != new["audit"]["id"]:
        raise GranskaError(
            f"{old_name} uses audit {old['audit']['id']} and {new_name} "
            f"{new['audit']['id']}; compare needs the same audit template"
        )
    scale = [grade["id"] for grade in reversed(new["audit"]["scale"])]
    labels = {**grade_labels(old), **grade_labels(new)}
    statuses = {**old["audit"]["status_labels"], **new["audit"]["status_labels"]}
    before = {q["id"]: q for q in old["questions"]}
    after = {q["id"]: q for q in new["questions"]}
    questions = []
    for question_id in [*after, *(key for key in before if key not in after)]:
        was, now = before.get(question_id), after.get(question_id)
        span = [ends(q) if q else None for q in (was, now)]
        questions.append(
            {
                "id": question_id,
                "text": (now or was)["text"],
                "direction": direction(*span, scale),
                "before": _label(span[0], labels),
                "after": _label(span[1], labels),
                "criteria": _criteria(was, now, statuses),
            }
        )
    overall_scale = [grade["id"] for grade in reversed(new["audit"].get("overall_scale", []))]
    old_overall = {entry["nämnd"]: entry for entry in old["overall"]}
    overall = []
    for entry in new["overall"]:
        was = old_overall.get(entry["nämnd"])
        span = [ends(e) if e else None for e in (was, entry)]
        overall.append(
            {
                "nämnd": entry["nämnd"],
                "direction": direction(*span, overall_scale),
                "before": _label(span[0], labels),
                "after": _label(span[1], labels),
            }
        )
    old_recs = {rec["id"]: rec for rec in old["recommendations"]}
    new_recs = {rec["id"]: rec for rec in new["recommendations"]}
    return {
        "kommun": new["kommun"],
        "audit": new["audit"]["title"],
        "old": _summary(old, old_name),
        "new": _summary(new, new_name),
        "questions": questions,
        "overall": overall,
        "recommendations": {
            "answered": [old_recs[key] for key in old_recs if key not in new_recs],
            "remaining": [new_recs[key] for key in new_recs if key in old_recs],
            "new": [new_recs[key] for key in new_recs if key not in old_recs],
        },
        "claims": _differing_claims(new),
        "overlays": list(
            {
                result["overlay"]["version"]: result["overlay"]
                for result in (old, new)
                if result.get("overlay")
            }.values()
        ),
        "disclaimer": new["disclaimer"],
    }


def _differing_claims(result: dict) -> list[dict]:
    """The facts where the auditor's finding differs from the kommun's own statement."""
    found: dict[str, dict] = {}
    for question in result["questions"]:
        for criterion in question["criteria"]:
            for fact in criterion["facts"]:
                claim = fact.get("claim")
                if claim and claim["value"] != fact["value"]:
                    found.setdefault(
                        fact["id"],
                        {
                            "id": fact["id"],
                            "title": fact["title"],
                            "claim": claim["display"],
                            "finding": fact["display"],
                            "källa": fact["källa"],
                        },
                    )
    return list(found.values())


def _summary(result: dict, name: str) -> dict:
    return {
        "file": name,
        "granskningsperiod": result["granskningsperiod"],
        "granskningsdatum": result["granskningsdatum"],
        "rules_version": result["rules_version"],
    }


def run_compare(old: Path, new: Path, rules: RuleBase, output_format: str = "text") -> str:
    """`granska compare`: the comparison rendered as text, md or json."""
    comparison = compare_results(
        read_result(old, rules), read_result(new, rules), str(old), str(new)
    )
    if output_format == "json":
        return json.dumps(comparison, ensure_ascii=False, indent=2) + "\n"
    return render_template(
        f"compare.{output_format}.j2", d=comparison, overlays=comparison["overlays"]
    )
