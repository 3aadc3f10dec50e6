"""jinja2's select filters (`selectattr`, `rejectattr`), quicker where they can be.

The rules' texts and the report templates pick items of lists by an attribute:
`criteria | selectattr('status', 'equalto', 'delvis')`. jinja2 runs every item through
its test machinery (the environment's test lookup, decorators, undefined handling),
which is most of the time a reasoning text takes. For the plain case, a mapping that
holds the attribute and one of jinja2's plain tests, that test is called directly;
every other item, attribute path or test goes through jinja2's own filter, so the
result is the same in every case (tests/test_jinja_filters.py compares the two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2
from jinja2.defaults import DEFAULT_TESTS

# jinja2's built-in tests that take the value and their arguments and nothing else
PLAIN_TESTS = frozenset({"none", "equalto", "eq", "==", "ne", "!=", "in", "true", "false"})


def quick_select_filters(environment: jinja2.Environment) -> dict[str, Callable[..., Any]]:
    """`selectattr` and `rejectattr` for `environment`, to put in its filters (none for an
    environment that looks items up its own way, such as a sandbox)."""
    if type(environment).getitem is not jinja2.Environment.getitem:
        return {}
    return {
        "selectattr": _quick(environment.filters["selectattr"], True, environment),
        "rejectattr": _quick(environment.filters["rejectattr"], False, environment),
    }


def _quick(
    original: Callable[..., Any], keep: bool, environment: jinja2.Environment
) -> Callable[..., Any]:
    @jinja2.pass_context
    def select(context: jinja2.runtime.Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        attribute = args[0] if args else None
        name = args[1] if len(args) > 1 else None
        plain = name is None or (
            name in PLAIN_TESTS and environment.tests.get(name) is DEFAULT_TESTS[name]
        )
        if (
            kwargs
            or not plain
            or not isinstance(attribute, str)
            or "." in attribute
            or attribute.isdigit()  # jinja2 looks it up as a number
            or isinstance(value, jinja2.Undefined)
        ):
            return original(context, value, *args, **kwargs)
        test = bool if name is None else DEFAULT_TESTS[name]
        return _chosen(context, original, value, args, attribute, test, keep)

    return select


def _chosen(
    context: jinja2.runtime.Context,
    original: Callable[..., Any],
    value: Iterable[Any],
    args: tuple[Any, ...],
    attribute: str,
    test: Callable[..., Any],
    keep: bool,
) -> Iterator[Any]:
    if not value:  # as jinja2 has it: an empty (or false) value selects nothing
        return
    extra = args[2:]
    for item in value:
        if isinstance(item, dict) and attribute in item:
            if bool(test(item[attribute], *extra)) is keep:
                yield item
        else:  # anything else as jinja2 would have it
            yield from original(context, [item], *args)
