"""Editing a case file in place: round-trip YAML that keeps comments, order and layout.

A hand-written case is a working paper: its comments and the order of its facts carry
meaning for the people who wrote it. Changes are therefore applied to the parsed
document (ruamel.yaml's round-trip mode) and only the changed facts are re-emitted; a
file that is loaded and dumped without changes comes back byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from checker.errors import GranskaError
from checker.files.strict_yaml import Located, parse_yaml
from checker.language.facttypes import yaml_text
from checker.model import CaseFact


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a hand-written line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(text: str, file: str) -> CommentedMap:
    try:
        document = _yaml().load(text)
    except YAMLError as error:
        raise GranskaError(f"YAML syntax error: {error}", file) from None
    if not isinstance(document, CommentedMap):
        raise GranskaError("a case file is a mapping (kommun:, audit:, facts: …)", file)
    return document


def _dump(document: CommentedMap) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def _plain_value(value: Any) -> Any:
    """A fact value as the YAML node of its one written form (`values.yaml_text`)."""
    return _yaml().load(yaml_text(value))


def _entry(answer: CaseFact, flow: bool) -> Any:
    if not answer.källa and not answer.underlag and not answer.iakttagelse and answer.claim is None:
        return _plain_value(answer.value)
    entry = CommentedMap()
    stated = answer.claim or answer
    entry["värde"] = _plain_value(stated.value)
    if stated.källa:
        entry["källa"] = DoubleQuotedScalarString(stated.källa)
    if stated.underlag:
        entry["underlag"] = stated.underlag
    if answer.iakttagelse:
        entry["iakttagelse"] = DoubleQuotedScalarString(answer.iakttagelse)
    if answer.claim is not None:
        entry["granskning"] = _finding(answer, flow)
    if flow:
        entry.fa.set_flow_style()
    return entry


def _finding(answer: CaseFact, flow: bool) -> CommentedMap:
    """The auditor's finding of a fact, as the `granskning:` entry beside the claim."""
    finding = CommentedMap()
    finding["värde"] = _plain_value(answer.value)
    if answer.källa:
        finding["källa"] = DoubleQuotedScalarString(answer.källa)
    if answer.underlag:
        finding["underlag"] = answer.underlag
    if flow:
        finding.fa.set_flow_style()
    return finding


# Comment lines between two entries belong, for ruamel.yaml, to the end of the first
# (or of its last nested key). They are moved along when that entry changes shape or goes,
# so a section comment such as "# --- Revisionsfråga 2 ---" stays where it was.
_MARK = CommentMark(0)


def _take_trailing(mapping: CommentedMap, key: str) -> CommentToken | None:
    value = mapping[key]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        return _take_trailing(value, next(reversed(value)))
    item = mapping.ca.items.get(key)
    token = item[2] if item else None
    if item:
        item[2] = None
    return token


def _put_trailing(mapping: CommentedMap, key: str, token: CommentToken | None) -> None:
    if token is None:
        return
    value = mapping[key]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        _put_trailing(value, next(reversed(value)), token)
        return
    item = mapping.ca.items.setdefault(key, [None, None, None, None])
    item[2] = token


def _full_lines(token: CommentToken | None) -> str:
    """The comment lines after an entry, without the end-of-line comment of the entry."""
    if token is None or "\n" not in token.value:
        return ""
    return token.value[token.value.index("\n") + 1 :]


def _replace(mapping: CommentedMap, key: str, value: Any) -> None:
    token = _take_trailing(mapping, key)
    mapping[key] = value
    _put_trailing(mapping, key, token)


def _append(mapping: CommentedMap, key: str, value: Any) -> None:
    token = _take_trailing(mapping, next(reversed(mapping))) if mapping else None
    mapping[key] = value
    _put_trailing(mapping, key, token)


def _remove(mapping: CommentedMap, key: str) -> None:
    keys = list(mapping)
    lines = _full_lines(_take_trailing(mapping, key))
    del mapping[key]
    position = keys.index(key)
    if not lines:
        return
    if position > 0:
        previous = keys[position - 1]
        kept = _take_trailing(mapping, previous)
        text = (kept.value if kept is not None else "\n") + lines
        _put_trailing(mapping, previous, CommentToken(text, _MARK, None))
    else:  # the first entry: the lines become comments before the new first entry
        if not mapping.ca.comment:
            mapping.ca.comment = [None, []]
        if mapping.ca.comment[1] is None:
            mapping.ca.comment[1] = []
        mapping.ca.comment[1].append(CommentToken(lines, _MARK, None))


