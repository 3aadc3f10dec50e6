"""The questionnaire, scripted: saving, resuming, skipping, re-prompting, the short route."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from checker.casefiles.drafts import Answer, fact_entry
from checker.casefiles.fact_order import audit_facts, prerequisites
from checker.cli import main
from checker.errors import GranskaError
from checker.evaluation.evaluate import evaluate_case
from checker.files.strict_yaml import load_yaml, parse_yaml, scalar
from checker.interview import interview
from checker.loading.cases import load_case
from checker.output.self_evaluation_texts import text
from checker.questionnaire import INTERRUPTED, Console, run_questionnaire

ROOT = Path(__file__).resolve().parent.parent
AUDIT = "pwc-arbetsmarknadsinsatser"
HEADER = {
    "kommun": "Exempelby kommun",
    "period_from": "2022-01-01",
    "period_to": "2022-12-31",
    "granskningsdatum": "2022-12-22",
}
BEST = {
    "bool": "ja",
    "date": "2022-06-01",
    "count": "16 av 16",
    "integer": "10",
    "number": "10",
    "percent": "100",
    "text": "ja",
}
WORST = {
    "bool": "nej",
    "date": "2000-01-01",
    "count": "0 av 16",
    "integer": "0",
    "number": "0",
    "percent": "0",
    "text": "nej",
}


def shown(lines: list[str]) -> str:
    """What the console showed, with line breaks and runs of spaces as single spaces."""
    return " ".join(" ".join(lines).split())


class Script:
    """A console that answers like a person: header from HEADER, facts by `answer`."""

    def __init__(self, rules, answer=None, limit: int | None = None, overrides=None):
        self.rules, self.limit = rules, limit
        self.answer = answer or (lambda fact: _value(fact, BEST))
        self.overrides = dict(overrides or {})
        self.lines: list[str] = []
        self.asked: list[str] = []  # fact ids, in the order asked
        self.answers = 0
        prompts = {text(rules, key): value for key, value in HEADER.items()}
        for role, name in zip(
            rules.audits[AUDIT].roles, ("Socialnämnden", "Arbetsmarknadsnämnden"), strict=True
        ):
            prompts[text(rules, "namnd", role=role.title)] = name
        self.header = prompts
        self.console = Console(self.ask, self.lines.append)

    def ask(self, prompt: str) -> str:
        if self.limit is not None and self.answers >= self.limit:
            raise KeyboardInterrupt  # what the terminal's console raises on Ctrl-C
        self.answers += 1
        if prompt in self.header:
            return self.header[prompt]
        if prompt == text(self.rules, "answer"):
            fact_id = self.current()
            if fact_id not in self.asked:
                self.asked.append(fact_id)
            queued = self.overrides.get(fact_id)
            if isinstance(queued, list) and queued:
                return queued.pop(0)
            return queued if isinstance(queued, str) else self.answer(self.rules.facts[fact_id])
        return ""  # källa and underlag left out

    def current(self) -> str:
        """The fact whose question was shown last (the screen shows no ids)."""
        questions = {" ".join(f.question.split()): f.id for f in self.rules.facts.values()}
        for line in reversed(self.lines):
            fact_id = questions.get(" ".join(click.unstyle(line).split()))
            if fact_id is not None:
                return fact_id
        raise AssertionError("no question shown")


def _value(fact, answers):
    if fact.type == "enum":
        return (
            (fact.better or fact.values)[-1] if answers is BEST else (fact.better or fact.values)[0]
        )
    return answers[fact.type]


def run(rules, path, script, short=False, audit=AUDIT):
    return run_questionnaire(rules, path, audit, short, script.console)


def test_a_whole_session_writes_a_valid_case_and_shows_the_verdicts(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    script = Script(rules)
    assert run(rules, path, script) == 0
    case = load_case(path, rules)
    assert case.kommun == "Exempelby kommun" and case.audit == AUDIT
    assert [n.roles for n in case.namnder] == [("socialnamnd",), ("arbetsmarknad",)]
    assert set(case.facts) == set(script.asked)
    result = evaluate_case(rules, case)
    output = shown(script.lines)
    for question in result["questions"]:
        assert question["id"] in output
    assert result["disclaimer"] in output


def test_every_answer_is_saved_at_once(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    for limit in range(1, 12):  # one prompt per answer: "vet ej" asks for no källa
        script = Script(rules, answer=lambda _fact: "vet ej", limit=1)
        assert run(rules, path, script) == INTERRUPTED
        stated = load_yaml(path)
        given = len([key for key in ("kommun", "granskningsdatum") if key in stated])
        given += len(stated.get("granskningsperiod", {})) + len(stated.get("nämnder", []))
        given += len(stated.get("facts", {}))
        assert given == limit, f"after {limit} answers the file holds {given}"


def test_vet_ej_is_recorded_and_never_asked_again(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    first = audit_facts(rules, rules.audits[AUDIT])[0]
    script = Script(rules, overrides={first: "vet ej"}, limit=len(HEADER) + 2 + 1)
    assert run(rules, path, script) == INTERRUPTED
    assert load_yaml(path)["facts"] == {first: "vet ej"}
    again = Script(rules, limit=1)
    run(rules, path, again)
    assert again.asked and again.asked[0] != first
    assert text(rules, "resumed", answered=1, file=path) in shown(again.lines)


def test_a_follow_up_is_skipped_when_its_relevant_when_is_false(rules, tmp_path):
    followups = [
        f
        for f in audit_facts(rules, rules.audits[AUDIT])
        if rules.facts[f].relevant_when is not None
    ]
    assert followups, "the audit has no follow-up questions to skip"
    script = Script(rules, answer=lambda fact: _value(fact, WORST))
    run(rules, tmp_path / "fall.yaml", script)
    stated = load_case(tmp_path / "fall.yaml", rules).facts
    skipped = [f for f in followups if f not in script.asked]
    assert skipped, "answering every question negatively skipped no follow-up"
    assert not set(skipped) & set(stated)


def test_an_unreadable_answer_is_asked_again_with_its_hint(rules, tmp_path):
    first = audit_facts(rules, rules.audits[AUDIT])[0]
    fact = rules.facts[first]
    script = Script(
        rules,
        overrides={first: ["kanske", "2021-02-30", _value(fact, BEST)]},
        limit=len(HEADER) + 2 + 5,
    )
    run(rules, tmp_path / "fall.yaml", script)
    hint = text(rules, f"hint_{fact.type}", values=", ".join(fact.values))
    assert shown(script.lines).count(text(rules, "invalid", hint=hint)) == 2
    assert first in load_yaml(tmp_path / "fall.yaml")["facts"]


def test_the_period_cannot_end_before_it_starts(rules, tmp_path):
    script = Script(rules, limit=5)
    script.header[text(rules, "period_to")] = "2021-12-31"
    run(rules, tmp_path / "fall.yaml", script)
    assert text(rules, "period_order") in shown(script.lines)
    assert "granskningsdatum" not in load_yaml(tmp_path / "fall.yaml")


def test_a_personnummer_is_refused(rules, tmp_path):
    script = Script(rules, limit=3)
    script.header[text(rules, "kommun")] = "Kommun 19121212-1212"
    run(rules, tmp_path / "fall.yaml", script)
    assert text(rules, "personnummer") in shown(script.lines)
    assert not (tmp_path / "fall.yaml").exists() or "kommun" not in load_yaml(
        tmp_path / "fall.yaml"
    )


def test_the_short_route_asks_only_what_can_change_a_verdict(rules, tmp_path):
    whole = Script(rules, answer=lambda f: _value(f, WORST))
    run(rules, tmp_path / "whole.yaml", whole)
    path = tmp_path / "short.yaml"
    run(rules, path, Script(rules, limit=len(HEADER) + 2), short=True)
    guide = interview(rules, load_case(path, rules))
    first = next(entry["fact"] for entry in guide["facts"] if entry["why"])
    short = Script(rules, answer=lambda f: _value(f, WORST))
    assert run(rules, path, short, short=True) == 0
    assert short.asked[0] in (first, *prerequisites(rules, first))
    assert len(short.asked) < len(whole.asked)
    result = evaluate_case(rules, load_case(path, rules))
    assert all(question["decided"] for question in result["questions"])
    assert text(rules, "short_done", file=path) in shown(short.lines)


def test_a_resumed_file_keeps_its_audit(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    run(rules, path, Script(rules, limit=1))
    with pytest.raises(GranskaError, match="contradicts"):
        run(rules, path, Script(rules), audit="styrdokument-snabbkontroll")


def test_the_command_line_runs_the_questionnaire(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    lines = [*HEADER.values(), "Socialnämnden", "Kommunstyrelsen"]
    runner = CliRunner()
    partial = runner.invoke(
        main,
        ["questionnaire", "--audit", AUDIT, "-o", str(path)],
        input="\n".join([*lines, "k", "Riktlinjer s. 4", "1", "ja"]) + "\n",
    )
    assert partial.exit_code == INTERRUPTED, partial.output
    assert text(rules, "interrupted", answered=1, file=path) in shown([partial.output])
    first = audit_facts(rules, rules.audits[AUDIT])[0]
    assert load_yaml(path)["facts"][first] == {
        "värde": "ja",
        "källa": "Riktlinjer s. 4",
        "underlag": rules.vocabulary.underlag[0],
    }
    rest = "vet ej\n" * len(audit_facts(rules, rules.audits[AUDIT]))
    finished = runner.invoke(main, ["questionnaire", "-o", str(path)], input=rest)
    assert finished.exit_code == 0, finished.output
    assert text(rules, "done", answered=len(load_case(path, rules).facts), file=path) in shown(
        [finished.output]
    )


def test_resuming_a_hand_written_case_keeps_what_the_questionnaire_does_not_ask(rules, tmp_path):
    path = tmp_path / "heby.yaml"
    path.write_text(
        (ROOT / "examples" / "heby-2022.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    before = load_case(path, rules)
    missing = [f for f in audit_facts(rules, rules.audits[before.audit]) if f not in before.facts]
    assert missing, "the example states every fact; nothing to resume"
    assert (
        run(rules, path, Script(rules, answer=lambda _fact: "vet ej", limit=1), audit=None)
        == INTERRUPTED
    )
    after = load_case(path, rules)
    assert after.expected == before.expected and after.not_assessed == before.not_assessed
    assert after.parameters == before.parameters and after.namnder == before.namnder
    assert {f: after.facts[f] for f in before.facts} == {
        f: replace(fact, line=after.facts[f].line) for f, fact in before.facts.items()
    }
    assert set(after.facts) - set(before.facts) == {missing[0]}


@pytest.mark.parametrize(
    "källa",
    [
        "Protokoll 2024-03-12, § 41",
        "a: b",
        "[bilaga]",
        "{x}",
        "# 4",
        "ja",
        "16",
        "vet ej",
        " indrag",
        "citat \"så\" och 'så'",
        "rad\nbrytning",
        "true",
    ],
)
def test_a_källa_is_written_so_that_it_reads_back_the_same(källa):
    content = "facts:\n  f: " + fact_entry(Answer("ja", källa, "protokoll")) + "\n"
    assert load_yaml_text(content)["facts"]["f"] == {
        "värde": "ja",
        "källa": källa,
        "underlag": "protokoll",
    }
    assert load_yaml_text(f"k: {scalar(källa)}\n")["k"] == källa


def load_yaml_text(content: str):
    return parse_yaml(content, "<test>")


class Typed:
    """A console fed a fixed list of lines; records what it showed and was asked."""

    def __init__(self, lines: list[str]) -> None:
        self.queue = list(lines)
        self.shown: list[str] = []
        self.prompts: list[str] = []
        self.console = Console(self.ask, self.shown.append)

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.queue:
            raise KeyboardInterrupt  # what the terminal's console raises at end of input
        return self.queue.pop(0)


QUICK = "styrdokument-snabbkontroll"
QUICK_HEADER = ["Provby kommun", "2024-01-01", "2024-12-31", "2024-11-15", "Socialnämnden"]


def test_back_undoes_the_previous_answer_and_asks_it_again(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    first, second = audit_facts(rules, rules.audits[QUICK])[:2]
    typed = Typed([*QUICK_HEADER, "nej", "tillbaka", "ja", "ja"])
    assert run_questionnaire(rules, path, QUICK, False, typed.console) == INTERRUPTED
    facts = load_yaml(path)["facts"]
    assert facts[first] == "ja" and facts[second] == "ja"
    questions = [line for line in typed.shown if line == rules.facts[first].question]
    assert len(questions) == 2  # asked, then asked again after "tillbaka"


def test_back_in_the_header_asks_the_previous_field_again(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    typed = Typed(["Provby kommun", "2024-01-01", "tillbaka", "2023-01-01", "2023-12-31"])
    run_questionnaire(rules, path, QUICK, False, typed.console)
    stated = load_yaml(path)
    assert stated["granskningsperiod"] == {"från": "2023-01-01", "till": "2023-12-31"}
    typed = Typed(["tillbaka"])
    run_questionnaire(rules, tmp_path / "ny.yaml", QUICK, False, typed.console)
    assert text(rules, "back_none") in shown(typed.shown)


def test_help_explains_and_skip_leaves_a_question_for_later(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    first, second = audit_facts(rules, rules.audits[QUICK])[:2]
    typed = Typed([*QUICK_HEADER, "hjälp", "?", "hoppa över", "vet inte"])
    run_questionnaire(rules, path, QUICK, False, typed.console)
    hint = text(rules, "hint_bool")
    assert shown(typed.shown).count(text(rules, "help", hint=hint)) == 2
    assert text(rules, "skipped") in shown(typed.shown)
    assert load_yaml(path)["facts"] == {second: "vet ej"}
    again = Typed([])
    run_questionnaire(rules, path, None, False, again.console)
    assert rules.facts[first].question in again.shown  # asked again next time


def test_källa_and_underlag_are_asked_only_after_k(rules, tmp_path):
    path = tmp_path / "fall.yaml"
    first, second = audit_facts(rules, rules.audits[QUICK])[:2]
    typed = Typed([*QUICK_HEADER, "k", "Riktlinjer, s. 2", "protokoll", "j", "n"])
    run_questionnaire(rules, path, QUICK, False, typed.console)
    assert typed.prompts.count(text(rules, "kalla")) == 1
    assert load_yaml(path)["facts"] == {
        first: {"värde": "ja", "källa": "Riktlinjer, s. 2", "underlag": "protokoll"},
        second: "nej",
    }


def test_the_welcome_describes_the_templates_shortest_first(rules, tmp_path):
    typed = Typed([])
    run_questionnaire(rules, tmp_path / "fall.yaml", None, False, typed.console)
    listing = shown(typed.shown)
    assert text(rules, "welcome") in listing
    sizes = {a: len(audit_facts(rules, audit)) for a, audit in rules.audits.items()}
    order = sorted(sizes, key=lambda a: (sizes[a], a))
    positions = [listing.index(rules.audits[a].title) for a in order]
    assert positions == sorted(positions)
    assert rules.audits[order[0]].description in listing
    assert not any(audit_id in listing for audit_id in rules.audits)  # titles, not ids


def test_no_id_is_shown_and_the_short_total_never_grows(rules, tmp_path):
    totals: list[int] = []
    script = Script(rules, answer=lambda f: _value(f, WORST))
    run(rules, tmp_path / "fall.yaml", script, short=True)
    pattern = re.escape(text(rules, "progress", number=0, total=0)).replace("0", r"(\d+)")
    for line in script.lines:
        match = re.fullmatch(pattern, click.unstyle(line))
        if match:
            totals.append(int(match.group(2)))
    assert len(totals) == len(script.asked) > 3
    assert totals == sorted(totals, reverse=True) and len(set(totals)) == 1
    output = shown(script.lines)
    assert not any(f"({fact_id})" in output for fact_id in script.asked)
