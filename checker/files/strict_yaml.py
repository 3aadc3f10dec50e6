"""The one YAML loader: C safe loader, line numbers, no duplicate keys.

How values are read: only `true`/`false` are booleans (YAML 1.1's yes/no/on/off stay
text); dates are read as text and parsed by the fact type that expects them, so an
impossible date is reported with its line instead of crashing the parser. JSON files are
read by the same loader, so they get line numbers too.

Limits: a file is refused before it is built when it is larger than MAX_FILE_BYTES, nests
deeper than MAX_DEPTH, holds more than MAX_NODES values once its aliases are expanded (an
"alias bomb" of a few hundred bytes otherwise expands to millions), refers to itself, or
has a scalar longer than MAX_SCALAR_CHARS. Only regular files are read: a FIFO or a device
named like a case file is refused instead of blocking.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from checker.errors import GranskaError
from checker.memo import Memo

MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
MAX_SCALAR_CHARS = 100_000

_PLAIN_SCALAR_TAGS = Memo()
_REMEMBERED_CHARS = 64
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

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        """PyYAML's tag of a node; a short plain scalar's, which depends on its text
        alone, remembered (the same words recur in every case file)."""
        if kind is yaml.ScalarNode and implicit[0] and len(value) <= _REMEMBERED_CHARS:
            tag = _PLAIN_SCALAR_TAGS.get(value)
            if tag is None:
                tag = _PLAIN_SCALAR_TAGS.remember(value, super().resolve(kind, value, implicit))
            return tag
        return super().resolve(kind, value, implicit)


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool | str:
    return node.value.lower() == "true"


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    return _mapping(loader, node, lambda child: loader.construct_object(child, deep=True))


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    return _sequence(node, lambda child: loader.construct_object(child, deep=True))


def _mapping(loader: _Loader, node: yaml.MappingNode, construct: Callable) -> Located:
    """A mapping node as a Located, its keys and values made by `construct`."""
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = construct(key_node)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise GranskaError("mapping keys must be plain text", line=key_node.start_mark.line + 1)
        if key in mapping:
            raise GranskaError(
                f"duplicate key {key!r} (first given on line {mapping.key_lines[key]})",
                line=key_node.start_mark.line + 1,
            )
        mapping[key] = construct(value_node)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _sequence(node: yaml.SequenceNode, construct: Callable) -> LocatedList:
    """A sequence node as a LocatedList, its items made by `construct`."""
    items = LocatedList(construct(child) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    try:
        return loader.construct_yaml_int(node)
    except ValueError:
        raise GranskaError(
            f"number with too many digits ({len(node.value)} characters)",
            line=node.start_mark.line + 1,
        ) from None


_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}
_SCALAR_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


class _Unusual(Exception):
    """A node `_construct` leaves to PyYAML's own construction."""


def _construct(loader: _Loader, root: yaml.Node) -> Any:
    """The document's value, as PyYAML's construction with this loader's constructors
    makes it (a node reached through aliases made once, errors in the same order), made
    directly for the usual tags: PyYAML's own bookkeeping of every node costs more than
    making it. A document with any other tag is made by PyYAML."""
    made: dict[yaml.Node, Any] = {}
    constructors = loader.yaml_constructors

    def construct(node: yaml.Node) -> Any:
        if node in made:
            return made[node]
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag in _TEXT_TAGS:
                value = node.value
            elif tag in _SCALAR_TAGS:
                value = constructors[tag](loader, node)
            else:
                raise _Unusual
        elif isinstance(node, yaml.MappingNode) and tag == _MAP:
            value = _mapping(loader, node, construct)
        elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            value = _sequence(node, construct)
        else:
            raise _Unusual
        made[node] = value
        return value

    try:
        return construct(root)
    except _Unusual:
        return loader.construct_document(root)


def _check_limits(root: yaml.Node) -> None:
    """Refuse a document too deep, too large once aliases are expanded, or self-referring."""
    if not _within_limits_expanded(root):
        _check_limits_shared(root)


def _within_limits_expanded(root: yaml.Node) -> bool:
    """Whether the document is within every limit, walked as the tree it expands to, a
    level at a time: cheap for the usual document, and given up on (False) as soon as a
    limit is passed, so an alias bomb or a self-reference is never expanded far.

    False says only "not shown to be within the limits"; _check_limits_shared then
    finds the offending value.
    """
    level, depth, count = [root], 0, 0
    while level:
        depth += 1
        count += len(level)
        if depth > MAX_DEPTH or count > MAX_NODES:
            return False
        below: list[yaml.Node] = []
        for node in level:
            value = node.value
            if isinstance(node, yaml.ScalarNode):
                if len(value) > MAX_SCALAR_CHARS:
                    return False
                continue
            if isinstance(node, yaml.MappingNode):
                for pair in value:
                    below.extend(pair)
            else:
                below.extend(value)
            if count + len(below) > MAX_NODES:
                return False
        level = below
    return True