def _update_entry(entry: CommentedMap, answer: CaseFact) -> None:
    """Change a `{värde: …, källa: …}` entry in place, so comments inside it stay.

    With a claim, the entry's own keys keep the kommun's statement and the answer goes
    under `granskning:` as the auditor's finding.
    """
    if answer.claim is not None:
        finding = _finding(answer, entry.fa.flow_style())
        if "granskning" in entry:
            _replace(entry, "granskning", finding)
        else:
            _append(entry, "granskning", finding)
        return
    if "värde" in entry:
        _replace(entry, "värde", _plain_value(answer.value))
    else:
        entry.insert(0, "värde", _plain_value(answer.value))
    källa = DoubleQuotedScalarString(answer.källa) if answer.källa else ""
    iakttagelse = DoubleQuotedScalarString(answer.iakttagelse) if answer.iakttagelse else ""
    for key, text in (
        ("källa", källa),
        ("underlag", answer.underlag),
        ("iakttagelse", iakttagelse),
    ):
        if text and key in entry:
            _replace(entry, key, text)
        elif text:
            _append(entry, key, text)
        elif key in entry:
            _remove(entry, key)


def _flow_entries(facts: CommentedMap) -> bool:
    """Whether the file writes a fact with its källa on one line (the file's own style)."""
    for value in facts.values():
        if isinstance(value, CommentedMap):
            return value.fa.flow_style()
    return True


def _insert_position(facts: CommentedMap, fact_id: str, order: list[str]) -> int:
    """Where a new fact goes: before the first stated fact that follows it in `order`."""
    rank = {item: index for index, item in enumerate(order)}
    mine = rank.get(fact_id, len(order))
    for position, existing in enumerate(facts):
        if rank.get(existing, len(order)) > mine:
            return position
    return len(facts)


def set_facts(
    text: str, changes: dict[str, CaseFact | None], order: Iterable[str], file: str = "<case>"
) -> str:
    """The case file `text` with each changed fact set (or removed, for None).

    New facts are inserted in `order` (the catalogue order) among the stated ones; an
    existing fact keeps its place and the comments around it.
    """
    document = _load(text, file)
    facts = document.get("facts")
    if not isinstance(facts, CommentedMap) or (not facts and facts.fa.flow_style()):
        block = CommentedMap()
        if isinstance(facts, CommentedMap):
            block.update(facts)
        document["facts"] = facts = block
    flow = _flow_entries(facts)
    order = list(order)
    for fact_id, answer in sorted(changes.items()):
        if answer is None:
            if fact_id in facts:
                _remove(facts, fact_id)
        elif isinstance(facts.get(fact_id), CommentedMap) and (
            answer.källa or answer.underlag or answer.iakttagelse or answer.claim
        ):
            _update_entry(facts[fact_id], answer)
        elif fact_id in facts:
            _replace(facts, fact_id, _entry(answer, flow))
        else:
            facts.insert(_insert_position(facts, fact_id, order), fact_id, _entry(answer, flow))
    return _dump(document)


# --- splicing: replacing only the lines of the changed facts --------------------------
# A merge must not touch what it does not change: line endings (CRLF), a byte-order mark,
# `%YAML` and `---`, the indentation of other blocks, long lines and multi-line flow maps
# stay as they are because they are never re-emitted. Only the lines of a changed fact are
# replaced, and a new fact is inserted as whole lines at its place in catalogue order, in
# the indentation and style (one-line `{värde: …}` or block) of the facts already there.
# A file whose `facts:` is not a block mapping (absent, `{}` or a flow map) is edited as
# round-trip YAML instead (set_facts).


