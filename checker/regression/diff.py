"""`granska diff`: every verdict a rule change moves on a corpus of cases, and why.

The corpus is evaluated with the base rules (a git ref's rules, or a directory) and
with the working rules. A case is parsed once and given to each version in the names
that version knows: a fact or criterion renamed with an alias on either side is
translated, and a fact, criterion or parameter that only the other version has is left
out. Large corpora are shared out by the batch pool (checker.evaluation.batch); the
split never changes the outcome.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from checker.errors import GranskaError
from checker.evaluation import batch
from checker.evaluation.evaluate import decided_statuses, evaluate_case, judge_case
from checker.files.strict_yaml import Located, load_yaml
from checker.loading.cases import case_from_data
from checker.loading.rules import default_rules_dir, load_rules
from checker.model import Case, RuleBase
from checker.output.environment import render_template
from checker.regression.comparison import LEVELS, moves, outcome

# Reasoning texts cost a tenth of the speed (the ways up are worked out with them): asked for.
DEFAULT_LEVELS = tuple(level for level in LEVELS if level != "reasoning")


# --- the base rules -------------------------------------------------------------------
def base_rules_dir(base: str, working: Path, scratch: Path) -> Path:
    """`base` when it is a directory; else the working rules directory as it is at the
    git ref `base`, extracted under `scratch`."""
    if Path(base).is_dir():
        return Path(base)

    def git(*args: str, where: Path = working) -> bytes:
        done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, check=False)
        if done.returncode != 0:
            lines = done.stderr.decode(errors="replace").strip().splitlines()
            raise GranskaError(
                f"--base {base} is not a directory, and not a git ref of the "
                f"rules: {lines[-1] if lines else 'git failed'}"
            )
        return done.stdout

    top = Path(git("rev-parse", "--show-toplevel").decode().strip())
    prefix = working.resolve().relative_to(top.resolve()).as_posix()
    archive = git(
        "archive", "--format=tar", f"{base}:{prefix}" if prefix != "." else base, where=top
    )
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(scratch, filter="data")
    return scratch


# --- one case, in the names each version knows ------------------------------------------
def _names(rules: RuleBase, kind: str) -> dict[str, str]:
    """Every id and alias of the rules' facts, criteria or parameters -> the current id."""
    items = {"facts": rules.facts, "criteria": rules.criteria, "parameters": rules.parameters}[kind]
    names = {item_id: item_id for item_id in items}
    for item in items.values():
        names.update({alias: item.id for alias in getattr(item, "aliases", ())})
    return names


def _translator(rules: RuleBase, other: RuleBase, kind: str) -> Callable[[str], str | None]:
    """A name from a case -> the name `rules` knows it by; None when only `other` has it."""
    own, theirs = _names(rules, kind), _names(other, kind)
    items = {"facts": other.facts, "criteria": other.criteria, "parameters": other.parameters}[kind]

    def translate(given: str) -> str | None:
        if given in own or given not in theirs:
            return given  # known here, or unknown to both (the loader reports it)
        current = theirs[given]
        return next(
            (name for name in (current, *getattr(items[current], "aliases", ())) if name in own),
            None,
        )

    return translate


def _renamed(mapping: Any, translate: Callable[[str], str | None]) -> Any:
    if not isinstance(mapping, Located):
        return mapping
    renamed = Located()
    renamed.line, renamed.key_lines = mapping.line, {}
    for key, value in mapping.items():
        name = translate(key) if isinstance(key, str) else key
        if name is not None:
            renamed[name] = value
            renamed.key_lines[name] = mapping.line_of(key)
    return renamed


_SECTIONS = (("facts", "facts"), ("ej_granskat", "criteria"), ("parametrar", "parameters"))


def for_version(
    data: Any,
    rules: RuleBase,
    other: RuleBase,
    translators: dict[str, Callable[[str], str | None]] | None = None,
) -> Any:
    """The parsed case, its facts, ej_granskat and parametrar named as `rules` knows them
    (`translators` by kind, when already made for this pair of rule versions)."""
    if not isinstance(data, Located):
        return data
    translators = translators or {kind: _translator(rules, other, kind) for _key, kind in _SECTIONS}
    adapted = Located(data)
    adapted.line, adapted.key_lines = data.line, data.key_lines
    for key, kind in _SECTIONS:
        if key in data:
            adapted[key] = _renamed(data[key], translators[kind])
    return adapted


