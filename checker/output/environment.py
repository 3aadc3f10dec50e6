"""The jinja2 environment of the templates in reports/, with their shared filters."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import jinja2

from checker.errors import GranskaError
from checker.files import cache
from checker.language.facttypes import count_noun
from checker.language.jinja_filters import quick_select_filters

ANSI = {
    "ja": "\033[32m",
    "delvis": "\033[33m",
    "nej": "\033[31m",
    "bold": "\033[1m",
    "dim": "\033[2m",
    "reset": "\033[0m",
}


def reports_dir() -> Path:
    """The shipped templates: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "reports", package.parent / "reports"):
        if (candidate / "text.j2").is_file():
            return candidate
    raise GranskaError("the report templates were not found (reports/text.j2)")


def template_environment(autoescape: bool = False) -> jinja2.Environment:
    """The jinja2 environment of the templates in reports/, with their shared filters."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_CompiledTemplates(autoescape) if cache.cache_dir() else None,
    )
    environment.filters.update(
        wrap=wrap,
        sentence=sentence,
        count_noun=count_noun,
        md_code=lambda text: f"`{text}`",
        md_escape=lambda text: re.sub(r"([\\`*_\[\]])", r"\\\1", text),
        first_upper=lambda text: text[:1].upper() + text[1:],
    )
    environment.filters.update(quick_select_filters(environment))
    return environment


class _CompiledTemplates(jinja2.BytecodeCache):
    """The compiled code of each template of reports/ and its escaping, kept in the
    start-up cache (files.cache) for this code and jinja2 version; jinja2 itself rejects
    code compiled from another source of the template."""

    def __init__(self, autoescape: bool) -> None:
        self.variant = f"autoescape={autoescape}"
        self.key = cache.files_key((), jinja2.__version__, self.variant)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        stored = cache.read("templates", f"{bucket.key}|{self.variant}", self.key)
        if stored is not None:
            try:
                bucket.bytecode_from_string(stored)
            except Exception:  # a corrupt entry, whatever the fault, is compiled again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        content = bucket.bytecode_to_string()
        cache.write("templates", f"{bucket.key}|{self.variant}", self.key, content)


def render_template(name: str, **context) -> str:
    """Render one template of reports/ (plain text, no escaping) with `context`."""
    return template_environment().get_template(name).render(**context)


def sentence(clause: str) -> str:
    """A reasoning clause as a sentence: capital first letter, closing full stop."""
    if not clause:
        return clause
    text = clause[:1].upper() + clause[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def wrap(content: str, width: int = 88, indent: str = "") -> str:
    """Text folded to lines of `width` characters (a longer word, a path, stays whole)."""
    return textwrap.fill(
        " ".join(content.split()),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
    )
