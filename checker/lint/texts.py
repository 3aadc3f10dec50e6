"""What lint can check of the reasoning texts' Swedish and of what they claim.

A reasoning text must be true of every case with its status (docs/rule-format.md).
Three parts of that are visible in the text itself: a branch on a value the fact cannot
have, the same variant in two criteria (one of them says what is not so), and the word
order of a subordinate clause: the negation goes before the finite verb ("men målen
inte anger", not "men målen anger inte"). A fourth is a warning: "…, utan …" states
what happens instead, a detail no fact value holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import nodes

from checker.lint.index import Entry, Place, line_in
from checker.lint.messages import Message, said
from checker.lint.model import Subject

Found = Iterator[tuple[Place, Message]]
_ENVIRONMENT = jinja2.Environment(autoescape=False)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
# Finite verbs of the reasoning texts; in a subordinate clause no negation follows them.
_NEGATION_AFTER_VERB = re.compile(
    r"\b(är|har|finns|sker|anger|ger|får|gäller|omfattar|kan|ska|saknar|innehåller|fungerar|"
    r"beskriver|delar|kopplar|ingår|framgår|går|krävs|ställs|följs|används|sammanställs|delas|förmedlas|rapporteras|"
    r"utvärderas|analyseras|räcker|dokumenteras|återrapporteras|tillämpas|hänvisar|styrks|upprättas|revideras|hålls|leder)\s+(inte|ej|aldrig)\b"
)
_INSTEAD = re.compile(r",\s+utan\s+")


def _variants(subject: Subject) -> Iterator[tuple[Entry, str, str, Place]]:
    """(criterion, status, text, place) for every reasoning variant."""
    for criterion in subject.index.criteria.values():
        fields = criterion.value if isinstance(criterion.value, dict) else {}
        reasoning = fields.get("reasoning")
        for status, text in reasoning.items() if isinstance(reasoning, dict) else ():
            if isinstance(text, str):
                place = Place(criterion.file, line_in(reasoning, status, criterion.line))
                yield criterion, status, text, place


def _words(text: str) -> str:
    """The text a variant shows whatever the values: its jinja2 tags left out."""
    return " ".join(_TAG.sub(" ", text).split())


def _compared_values(tree: nodes.Template) -> Iterator[tuple[str, Any]]:
    """(fact, constant) for each `value('fact') == CONST` or `value('fact') in [..]`."""
    for compare in tree.find_all(nodes.Compare):
        call = compare.expr
        if not (
            isinstance(call, nodes.Call)
            and isinstance(call.node, nodes.Name)
            and call.node.name == "value"
            and call.args
            and isinstance(call.args[0], nodes.Const)
        ):
            continue
        for operand in compare.ops:
            if operand.op in ("eq", "ne") and isinstance(operand.expr, nodes.Const):
                yield call.args[0].value, operand.expr.value
            elif operand.op in ("in", "notin") and isinstance(operand.expr, nodes.List):
                for item in operand.expr.items:
                    if isinstance(item, nodes.Const):
                        yield call.args[0].value, item.value


def impossible_value(subject: Subject) -> Found:
    index = subject.index
    for criterion, status, text, place in _variants(subject):
        try:
            tree = _ENVIRONMENT.parse(text)
        except jinja2.TemplateSyntaxError:
            continue  # template-variables reports it
        for name, constant in _compared_values(tree):
            if not index.fact_known(name):
                continue
            fact = index.facts.get(index.fact_id(name))
            fields = fact.value if fact is not None and isinstance(fact.value, dict) else {}
            kind = fields.get("type")
            if kind == "enum":
                values = fields.get("values") if isinstance(fields.get("values"), list) else []
                if constant not in values:
                    yield (
                        place,
                        said(
                            "reasoning-value-enum",
                            criterion=criterion.id,
                            status=status,
                            name=name,
                            constant=str(constant),
                            values=tuple(map(str, values)),
                        ),
                    )
            elif kind == "bool" and not isinstance(constant, bool) and constant is not None:
                yield (
                    place,
                    said(
                        "reasoning-value-bool",
                        criterion=criterion.id,
                        status=status,
                        name=name,
                        constant=str(constant),
                    ),
                )


def shared_variant(subject: Subject) -> Found:
    first: dict[str, tuple[str, str]] = {}
    for criterion, status, text, place in _variants(subject):
        key = " ".join(text.split())
        if key in first and first[key][0] != criterion.id:
            other, other_status = first[key]
            yield (
                place,
                said(
                    "reasoning-shared",
                    criterion=criterion.id,
                    status=status,
                    other=other,
                    other_status=other_status,
                ),
            )
        first.setdefault(key, (criterion.id, status))


def word_order(subject: Subject) -> Found:
    for criterion, status, text, place in _variants(subject):
        for match in _NEGATION_AFTER_VERB.finditer(_words(text)):
            verb, negation = match.groups()
            yield (
                place,
                said(
                    "reasoning-word-order",
                    criterion=criterion.id,
                    status=status,
                    verb=verb,
                    negation=negation,
                ),
            )


def states_instead(subject: Subject) -> Found:
    for criterion, status, text, place in _variants(subject):
        if _INSTEAD.search(_words(text)):
            yield (
                place,
                said("reasoning-instead", criterion=criterion.id, status=status),
            )
