"""The granskningsrapport model: every report format (text, md, HTML, DOCX, PDF) shows this.

Built from the JSON result alone, so the formats cannot drift apart: the same front
page, the same outline (`outline`: level, title, anchor), the same numbering of the
recommendations (once, grouped per nämnd as the seed reports group them), the same
verdicts and the same appendix of the criteria with their status, basis and the way up.
"""

from __future__ import annotations

import re

from checker.evaluation.citations import reference_order
from checker.language.facttypes import format_number
from checker.output.collation import swedish_key, swedish_sorted
from checker.output.environment import render_template, sentence

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$")


def report_view(result: dict) -> dict:
    """The report's content, grouped, numbered and ordered for every report template."""
    h = result["headings"]
    grades = _grades(result["audit"]["scale"])
    recommendations, groups = _recommendations(result)
    numbers = {recommendation["id"]: recommendation["number"] for recommendation in recommendations}
    questions = [
        _question(question, grades, recommendations, numbers, result)
        for question in result["questions"]
    ]
    followup = _followup(result.get("followup") or [], result, numbers)
    view = {
        "front": _front(result),
        "nämnder": [namnd["namn"] for namnd in result["nämnder"]],
        "overall": [_overall(entry, result["audit"], h) for entry in result["overall"]],
        "questions": questions,
        "recommendations": recommendations,
        "recommendation_groups": groups,
        "followup": followup,
        "introduction": _introduction(result),
        "organisation": _organisation(result),
        "sources": _sources(result["sources"]),
        "unverified": any(entry.get("unverified_paragraph") for entry in result["sources"]),
        "references": _references([*result["questions"], *(result.get("followup") or [])]),
    }
    view["outline"] = _outline(h, view, bool(result["parameter_overrides"]))
    return view


# --- the outline ----------------------------------------------------------------------
def _outline(h: dict, view: dict, overrides: bool) -> list[dict]:
    """Every heading of the report below its title, in order: the table of contents."""
    entries: list[tuple[int, str, str]] = [(1, h["sammanfattning"], "sammanfattning")]
    if view["followup"] is not None:
        entries.append((2, view["followup"]["title"], "sammanfattning-uppfoljning"))
    if view["recommendations"]:
        entries.append((2, h["rekommendationer"], "sammanfattning-rekommendationer"))
    entries.append((1, h["inledning"], "inledning"))
    if view["introduction"]["bakgrund"] or view["introduction"]["utfall"]:
        entries.append((2, h["bakgrund"], "bakgrund"))
    entries += [
        (2, h["syfte_och_revisionsfragor"], "syfte"),
        (2, h["revisionskriterier"], "revisionskriterier"),
        (2, h["avgransning"], "avgransning"),
        (2, h["metod"], "metod"),
    ]
    if overrides:
        entries.append((2, h["avvikande_parametrar"], "parametrar"))
    entries.append((1, h["organisation"], "organisation"))
    entries.append((1, h["granskningsresultat"], "granskningsresultat"))
    for item in view["questions"]:
        entries.append((2, item["heading"], item["anchor"]))
        entries += [
            (3, h["iakttagelser"], f"{item['anchor']}-iakttagelser"),
            (3, h["bedomning"], f"{item['anchor']}-bedomning"),
            (3, h["rekommendationer"], f"{item['anchor']}-rekommendationer"),
        ]
    if view["followup"] is not None:
        entries.append((1, view["followup"]["title"], "uppfoljning"))
        for item in view["followup"]["entries"]:
            entries.append((2, item["heading"], item["anchor"]))
            entries += [
                (3, h["iakttagelser"], f"{item['anchor']}-iakttagelser"),
                (3, h["bedomning"], f"{item['anchor']}-bedomning"),
            ]
    entries.append((1, h["bilaga_kriterier"], "bilaga-kriterier"))
    for item in [*view["questions"], *(view["followup"] or {}).get("entries", [])]:
        entries.append((2, item["heading"], f"bilaga-{item['anchor']}"))
    entries.append((1, h["kallforteckning"], "kallforteckning"))
    return [{"level": level, "title": title, "anchor": anchor} for level, title, anchor in entries]


# --- the parts ------------------------------------------------------------------------
def _front(result: dict) -> dict:
    """The front page: what the report is, of whom, when, under which rules."""
    return {
        "marking": result["headings"]["title"],
        "title": result["audit"]["title"],
        "kommun": result["kommun"],
        "datum": result["granskningsdatum"],
        "diarienummer": (result.get("rapport") or {}).get("diarienummer", ""),
        "rules_version": result["rules_version"],
        "disclaimer": result["disclaimer"],
        "overlay": _overlay_lines(result.get("overlay")),
    }


def _overlay_lines(overlay: dict | None) -> dict | None:
    if not overlay:
        return None
    heading, intro, *deviations = render_template("overlay.lines.j2", overlay=overlay).splitlines()
    return {"heading": heading, "intro": intro, "deviations": deviations}


