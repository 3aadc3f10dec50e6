"""Comparing a result with a case's `förväntat:` block (golden cases, `granska test`)."""

from __future__ import annotations

from dataclasses import dataclass

from checker.files.nodes import Node
from checker.model import Case
from checker.regression.comparison import GIVEN, outcome, questions, status

_KEYS = ("frågor", "samlat", "kriterier", "rekommendationer", "avvikelser", "not", "uppföljning")


@dataclass(frozen=True)
class Check:
    """One expectation and how it came out."""

    subject: str  # e.g. "RF3", "samlat Kommunstyrelsen", "kriterium rutiner.anvisning"
    expected: str
    actual: str
    accepted: str = ""  # the reason of an accepted disagreement, if any
    grounds: str = ""  # the criteria that decided it, in the domain's words
    level: str = "question"  # the level of checker.regression.comparison it is read at
    item: str = ""  # its subject at that level, as `granska diff` names it

    @property
    def passed(self) -> bool:
        return self.expected == self.actual

    @property
    def outcome(self) -> str:
        """passed, failed, accepted (a known disagreement) or stale (it no longer occurs)."""
        if self.accepted:
            return "stale" if self.passed else "accepted"
        return "passed" if self.passed else "failed"


def _grounds(question: dict) -> str:
    parts = [f"{c['id']}: {status(c)}" for c in question["criteria"]]
    return "; ".join(parts)


def compare(case: Case, result: dict) -> list[Check]:
    """Every expectation of the case's `förväntat:` against the result, in file order."""
    if case.expected is None:
        return []
    node = Node(case.expected, case.file, getattr(case.expected, "line", None), "förväntat")
    fields = node.mapping(optional=_KEYS)
    accepted: dict[str, tuple[str, str]] = {}
    for item in fields["avvikelser"].sequence() if "avvikelser" in fields else ():
        entry = item.mapping(required=("granskarna", "skäl"), optional=("fråga", "nämnd"))
        subject = (
            entry["fråga"].text()
            if "fråga" in entry
            else ("samlat " + entry["nämnd"].text() if "nämnd" in entry else None)
        )
        if subject is None:
            raise item.error("an avvikelse names a fråga or a nämnd")
        accepted[subject] = (str(entry["granskarna"].value), entry["skäl"].text())
    got = outcome(result)["levels"]
    items = questions(result)
    checks = []
    for question_id, value in fields["frågor"].items() if "frågor" in fields else ():
        if question_id not in got["question"]:
            raise value.error(f"no question {question_id!r} in audit {result['audit']['id']}")
        reason = accepted.get(question_id, ("", ""))[1]
        checks.append(
            Check(
                question_id,
                value.text(),
                got["question"][question_id],
                reason,
                _grounds(items[question_id]),
                "question",
                question_id,
            )
        )
    for name, value in fields["samlat"].items() if "samlat" in fields else ():
        subject = f"samlat {name}"
        if subject not in got["overall"]:
            raise value.error(f"no nämnd {name!r} in the case")
        reason = accepted.get(subject, ("", ""))[1]
        checks.append(
            Check(subject, value.text(), got["overall"][subject], reason, "", "overall", subject)
        )
    for item_id, value in fields["uppföljning"].items() if "uppföljning" in fields else ():
        subject = f"uppföljning {item_id}"
        if subject not in got["question"]:
            raise value.error(f"no followed-up recommendation {item_id!r} in the case")
        checks.append(
            Check(
                subject,
                value.text(),
                got["question"][subject],
                "",
                _grounds(items[subject]),
                "question",
                subject,
            )
        )
    for criterion_id, value in fields["kriterier"].items() if "kriterier" in fields else ():
        if criterion_id not in got["criterion"]:
            raise value.error(f"criterion {criterion_id!r} is not part of this audit")
        checks.append(
            Check(
                f"kriterium {criterion_id}",
                value.text(),
                got["criterion"][criterion_id],
                level="criterion",
                item=criterion_id,
            )
        )
    given_word = result["headings"]["rekommendation_ges"]
    missing_word = result["headings"]["rekommendation_saknas"]
    for item in fields["rekommendationer"].sequence() if "rekommendationer" in fields else ():
        rec = item.text()
        given = got["recommendation"].get(rec) == GIVEN
        checks.append(
            Check(
                f"rekommendation {rec}",
                given_word,
                given_word if given else missing_word,
                level="recommendation",
                item=rec,
            )
        )
    return checks
