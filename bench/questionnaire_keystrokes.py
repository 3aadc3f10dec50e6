"""Keystrokes a first-time user needs to complete a template in `granska questionnaire`.

A scripted user answers every prompt as the example case of the template states it
(examples/snabbkontroll-2024.yaml by default), typing each answer as the case file
writes it ("ja", "2024-03-12", an enum's number) or, with --short-forms, "j" and "n",
and pressing Enter; källa and underlag are left out. Every character and every
Enter counts as one keystroke. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.language.facttypes import case_text  # noqa: E402
from checker.loading.cases import load_case  # noqa: E402
from checker.loading.rules import load_rules  # noqa: E402
from checker.output.self_evaluation_texts import text  # noqa: E402
from checker.questionnaire import Console, run_questionnaire  # noqa: E402


class CountingUser:
    """Answers like the example case and counts what it types."""

    def __init__(self, rules, example, short_forms: bool = False) -> None:
        self.rules, self.example, self.short_forms = rules, example, short_forms
        self.lines: list[str] = []
        self.keystrokes = self.prompts = 0
        self.title = rules.audits[example.audit].title
        self.header = {
            text(rules, "kommun"): example.kommun,
            text(rules, "period_from"): example.period_from.isoformat(),
            text(rules, "period_to"): example.period_to.isoformat(),
            text(rules, "granskningsdatum"): example.granskningsdatum.isoformat(),
        }
        for role in rules.audits[example.audit].roles:
            namnd = next(n.name for n in example.namnder if role.id in n.roles)
            self.header[text(rules, "namnd", role=role.title)] = namnd
        self.console = Console(self.ask, self.lines.append)

    def ask(self, prompt: str) -> str:
        typed = self.header.get(prompt)
        if prompt == text(self.rules, "choose_audit"):
            typed = self.audit_number()
        if typed is None:
            typed = self.fact_answer() if prompt == text(self.rules, "answer") else ""
        self.prompts += 1
        self.keystrokes += len(typed) + 1  # the answer and Enter
        return typed

    def audit_number(self) -> str:
        """The number the list of templates shows before the example's template."""
        for line in self.lines:
            number, _, rest = line.strip().partition(". ")
            if number.isdigit() and rest.startswith(self.title):
                return number
        raise AssertionError("the example's template is not listed")

    def fact_answer(self) -> str:
        """The example's value of the question shown last, typed as its hint suggests."""
        shown = " ".join(" ".join(self.lines[-12:]).split())
        asked = [
            fact for fact in self.rules.facts.values() if " ".join(fact.question.split()) in shown
        ]
        fact = max(asked, key=lambda fact: shown.rindex(" ".join(fact.question.split())))
        stated = self.example.facts.get(fact.id)
        if stated is None or stated.value is None:
            return "vet ej"
        if fact.type == "enum":
            return str(fact.values.index(stated.value) + 1)
        typed = case_text(stated.value)
        return typed[0] if self.short_forms and fact.type == "bool" else typed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", type=Path, default=ROOT / "examples/snabbkontroll-2024.yaml")
    parser.add_argument(
        "--short-forms", action="store_true", help='type "j" and "n" for ja and nej'
    )
    arguments = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    example = load_case(arguments.example, rules)
    user = CountingUser(rules, example, arguments.short_forms)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fall.yaml"
        status = run_questionnaire(rules, path, None, False, user.console)
        answered = len(load_case(path, rules).facts)
    print(f"template: {example.audit} ({arguments.example.name})")
    print(f"exit status: {status}; facts answered: {answered}")
    print(f"prompts: {user.prompts}; keystrokes (characters and Enter): {user.keystrokes}")


if __name__ == "__main__":
    main()
