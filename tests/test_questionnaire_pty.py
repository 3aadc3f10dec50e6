"""The questionnaire driven through a pseudo-terminal, as a person would use it.

A session that uses help, back, typed words ("idag", "j", "ca 30 dagar") and a källa
ends with the expected case file. A session interrupted with Ctrl-C after answer k
resumes at answer k+1, and ends with a case file byte-identical to that of a session
never interrupted.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest

from checker.loading.rules import load_rules
from checker.output.self_evaluation_texts import text

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")
AUDIT = "pwc-arbetsmarknadsinsatser"
HEADER = [
    ("kommun", "Heby kommun"),
    ("period_from", "2022-01-01"),
    ("period_to", "2022-12-31"),
    ("granskningsdatum", "2022-12-22"),
]
ANSWERS = {
    "bool": "ja",
    "enum": "2",
    "date": "2022-03-01",
    "count": "3 av 4",
    "integer": "7",
    "number": "2,5",
    "percent": "40 %",
    "text": "enligt rutin",
}


def _prompt(key: str, **values) -> str:
    """A pattern of the rendered text, whatever the line breaks of the terminal."""
    return r"\s+".join(map(re.escape, text(RULES, key, **values).split()))


PROGRESS = re.compile(
    _prompt("progress", number="NUMBER", total="TOTAL")
    .replace("NUMBER", r"\d+")
    .replace("TOTAL", r"\d+")
)
QUESTIONS = {" ".join(fact.question.split()): fact.id for fact in RULES.facts.values()}


def answer_for(fact_id: str) -> tuple[str, str, str]:
    """The scripted (answer, källa, underlag) of a fact: the same in every session."""
    fact = RULES.facts[fact_id]
    number = sum(map(ord, fact_id))
    if number % 3 == 0:
        return "vet ej", "", ""
    if number % 2 == 0:
        return ANSWERS[fact.type], f"Dokument om {fact.title}", "styrdokument"
    return ANSWERS[fact.type], "", ""


def spawn(path: Path):
    return pexpect.spawn(
        sys.executable,
        ["-m", "checker", "questionnaire", "--audit", AUDIT, "-o", str(path)],
        cwd=str(path.parent),
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 200),
    )


def answer_header(child) -> None:
    for key, answer in HEADER:
        child.expect(_prompt(key))
        child.sendline(answer)
    for role, name in zip(
        RULES.audits[AUDIT].roles, ("Vård- och omsorgsnämnden", "Kommunstyrelsen"), strict=True
    ):
        child.expect(_prompt("namnd", role=role.title))
        child.sendline(name)


def next_question(child) -> str | None:
    """The id of the next fact asked (its question read from the screen, which shows no
    ids), or None when the session shows its result; the answer prompt is then shown."""
    if child.expect([PROGRESS, pexpect.EOF]) == 1:
        return None
    child.expect(_prompt("answer"))
    screen = " ".join(child.before.split())
    asked = [fact_id for question, fact_id in QUESTIONS.items() if question in screen]
    assert len(asked) == 1, f"not one question on the screen: {screen!r}"
    return asked[0]


def add_source(child, källa: str, underlag: str) -> None:
    """Type k at the answer prompt, then the källa and the underlag."""
    child.sendline("k")
    child.expect(_prompt("kalla"))
    child.sendline(källa)
    child.expect(_prompt("underlag", choices=", ".join(RULES.vocabulary.underlag)))
    child.sendline(underlag)
    child.expect(_prompt("answer"))


def answer_question(child, fact_id: str, invalid_first: bool = False) -> None:
    """Answer the question shown (its answer prompt already on the screen)."""
    value, källa, underlag = answer_for(fact_id)
    if invalid_first:
        child.sendline("kanske")
        child.expect(_prompt("invalid", hint=""))
        child.expect(_prompt("answer"))
    if källa:
        add_source(child, källa, underlag)
    child.sendline(value)


def finish(child, asked: list[str]) -> None:
    while (fact_id := next_question(child)) is not None:
        asked.append(fact_id)
        answer_question(child, fact_id, invalid_first=len(asked) == 2)
    child.close()
    assert child.exitstatus == 0, child.before


def uninterrupted(directory: Path) -> tuple[bytes, list[str]]:
    path = directory / "fall.yaml"
    child = spawn(path)
    answer_header(child)
    asked: list[str] = []
    finish(child, asked)
    return path.read_bytes(), asked


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return uninterrupted(tmp_path_factory.mktemp("whole"))


def test_a_whole_session_answers_every_relevant_fact(reference):
    content, asked = reference
    assert len(asked) == len(set(asked)) > 10
    for fact_id in asked:
        assert f"  {fact_id}:".encode() in content
    assert b"vet ej" in content and b"underlag: styrdokument" in content


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("where", ["at the answer", "at the källa"])
def test_an_interrupted_session_resumes_at_the_next_answer(tmp_path, reference, k, where):
    expected_content, expected_asked = reference
    if where == "at the källa":  # the next answer must be one given with a källa
        k = next(
            index for index in range(k, len(expected_asked)) if answer_for(expected_asked[index])[1]
        )
    path = tmp_path / "fall.yaml"
    child = spawn(path)
    answer_header(child)
    asked: list[str] = []
    for _ in range(k):
        asked.append(next_question(child))
        answer_question(child, asked[-1], invalid_first=len(asked) == 2)
    following = next_question(child)
    if where == "at the källa":
        child.sendline("k")
        child.expect(_prompt("kalla"))
    child.sendintr()
    child.expect(_prompt("interrupted", answered=k, file=path))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    resumed = spawn(path)
    resumed.expect(_prompt("resumed", answered=k, file=path))
    first = next_question(resumed)
    assert first == following == expected_asked[k], "resumed at the wrong question"
    asked.append(first)
    answer_question(resumed, first, invalid_first=len(asked) == 2)
    finish(resumed, asked)
    assert asked == expected_asked
    assert path.read_bytes() == expected_content


# The expected file; IDAG stands for the date the session runs ("idag").
EXPECTED = ROOT / "tests" / "data" / "questionnaire-session.yaml"


def test_help_back_typed_words_and_a_källa_give_the_expected_file(tmp_path):
    """Help, back, "idag", "j", "n", "vet inte", "30,5" refused for a whole number and
    "ca 30 dagar" taken, one answer with a källa; the file is the expected one."""
    path = tmp_path / "fall.yaml"
    child = spawn(path)
    for key, typed in [*HEADER[:3], ("granskningsdatum", "idag")]:
        child.expect(_prompt(key))
        child.sendline(typed)
    for role, name in zip(
        RULES.audits[AUDIT].roles, ("Vård- och omsorgsnämnden", "Kommunstyrelsen"), strict=True
    ):
        child.expect(_prompt("namnd", role=role.title))
        child.sendline(name)

    def at(fact_id: str) -> None:
        assert next_question(child) == fact_id

    at("riktlinjer.finns")
    child.sendline("hjälp")
    child.expect(_prompt("help", hint=text(RULES, "hint_bool")))
    child.expect(_prompt("answer"))
    child.sendline("j")
    at("riktlinjer.antagna_av_namnd")
    child.sendline("n")
    at("riktlinjer.beslutsdatum")
    child.sendline("tillbaka")  # the previous answer was wrong
    at("riktlinjer.antagna_av_namnd")
    child.sendline("j")
    at("riktlinjer.beslutsdatum")
    child.sendline("idag")
    at("riktlinjer.sjalvforsorjning")
    add_source(child, "Riktlinjer för ekonomiskt bistånd, s. 4", "1")
    child.sendline("3")
    for fact_id, typed in [
        ("planering.plan_krav", "j"),
        ("planering.plan_inom_tre_manader", "delvis"),
        ("planering.bedomningsmetod", "vet inte"),
        ("planering.rutin_anvisning_4_kap_4", "n"),
        ("planering.rutin_beslut_vid_vagran", "J"),
    ]:
        at(fact_id)
        child.sendline(typed)
    at("planering.dagar_till_insats")
    child.sendline("30,5")
    child.expect(_prompt("invalid", hint=text(RULES, "hint_integer")))
    child.expect(_prompt("answer"))
    child.sendline("ca 30 dagar")
    while next_question(child) is not None:
        child.sendline("vet ej")
    child.close()
    assert child.exitstatus == 0, child.before
    expected = EXPECTED.read_text(encoding="utf-8").replace("IDAG", date.today().isoformat())
    assert path.read_text(encoding="utf-8") == expected
