"""What "moved" means: one result compared with another, or with a case's expectations.

A grade is compared as one string: the verdict (or a criterion's status) when it is
decided, else the open range `lowest–highest` of its bounds. `granska test`, `granska
diff` and `granska compare` all take grades from here, so that a test fails exactly where
a diff reports a move. A result is read into an outcome, its grades at every level:

- `criterion`: each criterion's status (follow-up criteria too),
- `question`: each question's verdict (`uppföljning ID` for a followed-up recommendation),
- `overall`: each nämnd's overall judgement (`samlat NÄMND`),
- `recommendation`: each recommendation given,
- `reasoning`: each criterion's reasoning text.
"""

from __future__ import annotations

from collections.abc import Iterable

LEVELS = ("question", "overall", "criterion", "recommendation", "reasoning")
GIVEN = "ges"  # the grade of a recommendation given; one not given has none


def ends(item: dict, key: str = "verdict", bounds: str = "bounds") -> tuple[str, str]:
    """The lowest and highest grade of a verdict (equal when it is decided)."""
    if bounds in item:
        return item[bounds]["lowest"], item[bounds]["highest"]
    return item[key], item[key]


def grade(item: dict, key: str = "verdict", bounds: str = "bounds") -> str:
    """A verdict as compared and written in expectations: `delvis`, or `nej–delvis` open."""
    lowest, highest = ends(item, key, bounds)
    return lowest if lowest == highest else f"{lowest}–{highest}"


def status(criterion: dict) -> str:
    """A criterion's status as compared: decided, or its open range."""
    return grade(criterion, "status", "status_range")


def questions(result: dict) -> dict[str, dict]:
    """The result's questions and followed-up recommendations by the subject naming them."""
    items = {question["id"]: question for question in result["questions"]}
    items.update({f"uppföljning {item['id']}": item for item in result.get("followup") or []})
    return items


def outcome(result: dict, aliases: dict[str, str] | None = None) -> dict:
    """The result's grades at every level, and the words and titles to show them with.

    `aliases` maps criterion ids the result may use to the ids to compare under."""
    aliases = aliases or {}
    levels: dict[str, dict[str, str]] = {level: {} for level in LEVELS}
    titles: dict[str, str] = {}
    under: dict[str, list[str]] = {}  # question subject -> its criteria
    for subject, question in questions(result).items():
        levels["question"][subject] = grade(question)
        under[subject] = []
        for criterion in question["criteria"]:
            criterion_id = aliases.get(criterion["id"], criterion["id"])
            under[subject].append(criterion_id)
            titles[criterion_id] = criterion["title"]
            levels["criterion"][criterion_id] = status(criterion)
            if criterion.get("reasoning") is not None:
                levels["reasoning"][criterion_id] = criterion["reasoning"]
    for entry in result["overall"]:
        levels["overall"]["samlat " + entry["nämnd"]] = grade(entry)
    for recommendation in result["recommendations"]:
        levels["recommendation"][recommendation["id"]] = GIVEN
    return {
        "levels": levels,
        "titles": titles,
        "under": under,
        "labels": {
            "question": grade_labels(result),
            "criterion": result["audit"]["status_labels"],
            "recommendation": {GIVEN: result["headings"]["rekommendation_ges"]},
        },
        "not_given": result["headings"]["rekommendation_saknas"],
    }


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
    """A grade as shown: an open range `delvis–ja` label by label."""
    if value is None:
        return None
    return "–".join(labels.get(part, part) for part in value.split("–"))


def _shown(level: str, value: str | None, side: dict | None) -> str | None:
    if side is None:
        return None
    labels = side["labels"]
    if level == "recommendation":
        return labels["recommendation"][GIVEN] if value else side["not_given"]
    if level == "reasoning":
        return value
    return label(value, labels["criterion" if level == "criterion" else "question"])


def _subjects(old: dict, new: dict) -> list[str]:
    return [*new, *(subject for subject in old if subject not in new)]


def moves(
    case: str, before: dict | None, after: dict | None, levels: Iterable[str] = LEVELS
) -> list[dict]:
    """Every grade that differs between two outcomes of one case, level by level.

    A moved question carries the criteria under it that moved with it."""
    moved = []
    titles = {**(before or {}).get("titles", {}), **(after or {}).get("titles", {})}
    for level in LEVELS:
        if level not in levels:
            continue
        old = before["levels"][level] if before else {}
        new = after["levels"][level] if after else {}
        for subject in _subjects(old, new):
            was, now = old.get(subject), new.get(subject)
            if was == now:
                continue
            entry = {
                "case": case,
                "level": level,
                "subject": subject,
                "title": titles.get(subject, ""),
                "before": was,
                "after": now,
                "before_label": _shown(level, was, before),
                "after_label": _shown(level, now, after),
                "criteria": (
                    _criteria_under(subject, before, after, titles) if level == "question" else []
                ),
            }
            moved.append(entry)
    return moved


def _criteria_under(
    subject: str, before: dict | None, after: dict | None, titles: dict[str, str]
) -> list[dict]:
    old = before["levels"]["criterion"] if before else {}
    new = after["levels"]["criterion"] if after else {}
    ids = [
        *((after or {}).get("under", {}).get(subject, [])),
        *((before or {}).get("under", {}).get(subject, [])),
    ]
    criteria = []
    for criterion_id in dict.fromkeys(ids):
        was, now = old.get(criterion_id), new.get(criterion_id)
        in_before = criterion_id in (before or {}).get("under", {}).get(subject, [])
        in_after = criterion_id in (after or {}).get("under", {}).get(subject, [])
        was, now = (was if in_before else None), (now if in_after else None)
        if was != now:
            criteria.append(
                {
                    "id": criterion_id,
                    "title": titles.get(criterion_id, criterion_id),
                    "before": was,
                    "after": now,
                    "before_label": _shown("criterion", was, before),
                    "after_label": _shown("criterion", now, after),
                }
            )
    return criteria
