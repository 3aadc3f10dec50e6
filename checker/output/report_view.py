"""The granskningsrapport view: what the HTML, PDF and DOCX reports show, in their order.

Built from the JSON result alone, so every document format shows the same outline:
summary, introduction with the sources, per question the observations (facts with
their källa), the assessment and the recommendations, and the list of källor.
"""

from __future__ import annotations

import re

from checker.evaluation.citations import reference_order
from checker.output.collation import swedish_key, swedish_sorted

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")


def report_view(result: dict) -> dict:
    """The report's content, grouped and ordered for the document templates."""
    grades = {
        grade["id"]: {"label": grade["label"], "colour": _colour(grade.get("colour"))}
        for grade in result["audit"]["scale"]
    }
    recommendations = [
        {"number": number, **recommendation}
        for number, recommendation in enumerate(result["recommendations"], 1)
    ]
    followup = result.get("followup") or []
    return {
        "nämnder": [namnd["namn"] for namnd in result["nämnder"]],
        "overall": [_overall(entry, result["audit"]) for entry in result["overall"]],
        "questions": [
            _question(question, grades, recommendations) for question in result["questions"]
        ],
        "recommendations": recommendations,
        "followup": _followup(followup, result["audit"]),
        "sources": _sources(result["sources"]),
        "unverified": any(entry.get("unverified_paragraph") for entry in result["sources"]),
        "references": _references([*result["questions"], *followup]),
    }


def _colour(value: str | None) -> str:
    # Colours go into a style attribute: accept only hex colours, never arbitrary CSS.
    return value if value and _HEX_COLOUR.match(value) else ""


def _overall(entry: dict, audit: dict) -> dict:
    labels = {grade["id"]: grade["label"] for grade in audit.get("overall_scale", [])}
    bounds = entry["bounds"]
    return {
        "nämnd": entry["nämnd"],
        "decided": entry["decided"],
        "text": entry["text"],
        "lowest": labels.get(bounds["lowest"], bounds["lowest"]),
        "highest": labels.get(bounds["highest"], bounds["highest"]),
    }


def _question(question: dict, grades: dict, recommendations: list[dict]) -> dict:
    observations: dict[str, dict] = {}
    for criterion in question["criteria"]:
        for fact in criterion["facts"]:
            observations.setdefault(fact["id"], fact)
    bounds = question["bounds"]
    return {
        "question": question,
        "decided": question["decided"],
        "grades": [grades[bounds["lowest"]]]
        if question["decided"]
        else [grades[bounds["lowest"]], grades[bounds["highest"]]],
        "observations": [fact for fact in observations.values() if fact["known"]],
        "open_facts": [
            observations[fact_id]["title"]
            for fact_id in question["open_facts"]
            if fact_id in observations
        ],
        "recommendations": [
            recommendation
            for recommendation in recommendations
            if question["id"] in recommendation["questions"]
        ],
    }


def _followup(items: list[dict], audit: dict) -> dict | None:
    """The earlier recommendations a follow-up audit grades, on its own scale."""
    if not items:
        return None
    grades = {
        grade["id"]: {"label": grade["label"], "colour": _colour(grade.get("colour"))}
        for grade in audit["followup"]["scale"]
    }
    return {
        "title": audit["followup"]["title"],
        "entries": [_question(item, grades, []) for item in items],
    }


def _sources(cited: list[dict]) -> list[dict]:
    """Cited sources grouped by statute or guidance, each with its provisions."""
    grouped: dict[str, dict] = {}
    for entry in cited:
        group = grouped.setdefault(
            entry["source"],
            {
                "title": entry["source"],
                "kind": entry["kind"],
                "refs": [],
                "notes": entry.get("notes", []),
                "local": entry.get("local", []),
            },
        )
        group["refs"].append(
            {
                "ref": entry["ref"],
                "verified": entry["verified"],
                "unverified_paragraph": entry.get("unverified_paragraph", False),
            }
        )
    for group in grouped.values():
        group["refs"].sort(key=lambda ref: reference_order(ref["ref"]))
    return sorted(grouped.values(), key=lambda group: swedish_key(group["title"]))


def _references(questions: list[dict]) -> list[str]:
    """Every källa the case cites (for a fact or an earlier recommendation), once each."""
    cited = {
        fact["källa"]
        for question in questions
        for criterion in question["criteria"]
        for fact in criterion["facts"]
    }
    cited |= {question.get("källa", "") for question in questions}
    return swedish_sorted({text.strip() for text in cited if text.strip()})
