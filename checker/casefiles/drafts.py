"""Case files being written: drafts rendered, and every case file written, in one place.

The questionnaire keeps its answers in a Draft and writes it after every answer; the
template command renders a Draft whose facts are all "vet ej"; `granska generate` renders
the Draft of a random case. All go through the jinja2 template reports/case.yaml.j2, so a
written case always looks the same: header, then the facts grouped by area in the audit's
order, each under its question. A value is written by `values.yaml_text`, any other text
by `strict_yaml.scalar` (the `scalar` filter of every case template), and every case file
(also a follow-up, a merge, a web form's save) by `write_case`: atomically, re-read
before the rename.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml

from checker.casefiles.fact_order import audit_facts
from checker.errors import GranskaError
from checker.files.atomic import write_file
from checker.files.nodes import Node, suggest
from checker.files.strict_yaml import load_yaml, read_text, scalar
from checker.language.facttypes import yaml_text
from checker.loading.cases import CASE_KEYS, load_case, refuse_personal_data_in_text
from checker.model import Case, Fact, RuleBase
from checker.output.self_evaluation_texts import environment, text

HEADER_KEYS = ("kommun", "granskningsperiod", "granskningsdatum", "audit", "nämnder")
_OWN_KEYS = (*HEADER_KEYS, "facts")


@dataclass
class Answer:
    """One stated fact: its value (None for "vet ej"), källa, underlag and iakttagelse."""

    value: Any
    källa: str = ""
    underlag: str = ""
    iakttagelse: str = ""


@dataclass
class Draft:
    """A case being written; header fields are None until answered."""

    audit: str | None = None
    kommun: str | None = None
    period_from: date | None = None
    period_to: date | None = None
    granskningsdatum: date | None = None
    namnder: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    facts: dict[str, Answer] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # other case keys, kept as read

    def assigned_roles(self) -> set[str]:
        return {role for _name, roles in self.namnder for role in roles}

    def assign(self, name: str, role: str) -> None:
        """Give `role` to the nämnd called `name`, adding the nämnd when it is new."""
        for index, (existing, roles) in enumerate(self.namnder):
            if existing == name:
                self.namnder[index] = (existing, (*roles, role))
                return
        self.namnder.append((name, (role,)))


def draft_from_case(case: Case, extra: dict[str, Any]) -> Draft:
    """The draft of a loaded case; `extra` holds its other keys as read."""
    return Draft(
        audit=case.audit,
        kommun=case.kommun,
        period_from=case.period_from,
        period_to=case.period_to,
        granskningsdatum=case.granskningsdatum,
        namnder=[(namnd.name, namnd.roles) for namnd in case.namnder],
        facts={
            fact_id: Answer(fact.value, fact.källa, fact.underlag, fact.iakttagelse)
            for fact_id, fact in case.facts.items()
        },
        extra=extra,
    )


def read_draft(path: Path, rules: RuleBase) -> Draft:
    """A draft from a case file: validated as a case once its header is complete."""
    root = Node(load_yaml(path), str(path), 1, "")
    fields = root.mapping(optional=CASE_KEYS)
    extra = {key: _plain(node.value) for key, node in fields.items() if key not in _OWN_KEYS}
    if all(key in fields for key in HEADER_KEYS):
        return draft_from_case(load_case(path, rules), extra)
    if "facts" in fields:
        missing = ", ".join(key for key in HEADER_KEYS if key not in fields)
        raise root.error(
            f"the file states facts but lacks {missing}; complete the header "
            f"in an editor, or start a new file"
        )
    draft = Draft(extra=extra)
    if "audit" in fields:
        draft.audit = fields["audit"].choice(sorted(rules.audits))
    if "kommun" in fields:
        draft.kommun = fields["kommun"].text()
    if "granskningsperiod" in fields:
        period = fields["granskningsperiod"].mapping(optional=("från", "till"))
        draft.period_from = period["från"].date() if "från" in period else None
        draft.period_to = period["till"].date() if "till" in period else None
    if "granskningsdatum" in fields:
        draft.granskningsdatum = fields["granskningsdatum"].date()
    if "nämnder" in fields and draft.audit is not None:
        roles = sorted(role.id for role in rules.audits[draft.audit].roles)
        for item in fields["nämnder"].sequence():
            entry = item.mapping(required=("namn", "roller"))
            for role in entry["roller"].sequence():
                draft.assign(entry["namn"].text(), role.choice(roles))
    return draft


def _plain(value: Any) -> Any:
    """Parsed YAML without the loader's line bookkeeping, for dumping back."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def fact_entry(answer: Answer, fact: Fact | None = None) -> str:
    """A stated fact as written after its id: the bare value, or {värde, källa, underlag}."""
    if not answer.källa and not answer.underlag and not answer.iakttagelse:
        return yaml_text(answer.value, fact)
    parts = [f"värde: {yaml_text(answer.value, fact)}"]
    if answer.källa:
        parts.append(f"källa: {scalar(answer.källa)}")
    if answer.underlag:
        parts.append(f"underlag: {scalar(answer.underlag)}")
    if answer.iakttagelse:
        parts.append(f"iakttagelse: {scalar(answer.iakttagelse)}")
    return "{" + ", ".join(parts) + "}"


