"""The durable-rules host: it decides every criterion status from a case's known facts.

Which evaluator decides what: this module decides, with durable-rules, the status of
every criterion for the facts a case states; nothing else evaluates a criterion on the
known facts. A criterion left undecided (a fact it needs is unknown) is handed to the
bounds analysis (checker.bounds), which searches only over the unknown facts. The
reference interpreter (checker.language.conditions.evaluate) is the test oracle.

Each criterion's conditions are compiled into their Kleene forms, "certainly true" and
"certainly false", and from them into one rule per status that the known facts can
decide: uppfyllt (uppfyllt certainly true), delvis (uppfyllt certainly false and delvis
certainly true) and ej uppfyllt (both certainly false). The three exclude each other,
so at most one rule fires per criterion, and none when the criterion stays undecided;
a criterion with `applies_when` gets a fourth, ej tillämpligt (it certainly does not
apply), and the other three hold only where it certainly applies.
Every rule reads one asserted case fact, so every rule sees every fact (facts are not
consumed) and unknown facts stay unknown: a fact's fields are in the message exactly
when it is known, so a test of a field needs no separate existence test, and a string
the rules only compare for (in)equality travels as a short code. A ruleset is
built once per audit and parameter set and reused, with one state: cases are asserted
into it in batches, and each batch's facts are retracted once its statuses are read.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import durable.engine
import durable_rules_engine

from checker.language import conditions, facttypes
from checker.language.conditions import All, Any_, Not, Test
from checker.model import NOT_APPLICABLE, STATUSES, Criterion, Fact

_TRUE, _FALSE = True, False
_CATCH_ALL = "_seen"
_ATTEMPTS = 5
_NEGATED = {"$gte": "$lt", "$gt": "$lte", "$lte": "$gt", "$lt": "$gte"}
_OPERATOR = {"at_least": "$gte", "above": "$gt", "at_most": "$lte", "below": "$lt"}
_RULE_STATUS = {"E": STATUSES[0], "D": STATUSES[1], "U": STATUSES[2], "N": NOT_APPLICABLE}
_CASE = {"$ex": {"id": 1}}  # every case fact has an id
_NOT_A_WORD = re.compile(r"\d|^[+-]?(inf|infinity|nan|true|false)$", re.IGNORECASE)
_BATCH = 64  # cases per assert; each rule is capped at it
_TEXTS_PER_FIELD = 1024  # message texts remembered per field
_IDS = re.compile(r'\{"m":\{"sid":"\d+","id":(\d+)')
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Known = dict[str, tuple[Any, str]]  # fact id -> (value, underlag)


def _and(parts: list) -> Any:
    if _FALSE in parts:
        return _FALSE
    parts = [part for part in parts if part is not _TRUE]
    if not parts:
        return _TRUE
    return parts[0] if len(parts) == 1 else {"$and": parts}


def _or(parts: list) -> Any:
    if _TRUE in parts:
        return _TRUE
    parts = [part for part in parts if part is not _FALSE]
    if not parts:
        return _FALSE
    return parts[0] if len(parts) == 1 else {"$or": parts}


@dataclass(frozen=True)
class _Relative:
    """A message field holding a date fact's distance in days from a case's cutoff."""

    field: str
    fact: str
    period: conditions.Period


class _Compiler:
    """Turns bound conditions into durable-rules expressions over one case message."""

    def __init__(self, facts: dict[str, Fact]) -> None:
        self.facts = facts
        self.fields: dict[str, str] = {}
        self.relatives: dict[tuple, _Relative] = {}

    def field(self, fact_id: str) -> str:
        if fact_id not in self.fields:
            self.fields[fact_id] = f"f{len(self.fields)}"
        return self.fields[fact_id]

    def truth(self, condition: conditions.Condition | None, wanted: bool) -> Any:
        """The expression under which `condition` is certainly `wanted`."""
        if condition is None:
            return _FALSE if wanted else _TRUE
        if isinstance(condition, Not):
            return self.truth(condition.item, not wanted)
        if isinstance(condition, (All, Any_)):
            parts = [self.truth(item, wanted) for item in condition.items]
            return _and(parts) if isinstance(condition, All) == wanted else _or(parts)
        return self._test(condition, wanted)

    def _test(self, test: Test, wanted: bool) -> Any:
        """Every field of a fact's test is in the message exactly when the fact is known,
        so a test of a field implies that the fact is known; only a constant outcome
        (an empty `in`) needs the existence test."""
        field = self.field(test.fact)
        passed, failed = self._value_test(test, field)
        if test.underlag is not None:
            underlag = "u" + field[1:]
            passed = _and([passed, _or([{underlag: kind} for kind in test.underlag])])
            failed = _or([failed, _and([{"$neq": {underlag: kind}} for kind in test.underlag])])
        outcome = passed if wanted else failed
        return {"$ex": {field: 1}} if outcome is _TRUE else outcome

    def _value_test(self, test: Test, field: str) -> tuple[Any, Any]:
        fact, op, operand = self.facts[test.fact], test.op, test.operand
        if op in conditions.PERIOD_OPERATORS:
            key = (test.fact, operand)
            if key not in self.relatives:
                self.relatives[key] = _Relative(f"r{len(self.relatives)}", test.fact, operand)
            relative = self.relatives[key].field
            within, outside = {"$gte": {relative: 0}}, {"$lt": {relative: 0}}
            return (within, outside) if op == "within" else (outside, within)
        kind = facttypes.of(fact)
        if op == "equals":
            return {field: kind.number(operand)}, {"$neq": {field: kind.number(operand)}}
        ranked = kind.ranked(fact)
        if op == "in" or (ranked is not None and op in _OPERATOR):
            allowed = operand if op == "in" else _ranked_range(ranked, op, operand)
            return (
                _or([{field: value} for value in allowed]),
                _and([{"$neq": {field: value}} for value in allowed]),
            )
        name = _OPERATOR[op.removeprefix("share_")]
        value = kind.number(operand)
        return {name: {field: value}}, {_NEGATED[name]: {field: value}}

    def status_rules(self, uppfyllt: Any, delvis: Any, applies: Any) -> dict[str, Any]:
        """Per status rule ('U', 'D', 'E', 'N' for ej tillämpligt), the expression under
        which the known facts decide it; `applies` is None for a criterion that always
        applies."""
        met, unmet = self.truth(uppfyllt, True), self.truth(uppfyllt, False)
        partly, not_partly = self.truth(delvis, True), self.truth(delvis, False)
        rules = {"U": met, "D": _and([unmet, partly]), "E": _and([unmet, not_partly])}
        if applies is None:
            return rules
        holds = self.truth(applies, True)
        return {
            **{status: _and([holds, expression]) for status, expression in rules.items()},
            "N": self.truth(applies, False),
        }


def _ranked_range(ranked: tuple[str, ...], op: str, operand: str) -> tuple[str, ...]:
    """The values an order operator selects, from values ranked worst first."""
    order = list(ranked)
    index = order.index(operand)
    return tuple(
        {
            "at_least": order[index:],
            "above": order[index + 1 :],
            "at_most": order[: index + 1],
            "below": order[:index],
        }[op]
    )


class _Field:
    """How one fact goes into the case message, and the message text of each of its
    stated (value, underlag) seen so far."""

    def __init__(
        self,
        fact: str,
        field: str | None,
        underlag: str | None,
        number: Callable,
        codes: dict[str, dict[str, str]],
    ) -> None:
        self.fact = fact
        self.field = field  # the field of its value, when a test reads it
        self.underlag = underlag  # the field of its underlag, when a test reads it
        self.number = number  # its value as the message holds it (by its fact type)
        self.codes = codes  # see _string_codes
        self.texts: dict[tuple[Any, str], str] = {}

    def text(self, stated: tuple[Any, str]) -> str:
        """'"f3":VALUE,"u3":UNDERLAG' as JSON, with the fields a test reads; remembered
        in `texts` while there is room and the value is hashable."""
        texts = [
            f'"{field}":{_json(self._coded(field, value))}'
            for field, value in ((self.field, self.number(stated[0])), (self.underlag, stated[1]))
            if field
        ]
        text = ",".join(texts)
        with contextlib.suppress(TypeError):
            if len(self.texts) < _TEXTS_PER_FIELD:
                self.texts[stated] = text
        return text

    def _coded(self, field: str, value: Any) -> Any:
        """A string as the field's code for it, or "" where no test compares it."""
        if field in self.codes and isinstance(value, str):
            return self.codes[field].get(value, "")
        return value


