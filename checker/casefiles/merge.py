"""`granska merge`: fold newly learned facts (a small YAML of fact: value) into a case file.

The answers file is read like a case's `facts:` (bare values or `{värde, källa,
underlag}`, aliases allowed). A fact the case already states with another value (or
another källa or underlag) is a conflict, refused unless overwriting. The case file is
edited as round-trip YAML (checker.casefiles.edit), so its comments and order stay; the new
file is written atomically after it has been re-read and validated as a case.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from checker.casefiles.drafts import write_case
from checker.casefiles.edit import splice_facts
from checker.errors import GranskaError
from checker.files.nodes import Node
from checker.files.strict_yaml import load_yaml, read_text
from checker.language.facttypes import case_text
from checker.loading.cases import load_case, read_facts
from checker.model import Case, CaseFact, Claim, RuleBase


@dataclass(frozen=True)
class Merged:
    """What a merge did: the facts added, the facts changed, those already stated."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: tuple[str, ...]


def _conflicts(current: CaseFact, answer: CaseFact) -> bool:
    """Whether the answer states something the case states otherwise."""
    return current.known and (
        current.value != answer.value
        or (bool(answer.källa) and answer.källa != current.källa)
        or (bool(answer.underlag) and answer.underlag != current.underlag)
        or (bool(answer.iakttagelse) and answer.iakttagelse != current.iakttagelse)
    )


def _merged(current: CaseFact | None, answer: CaseFact) -> CaseFact:
    """The fact after the merge: the answer, keeping källa and underlag of a known value it
    repeats without giving them."""
    if current is None or current.value != answer.value:
        return answer
    return replace(
        answer,
        källa=answer.källa or current.källa,
        underlag=answer.underlag or current.underlag,
        line=current.line,
        iakttagelse=answer.iakttagelse or current.iakttagelse,
    )


def _as_finding(current: CaseFact | None, answer: CaseFact) -> CaseFact:
    """The answer as the auditor's finding, beside the kommun's statement (kept as it was)."""
    if current is None:
        claim = Claim(None)
    else:
        claim = current.claim or Claim(current.value, current.källa, current.underlag)
    return replace(
        answer,
        line=current.line if current else 0,
        iakttagelse=answer.iakttagelse or (current.iakttagelse if current else ""),
        claim=claim,
    )


def merge(
    rules: RuleBase,
    case_path: Path,
    answers_path: Path,
    output: Path,
    overwrite: bool = False,
    as_findings: bool = False,
) -> Merged:
    """Merge the answers into the case and write the result to `output` (atomically).

    With `as_findings` each answer is the auditor's finding: it goes beside the kommun's
    statement, which stays; only an earlier, different finding is a conflict.
    """
    case = load_case(case_path, rules)
    answers = read_facts(Node(load_yaml(answers_path), str(answers_path), 1, ""), rules)
    if as_findings:
        answers = {
            fact_id: _as_finding(case.facts.get(fact_id), answer)
            for fact_id, answer in answers.items()
        }
    conflicts = [
        fact_id
        for fact_id, answer in answers.items()
        if fact_id in case.facts
        and (case.facts[fact_id].claim is not None or not as_findings)
        and _conflicts(case.facts[fact_id], answer)
    ]
    if conflicts and not overwrite:
        lines = [
            f"{fact_id}: the case says {_shown(case.facts[fact_id])} (line "
            f"{case.facts[fact_id].line}), the answers say {_shown(answers[fact_id])} "
            f"(line {answers[fact_id].line})"
            for fact_id in conflicts
        ]
        raise GranskaError(
            f"{len(conflicts)} answer(s) contradict {case_path}; use "
            f"--overwrite to replace them: " + "; ".join(lines),
            str(answers_path),
            answers[conflicts[0]].line,
        )
    changes = {}
    for fact_id, answer in answers.items():
        merged = _merged(case.facts.get(fact_id), answer)
        current = case.facts.get(fact_id)
        if current is None or (merged.value, merged.källa, merged.underlag, merged.claim) != (
            current.value,
            current.källa,
            current.underlag,
            current.claim,
        ):
            changes[fact_id] = merged
    text = read_text(Path(case_path))
    keys = _keys_in_file(case_path, rules)
    new_text = (
        splice_facts(
            text,
            {keys.get(fact_id, fact_id): fact for fact_id, fact in changes.items()},
            list(rules.facts),
            str(case_path),
        )
        if changes
        else text
    )

    def reads_back(written: Case) -> None:
        for fact_id, fact in changes.items():
            if fact_id not in written.facts or written.facts[fact_id].value != fact.value:
                raise GranskaError(
                    f"the merged case does not read back {fact_id} as {_shown(fact)}", str(output)
                )

    write_case(Path(output), new_text, rules, check=reads_back, inputs=(answers_path,))
    return Merged(
        tuple(f for f in changes if f not in case.facts),
        tuple(f for f in changes if f in case.facts),
        tuple(f for f in answers if f not in changes),
    )


def _keys_in_file(case_path: Path, rules: RuleBase) -> dict[str, str]:
    """Per fact id, the key the case file states it under (an alias, perhaps)."""
    document = load_yaml(Path(case_path))
    facts = document.get("facts") if isinstance(document, dict) else None
    return {rules.fact_aliases.get(key, key): key for key in facts or {}}


def _shown(fact: CaseFact) -> str:
    extra = [part for part in (fact.underlag, fact.källa and repr(fact.källa)) if part]
    return repr(case_text(fact.value)) + (f" ({', '.join(extra)})" if extra else "")
