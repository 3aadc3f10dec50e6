"""The quick select filters give what jinja2's own give, for every item, test and path."""

from __future__ import annotations

from types import SimpleNamespace

import jinja2
import jinja2.sandbox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.evaluation.evaluate import template
from checker.language.jinja_filters import PLAIN_TESTS, quick_select_filters
from checker.output.environment import template_environment

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.sampled_from(["delvis", "uppfyllt", ""])
)
KEYS = st.sampled_from(["status", "area", "missing", "0"])
ITEMS = st.one_of(
    st.dictionaries(KEYS, VALUES, max_size=3),
    st.builds(lambda value: SimpleNamespace(status=value), VALUES),
    st.builds(lambda value: {"status": {"inner": value}}, VALUES),
)
TEMPLATES = st.one_of(
    st.tuples(
        st.sampled_from(["selectattr", "rejectattr"]),
        st.sampled_from(["status", "area", "missing", "status.inner", "0"]),
        st.sampled_from([*sorted(PLAIN_TESTS), "odd", "defined", "undefined", None]),
        VALUES,
    ),
)


def _environment(quick: bool) -> jinja2.Environment:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    if quick:
        environment.filters.update(quick_select_filters(environment))
    return environment


def _outcome(environment: jinja2.Environment, text: str, items: list) -> str:
    try:
        return environment.from_string(text).render(items=items, wanted=[None, "delvis", 1])
    except Exception as error:  # the same error, whichever filter
        return f"{type(error).__name__}: {error}"


@settings(max_examples=400, deadline=None)
@given(items=st.lists(ITEMS, max_size=6), form=TEMPLATES)
def test_quick_filters_equal_jinja2s(items, form):
    name, attribute, test, value = form
    if test is None:
        call = f"{name}({attribute!r})"
    elif test == "in":
        call = f"{name}({attribute!r}, 'in', wanted)"
    elif test in ("none", "true", "false", "odd", "defined", "undefined"):
        call = f"{name}({attribute!r}, {test!r})"
    else:
        call = f"{name}({attribute!r}, {test!r}, {value!r})"
    text = "{{ items | " + call + " | list }}"
    assert _outcome(_environment(True), text, items) == _outcome(_environment(False), text, items)


def test_an_overridden_test_is_used():
    """A test the environment defines anew is not taken for jinja2's own."""
    environment = _environment(True)
    environment.tests["none"] = lambda value: value == "x"
    rendered = environment.from_string(
        "{{ items | selectattr('status', 'none') | list | length }}"
    ).render(items=[{"status": "x"}, {"status": None}])
    assert rendered == "1"


def test_a_sandbox_keeps_its_own_filters():
    assert quick_select_filters(jinja2.sandbox.SandboxedEnvironment()) == {}


@pytest.mark.parametrize("quick", ["selectattr", "rejectattr"])
def test_the_texts_and_reports_use_the_quick_filters(quick):
    assert template("{{ 1 }}").environment.filters[quick].__module__ == (
        "checker.language.jinja_filters"
    )
    assert template_environment().filters[quick].__module__ == "checker.language.jinja_filters"