@dataclass(frozen=True)
class CompiledAudit:
    """One registered ruleset and how to build its case message."""

    name: str
    fields: tuple[_Field, ...]
    relatives: tuple[_Relative, ...]
    criteria: tuple[str, ...]


class _Host(durable.engine.Host):
    """Registers rulesets; actions are never run through it (see Engine.statuses)."""

    def _run(self) -> None:
        """Start no background dispatcher: durable's own timer thread would take matched
        rules off a state's queue while Engine._matches is reading it."""

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        return lambda _context: None


class Engine:
    """Decides criterion statuses of cases with durable-rules; one instance per process.

    Rules are registered through durable's Host, but cases are evaluated through the
    engine's C interface: assert a batch of case facts under one state, then walk the
    queue of matched rules, reading only each rule's name and the ids of the cases it
    matched. durable's own action dispatch JSON-decodes the whole state for every fired
    rule, which costs ten times the matching itself; the rules here only say which
    status matched, so they need none of it.
    """

    def __init__(self) -> None:
        self._host = _Host()
        self._compiled: dict[tuple, CompiledAudit] = {}
        self._names = itertools.count()
        self._sids = itertools.count()
        self._states: dict[str, str] = {}  # ruleset name -> the state its cases go under

    def compile(
        self, key: tuple, facts: dict[str, Fact], criteria: list[tuple[Criterion, Any, Any, Any]]
    ) -> CompiledAudit:
        """Register (once per key) the ruleset for bound (criterion, uppfyllt, delvis,
        applies_when)."""
        if key in self._compiled:
            return self._compiled[key]
        compiler = _Compiler(facts)
        rules = {_CATCH_ALL: _rule(_CASE, _CATCH_ALL)}
        for index, (_criterion, *conditions_) in enumerate(criteria):
            for status, expression in compiler.status_rules(*conditions_).items():
                if expression is not _FALSE:
                    name = f"{index}{status}"
                    rules[name] = _rule(_CASE if expression is _TRUE else expression, name)
        expressions = [rule["all"][0]["m"] for rule in rules.values()]
        read = {field for expression in expressions for _op, field, _value in _tests(expression)}
        codes = _string_codes(expressions)
        for rule in rules.values():
            rule["all"][0]["m"] = _coded(rule["all"][0]["m"], codes)
        name = f"audit{next(self._names)}"
        self._host.set_rulesets({name: rules})
        compiled = CompiledAudit(
            name,
            tuple(
                _Field(
                    fact_id,
                    field if field in read else None,
                    "u" + field[1:] if "u" + field[1:] in read else None,
                    facttypes.of(facts[fact_id]).number,
                    codes,
                )
                for fact_id, field in compiler.fields.items()
                if field in read or "u" + field[1:] in read
            ),
            tuple(compiler.relatives.values()),
            tuple(criterion.id for criterion, *_conditions in criteria),
        )
        self._compiled[key] = compiled
        return compiled

    def statuses(
        self, compiled: CompiledAudit, cases: Sequence[tuple[Known, conditions.Context]]
    ) -> list[list[str | None]]:
        """For each (known facts, context), the status of each criterion of `compiled`
        (in its order) that the known facts decide, None where they do not.

        Cases are asserted _BATCH at a time (durable's assert_facts), and each rule,
        capped at _BATCH, is dispatched once per batch with every case it matched: one
        assert and one queue entry per matched rule serve a whole batch. One case per
        state and call runs at a quarter of the reference interpreter's speed
        (bench/bench.py, criteria only); batched, at more than half.
        """
        results: list[list[str | None]] = [[None] * len(compiled.criteria) for _case in cases]
        cutoffs: dict[conditions.Context, list[int]] = {}
        for first in range(0, len(cases), _BATCH):
            batch = {
                number: _message(compiled, number, *cases[number], cutoffs)
                for number in range(first, min(len(cases), first + _BATCH))
            }
            for name, numbers in self._fired_rules(compiled.name, batch):
                index, status = int(name[:-1]), _RULE_STATUS[name[-1]]
                for number in numbers:
                    results[number][index] = status
        return results

    def _fired_rules(self, ruleset_name: str, batch: dict[int, str]) -> list[tuple[str, list[int]]]:
        """The status rules each case message of `batch` (by case number) matches, as
        (rule name, numbers of the cases it matched).

        The catch-all rule matches every message, so a case missing from it means the
        engine lost that case's evaluation, and an engine error while the queue is read
        (seen as code 307) means the same for the batch. Both were seen while durable's
        background dispatcher ran (it no longer does, see _Host); should either recur,
        the cases concerned are asserted again under a fresh state.
        """
        fired: list[tuple[str, list[int]]] = []
        failure: Exception | None = None
        for _attempt in range(_ATTEMPTS):
            if ruleset_name not in self._states:
                self._states[ruleset_name] = str(next(self._sids))
            sid = self._states[ruleset_name]
            head = f'{{"sid":"{sid}",'  # each case text goes on with its id
            message = {"sid": sid, "facts": f"[{head}{(',' + head).join(batch.values())}]"}
            try:
                matches = self._matches(ruleset_name, message)
            except durable_rules_engine.error as error:
                failure = error
                self._abandon_state(ruleset_name)
                continue
            done = set(next((numbers for name, numbers in matches if name == _CATCH_ALL), []))
            if len(done) < len(batch):
                self._abandon_state(ruleset_name)
            fired.extend(
                (name, numbers if len(done) == len(batch) else [n for n in numbers if n in done])
                for name, numbers in matches
                if name != _CATCH_ALL
            )
            batch = {number: text for number, text in batch.items() if number not in done}
            if not batch:
                return fired
        raise RuntimeError(f"durable-rules matched nothing in {_ATTEMPTS} attempts") from failure

    def _matches(self, ruleset_name: str, message: dict[str, str]) -> list[tuple[str, list[int]]]:
        """Assert the case facts of `message` under its state; per matched rule, its name
        and the ids of the facts it matched. The facts are retracted again, which leaves
        the state empty for the next batch: a state's set-up costs more than retracting."""
        handle = self._host.get_ruleset(ruleset_name)._handle  # durable has no accessor
        state = durable_rules_engine.assert_facts(handle, message["facts"])[1]
        matches = []
        action = durable_rules_engine.start_action_for_state(handle, state)
        while action:
            matched = action[1] if isinstance(action, tuple) else action
            # '{"NAME":[{"m":{"sid":…,"id":N,…}},…]}': the rule and the cases it matched
            name = matched[2 : matched.index('"', 2)]
            matches.append((name, list(map(int, _IDS.findall(matched)))))
            action = durable_rules_engine.complete_and_start_action(handle, state)
        asserted = next((numbers for name, numbers in matches if name == _CATCH_ALL), [])
        if asserted:
            head = f'{{"sid":"{message["sid"]}","id":'
            durable_rules_engine.retract_facts(
                handle, f"[{head}{('},' + head).join(map(str, asserted))}}}]"
            )
        return matches

    def _abandon_state(self, ruleset_name: str) -> None:
        """Delete the ruleset's state after a failure; its next batch goes under a new one."""
        handle = self._host.get_ruleset(ruleset_name)._handle
        with contextlib.suppress(durable_rules_engine.error):  # the state may not exist
            durable_rules_engine.delete_state(handle, self._states.pop(ruleset_name))


