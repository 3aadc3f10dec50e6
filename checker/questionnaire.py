"""The interactive self-evaluation: a questionnaire generated from the fact catalogue.

It welcomes the user and helps choose the template, asks for the case header (kommun,
period, granskningsdatum, the nämnd of each role), then the audit's facts grouped by
area, skipping a question whose `relevant_when` is false. At any prompt the user can ask
for help, go back to the previous answer, skip a question for later, or (one key) add a
källa and underlag. Every answer is saved at once (atomically), so an interrupted
session resumes with the next unanswered question; "vet ej" is saved too and never asked
again. The short route asks only what can still change a verdict, in the order of the
interview ranking; its "of at most N" total never grows.
All texts and command words come from vocabulary.yaml's `self_evaluation:` and
reports/questionnaire.j2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from checker.casefiles.answers import parse_answer, parse_choice, read_date
from checker.casefiles.drafts import Answer, Draft, read_draft, render_draft, write_case
from checker.casefiles.fact_order import audit_facts, with_prerequisites_first
from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case, is_relevant
from checker.interview import interview
from checker.language import conditions
from checker.loading.cases import load_case, looks_like_personnummer
from checker.model import Case, RuleBase
from checker.output.environment import wrap
from checker.output.self_evaluation_texts import environment, text

INTERRUPTED = 130  # the exit status of a program ended by Ctrl-C


def _plain(line: str, **_style: Any) -> str:
    return line


@dataclass(frozen=True)
class Console:
    """How the questionnaire talks: `ask` returns the typed line (and raises
    KeyboardInterrupt when the person quits), `say` shows one, `style` marks a line
    bold or dim where the terminal can show it."""

    ask: Callable[[str], str]
    say: Callable[[str], None]
    style: Callable[..., str] = _plain


class Back(Exception):
    """The user typed the command to go back to the previous answer."""


class Skip(Exception):
    """The user typed the command to skip the question for now."""


class Session:
    """One run of the questionnaire over one case file."""

    def __init__(self, rules: RuleBase, path: Path, console: Console, short: bool) -> None:
        self.rules, self.path, self.console, self.short = rules, Path(path), console, short
        self.draft = read_draft(self.path, rules) if self.path.exists() else Draft()
        self.area: str | None = None
        self.hint = ""  # how to answer the prompt now shown, repeated by the help command

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

    def prompt(self, prompt: str) -> str:
        """The typed line; help is shown here, back and skip raise Back and Skip."""
        while True:
            typed = self.console.ask(prompt).strip()
            word = " ".join(typed.split()).casefold()
            if word in (self.t("command_help"), "?"):
                self.tell("help", hint=self.hint)
            elif word == self.t("command_back"):
                raise Back
            elif word == self.t("command_skip"):
                raise Skip
            else:
                return typed

    def ask_text(self, prompt: str) -> str:
        while True:
            answer = self.prompt(prompt)
            if not answer:
                self.tell("required")
            elif looks_like_personnummer(answer):
                self.tell("personnummer")
            else:
                return answer

    def ask_date(self, prompt: str, not_before: date | None = None) -> date:
        while True:
            answer = read_date(self.prompt(prompt))
            if answer is None:
                self.tell("invalid_date")
            elif not_before is not None and answer < not_before:
                self.tell("period_order")
            else:
                return answer

    def ask_choice(self, prompt: str, choices: tuple[str, ...], optional: bool) -> str:
        while True:
            answer = self.prompt(prompt)
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
        if audit_id is not None and audit_id not in self.rules.audits:
            known = ", ".join(sorted(self.rules.audits))
            raise GranskaError(f"unknown audit {audit_id!r}; known: {known}")
        if audit_id is None and len(self.rules.audits) > 1:
            audit_id = self.ask_audit()
        draft.audit = audit_id or next(iter(sorted(self.rules.audits)))
        self.save()

    def ask_audit(self) -> str:
        """The template, chosen from a list that says what each covers, shortest first."""
        sizes = {
            audit_id: len(audit_facts(self.rules, audit))
            for audit_id, audit in self.rules.audits.items()
        }
        audits = tuple(sorted(sizes, key=lambda audit_id: (sizes[audit_id], audit_id)))
        self.tell("welcome")
        for number, audit_id in enumerate(audits, 1):
            audit = self.rules.audits[audit_id]
            line = self.t(
                "audit_choice",
                number=number,
                title=audit.title,
                description=audit.description,
                count=sizes[audit_id],
            )
            self.console.say(wrap(line, indent="     ").replace("     ", "  ", 1))
        self.hint = self.t("invalid_choice", choices=", ".join(map(str, range(1, len(audits) + 1))))
        while True:
            try:
                return self.ask_choice(self.t("choose_audit"), audits, optional=False)
            except (Back, Skip):
                self.tell("back_none")

    def header_steps(self) -> list[str]:
        """The header's prompts in order: the fields, then one per role of the audit."""
        roles = [f"role:{role.id}" for role in self.rules.audits[self.draft.audit].roles]
        return ["kommun", "period_from", "period_to", "granskningsdatum", *roles]

    def header_done(self, step: str) -> bool:
        if step.startswith("role:"):
            return step.removeprefix("role:") in self.draft.assigned_roles()
        return getattr(self.draft, step) is not None

    def ask_header_step(self, step: str) -> None:
        draft = self.draft
        if step == "kommun":
            self.hint = ""
            draft.kommun = self.ask_text(self.t("kommun"))
        elif step.startswith("role:"):
            role = next(
                role
                for role in self.rules.audits[draft.audit].roles
                if role.id == step.removeprefix("role:")
            )
            draft.assign(self.ask_text(self.t("namnd", role=role.title)), role.id)
        else:
            self.hint = self.t("hint_date")
            not_before = draft.period_from if step == "period_to" else None
            setattr(draft, step, self.ask_date(self.t(step), not_before))

    def clear_header_step(self, step: str) -> None:
        if step.startswith("role:"):
            role = step.removeprefix("role:")
            self.draft.namnder = [
                (name, tuple(r for r in roles if r != role))
                for name, roles in self.draft.namnder
                if set(roles) != {role}
            ]
        else:
            setattr(self.draft, step, None)

    def ask_header(self) -> None:
        steps = self.header_steps()
        while pending := [step for step in steps if not self.header_done(step)]:
            step = pending[0]
            try:
                self.ask_header_step(step)
            except Back:
                index = steps.index(step)
                if index == 0:
                    self.tell("back_none")
                    continue
                self.clear_header_step(steps[index - 1])
            except Skip:
                self.tell("required")
                continue
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
        """Ask one fact and save its answer; Back and Skip pass to the caller."""
        fact, say = self.rules.facts[fact_id], self.console.say
        if fact.area != self.area:
            self.area = fact.area
            title = self.rules.areas[fact.area]
            say("")
            say(self.console.style(title, bold=True))
            say("-" * len(title))
        say("")
        progress = self.t("progress", number=number, total=total)
        say(self.console.style(progress, dim=True))
        say(wrap(fact.question))
        if fact.help:
            say(wrap(fact.help, indent="  "))
        for index, value in enumerate(fact.values, 1):
            say(f"  {index}. {fact.label(value)}")
        self.hint = self.t(f"hint_{fact.type}", values=", ".join(map(fact.label, fact.values)))
        say(wrap(self.hint))
        källa = underlag = ""
        while True:
            typed = self.prompt(self.t("answer"))
            if " ".join(typed.split()).casefold() == self.t("command_source"):
                källa, underlag = self.ask_source(källa, underlag)
                continue
            try:
                value = parse_answer(typed, fact)
            except GranskaError:
                self.tell("invalid", hint=self.hint)
                continue
            if isinstance(value, str) and looks_like_personnummer(value):
                self.tell("personnummer")
                continue
            break
        self.draft.facts[fact_id] = Answer(value, källa, underlag)
        self.save()

    def ask_source(self, källa: str, underlag: str) -> tuple[str, str]:
        """The källa and underlag of the question shown (back or skip keeps them as they were)."""
        hint = self.hint
        try:
            new_källa = self.prompt(self.t("kalla"))
            while looks_like_personnummer(new_källa):
                self.tell("personnummer")
                new_källa = self.prompt(self.t("kalla"))
            kinds = self.rules.vocabulary.underlag
            self.hint = self.t("invalid_choice", choices=", ".join(kinds))
            new_underlag = self.ask_choice(
                self.t("underlag", choices=", ".join(kinds)), kinds, optional=True
            )
        except (Back, Skip):
            return källa, underlag
        finally:
            self.hint = hint
        self.tell("source_noted")
        return new_källa, new_underlag

    def ask_facts(self) -> None:
        """Ask until no fact is left; back, skip and a stable "of at most" total."""
        audit_ids = set(audit_facts(self.rules, self.rules.audits[self.draft.audit]))
        history: list[str] = []  # the facts answered in this session, in order
        skipped: set[str] = set()
        again: str | None = None  # the fact to ask next after going back
        bound = 0
        while True:
            remaining = [f for f in self.remaining(self.short) if f not in skipped]
            if again in remaining:
                remaining.remove(again)
                remaining.insert(0, again)
            if not remaining:
                return
            done = len(audit_ids & set(self.draft.facts))
            bound = max(bound, done + len(remaining))
            fact_id, again = remaining[0], None
            try:
                self.ask_fact(fact_id, done + 1, bound)
                history.append(fact_id)
            except Skip:
                skipped.add(fact_id)
                self.tell("skipped")
            except Back:
                if not history:
                    self.tell("back_none")
                    continue
                again = history.pop()
                del self.draft.facts[again]
                self.save()

    # --- the whole session ------------------------------------------------------
    def run(self, audit_id: str | None) -> int:
        resumed = self.path.exists()
        try:
            self.choose_audit(audit_id)
            title = self.rules.audits[self.draft.audit].title
            self.tell("intro", audit=title, file=self.path)
            self.tell("commands")
            if resumed:
                self.tell("resumed", answered=self.answered(), file=self.path)
            self.ask_header()
            self.ask_facts()
        except KeyboardInterrupt:
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
    path: Path | None,
    audit_id: str | None,
    short: bool,
    console: Console,
) -> int:
    """Ask, save after every answer, show the verdicts; the exit status (130 if interrupted).

    Without `path`, the case file is the vocabulary's `default_file` in the current directory.
    """
    path = Path(path) if path is not None else Path(text(rules, "default_file"))
    return Session(rules, path, console, short).run(audit_id)
