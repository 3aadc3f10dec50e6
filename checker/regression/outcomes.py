"""The words for a result's grade and status ids, for the reports that compare results."""

from __future__ import annotations


def grade_labels(result: dict) -> dict[str, str]:
    """Every grade id of the result's audit (question, overall and follow-up scales)."""
    audit = result["audit"]
    scales = [
        *audit["scale"],
        *audit.get("overall_scale", []),
        *((audit.get("followup") or {}).get("scale", [])),
    ]
    return {grade["id"]: grade["label"] for grade in scales}


def label(value: str | None, labels: dict[str, str]) -> str | None:
    """A grade or status as shown: an open range `delvis–ja` label by label."""
    if value is None:
        return None
    return "–".join(labels.get(part, part) for part in value.split("–"))
