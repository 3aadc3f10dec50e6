"""The durable-rules host: criteria conditions compiled to rulesets, cases evaluated.

Everything durable-rules-specific lives here. Each criterion's conditions are compiled
into their Kleene forms, "certainly true" and "certainly false", as single-message
rules over one asserted case fact, so that every rule sees every fact (facts are not
consumed) and unknown facts stay unknown. A ruleset is built once per audit and
parameter set and reused; each case gets its own state, deleted after evaluation.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

import durable.engine
import durable_rules_engine

from checker.language import conditions, facttypes
from checker.language.conditions import All, Any_, Not, Test
from checker.model import Criterion, Fact

_TRUE, _FALSE = True, False
_CATCH_ALL = "_seen"
_ATTEMPTS = 5
_NEGATED = {"$gte": "$lt", "$gt": "$lte", "$lte": "$gt", "$lt": "$gte"}
_OPERATOR = {"at_least": "$gte", "above": "$gt", "at_most": "$lte", "below": "$lt"}


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
        field = self.field(test.fact)
        exists = {"$ex": {field: 1}}
        passed, failed = self._value_test(test, field)
        if test.underlag is not None:
            underlag = "u" + field[1:]
            passed = _and([passed, _or([{underlag: kind} for kind in test.underlag])])
            failed = _or([failed, _and([{"$neq": {underlag: kind}} for kind in test.underlag])])
        return _and([exists, passed if wanted else failed])

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


@dataclass(frozen=True)
class CompiledAudit:
    """One registered ruleset and how to build its case message."""

    name: str
    fields: dict[str, str]
    relatives: tuple[_Relative, ...]
    criteria: tuple[str, ...]
    kinds: dict[str, facttypes.FactType]  # per fact, its type (how its value is encoded)


class _Host(durable.engine.Host):
    """Registers rulesets; actions are never run through it (see Engine.evaluate)."""

    def _run(self) -> None:
        """Start no background dispatcher: durable's own timer thread would take matched
        rules off a state's queue while Engine._matches is reading it."""

    def get_action(self, action_name: str):
        return lambda _context: None


class Engine:
    """Evaluates criteria of cases with durable-rules; one instance per process.

    Rules are registered through durable's Host, but a case is evaluated through the
    engine's C interface: assert the case fact, then walk the queue of matched rules,
    reading only each rule's name. durable's own action dispatch JSON-decodes the whole
    state for every fired rule, which costs ten times the matching itself; our actions
    only record which rule matched, so they need none of it.
    """

    def __init__(self) -> None:
        self._host = _Host()
        self._compiled: dict[tuple, CompiledAudit] = {}
        self._names = itertools.count()
        self._sids = itertools.count()

    def compile(
        self, key: tuple, facts: dict[str, Fact], criteria: list[tuple[Criterion, Any, Any]]
    ) -> CompiledAudit:
        """Register (once per key) the ruleset for bound (criterion, uppfyllt, delvis)."""
        if key in self._compiled:
            return self._compiled[key]
        compiler = _Compiler(facts)
        rules = {_CATCH_ALL: {"all": [{"m": {"t": "case"}}], "run": _CATCH_ALL}}
        for index, (_criterion, uppfyllt, delvis) in enumerate(criteria):
            for status, condition in (("U", uppfyllt), ("D", delvis)):
                for wanted, mark in ((True, "T"), (False, "F")):
                    expression = compiler.truth(condition, wanted)
                    if expression is _FALSE:
                        continue
                    name = f"{index}:{status}{mark}"
                    match = (
                        {"t": "case"}
                        if expression is _TRUE
                        else {"$and": [{"t": "case"}, expression]}
                    )
                    rules[name] = {"all": [{"m": match}], "run": name}
        name = f"audit{next(self._names)}"
        self._host.set_rulesets({name: rules})
        compiled = CompiledAudit(
            name,
            dict(compiler.fields),
            tuple(compiler.relatives.values()),
            tuple(criterion.id for criterion, _u, _d in criteria),
            {fact_id: facttypes.of(facts[fact_id]) for fact_id in compiler.fields},
        )
        self._compiled[key] = compiled
        return compiled

    def evaluate(
        self,
        compiled: CompiledAudit,
        known: dict[str, tuple[Any, str]],
        context: conditions.Context,
    ) -> dict[str, dict[str, bool]]:
        """Per criterion, which Kleene forms hold: {'UT': .., 'UF': .., 'DT': .., 'DF': ..}."""
        message: dict[str, Any] = {"t": "case"}
        for fact_id, field in compiled.fields.items():
            if fact_id in known:
                value, underlag = known[fact_id]
                message[field] = compiled.kinds[fact_id].number(value)
                message["u" + field[1:]] = underlag
        for relative in compiled.relatives:
            if relative.fact in known:
                cut = conditions.cutoff(relative.period, context)
                message[relative.field] = known[relative.fact][0].toordinal() - cut.toordinal()
        fired = self._fired_rules(compiled.name, message)
        forms = {
            criterion_id: {"UT": False, "UF": False, "DT": False, "DF": False}
            for criterion_id in compiled.criteria
        }
        for name in fired:
            if name == _CATCH_ALL:
                continue
            index, form = name.split(":")
            forms[compiled.criteria[int(index)]][form] = True
        return forms

    def _fired_rules(self, ruleset_name: str, message: dict) -> list[str]:
        """The names of the rules the case message matches, each state used once.

        The catch-all rule matches every message, so its absence means the engine lost
        the evaluation, and an engine error while the queue is read (seen as code 307)
        means the same. Both were seen while durable's background dispatcher ran (it no
        longer does, see _Host); should either recur, the case is asserted again under a
        fresh state.
        """
        failure: Exception | None = None
        for _attempt in range(_ATTEMPTS):
            try:
                fired = self._matches(ruleset_name, {**message, "sid": str(next(self._sids))})
            except durable_rules_engine.error as error:
                failure = error
                continue
            if _CATCH_ALL in fired:
                return fired
        raise RuntimeError(f"durable-rules matched nothing in {_ATTEMPTS} attempts") from failure

    def _matches(self, ruleset_name: str, message: dict) -> list[str]:
        ruleset = self._host.get_ruleset(ruleset_name)
        handle = ruleset._handle  # the C ruleset; durable exposes no public accessor
        result = durable_rules_engine.assert_fact(handle, json.dumps(message, ensure_ascii=False))
        try:
            state = ruleset._handle_result(result, message)
            fired = []
            action = durable_rules_engine.start_action_for_state(handle, state)
            while action:
                matched = action[1] if isinstance(action, tuple) else action
                fired.append(matched[2 : matched.index('"', 2)])  # '{"NAME":{…}}'
                action = durable_rules_engine.complete_and_start_action(handle, state)
            return fired
        finally:
            durable_rules_engine.delete_state(handle, message["sid"])
