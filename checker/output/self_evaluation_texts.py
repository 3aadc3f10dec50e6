"""The self-evaluation's texts: vocabulary.yaml's `self_evaluation:` and its report templates."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import jinja2

from checker.errors import GranskaError
from checker.evaluation.evaluate import render_text
from checker.model import RuleBase
from checker.output.environment import template_environment


def text(rules: RuleBase, key: str, **values: Any) -> str:
    """The text `key` rendered with `values`, whitespace folded to single spaces."""
    templates = rules.vocabulary.self_evaluation
    if not templates:
        raise GranskaError(
            "the rules have no `self_evaluation:` texts, which the "
            "questionnaire, template and summary need",
            str(Path(rules.directory) / "vocabulary.yaml"),
        )
    return render_text(templates[key], **values)


def environment() -> jinja2.Environment:
    """The templates' environment with the YAML `comment` filter of case files."""
    env = template_environment()
    env.filters["comment"] = comment
    return env


def comment(content: str, indent: str = "") -> str:
    """Text as YAML comment lines of at most 88 characters."""
    lines = textwrap.wrap(
        " ".join(content.split()),
        width=86 - len(indent),
        break_on_hyphens=False,
        break_long_words=False,
    ) or [""]
    return "\n".join(f"{indent}# {line}".rstrip() for line in lines)