# --- evaluating a corpus ------------------------------------------------------------------
def _read(
    rules: RuleBase, other: RuleBase, data: Any, path: str, translators: dict
) -> tuple[Case | None, str]:
    try:
        return case_from_data(for_version(data, rules, other, translators), path, rules), ""
    except GranskaError as error:
        return None, str(error)


def _carried(
    case: Case, rules: RuleBase, other: RuleBase, translators: dict, names: dict | None = None
) -> Case | None:
    """`case`, read with the `other` rules, as `rules` read it: without validating it anew
    when every part of it means the same in both (None otherwise). `names` are the
    `rules`' names of facts and of criteria (`_names`) by kind, when already made."""
    names = names or {kind: _names(rules, kind) for kind in ("facts", "criteria")}
    audit = rules.audits.get(case.audit)
    roles = {role for namnd in case.namnder for role in namnd.roles}
    if case.followup or audit is None or not roles <= {role.id for role in audit.roles}:
        return None
    facts, fact_names = {}, names["facts"]
    for fact_id, stated in case.facts.items():
        name = translators["facts"](fact_id)
        if name is None:
            continue
        mine, theirs = rules.facts[fact_names[name]], other.facts[fact_id]
        if (mine.type, mine.values) != (theirs.type, theirs.values):
            return None
        facts[mine.id] = replace(stated, id=mine.id)
    criterion_names = names["criteria"]
    not_assessed = {
        criterion_names[name]: reason
        for criterion_id, reason in case.not_assessed.items()
        if (name := translators["criteria"](criterion_id)) is not None
    }
    parameters = {
        name: value for name, value in case.parameters.items() if name in rules.parameters
    }
    if any(
        type(rules.parameters[name].value) is not type(other.parameters[name].value)
        for name in parameters
    ):
        return None
    return replace(case, facts=facts, not_assessed=not_assessed, parameters=parameters)


def _outcomes(
    rules: RuleBase, cases: list[Case | None], aliases: dict[str, str], levels: Sequence[str]
) -> list[tuple[dict | None, str]]:
    """Each case's outcome under `rules` (None when it has no case), or its error; the
    criterion statuses of all the cases are decided in one batch."""
    present = [case for case in cases if case is not None]
    decided = iter(decided_statuses(rules, present))
    results = []
    for case in cases:
        if case is None:
            results.append((None, ""))
            continue
        try:
            statuses = next(decided)
            result = (
                evaluate_case(rules, case, decided=statuses)
                if "reasoning" in levels
                else judge_case(rules, case, decided=statuses)
            )
            results.append((outcome(result, aliases), ""))
        except GranskaError as error:
            results.append((None, str(error)))
    return results


def _diff_cases(
    state: tuple[RuleBase, RuleBase, tuple[str, ...]], paths: Sequence[str]
) -> list[dict]:
    """Compare the cases at `paths` under the (base, working) rule versions at `levels`."""
    base, working, levels = state
    aliases = {
        alias: criterion.id
        for criterion in working.criteria.values()
        for alias in criterion.aliases
    }
    translators = {
        side: {kind: _translator(rules, other, kind) for _key, kind in _SECTIONS}
        for side, rules, other in (("base", base, working), ("working", working, base))
    }
    base_names = {kind: _names(base, kind) for kind in ("facts", "criteria")}
    read = []
    for path in paths:
        try:
            data = load_yaml(Path(path))
        except GranskaError as error:
            read.append((None, None, "", "", str(error)))
            continue
        after_case, working_error = _read(working, base, data, path, translators["working"])
        before_case = after_case and _carried(
            after_case, base, working, translators["base"], base_names
        )
        base_error = ""
        if before_case is None:
            before_case, base_error = _read(base, working, data, path, translators["base"])
        read.append((before_case, after_case, base_error, working_error, ""))
    befores = _outcomes(base, [entry[0] for entry in read], aliases, levels)
    afters = _outcomes(working, [entry[1] for entry in read], aliases, levels)
    entries = []
    for path, entry, (before, before_error), (after, after_error) in zip(
        paths, read, befores, afters, strict=True
    ):
        if entry[4]:
            entries.append({"case": path, "changes": [], "errors": {"both": entry[4]}})
            continue
        base_error, working_error = entry[2] or before_error, entry[3] or after_error
        errors = {
            side: message
            for side, message in (("base", base_error), ("working", working_error))
            if message
        }
        if base_error and working_error:
            errors = {"both": working_error}
        changes = [] if errors else moves(path, before, after, levels)
        entries.append({"case": path, "changes": changes, "errors": errors})
    return entries