def _check_limits_shared(root: yaml.Node) -> None:
    """Refuse a document too deep, too large once aliases are expanded, or self-referring.

    Walks the composed node graph once, depth first and without recursion (each shared
    collection once, scalars where they stand), so an alias bomb is measured without
    being expanded.
    """
    if isinstance(root, yaml.ScalarNode):
        _check_scalar(root)
        return
    sizes: dict[int, tuple[int, int]] = {}  # id(collection) -> (expanded nodes, depth)
    open_nodes = {id(root)}
    children = _children(root)
    stack = [(root, children, reversed(children))]
    while stack:
        node, children, pending = stack[-1]
        for child in pending:
            if isinstance(child, yaml.ScalarNode):
                _check_scalar(child)
                continue
            key = id(child)
            if key in sizes:
                continue
            if key in open_nodes:
                raise _limit_error("an alias refers to the value that contains it", child)
            open_nodes.add(key)
            grandchildren = _children(child)
            stack.append((child, grandchildren, reversed(grandchildren)))
            break
        else:
            stack.pop()
            open_nodes.discard(id(node))
            nodes = depth = 1
            for child in children:
                if isinstance(child, yaml.ScalarNode):
                    nodes += 1
                    depth = max(depth, 2)
                else:
                    size = sizes[id(child)]
                    nodes += size[0]
                    depth = max(depth, size[1] + 1)
            if nodes > MAX_NODES:
                raise _limit_error(
                    f"more than {MAX_NODES} values once its aliases are expanded", node
                )
            if depth > MAX_DEPTH:
                raise _limit_error(f"nested deeper than {MAX_DEPTH} levels", node)
            sizes[id(node)] = (nodes, depth)


def _check_scalar(node: yaml.ScalarNode) -> None:
    if len(node.value) > MAX_SCALAR_CHARS:
        raise _limit_error(
            f"a value of {len(node.value)} characters (at most {MAX_SCALAR_CHARS})", node
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


def _limit_error(message: str, node: yaml.Node) -> GranskaError:
    return GranskaError(message, line=node.start_mark.line + 1)


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_KINDS = {
    yaml.ScalarNode: "a single value",
    yaml.SequenceNode: "a list",
    yaml.MappingNode: "a mapping",
}


def _expecting(kind: type, construct: Callable) -> Callable:
    """`construct`, refusing a node of another kind (an explicit tag on the wrong kind of
    value, such as `!!map [1]`) with a clear error."""

    def checked(loader: _Loader, node: yaml.Node) -> Any:
        if not isinstance(node, kind):
            raise GranskaError(
                f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} does not fit "
                f"{_KINDS[type(node)]}: it is for {_KINDS[kind]}",
                line=node.start_mark.line + 1,
            )
        return construct(loader, node)

    return checked


_Loader.add_constructor("tag:yaml.org,2002:bool", _expecting(yaml.ScalarNode, _construct_bool))
_Loader.add_constructor("tag:yaml.org,2002:map", _expecting(yaml.MappingNode, _construct_mapping))
_Loader.add_constructor("tag:yaml.org,2002:seq", _expecting(yaml.SequenceNode, _construct_sequence))
_Loader.add_constructor("tag:yaml.org,2002:int", _expecting(yaml.ScalarNode, _construct_int))
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_str)


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML (or JSON) text; errors name the file and line."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        _check_limits(root)
        return _construct(loader, root)
    except GranskaError as error:
        error.file = file
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise GranskaError(f"YAML syntax error: {error.problem or error}", file, line) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise GranskaError(
            f"YAML error: the character U+{error.character:04X} is not allowed in YAML text",
            file,
            line,
        ) from None
    except yaml.YAMLError as error:
        raise GranskaError(f"YAML error: {error}", file) from None
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """Read and parse one YAML or JSON file (a regular file, at most MAX_FILE_BYTES)."""
    return parse_yaml(read_text(Path(path)), str(path))


def read_text(path: Path) -> str:
    """The UTF-8 text of a regular file of at most MAX_FILE_BYTES."""
    data = read_regular_file(path, MAX_FILE_BYTES)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise GranskaError(
            f"not UTF-8 text ({error.reason} at byte {error.start})", str(path), line
        ) from None


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a FIFO, device or directory
    is refused without blocking on it."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise GranskaError("file not found", str(path)) from None
    except OSError as error:
        raise GranskaError(f"cannot read file: {error.strerror}", str(path)) from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise GranskaError("not a regular file", str(path))
    with os.fdopen(descriptor, "rb") as stream:
        if status.st_size > limit:
            raise GranskaError(f"file larger than {limit // (1024 * 1024)} MB", str(path))
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise GranskaError(f"cannot read file: {error.strerror}", str(path)) from None
    if len(data) > limit:
        raise GranskaError(f"file larger than {limit // (1024 * 1024)} MB", str(path))
    return data


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