def _outcome_row(row: dict, h: dict) -> dict:
    """One outcome measure as the Bakgrund table shows it: numbers in Swedish form, the
    Kolada key marked where it is not verified."""

    def shown(value: float | None) -> str:
        return "–" if value is None else f"{format_number(value)} {row['unit']}"

    kolada = row["kolada"] + (
        h["overifierad"] if row["kolada"] and not row["kolada_verified"] else ""
    )
    return {
        "title": row["title"],
        "year": str(row["year"]),
        "value": shown(row["value"]),
        "riket": shown(row["riket"]),
        "liknande": shown(row["liknande"]),
        "kolada": kolada or "–",
        "källa": row["källa"],
    }


def _introduction(result: dict) -> dict:
    """Bakgrund, Syfte, Revisionskriterier, Avgränsning and Metod: the case's own words
    where it gives them, else what holds of every case."""
    context = result.get("rapport") or {}
    period = result["granskningsperiod"]
    kinds = {
        fact["underlag"]
        for question in [*result["questions"], *(result.get("followup") or [])]
        for criterion in question["criteria"]
        for fact in criterion["facts"]
        if fact["known"] and fact["underlag"]
    }
    return {
        "bakgrund": context.get("bakgrund", ""),
        "utfall": [_outcome_row(row, result["headings"]) for row in context.get("utfall", [])],
        "period": f"{period['från']} – {period['till']}",
        "avgränsning": context.get("avgränsning", ""),
        "underlag": swedish_sorted(kinds),
        "dokument": list(context.get("dokument", [])),
        "intervjuer": [
            f"{entry['funktion']}, {entry['nämnd']}" if entry.get("nämnd") else entry["funktion"]
            for entry in context.get("intervjuer", [])
        ],
    }


def _organisation(result: dict) -> list[dict]:
    """Each nämnd with the responsibilities the audit template gives its roles."""
    roles = {role["id"]: role["title"] for role in result["audit"]["roles"]}
    return [
        {"nämnd": namnd["namn"], "roles": [roles.get(role, role) for role in namnd["roller"]]}
        for namnd in result["nämnder"]
    ]


def _grades(scale: list[dict]) -> dict[str, dict]:
    return {
        grade["id"]: {
            "id": grade["id"],
            "label": grade["label"],
            "colour": _colour(grade.get("colour")),
        }
        for grade in scale
    }


def _colour(value: str | None) -> str:
    # Colours go into a style attribute: accept only hex colours, never arbitrary CSS.
    return value if value and _HEX_COLOUR.match(value) else ""


def _overall(entry: dict, audit: dict, h: dict) -> dict:
    """The nämnd's overall judgement on the evidence, with what it could become."""
    labels = {grade["id"]: grade["label"] for grade in audit.get("overall_scale", [])}
    bounds = entry["bounds"]
    highest = labels.get(bounds["highest"], bounds["highest"])
    return {
        "nämnd": entry["nämnd"],
        "decided": entry["decided"],
        "text": entry["text"]
        if entry["decided"]
        else f"{entry['text']} ({h['utifran_visat']}; {h['kan_bli']}: {highest})",
        "lowest": labels.get(bounds["lowest"], bounds["lowest"]),
        "highest": labels.get(bounds["highest"], bounds["highest"]),
    }


def _recommendations(result: dict) -> tuple[list[dict], list[dict]]:
    """The recommendations numbered once, grouped by the nämnder they are addressed to
    (groups in order of first appearance); each group with its heading."""
    h = result["headings"]
    grouped: dict[tuple[bool, tuple[str, ...]], list[dict]] = {}
    for recommendation in sorted(
        result["recommendations"], key=lambda item: item.get("development", False)
    ):
        key = (recommendation.get("development", False), tuple(recommendation["addressed_to"]))
        grouped.setdefault(key, []).append(recommendation)
    numbered: list[dict] = []
    groups = []
    for (development, addressed_to), items in grouped.items():
        title = h["utvecklingsomraden_for" if development else "rekommendationer_till"]
        entries = []
        for recommendation in items:
            entry = {
                "number": len(numbered) + 1,
                **recommendation,
                "sentence": sentence(recommendation["text"]),
            }
            numbered.append(entry)
            entries.append(entry)
        groups.append(
            {
                "addressed_to": list(addressed_to),
                "heading": f"{title} {_joined(list(addressed_to), h['och'])}",
                "items": entries,
            }
        )
    return numbered, groups


def _joined(names: list[str], och: str) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {och} {names[-1]}"


