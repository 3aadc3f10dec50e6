"""The jinja2 templates of the rules: every variable they use must be one they are given.

The variables each kind of template receives are those checker.evaluation.evaluate renders it
with; a template naming another one fails only when a case reaches it. Criteria
reasoning is checked further: `p.NAME` must be a parameter, and `v('fact')` /
`value('fact')` a fact the criterion reads (any other shows as unknown, always).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jinja2
from jinja2 import meta, nodes

from checker.evaluation.evaluate import RULE_FILTERS
from checker.lint.index import Entry, Place, fact_tests, line_in
from checker.lint.messages import Message, said
from checker.lint.model import Subject

_CRITERION = frozenset({"v", "value", "p", "title", "nämnden"})
_QUESTION = frozenset(
    {
        "verdict",
        "decided",
        "lowest",
        "highest",
        "criteria",
        "missing",
        "nämnden",
        "decisive",
        "others",
    }
)
VARIABLES = {
    "reasoning": _CRITERION,
    "unknown_reasoning": _CRITERION | {"missing"},
    "not_assessed_reasoning": _CRITERION | {"reason"},
    "not_applicable_reasoning": _CRITERION | {"facts"},
    "disclaimer": frozenset({"version", "audit"}),
    "recommendation": frozenset({"kommun", "nämnden"}),
    "syfte": frozenset({"nämnder", "kommun"}),
    "question_reasoning": _QUESTION,
    "overall": frozenset({"nämnd", "label", "kommun"}),
    "followup": frozenset({"rekommendation", "nämnder", "kommun"}),
}
_ENVIRONMENT = jinja2.Environment(autoescape=False)
_ENVIRONMENT.filters.update(RULE_FILTERS)
_GLOBALS = frozenset(_ENVIRONMENT.globals)

Found = Iterator[tuple[Place, Message]]


def _templates(subject: Subject) -> Iterator[tuple[str, str, Any, Place, Entry | None]]:
    """(kind, owner, text, place, criterion or None) for every template of the rules."""
    index = subject.index
    if index.vocabulary is not None:
        fields = index.vocabulary.value
        for key in (
            "unknown_reasoning",
            "not_assessed_reasoning",
            "not_applicable_reasoning",
            "disclaimer",
        ):
            if key in fields:
                yield (
                    key,
                    "vocabulary",
                    fields[key],
                    Place(index.vocabulary.file, line_in(fields, key, 1)),
                    None,
                )
    for criterion in index.criteria.values():
        reasoning = criterion.value.get("reasoning") if isinstance(criterion.value, dict) else None
        for status, text in reasoning.items() if isinstance(reasoning, dict) else ():
            yield (
                "reasoning",
                f"{criterion.id} ({status})",
                text,
                Place(criterion.file, line_in(reasoning, status, criterion.line)),
                criterion,
            )
    for recommendation in index.recommendations.values():
        fields = recommendation.value if isinstance(recommendation.value, dict) else {}
        if "text" in fields:
            yield (
                "recommendation",
                recommendation.id,
                fields["text"],
                Place(recommendation.file, line_in(fields, "text", recommendation.line)),
                None,
            )
    for audit in index.audits.values():
        fields = audit.value
        for key, kind, where in (
            ("syfte", "syfte", fields),
            ("question_reasoning", "question_reasoning", fields),
            ("text", "overall", fields.get("overall")),
            ("text", "followup", fields.get("followup")),
            ("question_reasoning", "question_reasoning", fields.get("followup")),
        ):
            if isinstance(where, dict) and key in where:
                yield kind, audit.id, where[key], Place(audit.file, line_in(where, key, 1)), None


def _call_facts(tree: nodes.Template) -> Iterator[str]:
    for call in tree.find_all(nodes.Call):
        if (
            isinstance(call.node, nodes.Name)
            and call.node.name in ("v", "value")
            and call.args
            and isinstance(call.args[0], nodes.Const)
        ):
            yield call.args[0].value


def _parameter_names(tree: nodes.Template) -> Iterator[str]:
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name == "p":
            if isinstance(node, nodes.Getattr):
                yield node.attr
            elif isinstance(node.arg, nodes.Const):
                yield node.arg.value


def template_variables(subject: Subject) -> Found:
    index = subject.index
    for kind, owner, text, place, criterion in _templates(subject):
        if not isinstance(text, str):
            continue
        try:
            tree = _ENVIRONMENT.parse(text)
        except jinja2.TemplateSyntaxError as error:
            yield place, said("template-syntax", owner=owner, error=error.message or "")
            continue
        unknown = sorted(meta.find_undeclared_variables(tree) - VARIABLES[kind] - _GLOBALS)
        for name in unknown:
            yield (
                place,
                said(
                    "template-unknown-variable",
                    owner=owner,
                    name=name,
                    given=tuple(sorted(VARIABLES[kind])),
                ),
            )
        if criterion is None:
            continue
        for name in sorted(set(_parameter_names(tree))):
            if name not in index.parameters:
                yield place, said("template-unknown-parameter", owner=owner, name=name)
        read = {
            index.fact_id(name)
            for key in ("uppfyllt", "delvis", "applies_when")
            if key in criterion.value
            for name, _test, _where in fact_tests(criterion.value[key], "", 0)
        }
        for name in sorted(set(_call_facts(tree))):
            if not index.fact_known(name):
                yield place, said("template-unknown-fact", owner=owner, name=name)
            elif name not in read:
                yield (
                    place,
                    said("template-fact-not-read", owner=owner, name=name),
                )
