"""The interactive self-evaluation: a questionnaire generated from the fact catalogue.

It asks for the case header (audit, kommun, period, granskningsdatum, the nämnd of each
role), then the audit's facts grouped by area, skipping a question whose
`relevant_when` is false. Every answer is saved at once (atomically), so an interrupted
session resumes with the next unanswered question; "vet ej" is saved too and never asked
again. The short route asks only what can still change a verdict, in the order of the
interview ranking.
All texts come from vocabulary.yaml's `self_evaluation:` and reports/questionnaire.j2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click

from checker.casefiles.answers import parse_answer, parse_choice
from checker.casefiles.drafts import Answer, Draft, read_draft, render_draft, write_case
from checker.casefiles.fact_order import audit_facts, with_prerequisites_first
from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case, is_relevant
from checker.files.nodes import parse_date
from checker.interview import interview
from checker.language import conditions
from checker.loading.cases import load_case, looks_like_personnummer
from checker.model import Case, RuleBase
from checker.output.environment import wrap
from checker.output.self_evaluation_texts import environment, text

INTERRUPTED = 130  # the exit status of a program ended by Ctrl-C


@dataclass(frozen=True)
class Console:
    """How the questionnaire talks: `ask` returns the typed line, `say` prints one."""

    ask: Callable[[str], str]
    say: Callable[[str], None]


def terminal() -> Console:
    """The terminal via click (Ctrl-C and end of input raise click.Abort)."""
    return Console(
        ask=lambda prompt: click.prompt(prompt, default="", show_default=False),
        say=lambda line: click.echo(line),
    )


class Session:
    """One run of the questionnaire over one case file."""

    def __init__(self, rules: RuleBase, path: Path, console: Console, short: bool) -> None:
        self.rules, self.path, self.console, self.short = rules, Path(path), console, short
        self.draft = read_draft(self.path, rules) if self.path.exists() else Draft()
        self.area: str | None = None

    # --- helpers ----------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        return text(self.rules, key, **values)

    def tell(self, key: str, **values) -> None:
        """Show the text `key`, folded to the width of a terminal."""
        self.console.say(wrap(self.t(key, **values)))

    def save(self) -> None:
        write_case(self.path, render_draft(self.rules, self.draft, "questionnaire"))

    def answered(self) -> int:
        return len(self.draft.facts)

    def ask_text(self, prompt: str) -> str:
        while True:
            answer = self.console.ask(prompt).strip()
            if not answer:
                self.tell("required")
            elif looks_like_personnummer(answer):
                self.tell("personnummer")
            else:
                return answer

    def ask_date(self, prompt: str, not_before: date | None = None) -> date:
        while True:
            answer = parse_date(self.console.ask(prompt).strip())
            if answer is None:
                self.tell("invalid_date")
            elif not_before is not None and answer < not_before:
                self.tell("period_order")
            else:
                return answer

    def ask_choice(self, prompt: str, choices: tuple[str, ...], optional: bool) -> str:
        while True:
            answer = self.console.ask(prompt).strip()
            if not answer and optional:
                return ""
            try:
                return parse_choice(answer, choices)
            except GranskaError:
                self.tell("invalid_choice", choices=", ".join(choices))

    # --- the header -------------------------------------------------------------
    def choose_audit(self, audit_id: str | None) -> None:
        draft = self.draft
        if draft.audit is not None:
            if audit_id is not None and audit_id != draft.audit:
                raise GranskaError(
                    f"--audit {audit_id} contradicts the file's audit {draft.audit!r}",
                    str(self.path),
                )
            return
        audits = sorted(self.rules.audits)
        if audit_id is not None and audit_id not in audits:
            raise GranskaError(f"unknown audit {audit_id!r}; known: {', '.join(audits)}")
        if audit_id is None and len(audits) > 1:
            for number, known in enumerate(audits, 1):
                self.console.say(f"  {number}. {known}: {self.rules.audits[known].title}")
            audit_id = self.ask_choice(self.t("choose_audit"), tuple(audits), optional=False)
        draft.audit = audit_id or audits[0]
        self.save()

    def ask_header(self) -> None:
        draft = self.draft
        if draft.kommun is None:
            draft.kommun = self.ask_text(self.t("kommun"))
            self.save()
        if draft.period_from is None:
            draft.period_from = self.ask_date(self.t("period_from"))
            self.save()
        if draft.period_to is None:
            draft.period_to = self.ask_date(self.t("period_to"), draft.period_from)
            self.save()
        if draft.granskningsdatum is None:
            draft.granskningsdatum = self.ask_date(self.t("granskningsdatum"))
            self.save()
        for role in self.rules.audits[draft.audit].roles:
            if role.id not in draft.assigned_roles():
                draft.assign(self.ask_text(self.t("namnd", role=role.title)), role.id)
                self.save()

    # --- the facts --------------------------------------------------------------
    def known(self) -> dict:
        return {
            fact_id: (answer.value, answer.underlag)
            for fact_id, answer in self.draft.facts.items()
            if answer.value is not None
        }

    def context(self) -> conditions.Context:
        draft = self.draft
        return conditions.Context(draft.granskningsdatum, draft.period_from, draft.period_to)

    def remaining(self, short: bool) -> list[str]:
        """The facts still to ask, in the order they will be asked."""
        audit = self.rules.audits[self.draft.audit]
        known, context = self.known(), self.context()
        if short:
            order = short_route(self.rules, load_case(self.path, self.rules))
        else:
            order = audit_facts(self.rules, audit)
        return [
            fact_id
            for fact_id in order
            if fact_id not in self.draft.facts and is_relevant(self.rules, fact_id, known, context)
        ]

    def ask_fact(self, fact_id: str, number: int, total: int) -> None:
        fact, say = self.rules.facts[fact_id], self.console.say
        if fact.area != self.area:
            self.area = fact.area
            title = self.rules.areas[fact.area]
            say("")
            say(click.style(title, bold=True))
            say("-" * len(title))
        say("")
        say(click.style(self.t("progress", number=number, total=total, id=fact_id), dim=True))
        say(wrap(fact.question))
        if fact.help:
            say(wrap(fact.help, indent="  "))
        for index, value in enumerate(fact.values, 1):
            say(f"  {index}. {fact.label(value)}")
        hint = self.t(f"hint_{fact.type}", values=", ".join(map(fact.label, fact.values)))
        say(wrap(hint))
        while True:
            try:
                value = parse_answer(self.console.ask(self.t("answer")), fact)
            except GranskaError:
                self.tell("invalid", hint=hint)
                continue
            if isinstance(value, str) and looks_like_personnummer(value):
                self.tell("personnummer")
                continue
            break
        answer = Answer(value)
        if value is not None:
            källa = self.console.ask(self.t("kalla")).strip()
            while looks_like_personnummer(källa):
                self.tell("personnummer")
                källa = self.console.ask(self.t("kalla")).strip()
            underlag = self.rules.vocabulary.underlag
            answer = Answer(
                value,
                källa,
                self.ask_choice(
                    self.t("underlag", choices=", ".join(underlag)), underlag, optional=True
                ),
            )
        self.draft.facts[fact_id] = answer
        self.save()

    def ask_facts(self) -> None:
        audit_ids = set(audit_facts(self.rules, self.rules.audits[self.draft.audit]))
        while True:
            remaining = self.remaining(self.short)
            if not remaining:
                return
            done = len(audit_ids & set(self.draft.facts))
            self.ask_fact(remaining[0], done + 1, done + len(remaining))

    # --- the whole session ------------------------------------------------------
    def run(self, audit_id: str | None) -> int:
        resumed = self.path.exists()
        try:
            self.choose_audit(audit_id)
            title = self.rules.audits[self.draft.audit].title
            self.tell("intro", audit=title, file=self.path)
            if resumed:
                self.tell("resumed", answered=self.answered(), file=self.path)
            self.ask_header()
            self.ask_facts()
        except (click.Abort, KeyboardInterrupt):
            self.console.say("")
            self.tell("interrupted", answered=self.answered(), file=self.path)
            return INTERRUPTED
        self.show_result()
        return 0

    def show_result(self) -> None:
        result = evaluate_case(self.rules, load_case(self.path, self.rules))
        template = environment().get_template("questionnaire.j2")
        self.console.say("")
        audit = self.rules.audits[self.draft.audit]
        self.console.say(
            template.render(
                r=result,
                h=result["headings"],
                labels={grade.id: grade.label for grade in audit.scale},
                overall_labels={grade.id: grade.label for grade in audit.overall_scale},
            ).rstrip("\n")
        )
        self.console.say("")
        if self.short and self.remaining(short=False):
            self.tell("short_done", file=self.path)
        self.tell("done", answered=self.answered(), file=self.path)


def short_route(rules: RuleBase, case: Case) -> list[str]:
    """The unknown facts whose answer can still change a verdict, most decisive first.

    The order is the interview ranking (checker.interview), with a follow-up question
    never asked before the question its relevance depends on.
    """
    ranked = [entry["fact"] for entry in interview(rules, case)["facts"] if entry["why"]]
    return with_prerequisites_first(rules, ranked)


def run_questionnaire(
    rules: RuleBase,
    path: Path | None = None,
    audit_id: str | None = None,
    short: bool = False,
    console: Console | None = None,
) -> int:
    """Ask, save after every answer, show the verdicts; the exit status (130 if interrupted).

    Without `path`, the case file is the vocabulary's `default_file` in the current directory.
    """
    path = Path(path) if path is not None else Path(text(rules, "default_file"))
    return Session(rules, path, console or terminal(), short).run(audit_id)