def diff_corpus(
    paths: Sequence[Path],
    base: RuleBase,
    working: RuleBase,
    jobs: int | None = None,
    levels: Sequence[str] = DEFAULT_LEVELS,
    progress: Callable[[int, int], None] | None = None,
) -> list[dict]:
    """One entry per case (in the order given): what moved at `levels`, and any errors;
    shared out over the cores by the batch pool (checker.evaluation.batch) when the
    corpus is large enough to repay it. `progress(done, total)` is told as cases are done."""
    names = [str(path) for path in paths]
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, len(names))

    return batch.run(_diff_cases, (base, working, tuple(levels)), names, jobs, advance)


# --- the report ---------------------------------------------------------------------------
def summarise(
    entries: list[dict],
    base: str,
    base_rules: RuleBase,
    working_rules: RuleBase,
    levels: Sequence[str] = DEFAULT_LEVELS,
) -> dict:
    """The diff as data: every move, every error and the counts (the json format).

    Per level: how many grades moved in how many cases, and per subject (question,
    criterion, recommendation) how often, which way and the first case it moved in."""
    changes = [change for entry in entries for change in entry["changes"]]
    errors = [
        {"case": entry["case"], "side": side, "message": message}
        for entry in entries
        for side, message in entry["errors"].items()
    ]
    per_level = {}
    for level in (level for level in LEVELS if level in levels):
        moved = [change for change in changes if change["level"] == level]
        subjects: dict[str, dict] = {}
        for change in moved:
            entry = subjects.setdefault(
                change["subject"],
                {"title": change["title"], "moves": 0, "example": change["case"], "ways": {}},
            )
            entry["moves"] += 1
            way = f"{change['before_label'] or '–'} → {change['after_label'] or '–'}"
            if level != "reasoning":
                entry["ways"][way] = entry["ways"].get(way, 0) + 1
        per_level[level] = {
            "moves": len(moved),
            "cases": len({change["case"] for change in moved}),
            "subjects": dict(sorted(subjects.items())),
        }
    return {
        "base": {"ref": base, "rules_version": base_rules.version},
        "working": {"rules_version": working_rules.version},
        "overlay": working_rules.overlay.as_json() if working_rules.overlay else None,
        "levels": [level for level in LEVELS if level in levels],
        "summary": {
            "cases": len(entries),
            "changed_cases": len({change["case"] for change in changes}),
            "moves": len(changes),
            "per_level": per_level,
            "errors": len(errors),
        },
        "changes": changes,
        "errors": errors,
    }


def render(report: dict, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    return render_template(f"diff.{output_format}.j2", d=report, overlay=report["overlay"])


def exit_code(report: dict) -> int:
    """0 when nothing moved, 1 when a grade moved or a case fails on one side only,
    2 when a case fails under both versions (bad input)."""
    if any(error["side"] == "both" for error in report["errors"]):
        return 2
    return 1 if report["changes"] or report["errors"] else 0


def run_diff(
    base: str,
    cases: Sequence[Path],
    rules_dir: Path | None = None,
    overlay: Path | None = None,
    output_format: str = "text",
    jobs: int | None = None,
    levels: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, int]:
    """`granska diff`: the rendered report and the exit code. `levels` (default all but
    reasoning) picks what is compared; `progress(done, total)` is told of each case done."""
    from checker.files.corpus import case_files, default_case_dirs

    levels = tuple(levels) or DEFAULT_LEVELS
    working_dir = Path(rules_dir) if rules_dir is not None else default_rules_dir()
    paths = case_files(list(cases) or default_case_dirs())
    with tempfile.TemporaryDirectory(prefix="granska-base-") as scratch:
        base_dir = base_rules_dir(base, working_dir, Path(scratch))
        base_rules, working_rules = load_rules(base_dir), load_rules(working_dir, overlay)
        entries = diff_corpus(paths, base_rules, working_rules, jobs, levels, progress)
    report = summarise(entries, base, base_rules, working_rules, levels)
    return render(report, output_format), exit_code(report)
