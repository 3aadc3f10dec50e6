"""The one YAML loader: C safe loader, line numbers, no duplicate keys.

How values are read: only `true`/`false` are booleans (YAML 1.1's yes/no/on/off stay
text); dates are read as text and parsed by the fact type that expects them, so an
impossible date is reported with its line instead of crashing the parser. JSON files are
read by the same loader, so they get line numbers too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from checker.errors import GranskaError

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL_WORDS = {"true", "True", "TRUE", "false", "False", "FALSE"}


class Located(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A sequence that remembers the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(_BaseLoader):
    """Safe loader with strict booleans, text dates, line numbers and unique keys."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class attribute
        first: [
            (tag, regexp)
            for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
        ]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool | str:
    return node.value.lower() == "true"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise GranskaError("mapping keys must be plain text", line=key_node.start_mark.line + 1)
        if key in mapping:
            raise GranskaError(
                f"duplicate key {key!r} (first given on line {mapping.key_lines[key]})",
                line=key_node.start_mark.line + 1,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML (or JSON) text; errors name the file and line."""
    try:
        return yaml.load(text, Loader=_Loader)
    except GranskaError as error:
        error.file = file
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise GranskaError(f"YAML syntax error: {error.problem or error}", file, line) from None
    except yaml.YAMLError as error:
        raise GranskaError(f"YAML error: {error}", file) from None


def load_yaml(path: Path) -> Any:
    """Read and parse one YAML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GranskaError("file not found", str(path)) from None
    except UnicodeDecodeError as error:
        raise GranskaError(
            f"not UTF-8 text ({error.reason} at byte {error.start})", str(path)
        ) from None
    except OSError as error:
        raise GranskaError(f"cannot read file: {error.strerror}", str(path)) from None
    return parse_yaml(text, str(path))


def scalar(content: str) -> str:
    """`content` as a YAML scalar this loader reads back as this text, in block or flow
    context (inside `{värde: …, källa: …}`); quoted only when plain text would not be."""
    try:
        plain = (
            bool(content)
            and content.strip() == content
            and parse_yaml(content, "<scalar>") == content
            and parse_yaml(f"[{content}]", "<scalar>") == [content]
        )
    except GranskaError:
        plain = False
    return content if plain else json.dumps(content, ensure_ascii=False)
