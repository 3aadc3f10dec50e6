"""Loading a case file: a kommun's self-described practices, checked against the rules."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from checker.errors import GranskaError
from checker.files.nodes import Node, suggest
from checker.files.strict_yaml import parse_yaml, read_text
from checker.language.facttypes import PartialDate, case_text, read_value
from checker.loading.rules import PLAIN_ID, parameter_value
from checker.model import (
    Audit,
    Case,
    CaseFact,
    Claim,
    Fact,
    FollowedUp,
    Interview,
    Namnd,
    OutcomeMeasure,
    QuestionCriterion,
    ReportContext,
    RuleBase,
)

CASE_KEYS = (
    "kommun",
    "granskningsperiod",
    "granskningsdatum",
    "nämnder",
    "audit",
    "parametrar",
    "facts",
    "ej_granskat",
    "förväntat",
    "uppföljning",
    "lokala_revisionskriterier",
    "rapport",
)
REPORT_KEYS = ("diarienummer", "bakgrund", "avgränsning", "metod", "utfall")
MEASURE_KEYS = ("riket", "liknande_kommuner", "källa")
METHOD_KEYS = ("dokument", "intervjuer")
EXPECTED_KEYS = (
    "frågor",
    "samlat",
    "kriterier",
    "rekommendationer",
    "avvikelser",
    "not",
    "uppföljning",
)
# A personnummer or samordningsnummer in any of the ways people write one: with or
# without the century, the date in one piece or as "12 12 12", and any separator before the
# last four digits (none, -, +, a space, an en or em dash, a minus sign).
_PERSONNUMMER = re.compile(
    r"(?<!\d)(?:\d{2} ?)?(\d{2}) ?(\d{2}) ?(\d{2}) *[-+\u2010-\u2015\u2212]? *(\d{4})(?!\d)"
)
# Its last ten digits, which every match of _PERSONNUMMER holds: a search that starts on a
# digit, many times faster on a whole file, run first.
_PERSONNUMMER_DIGITS = re.compile(r"\d\d ?\d\d ?\d\d *[-+\u2010-\u2015\u2212]? *\d{4}")
# C0 and C1 control characters but tab and newline: terminal escapes, and characters
# that DOCX, XML and YAML comments cannot carry.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def looks_like_personnummer(text: str) -> bool:
    """Whether text holds a valid-looking Swedish personnummer or samordningsnummer."""
    text = str(text)
    if not _PERSONNUMMER_DIGITS.search(text):
        return False
    for match in _PERSONNUMMER.finditer(text):
        year, month, day, tail = match.groups()
        day_number = int(day) - 60 if int(day) > 60 else int(day)
        if 1 <= int(month) <= 12 and 1 <= day_number <= 31 and luhn_ok(year + month + day + tail):
            return True
    return False


def control_character(text: str) -> str | None:
    """The first control character in text (but tab and newline), as U+XXXX, or None."""
    found = _CONTROL.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


_PERSONAL_DATA = (
    "this looks like a personnummer; cases end up in git and must "
    "hold no personal data: remove it or write the text without it"
)


def _refuse_unsafe_text(node: Node) -> None:
    """Refuse personal data and control characters anywhere in a case (keys included)."""
    if _may_be_unsafe(node.value):
        _find_unsafe_text(node)


def _may_be_unsafe(data: Any) -> bool:
    """Whether a parsed case may hold personal data or a control character, or a key that
    is not text: one search over all its text, joined by line breaks (which no match
    spans), instead of one per value; _find_unsafe_text then names the offending value."""
    texts: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            texts.append(str(value))
        elif isinstance(value, dict):
            texts.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    try:
        joined = "\n".join(texts)
    except TypeError:  # a key that is not text
        return True
    return looks_like_personnummer(joined) or control_character(joined) is not None


def _find_unsafe_text(node: Node) -> None:
    """Refuse the first value or key holding personal data or a control character."""
    value = node.value
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        if looks_like_personnummer(str(value)):
            raise node.error(_PERSONAL_DATA)
        if isinstance(value, str) and (found := control_character(value)):
            raise node.error(f"the text holds the control character {found}; remove it")
    elif isinstance(value, dict):
        for key, child in node.items():
            _find_unsafe_text(Node(key, child.file, child.line, child.path))
            _find_unsafe_text(child)
    elif isinstance(value, list):
        for child in node.sequence():
            _find_unsafe_text(child)


def refuse_personal_data_in_text(text: str, file: str) -> None:
    """Refuse a personnummer anywhere in a file's text, comments included (searched as a
    whole first: no match spans a line break)."""
    if not looks_like_personnummer(text):
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if looks_like_personnummer(line):
            raise GranskaError(_PERSONAL_DATA, file, number)


def load_case(path: Path, rules: RuleBase, audit_override: str | None = None) -> Case:
    """Read and validate a case file (YAML or JSON)."""
    return case_from_text(read_text(Path(path)), str(path), rules, audit_override)


def case_from_text(
    text: str, file: str, rules: RuleBase, audit_override: str | None = None
) -> Case:
    """Validate the text of a case file read from `file`."""
    case = case_from_data(parse_yaml(text, file), file, rules, audit_override)
    refuse_personal_data_in_text(text, file)
    return case


def case_from_data(
    data: Any, file: str, rules: RuleBase, audit_override: str | None = None
) -> Case:
    """Validate a case already parsed by checker.files.strict_yaml from `file`."""
    root = Node(data, file, 1, "")
    fields = root.mapping(
        required=("kommun", "granskningsperiod", "granskningsdatum", "nämnder", "audit"),
        optional=CASE_KEYS,
    )
    _refuse_unsafe_text(root)
    audit_id = fields["audit"].text()
    if audit_override is not None and audit_override != audit_id:
        raise fields["audit"].error(
            f"--audit {audit_override} contradicts the case's audit {audit_id!r}"
        )
    if audit_id not in rules.audits:
        raise fields["audit"].error(
            f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)};"
            f" known: {', '.join(sorted(rules.audits))}"
        )
    audit = rules.audits[audit_id]
    period = fields["granskningsperiod"].mapping(required=("från", "till"))
    period_from, period_to = period["från"].date(), period["till"].date()
    if period_to < period_from:
        raise period["till"].error("the period ends before it starts")
    if fields["granskningsdatum"].date() < period_from:
        raise fields["granskningsdatum"].error(
            f"the granskningsdatum lies before the period starts ({period_from})"
        )
    roles = {role.id for role in audit.roles}
    namnder = []
    for item in fields["nämnder"].sequence():
        entry = item.mapping(required=("namn", "roller"))
        role_ids = tuple(role.choice(sorted(roles)) for role in entry["roller"].sequence())
        namnder.append(Namnd(entry["namn"].text(), role_ids))
    if not namnder:
        raise fields["nämnder"].error("name at least one nämnd")
    parameters = {}
    for name, node in fields["parametrar"].items() if "parametrar" in fields else ():
        if name not in rules.parameters:
            raise node.error(f"unknown parameter {name!r}{suggest(name, rules.parameters)}")
        parameters[name] = parameter_value(node, rules.parameters[name])
    granskningsdatum = fields["granskningsdatum"].date()
    facts = _facts(fields["facts"], rules, granskningsdatum) if "facts" in fields else {}
    not_assessed = {}
    for criterion_id, node in fields["ej_granskat"].items() if "ej_granskat" in fields else ():
        resolved = _criterion_id(criterion_id, node, rules)
        not_assessed[resolved] = node.text()
    followup = (
        _followup(fields["uppföljning"], rules, audit, not_assessed)
        if "uppföljning" in fields
        else ()
    )
    local_criteria = (
        tuple(item.text() for item in fields["lokala_revisionskriterier"].sequence())
        if "lokala_revisionskriterier" in fields
        else ()
    )
    expected = None
    if "förväntat" in fields:
        fields["förväntat"].mapping(optional=EXPECTED_KEYS)
        expected = fields["förväntat"].value
    return Case(
        file,
        fields["kommun"].text(),
        period_from,
        period_to,
        granskningsdatum,
        tuple(namnder),
        audit_id,
        parameters,
        facts,
        not_assessed,
        expected,
        followup,
        local_criteria,
        _report(fields["rapport"], rules) if "rapport" in fields else ReportContext(),
    )


def _report(node: Node, rules: RuleBase) -> ReportContext:
    """The case's own words for the report's Inledning; interviews by function, not name."""
    fields = node.mapping(optional=REPORT_KEYS)
    method = fields["metod"].mapping(optional=METHOD_KEYS) if "metod" in fields else {}
    interviews = []
    for item in method["intervjuer"].sequence() if "intervjuer" in method else ():
        if isinstance(item.value, str):
            interviews.append(Interview(item.text()))
            continue
        entry = item.mapping(required=("funktion",), optional=("nämnd",))
        interviews.append(
            Interview(entry["funktion"].text(), entry["nämnd"].text() if "nämnd" in entry else "")
        )
    return ReportContext(
        diarienummer=fields["diarienummer"].text() if "diarienummer" in fields else "",
        bakgrund=fields["bakgrund"].text() if "bakgrund" in fields else "",
        avgränsning=fields["avgränsning"].text() if "avgränsning" in fields else "",
        dokument=tuple(item.text() for item in method["dokument"].sequence())
        if "dokument" in method
        else (),
        intervjuer=tuple(interviews),
        utfall=tuple(_outcome(item, rules) for item in fields["utfall"].sequence())
        if "utfall" in fields
        else (),
    )


def _outcome(node: Node, rules: RuleBase) -> OutcomeMeasure:
    """One outcome measure of the background: which, which year, its value and comparisons."""
    entry = node.mapping(required=("mått", "år", "värde"), optional=MEASURE_KEYS)

    def number(key: str) -> float | None:
        if key not in entry:
            return None
        value = entry[key].value
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise entry[key].error(f"expected a number, got {value!r}")
        return value

    year = entry["år"].value
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise entry["år"].error(f"expected a year such as 2024, got {year!r}")
    return OutcomeMeasure(
        entry["mått"].choice(tuple(rules.vocabulary.outcome_measures)),
        year,
        number("värde"),
        number("riket"),
        number("liknande_kommuner"),
        entry["källa"].text() if "källa" in entry else "",
    )


def _followup(
    node: Node, rules: RuleBase, audit: Audit, not_assessed: dict[str, str]
) -> tuple[FollowedUp, ...]:
    """The earlier recommendations a follow-up case follows up, each with its criteria.

    A recommendation is judged by the criteria listed under `kriterier`, else by every
    criterion of the catalogue that carries its `rekommendation` id.
    """
    if audit.followup is None:
        raise node.error(
            f"audit {audit.id!r} does not grade followed-up recommendations "
            f"(it has no `followup:` section)"
        )
    items: dict[str, FollowedUp] = {}
    for item in node.sequence():
        entry = item.mapping(
            required=("id", "text"), optional=("rekommendation", "kriterier", "källa")
        )
        item_id = entry["id"].text()
        if not PLAIN_ID.match(item_id) or item_id in items:
            raise entry["id"].error(
                f"expected a new id of the form {PLAIN_ID.pattern}, got {item_id!r}"
            )
        recommendation = entry["rekommendation"].text() if "rekommendation" in entry else None
        if recommendation is not None and recommendation not in rules.recommendations:
            raise entry["rekommendation"].error(
                f"unknown recommendation {recommendation!r}"
                f"{suggest(recommendation, rules.recommendations)}"
            )
        if "kriterier" in entry:
            criteria = [_criterion_id(c.text(), c, rules) for c in entry["kriterier"].sequence()]
            if len(set(criteria)) != len(criteria) or not criteria:
                raise entry["kriterier"].error("list each judging criterion once")
        elif recommendation is not None:
            criteria = [c.id for c in rules.criteria.values() if c.recommendation == recommendation]
            if not criteria:
                raise entry["rekommendation"].error(
                    f"no criterion carries {recommendation!r}; list the criteria that judge "
                    f"it under `kriterier`"
                )
        else:
            raise item.error(
                "a followed-up recommendation names its `rekommendation` id in the "
                "rule catalogue or the `kriterier` that judge it"
            )
        if all(criterion in not_assessed for criterion in criteria):
            raise item.error(
                f"every criterion that judges {item_id} is under `ej_granskat`; "
                f"nothing is left to judge it by"
            )
        items[item_id] = FollowedUp(
            item_id,
            entry["text"].text(),
            recommendation,
            tuple(QuestionCriterion(criterion) for criterion in criteria),
            entry["källa"].text() if "källa" in entry else "",
        )
    if not items:
        raise node.error("list at least one followed-up recommendation")
    return tuple(items.values())


def _criterion_id(criterion_id: str, node: Node, rules: RuleBase) -> str:
    if criterion_id in rules.criteria:
        return criterion_id
    for criterion in rules.criteria.values():
        if criterion_id in criterion.aliases:
            return criterion.id
    raise node.error(f"unknown criterion {criterion_id!r}{suggest(criterion_id, rules.criteria)}")


def _source_of(entry: dict[str, Node], rules: RuleBase) -> tuple[str, str]:
    """The källa and underlag of a stated value (both optional)."""
    källa = entry["källa"].text() if "källa" in entry else ""
    underlag = entry["underlag"].choice(rules.vocabulary.underlag) if "underlag" in entry else ""
    return källa, underlag


def _read_stated(node: Node, fact: Fact, granskningsdatum: date | None) -> Any:
    """A stated value of `fact`, which cannot lie after the granskningsdatum unless planned."""
    value = read_value(node, fact)
    if granskningsdatum is None or not isinstance(value, date) or fact.planned:
        return value
    if isinstance(value, PartialDate) and value.first_day() <= granskningsdatum < value:
        # A month or year that ends after the granskningsdatum: read it no later than that.
        return PartialDate.within(value.given, granskningsdatum)
    if (value.first_day() if isinstance(value, PartialDate) else value) > granskningsdatum:
        raise node.error(
            f"{fact.id} is {case_text(value)}, after the granskningsdatum "
            f"{granskningsdatum.isoformat()}: a fact can only state what has happened"
        )
    return value


def read_facts(node: Node, rules: RuleBase) -> dict[str, CaseFact]:
    """A mapping of fact: value (or {värde, källa, underlag, iakttagelse}) read as a case's
    `facts:`."""
    return _facts(node, rules)


def _facts(
    node: Node, rules: RuleBase, granskningsdatum: date | None = None
) -> dict[str, CaseFact]:
    facts: dict[str, CaseFact] = {}
    for given_id, fact_node in node.items():
        fact_id = rules.fact_aliases.get(given_id, given_id)
        if fact_id not in rules.facts:
            raise Node(given_id, fact_node.file, fact_node.line, fact_node.path).error(
                f"unknown fact {given_id!r}{suggest(given_id, rules.facts)}"
            )
        if fact_id in facts:
            raise fact_node.error(f"{given_id} repeats {fact_id} (an alias of the same fact)")
        fact = rules.facts[fact_id]
        källa = underlag = iakttagelse = ""
        value_node = fact_node
        if isinstance(fact_node.value, dict):
            entry = fact_node.mapping(
                required=("värde",), optional=("källa", "underlag", "iakttagelse", "granskning")
            )
            value_node = entry["värde"]
            källa, underlag = _source_of(entry, rules)
            iakttagelse = entry["iakttagelse"].text() if "iakttagelse" in entry else ""
        value = _read_stated(value_node, fact, granskningsdatum)
        claim = None
        if isinstance(fact_node.value, dict) and "granskning" in entry:
            finding = entry["granskning"].mapping(
                required=("värde",), optional=("källa", "underlag")
            )
            claim = Claim(value, källa, underlag)
            value = _read_stated(finding["värde"], fact, granskningsdatum)
            källa, underlag = _source_of(finding, rules)
        facts[fact_id] = CaseFact(
            fact_id,
            value,
            källa,
            underlag,
            fact_node.line or 0,
            " ".join(iakttagelse.split()),
            claim,
        )
    return facts
