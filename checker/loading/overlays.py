"""Local overlays: one uppdrag's additions to and overrides of the shipped rules.

An overlay directory has the layout and the closed schemas of rules/, every part
optional, plus `overlay.yaml` naming the uppdrag (docs/rule-format.md, "Local
overlays"). Sources, provisions, facts, parameters, recommendations and criteria are
added, or replace the shipped ones with the same id; `audits/*.yaml` name a shipped
audit and give parameter values for it and whole questions, each replacing the shipped
question with the same id or added after them. The loader reads both directories with
the same readers and merges them here, recording every deviation so that results and
reports can list them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from checker.errors import GranskaError
from checker.files.nodes import Node, suggest
from checker.files.strict_yaml import load_yaml
from checker.model import Deviation, Overlay

MANIFEST = "overlay.yaml"
KINDS = ("source", "provision", "fact", "parameter", "recommendation", "criterion", "question")


class Layer(NamedTuple):
    """The parts of a rules directory as read, before conditions and audits are built."""

    sources: dict[str, Any]
    provisions: dict[str, Any]
    facts: dict[str, tuple[Any, Node | None]]  # fact id -> (Fact, raw relevant_when)
    fact_aliases: dict[str, str]
    areas: dict[str, str]
    criteria: dict[str, tuple[str, Node]]  # criterion id -> (area, raw node)
    parameters: dict[str, Any]
    recommendations: dict[str, Any]


@dataclass(frozen=True)
class AuditPatch:
    """What an overlay changes in one shipped audit: parameter values and whole questions."""

    parameters: tuple[tuple[str, Node], ...]
    questions: tuple[Node, ...]

    def merged_questions(self, shipped: list[Node]) -> list[Node]:
        """The shipped question nodes with the overlay's replacing or added after them."""
        replacing = {_question_id(node): node for node in self.questions}
        merged = [replacing.pop(_question_id(node), node) for node in shipped]
        return merged + [node for node in self.questions if _question_id(node) in replacing]


def _question_id(node: Node) -> str:
    if not isinstance(node.value, dict) or "id" not in node.value:
        raise node.error("a question is a mapping with an `id`")
    return node.mapping(optional=tuple(node.value))["id"].text()


def _title(node: Node | None) -> str:
    value = node.value.get("title") if node is not None and isinstance(node.value, dict) else ""
    return value if isinstance(value, str) else ""


def merge(shipped: Layer, extra: Layer) -> tuple[Layer, list[Deviation]]:
    """The shipped layer with the overlay's parts added or replacing, and the deviations."""
    deviations: list[Deviation] = []

    def note(
        kind: str,
        key: str,
        title: str,
        known: dict,
        item: Any,
        before: Any = None,
        after: Any = None,
    ) -> None:
        change = "changed" if key in known else "added"
        deviations.append(
            Deviation(kind, key, change, title, item.file, item.line or 0, before, after)
        )

    for key, source in extra.sources.items():
        note("source", key, source.title, shipped.sources, source)
    for key, provision in extra.provisions.items():
        note("provision", key, provision.text, shipped.provisions, provision)
    for key, (fact, _node) in extra.facts.items():
        if key in shipped.fact_aliases:
            raise GranskaError(
                f"fact {key!r} is an alias of the shipped fact "
                f"{shipped.fact_aliases[key]!r}; override that id",
                fact.file,
                fact.line,
            )
        note("fact", key, fact.title, shipped.facts, fact)
    for alias, fact_id in extra.fact_aliases.items():
        if alias in shipped.facts and alias != fact_id:
            raise GranskaError(
                f"alias {alias!r} of {fact_id!r} is a shipped fact id",
                extra.facts[fact_id][0].file,
                extra.facts[fact_id][0].line,
            )
    for key, parameter in extra.parameters.items():
        before = shipped.parameters[key].value if key in shipped.parameters else None
        note(
            "parameter",
            key,
            parameter.description,
            shipped.parameters,
            parameter,
            before,
            parameter.value,
        )
    for key, recommendation in extra.recommendations.items():
        note("recommendation", key, recommendation.text, shipped.recommendations, recommendation)
    for key, (_area, node) in extra.criteria.items():
        note("criterion", key, _title(node), shipped.criteria, node)
    merged = Layer(*({**old, **new} for old, new in zip(shipped, extra, strict=True)))
    return merged, deviations


