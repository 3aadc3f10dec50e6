"""Keystrokes a first-time user needs to complete a template in `granska questionnaire`.

A scripted user answers every prompt as the example case of the template states it
(examples/snabbkontroll-2024.yaml by default), typing each answer as the prompt's hint
suggests and pressing Enter; källa and underlag are left out. Every character and every
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

    def __init__(self, rules, example) -> None:
        self.rules, self.example = rules, example
        self.lines: list[str] = []
        self.keystrokes = self.prompts = 0
        audits = sorted(rules.audits)
        self.header = {
            text(rules, "choose_audit"): str(audits.index(example.audit) + 1),
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
        if typed is None:
            typed = self.fact_answer() if prompt == text(self.rules, "answer") else ""
        self.prompts += 1
        self.keystrokes += len(typed) + 1  # the answer and Enter
        return typed

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
        return case_text(stated.value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", type=Path, default=ROOT / "examples/snabbkontroll-2024.yaml")
    arguments = parser.parse_args()
    rules = load_rules(ROOT / "rules")
    example = load_case(arguments.example, rules)
    user = CountingUser(rules, example)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fall.yaml"
        status = run_questionnaire(rules, path, None, False, user.console)
        answered = len(load_case(path, rules).facts)
    print(f"template: {example.audit} ({arguments.example.name})")
    print(f"exit status: {status}; facts answered: {answered}")
    print(f"prompts: {user.prompts}; keystrokes (characters and Enter): {user.keystrokes}")


if __name__ == "__main__":
    main()