def _question(
    question: dict, grades: dict, recommendations: list[dict], numbers: dict, result: dict
) -> dict:
    h = result["headings"]
    title = question.get("title") or question["text"]
    return {
        "question": question,
        "anchor": question["id"],
        "heading": f"{question['id']}. {title}",
        "verdict": _verdict(question, grades, h),
        "observations": _observations(question, h),
        "open_facts": [_first_upper(title) for title in question.get("open_fact_titles", [])],
        "recommendations": [
            recommendation
            for recommendation in recommendations
            if question["id"] in recommendation["questions"]
        ],
        "criteria": [_criterion(criterion, result) for criterion in question["criteria"]],
        "way_up": _way_up(question, result, numbers),
    }


def _verdict(question: dict, grades: dict, h: dict) -> dict:
    """The verdict on the evidence as a chip; when more evidence could change it, what it
    could become and the count of unknown facts it depends on; the same in every format."""
    bounds = question["bounds"]
    chips = [grades[bounds["lowest"]]]
    note = ""
    if not question["decided"]:
        count = len(question["open_facts"])
        noun = h["okand_uppgift"] if count == 1 else h["okanda_uppgifter"]
        highest = grades[bounds["highest"]]["label"]
        note = f"{h['utifran_visat']}; {h['kan_bli']} {highest}: {h['beror_pa']} {count} {noun}"
    label = "–".join(chip["label"] for chip in chips)
    return {
        "chips": chips,
        "label": label,
        "note": note,
        "text": f"{label}, {note}" if note else label,
    }


def _observations(question: dict, h: dict) -> list[dict]:
    """What the underlag shows, as sentences: per assessed criterion the clause that
    restates its facts' values, with the källor of those facts; a fact's own
    `iakttagelse`, where the case gives one, quoted with its källa; where the auditor's
    finding differs from the kommun's statement, both."""
    seen: set[str] = set()
    observations = []
    for criterion in question["criteria"]:
        known = [fact for fact in criterion["facts"] if fact["known"]]
        if not known or criterion["status"] in (None, "ej_granskat"):
            continue
        text = sentence(f"{h['iakttagelse_inledning']} {criterion['reasoning']}")
        if text in seen:
            continue
        seen.add(text)
        quotes = [
            {"text": fact["iakttagelse"], "källa": fact["källa"]}
            for fact in known
            if fact.get("iakttagelse")
        ]
        quoted = {quote["källa"] for quote in quotes}
        sources = []
        for fact in known:  # a quoted fact's källa stands with its quote
            if fact["källa"] and fact["källa"] not in sources and fact["källa"] not in quoted:
                sources.append(fact["källa"])
        claims = [_claim_sentence(fact, h) for fact in known if _differs(fact)]
        observations.append({"text": text, "sources": sources, "quotes": quotes, "claims": claims})
    return observations


def _differs(fact: dict) -> bool:
    """Whether the auditor's finding of a fact differs from the kommun's statement."""
    return bool(fact.get("claim")) and fact["claim"]["value"] != fact["value"]


def _claim_sentence(fact: dict, h: dict) -> str:
    """The kommun's statement beside the auditor's finding, with the källa of each."""
    claim = fact["claim"]

    def cited(display: str, källa: str) -> str:
        return f"{display} ({h['kalla']}: {källa})" if källa else display

    return sentence(
        f"{fact['title']}: {h['kommunens_uppgift']} {cited(claim['display'], claim['källa'])}; "
        f"{h['granskningens_iakttagelse']} {cited(fact['display'], fact['källa'])}"
    )


def _criterion(criterion: dict, result: dict) -> dict:
    """One row of the appendix: the criterion, its status, why, and its basis."""
    h = result["headings"]
    labels = result["audit"]["status_labels"]
    status = labels[criterion["status"] or "okänt"]
    return {
        "id": criterion["id"],
        "title": criterion["title"],
        "status": status,
        "reasoning": sentence(f"{status}, {h['eftersom']} {criterion['reasoning']}"),
        "basis": "; ".join(
            f"{basis['short']} {basis['ref']}"
            + (h["overifierad"] if basis.get("unverified_paragraph") else "")
            for basis in criterion["basis"]
        ),
    }


def _way_up(question: dict, result: dict, numbers: dict) -> list[str]:
    """What would raise the verdict, as sentences (reports/way_up.lines.j2)."""
    if not question.get("to_raise"):
        return []
    lines = render_template(
        "way_up.lines.j2", q=question, r=result, h=result["headings"], numbers=numbers
    )
    return [line for line in lines.splitlines() if line.strip()]


def _followup(items: list[dict], result: dict, numbers: dict) -> dict | None:
    """The earlier recommendations a follow-up audit grades, on its own scale."""
    if not items:
        return None
    audit = result["audit"]
    grades = _grades(audit["followup"]["scale"])
    entries = []
    for item in items:
        entry = _question(item, grades, [], numbers, result)
        entry["wording"] = sentence(item["wording"])
        entries.append(entry)
    return {"title": audit["followup"]["title"], "entries": entries}


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


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