def _tests(expression: Any) -> Iterator[tuple[str, str, Any]]:
    """(operator, field, operand) of each test in `expression`; "$eq" for equality."""
    key, value = next(iter(expression.items()))
    if key in ("$and", "$or"):
        for part in value:
            yield from _tests(part)
    elif key.startswith("$"):
        ((field, operand),) = value.items()
        yield key, field, operand
    else:
        yield "$eq", key, value


def _string_codes(expressions: list[Any]) -> dict[str, dict[str, str]]:
    """Per field that the rules only compare for (in)equality with strings, a short code
    for each of those strings; the message holds a case's string by its code, and by ""
    where no test compares it, so every test answers as on the strings themselves.
    durable compares a number or boolean with a string as text, so a field compared
    with a string that such a text could equal ("12", "true") keeps its strings."""
    codes: dict[str, dict[str, str]] = {}
    kept: set[str] = set()
    for expression in expressions:
        for op, field, operand in _tests(expression):
            if op in ("$eq", "$neq") and isinstance(operand, str):
                if _NOT_A_WORD.search(operand):
                    kept.add(field)
                known = codes.setdefault(field, {})
                known.setdefault(operand, f"#{len(known)}")
            elif op != "$ex":
                kept.add(field)
    return {field: known for field, known in codes.items() if field not in kept}