def splice_facts(
    text: str, changes: dict[str, CaseFact], order: Iterable[str], file: str = "<case>"
) -> str:
    """The case file `text` with each changed fact's lines replaced (or new lines added).

    `changes` is keyed by the key the file uses (an alias, perhaps) or, for a new fact,
    by its id.
    """
    document = parse_yaml(text, file)
    facts = document.get("facts") if isinstance(document, Located) else None
    lines = text.splitlines(keepends=True)
    if not isinstance(facts, Located) or not facts or not _is_block(lines, document):
        return set_facts(text, dict(changes), order, file)
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    unterminated = not lines[-1].endswith(("\n", "\r"))
    if unterminated:
        lines[-1] += newline
    spans = _spans(lines, document, facts)
    indent = _indent(lines[min(start for start, _end in spans.values())])
    flow = _flow_style(spans)
    rank = {fact_id: position for position, fact_id in enumerate(order)}
    replaced: dict[int, tuple[int, list[str]]] = {}
    inserted: dict[int, list[str]] = {}
    for key, answer in changes.items():
        if key in spans:
            start, end = spans[key]
            if end - start == 1:
                rendered = _render(key, answer, indent, flow, newline)
            else:
                rendered = _edit_block(lines[start:end], key, answer, indent, newline)
            replaced[start] = (end, rendered)
        else:
            before = _insertion_line(answer.id, spans, rank)
            inserted.setdefault(before, []).extend(_render(key, answer, indent, flow, newline))
    output: list[str] = []
    number = 0
    while number < len(lines):
        output.extend(inserted.get(number, ()))
        if number in replaced:
            end, rendered = replaced[number]
            output.extend(rendered)
            number = end
            continue
        output.append(lines[number])
        number += 1
    output.extend(inserted.get(len(lines), ()))
    spliced = "".join(output)
    return spliced[: -len(newline)] if unterminated else spliced


def _is_block(lines: list[str], document: Located) -> bool:
    """Whether `facts:` is a block mapping (not a flow map such as `{}` or `{a: ja}`)."""
    line = lines[document.line_of("facts") - 1]
    after_key = line.split(":", 1)[1].split("#", 1)[0].strip() if ":" in line else ""
    return not after_key


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def _spans(lines: list[str], document: Located, facts: Located) -> dict[str, tuple[int, int]]:
    """Per fact key, its lines as [start, end) (0-based), trailing comments left out."""
    keys = list(document)
    following = keys[keys.index("facts") + 1 :]
    block_end = min((document.line_of(key) - 1 for key in following), default=len(lines))
    starts = [(facts.line_of(key) - 1, key) for key in facts]
    starts.sort()
    spans = {}
    for position, (start, key) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else block_end
        while end > start + 1 and _is_filler(lines[end - 1]):
            end -= 1
        spans[key] = (start, end)
    return spans


def _is_filler(line: str) -> bool:
    """A blank line, a comment line or a document marker: not part of a fact's value."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped in ("---", "...")


def _flow_style(spans: dict[str, tuple[int, int]]) -> bool:
    """Whether the file writes each fact on one line (so a new källa goes in `{…}`)."""
    return all(end - start == 1 for start, end in spans.values())


def _insertion_line(fact_id: str, spans: dict[str, tuple[int, int]], rank: dict[str, int]) -> int:
    """Before the first stated fact that follows `fact_id` in catalogue order, else after
    the last fact."""
    mine = rank.get(fact_id, len(rank))
    ordered = sorted(spans.items(), key=lambda item: item[1][0])
    for key, (start, _end) in ordered:
        if rank.get(key, len(rank)) > mine:
            return start
    return ordered[-1][1][1]


def _render(key: str, answer: CaseFact, indent: str, flow: bool, newline: str) -> list[str]:
    """The lines of one fact entry at the facts' indentation, in the file's line ending."""
    stream = io.StringIO()
    yaml = _yaml()
    yaml.width = 1 << 20
    yaml.dump({key: _entry(answer, flow)}, stream)
    return [indent + line + newline for line in stream.getvalue().splitlines()]


def _edit_block(
    lines: list[str], key: str, answer: CaseFact, indent: str, newline: str
) -> list[str]:
    """A fact written over several lines, changed in place as round-trip YAML (so its
    other keys and comments stay), the rest of the file left alone."""
    body = "".join("  " + line[len(indent) :].rstrip("\r\n") + "\n" for line in lines)
    edited = set_facts("facts:\n" + body, {key: answer}, ())
    return [indent + line[2:] + newline for line in edited.splitlines()[1:]]