def read_manifest(directory: Path) -> tuple[str, str]:
    """The uppdrag named by the overlay's overlay.yaml, and its description."""
    if not directory.is_dir():
        raise GranskaError("the overlay is not a directory", str(directory))
    path = directory / MANIFEST
    if not path.is_file():
        raise GranskaError(
            f"an overlay directory has an {MANIFEST} naming the uppdrag (uppdrag: …)",
            str(directory),
        )
    fields = Node(load_yaml(path), str(path), 1, "").mapping(
        required=("uppdrag",), optional=("beskrivning",)
    )
    return fields["uppdrag"].text(), (
        fields["beskrivning"].text() if "beskrivning" in fields else ""
    )


def read_audit_patches(
    directory: Path, shipped_audits: Path, parameters: dict[str, Any]
) -> tuple[dict[str, AuditPatch], list[Deviation]]:
    """The overlay's audits/*.yaml, checked against the shipped audits they change."""
    shipped = {}
    for path in sorted(shipped_audits.glob("*.yaml")):
        root = Node(load_yaml(path), str(path), 1, "")
        if isinstance(root.value, dict) and isinstance(root.value.get("id"), str):
            shipped[root.value["id"]] = root
    patches: dict[str, AuditPatch] = {}
    deviations: list[Deviation] = []
    for path in sorted((directory / "audits").glob("*.yaml")):
        fields = Node(load_yaml(path), str(path), 1, "").mapping(
            required=("audit",), optional=("parameters", "questions")
        )
        audit_id = fields["audit"].text()
        if audit_id not in shipped:
            raise fields["audit"].error(f"unknown audit {audit_id!r}{suggest(audit_id, shipped)}")
        if audit_id in patches:
            raise fields["audit"].error(f"audit {audit_id!r} is changed by two overlay files")
        base = shipped[audit_id].mapping(optional=tuple(shipped[audit_id].value))
        base_parameters = base["parameters"].value if "parameters" in base else {}
        base_questions = {_question_id(node): node for node in base["questions"].sequence()}
        patch_parameters = tuple(fields["parameters"].items()) if "parameters" in fields else ()
        for name, node in patch_parameters:
            if name not in parameters:
                raise node.error(f"unknown parameter {name!r}{suggest(name, parameters)}")
            before = base_parameters.get(name, parameters[name].value)
            deviations.append(
                Deviation(
                    "parameter",
                    f"{audit_id}/{name}",
                    "changed",
                    parameters[name].description,
                    node.file,
                    node.line or 0,
                    before,
                    node.value,
                )
            )
        questions = tuple(fields["questions"].sequence()) if "questions" in fields else ()
        for node in questions:
            question_id = _question_id(node)
            text = node.value.get("text", "") if isinstance(node.value, dict) else ""
            deviations.append(
                Deviation(
                    "question",
                    f"{audit_id}/{question_id}",
                    "changed" if question_id in base_questions else "added",
                    text if isinstance(text, str) else "",
                    node.file,
                    node.line or 0,
                )
            )
        patches[audit_id] = AuditPatch(patch_parameters, questions)
    return patches, deviations


def apply(
    directory: Path,
    shipped_dir: Path,
    shipped: Layer,
    read: Callable[[Path, dict[str, Any]], Layer],
    version: str,
) -> tuple[Layer, dict[str, AuditPatch], Overlay]:
    """Merge the overlay at `directory` into the shipped layer read from `shipped_dir`.

    `read(directory, shipped_sources)` reads a layer with the loader's readers.
    """
    uppdrag, description = read_manifest(directory)
    layer, deviations = merge(shipped, read(directory, shipped.sources))
    patches, audit_deviations = read_audit_patches(
        directory, shipped_dir / "audits", layer.parameters
    )
    ordered = sorted(deviations + audit_deviations, key=lambda d: (KINDS.index(d.kind), d.id))
    return layer, patches, Overlay(str(directory), uppdrag, description, version, tuple(ordered))