def _coded(expression: Any, codes: dict[str, dict[str, str]]) -> Any:
    """`expression` with each string it compares a coded field with replaced by its code."""
    key, value = next(iter(expression.items()))
    if key in ("$and", "$or"):
        return {key: [_coded(part, codes) for part in value]}
    if key == "$neq":
        ((field, operand),) = value.items()
        return {key: {field: codes[field][operand]}} if field in codes else expression
    return {key: codes[key][value]} if key in codes else expression


def _rule(expression: Any, name: str) -> dict[str, Any]:
    return {"all": [{"m": expression}], "cap": _BATCH, "run": name}


def _message(
    compiled: CompiledAudit,
    number: int,
    known: Known,
    context: conditions.Context,
    cutoffs: dict[conditions.Context, list[int]],
) -> str:
    """The case fact as JSON, without its opening brace and state id: its id, each known
    fact's value (and underlag, where a test reads it) and each date fact's distance in
    days from its period's cutoff (`cutoffs`: the cutoffs' day numbers per context)."""
    parts = [f'"id":{number}']
    for field in compiled.fields:
        stated = known.get(field.fact)
        if stated is not None:
            try:
                parts.append(field.texts[stated])
            except (KeyError, TypeError):
                parts.append(field.text(stated))
    if compiled.relatives:
        cuts = cutoffs.get(context)
        if cuts is None:
            cuts = cutoffs[context] = [
                conditions.cutoff(relative.period, context).toordinal()
                for relative in compiled.relatives
            ]
        for relative, cut in zip(compiled.relatives, cuts, strict=True):
            stated = known.get(relative.fact)
            if stated is not None:
                parts.append(f'"{relative.field}":{stated[0].toordinal() - cut}')
    return ",".join(parts) + "}"