def case_environment() -> jinja2.Environment:
    """The templates' environment with the filters of case files: `comment` and `scalar`."""
    env = environment()
    env.filters["scalar"] = scalar
    return env


def render_draft(
    rules: RuleBase, draft: Draft, mode: str, schema: str | None = None, **context: Any
) -> str:
    """The case file text of a draft; `mode` is "questionnaire", "template" or "generated"
    (whose `context` gives the seed, the case's number and the count)."""
    audit = rules.audits[draft.audit]
    order = audit_facts(rules, audit)
    order += [fact_id for fact_id in rules.facts if fact_id not in order]
    areas: list[dict] = []
    for fact_id in order:
        if fact_id not in draft.facts:
            continue
        fact = rules.facts[fact_id]
        hint = ""
        if mode == "template":
            hint = text(rules, f"hint_{fact.type}", values=", ".join(fact.values))
        if not areas or areas[-1]["id"] != fact.area:
            areas.append({"id": fact.area, "title": rules.areas[fact.area], "facts": []})
        areas[-1]["facts"].append(
            {
                "id": fact_id,
                "question": fact.question,
                "help": fact.help,
                "hint": hint,
                "entry": fact_entry(draft.facts[fact_id], fact),
            }
        )
    extra = (
        yaml.safe_dump(
            draft.extra, allow_unicode=True, sort_keys=False, default_flow_style=False, width=88
        )
        if draft.extra
        else ""
    )
    return (
        case_environment()
        .get_template("case.yaml.j2")
        .render(
            d=draft,
            audit=audit,
            areas=areas,
            mode=mode,
            schema=schema,
            extra=extra,
            underlag=rules.vocabulary.underlag,
            **context,
        )
    )


def blank_case(
    rules: RuleBase, audit_id: str, year: int, kommun: str | None = None, schema: str | None = None
) -> str:
    """A case file listing every fact of the audit as "vet ej" under its question."""
    if audit_id not in rules.audits:
        raise GranskaError(
            f"unknown audit {audit_id!r}{suggest(audit_id, rules.audits)}; "
            f"known: {', '.join(sorted(rules.audits))}"
        )
    audit = rules.audits[audit_id]
    last_day = date(year, 12, 31)
    draft = Draft(
        audit=audit_id,
        kommun=kommun or text(rules, "template_kommun"),
        period_from=date(year, 1, 1),
        period_to=last_day,
        granskningsdatum=last_day,
        namnder=[(role.title[:1].upper() + role.title[1:], (role.id,)) for role in audit.roles],
        facts={fact_id: Answer(None) for fact_id in audit_facts(rules, audit)},
    )
    return render_draft(rules, draft, "template", schema)


def write_template(
    rules: RuleBase,
    audit_id: str,
    output: Path | None,
    year: int | None,
    kommun: str | None = None,
    schema: str | None = None,
    force: bool = False,
) -> str:
    """The blank case file of an audit, written to `output` (if given) after it loads."""
    content = blank_case(rules, audit_id, year or date.today().year - 1, kommun, schema)
    if output is not None:
        if Path(output).exists() and not force:
            raise GranskaError(
                "the file exists; choose another name, or --force to overwrite it", str(output)
            )
        write_case(output, content, rules)
    return content


def write_case(
    path: Path,
    content: str,
    rules: RuleBase | None = None,
    check: Callable[[Case], object] | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """Write a case file atomically, re-read before the rename: as a case of `rules` (then
    given to `check`) when given, as YAML without personal data otherwise. An error names
    `path`, not the temporary file, and leaves `path` untouched; `inputs` are the files
    the command read, never written over."""

    def reread(temporary: Path) -> None:
        try:
            if rules is None:
                load_yaml(temporary)
                refuse_personal_data_in_text(read_text(temporary), str(path))
                return
            case = load_case(temporary, rules)
            if check is not None:
                check(case)
        except GranskaError as error:
            error.file = str(path)
            raise

    write_file(Path(path), content, check=reread, inputs=inputs)
