"""Loading a rules directory into a RuleBase, validating every file's closed schema."""

from __future__ import annotations

import hashlib
import math
import pickle
import re
from pathlib import Path
from typing import Any

import jinja2

from checker.errors import GranskaError
from checker.files import cache
from checker.files.nodes import Node, suggest
from checker.files.strict_yaml import load_yaml
from checker.language import conditions, facttypes
from checker.loading.overlays import AuditPatch, Layer
from checker.loading.overlays import apply as apply_overlay
from checker.model import (
    STATUSES,
    Audit,
    Citation,
    Criterion,
    DatedNote,
    Fact,
    FollowUp,
    Grade,
    Parameter,
    Policy,
    PolicyStep,
    Provision,
    Question,
    QuestionCriterion,
    Recommendation,
    RecommendationRule,
    Role,
    RuleBase,
    Source,
    Vocabulary,
)

FACT_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
CRITERION_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9]+(-[a-z0-9]+)*$")
PLAIN_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_TEMPLATES = jinja2.Environment(autoescape=False)


def default_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or beside it in a checkout."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "rules", package.parent / "rules"):
        if (candidate / "sources.yaml").is_file():
            return candidate
    raise GranskaError("the shipped rules directory was not found; pass --rules DIR")


def rule_files(directory: Path) -> list[Path]:
    """Every rule file of a directory, in order (the criterion tests in tests/ judge
    nothing and are left out)."""
    return [
        path
        for path in sorted(directory.rglob("*.yaml"))
        if path.relative_to(directory).parts[0] != "tests"
    ]


def rules_version(directory: Path) -> str:
    """A content hash of every rule file, so results name the exact rules used."""
    digest = hashlib.sha256()
    for path in rule_files(directory):
        digest.update(path.relative_to(directory).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def _root(path: Path) -> Node:
    return Node(load_yaml(path), str(path), 1, "")


def _id(node: Node, pattern: re.Pattern, what: str) -> str:
    text = node.text()
    if not pattern.match(text):
        raise node.error(f"{what} id {text!r} does not have the form {pattern.pattern}")
    return text


def _template(node: Node) -> str:
    text = node.text()
    if "{" not in text:  # no jinja2 syntax: plain text always parses
        return text
    try:
        _TEMPLATES.parse(text)
    except jinja2.TemplateSyntaxError as error:
        raise node.error(f"template syntax error: {error.message}") from None
    return text


def _optional_date(fields: dict[str, Node], key: str):
    return fields[key].date() if key in fields and fields[key].value is not None else None


# --- vocabulary and sources ---------------------------------------------------------
# The texts of granska questionnaire, template and check --summary (docs/self-evaluation.md).
SELF_EVALUATION_KEYS = (
    "intro",
    "resumed",
    "welcome",
    "audit_choice",
    "commands",
    "help",
    "command_help",
    "command_back",
    "command_skip",
    "command_source",
    "back_none",
    "skipped",
    "source_noted",
    "choose_audit",
    "kommun",
    "period_from",
    "period_to",
    "granskningsdatum",
    "namnd",
    "progress",
    "answer",
    "kalla",
    "underlag",
    "hint_bool",
    "hint_date",
    "hint_integer",
    "hint_number",
    "hint_percent",
    "hint_count",
    "hint_enum",
    "hint_text",
    "invalid",
    "invalid_date",
    "invalid_choice",
    "period_order",
    "required",
    "personnummer",
    "interrupted",
    "short_done",
    "done",
    "summary_progress",
    "summary_file",
    "summary_kommun",
    "summary_period",
    "summary_overall",
    "summary_count",
    "summary_open",
    "summary_skipped",
    "template_kommun",
    "default_file",
)


def _outcome_measure(node: Node) -> dict[str, Any]:
    fields = node.mapping(required=("title", "unit", "kolada", "kolada_verified"))
    return {
        "title": fields["title"].text(),
        "unit": fields["unit"].text(),
        "kolada": fields["kolada"].value or "",
        "kolada_verified": fields["kolada_verified"].boolean(),
    }


def load_vocabulary(path: Path) -> Vocabulary:
    fields = _root(path).mapping(
        required=(
            "status_labels",
            "underlag",
            "documentary_underlag",
            "recipients",
            "outcome_measures",
            "established_by",
            "documents",
            "boolean_labels",
            "unknown_label",
            "unknown_reasoning",
            "not_assessed_reasoning",
            "not_applicable_reasoning",
            "disclaimer",
            "headings",
        ),
        optional=("self_evaluation", "namnd_forms"),
    )
    labels = fields["status_labels"].mapping(
        required=(*STATUSES, "ej_granskat", "ej_tillampligt", "okänt")
    )
    underlag = fields["underlag"].text_list()
    booleans = fields["boolean_labels"].mapping(required=("ja", "nej"))
    return Vocabulary(
        status_labels={key: node.text() for key, node in labels.items()},
        underlag=underlag,
        documentary_underlag=tuple(
            node.choice(underlag) for node in fields["documentary_underlag"].sequence()
        ),
        recipients={key: node.text() for key, node in fields["recipients"].items()},
        established_by={key: node.text() for key, node in fields["established_by"].items()},
        outcome_measures={
            key: _outcome_measure(node) for key, node in fields["outcome_measures"].items()
        },
        documents={key: node.text() for key, node in fields["documents"].items()},
        boolean_labels={True: booleans["ja"].text(), False: booleans["nej"].text()},
        unknown_label=fields["unknown_label"].text(),
        unknown_reasoning=_template(fields["unknown_reasoning"]),
        not_assessed_reasoning=_template(fields["not_assessed_reasoning"]),
        not_applicable_reasoning=_template(fields["not_applicable_reasoning"]),
        disclaimer=_template(fields["disclaimer"]),
        headings={key: node.text() for key, node in fields["headings"].items()},
        self_evaluation={
            key: _template(node)
            for key, node in fields["self_evaluation"]
            .mapping(required=SELF_EVALUATION_KEYS)
            .items()
        }
        if "self_evaluation" in fields
        else {},
        namnd_forms={
            key: node.text()
            for key, node in fields["namnd_forms"].mapping(required=("en", "flera")).items()
        }
        if "namnd_forms" in fields
        else {"en": "", "flera": ""},
    )


def load_sources(
    path: Path, cited: dict[str, Source] | None = None
) -> tuple[dict[str, Source], dict[str, Provision]]:
    """Sources and provisions; `cited` adds sources defined elsewhere (an overlay's base)."""
    fields = _root(path).mapping(required=("sources", "provisions"))
    sources: dict[str, Source] = {}
    for source_id, node in fields["sources"].items():
        entry = node.mapping(
            required=("title", "short", "kind"),
            optional=("valid_from", "valid_to", "status", "note", "notes"),
        )
        sources[source_id] = Source(
            id=source_id,
            title=entry["title"].text(),
            short=entry["short"].text(),
            kind=entry["kind"].text(),
            valid_from=_optional_date(entry, "valid_from"),
            valid_to=_optional_date(entry, "valid_to"),
            status=entry["status"].choice(("gällande", "upphävd", "förslag"))
            if "status" in entry
            else "gällande",
            file=node.file,
            line=node.line or 0,
            note=entry["note"].text() if "note" in entry else "",
            notes=tuple(
                DatedNote(
                    note["text"].text(),
                    _optional_date(note, "valid_from"),
                    _optional_date(note, "valid_to"),
                )
                for note in (
                    item.mapping(required=("text",), optional=("valid_from", "valid_to"))
                    for item in (entry["notes"].sequence() if "notes" in entry else ())
                )
            ),
        )
    provisions: dict[str, Provision] = {}
    for provision_id, node in fields["provisions"].items():
        entry = node.mapping(required=("text", "citations"))
        citations = []
        for cite in entry["citations"].sequence():
            cite_fields = cite.mapping(
                required=("source", "ref", "verified"), optional=("valid_from", "valid_to", "note")
            )
            source = cite_fields["source"].text()
            if source not in sources and source not in (cited or {}):
                raise cite_fields["source"].error(
                    f"unknown source {source!r}{suggest(source, sources)}"
                )
            citations.append(
                Citation(
                    source=source,
                    ref=cite_fields["ref"].text(),
                    verified=cite_fields["verified"].boolean(),
                    valid_from=_optional_date(cite_fields, "valid_from"),
                    valid_to=_optional_date(cite_fields, "valid_to"),
                    note=cite_fields["note"].text() if "note" in cite_fields else "",
                )
            )
        provisions[provision_id] = Provision(
            provision_id, entry["text"].text(), tuple(citations), node.file, node.line or 0
        )
    return sources, provisions


# --- facts --------------------------------------------------------------------------
_FACT_KEYS = (
    "lint",
    "type",
    "title",
    "question",
    "help",
    "recipient",
    "established_by",
    "documents",
    "planned",
    "better",
    "values",
    "labels",
    "relevant_when",
    "aliases",
)


def load_fact_files(directory: Path, vocabulary: Vocabulary):
    """Facts (conditions still raw), their aliases and the areas' titles."""
    raw: dict[str, tuple[Fact, Node | None]] = {}
    aliases: dict[str, str] = {}
    areas: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        fields = _root(path).mapping(required=("area", "title", "facts"), optional=("lint",))
        area = _id(fields["area"], PLAIN_ID, "area")
        areas[area] = fields["title"].text()
        for fact_id, node in fields["facts"].items():
            id_node = Node(fact_id, node.file, node.line, node.path)
            _id(id_node, FACT_ID, "fact")
            if not fact_id.startswith(area + "."):
                raise id_node.error(f"fact ids in this file start with {area + '.'!r}")
            if fact_id in raw or fact_id in aliases:
                first = raw[fact_id][0] if fact_id in raw else raw[aliases[fact_id]][0]
                raise id_node.error(
                    f"duplicate fact id {fact_id!r}; also in {first.file}:{first.line}"
                )
            fact = _fact(fact_id, area, node, vocabulary)
            raw[fact_id] = (fact, node.mapping(optional=_FACT_KEYS).get("relevant_when"))
            for alias in fact.aliases:
                if alias in raw or alias in aliases:
                    raise node.error(f"alias {alias!r} is already a fact id or alias")
                aliases[alias] = fact_id
    return raw, aliases, areas


def _fact(fact_id: str, area: str, node: Node, vocabulary: Vocabulary) -> Fact:
    fields = node.mapping(
        required=("type", "title", "question", "recipient", "established_by"),
        optional=_FACT_KEYS,
    )
    kind = fields["type"].choice(tuple(facttypes.FACT_TYPES))
    fact_type = facttypes.FACT_TYPES[kind]
    values: tuple[str, ...] = ()
    if fact_type.has_values:
        if "values" not in fields:
            raise node.error(f"an {kind} fact lists its `values`")
        values = fields["values"].text_list()
    elif "values" in fields:
        raise fields["values"].error("only enum facts have `values`")
    labels = {}
    if "labels" in fields:
        if not fact_type.has_values:
            raise fields["labels"].error("only enum facts have `labels`")
        labels = {value: label.text() for value, label in fields["labels"].items()}
        for value in labels:
            if value not in values:
                raise fields["labels"].error(
                    f"label for {value!r}, which is not one of the values{suggest(value, values)}"
                )
    better = None
    if "better" in fields:
        better = fact_type.read_better(fields["better"], values)
    return Fact(
        id=fact_id,
        type=kind,
        title=fields["title"].text(),
        question=fields["question"].text(),
        help=fields["help"].text() if "help" in fields else "",
        area=area,
        recipient=fields["recipient"].choice(tuple(vocabulary.recipients)),
        established_by=fields["established_by"].choice(tuple(vocabulary.established_by)),
        documents=tuple(
            item.choice(tuple(vocabulary.documents)) for item in fields["documents"].sequence()
        )
        if "documents" in fields
        else (),
        planned=_planned(fields.get("planned"), kind),
        better=better,
        values=values,
        labels=tuple(sorted(labels.items())),
        aliases=fields["aliases"].text_list() if "aliases" in fields else (),
        file=node.file,
        line=node.line or 0,
    )


def _planned(node: Node | None, kind: str) -> bool:
    if node is None:
        return False
    if kind != "date":
        raise node.error("only date facts are `planned`")
    return node.boolean()


# --- criteria -----------------------------------------------------------------------
_CRITERION_KEYS = (
    "lint",
    "title",
    "om",
    "basis",
    "concerns",
    "uppfyllt",
    "delvis",
    "reasoning",
    "recommendation",
    "recommend_when",
    "aliases",
    "applies_when",
)


def load_criteria_files(directory: Path):
    """Raw criterion nodes, parameters and recommendations from rules/criteria/."""
    nodes: dict[str, tuple[str, Node]] = {}
    parameters: dict[str, Parameter] = {}
    recommendations: dict[str, Recommendation] = {}
    for path in sorted(directory.glob("*.yaml")):
        fields = _root(path).mapping(
            required=("area",), optional=("criteria", "parameters", "recommendations", "lint")
        )
        area = _id(fields["area"], PLAIN_ID, "area")
        for param_id, node in fields["parameters"].items() if "parameters" in fields else ():
            entry = node.mapping(
                required=("value", "description"), optional=("basis", "unit", "lint", "min", "max")
            )
            if param_id in parameters:
                raise node.error(f"duplicate parameter {param_id!r}")
            declared = Parameter(
                param_id,
                entry["value"].value,
                entry["description"].text(),
                entry["basis"].text_list() if "basis" in entry else (),
                node.file,
                node.line or 0,
                entry["unit"].text() if "unit" in entry else "",
                entry["min"].number() if "min" in entry else None,
                entry["max"].number() if "max" in entry else None,
            )
            parameters[param_id] = declared
            parameter_value(entry["value"], declared)
        for rec_id, node in (
            fields["recommendations"].items() if "recommendations" in fields else ()
        ):
            entry = node.mapping(required=("text", "addressed_to"))
            if rec_id in recommendations:
                first = recommendations[rec_id]
                raise node.error(
                    f"duplicate recommendation id {rec_id!r}; also in {first.file}:{first.line}"
                )
            recommendations[rec_id] = Recommendation(
                rec_id,
                _template(entry["text"]),
                entry["addressed_to"].text_list(),
                node.file,
                node.line or 0,
            )
        for criterion_id, node in fields["criteria"].items() if "criteria" in fields else ():
            id_node = Node(criterion_id, node.file, node.line, node.path)
            _id(id_node, CRITERION_ID, "criterion")
            if not criterion_id.startswith(area + "."):
                raise id_node.error(f"criterion ids in this file start with {area + '.'!r}")
            if criterion_id in nodes:
                first = nodes[criterion_id][1]
                raise id_node.error(
                    f"duplicate criterion id {criterion_id!r}; also in {first.file}:{first.line}"
                )
            nodes[criterion_id] = (area, node)
    return nodes, parameters, recommendations


def _criterion(
    criterion_id: str,
    area: str,
    node: Node,
    catalogue: conditions.Catalogue,
    provisions: dict[str, Provision],
    recommendations: dict[str, Recommendation],
) -> Criterion:
    fields = node.mapping(
        required=("title", "basis", "concerns", "uppfyllt", "reasoning"), optional=_CRITERION_KEYS
    )
    basis = fields["basis"].text_list()
    for index, provision in enumerate(basis):
        if provision not in provisions:
            item = (
                fields["basis"].sequence()[index]
                if isinstance(fields["basis"].value, list)
                else fields["basis"]
            )
            raise item.error(f"unknown provision {provision!r}{suggest(provision, provisions)}")
    statuses = STATUSES if "delvis" in fields else ("ej_uppfyllt", "uppfyllt")
    reasoning_fields = fields["reasoning"].mapping(required=statuses)
    recommendation = None
    if "recommendation" in fields:
        recommendation = fields["recommendation"].text()
        if recommendation not in recommendations:
            raise fields["recommendation"].error(
                f"unknown recommendation {recommendation!r}"
                f"{suggest(recommendation, recommendations)}"
            )
    recommend_when = ("ej_uppfyllt", "delvis")
    if "recommend_when" in fields:
        recommend_when = tuple(
            item.choice(STATUSES) for item in fields["recommend_when"].sequence()
        )
    return Criterion(
        id=criterion_id,
        title=fields["title"].text(),
        area=area,
        basis=basis,
        concerns=fields["concerns"].text_list(),
        uppfyllt=conditions.parse(fields["uppfyllt"], catalogue),
        delvis=conditions.parse(fields["delvis"], catalogue) if "delvis" in fields else None,
        reasoning={status: _template(reasoning_fields[status]) for status in statuses},
        recommendation=recommendation,
        recommend_when=recommend_when,
        aliases=fields["aliases"].text_list() if "aliases" in fields else (),
        file=node.file,
        line=node.line or 0,
        applies_when=conditions.parse(fields["applies_when"], catalogue)
        if "applies_when" in fields
        else None,
        om=fields["om"].text() if "om" in fields else "",
    )


# --- audits -------------------------------------------------------------------------
def _scale(node: Node) -> tuple[Grade, ...]:
    grades = []
    for item in node.sequence():
        entry = item.mapping(required=("id", "label"), optional=("colour",))
        grades.append(
            Grade(
                _id(entry["id"], PLAIN_ID, "grade"),
                entry["label"].text(),
                entry["colour"].text() if "colour" in entry else "",
            )
        )
    if len({grade.id for grade in grades}) != len(grades) or len(grades) < 2:
        raise node.error("a scale lists at least two grades with distinct ids, best first")
    return tuple(grades)


def _policy(node: Node, item_statuses: tuple[str, ...], grades: tuple[str, ...]) -> Policy:
    fields = node.mapping(required=("scores", "steps"))
    scores_fields = fields["scores"].mapping(required=item_statuses)
    scores = {status: float(scores_fields[status].number()) for status in item_statuses}
    steps = []
    for item in fields["steps"].sequence():
        entry = item.mapping(
            required=("grade",),
            optional=(
                "min_score",
                "essential_min_score",
                "essential_at_least",
                "all_at_least",
                "any_at_least",
            ),
        )
        steps.append(
            PolicyStep(
                grade=entry["grade"].choice(grades),
                **{
                    key: float(entry[key].number())
                    for key in ("min_score", "essential_min_score")
                    if key in entry
                },
                **{
                    key: entry[key].choice(item_statuses)
                    for key in ("essential_at_least", "all_at_least", "any_at_least")
                    if key in entry
                },
            )
        )
    if [step.grade for step in steps] != list(grades):
        raise fields["steps"].error(
            f"the policy has one step per grade, in the scale's order ({', '.join(grades)})"
        )
    last = steps[-1]
    if any(
        value is not None
        for value in (
            last.min_score,
            last.essential_min_score,
            last.essential_at_least,
            last.all_at_least,
            last.any_at_least,
        )
    ):
        raise fields["steps"].error("the last step (the lowest grade) requires nothing")
    return Policy(scores, tuple(steps))


def load_audit(
    path: Path,
    criteria: dict[str, Criterion],
    parameters: dict[str, Parameter],
    criterion_aliases: dict[str, str],
    patches: dict[str, AuditPatch] | None = None,
) -> Audit:
    root = _root(path)
    fields = root.mapping(
        required=(
            "id",
            "title",
            "syfte",
            "roles",
            "scale",
            "policy",
            "questions",
            "overall",
            "question_reasoning",
        ),
        optional=("description", "parameters", "followup", "lint", "recommend"),
    )
    roles = tuple(Role(role_id, node.text()) for role_id, node in fields["roles"].items())
    scale = _scale(fields["scale"])
    grade_ids = tuple(grade.id for grade in scale)
    patch = (patches or {}).get(fields["id"].value)
    questions = []
    question_nodes = fields["questions"].sequence()
    for item in patch.merged_questions(question_nodes) if patch else question_nodes:
        entry = item.mapping(required=("id", "text", "criteria"), optional=("title",))
        question_criteria = []
        for criterion_node in entry["criteria"].sequence():
            spec = criterion_node.mapping(required=("id",), optional=("weight", "essential"))
            criterion_id = spec["id"].text()
            criterion_id = criterion_aliases.get(criterion_id, criterion_id)
            if criterion_id not in criteria:
                raise spec["id"].error(
                    f"unknown criterion {criterion_id!r}{suggest(criterion_id, criteria)}"
                )
            weight = float(spec["weight"].number()) if "weight" in spec else 1.0
            if weight <= 0:
                raise spec["weight"].error("a weight is above 0")
            essential = spec["essential"].boolean() if "essential" in spec else False
            question_criteria.append(QuestionCriterion(criterion_id, weight, essential))
        questions.append(
            Question(
                _id(entry["id"], PLAIN_ID, "question"),
                entry["text"].text(),
                tuple(question_criteria),
                entry["title"].text() if "title" in entry else "",
            )
        )
    if len({question.id for question in questions}) != len(questions):
        raise fields["questions"].error("duplicate question id")
    overall = fields["overall"].mapping(required=("scale", "policy", "text"))
    overall_scale = _scale(overall["scale"])
    overall_policy = _policy(
        overall["policy"], grade_ids, tuple(grade.id for grade in overall_scale)
    )
    role_ids = {role.id for role in roles}
    for question in questions:
        for spec in question.criteria:
            for role in criteria[spec.criterion].concerns:
                if role not in role_ids:
                    raise fields["roles"].error(
                        f"criterion {spec.criterion} concerns role {role!r}, which this audit "
                        f"does not declare"
                    )
    overrides = {}
    for name, node in [
        *(fields["parameters"].items() if "parameters" in fields else ()),
        *(patch.parameters if patch else ()),
    ]:
        if name not in parameters:
            raise node.error(f"unknown parameter {name!r}{suggest(name, parameters)}")
        overrides[name] = parameter_value(node, parameters[name])
    followup = _followup(fields["followup"]) if "followup" in fields else None
    recommend = None
    if "recommend" in fields:
        rule = fields["recommend"].mapping(required=("per_question", "min_shortfall"))
        per_question = rule["per_question"].number()
        if per_question != int(per_question) or per_question < 1:
            raise rule["per_question"].error("a whole number of at least 1")
        recommend = RecommendationRule(int(per_question), float(rule["min_shortfall"].number()))
    return Audit(
        id=_id(fields["id"], PLAIN_ID, "audit"),
        title=fields["title"].text(),
        description=fields["description"].text() if "description" in fields else "",
        syfte=_template(fields["syfte"]),
        roles=roles,
        scale=scale,
        policy=_policy(fields["policy"], STATUSES, grade_ids),
        questions=tuple(questions),
        overall_scale=overall_scale,
        overall_policy=overall_policy,
        overall_text=_template(overall["text"]),
        question_reasoning=_template(fields["question_reasoning"]),
        recommend=recommend,
        parameters=overrides,
        file=str(path),
        followup=followup,
    )


def parameter_value(node: Node, parameter: Parameter) -> Any:
    """A value given for `parameter`: of its default's kind, a whole number where the
    default is one, finite, and within the parameter's `min` and `max`."""
    default, value = parameter.value, node.value
    numeric = isinstance(default, (int, float)) and not isinstance(default, bool)
    if numeric:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise node.error(f"expected a number like the default {default!r}, got {value!r}")
        if isinstance(default, int) and not isinstance(value, int):
            raise node.error(f"expected a whole number like the default {default!r}, got {value!r}")
        if not math.isfinite(value):
            raise node.error(f"expected a finite number, got {value!r}")
        low, high = parameter.minimum, parameter.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low}" if high is None else f"up to {high}"
            if low is not None and high is not None:
                bounds = f"from {low} to {high}"
            raise node.error(f"{parameter.id} takes a value {bounds}, got {value!r}")
    elif isinstance(default, bool) or type(value) is not type(default):
        raise node.error(f"expected a value like the default {default!r}, got {value!r}")
    return value


def _followup(node: Node) -> FollowUp:
    """The `followup:` section: how each followed-up recommendation is graded."""
    fields = node.mapping(required=("title", "text", "scale", "policy", "question_reasoning"))
    scale = _scale(fields["scale"])
    return FollowUp(
        title=fields["title"].text(),
        text=_template(fields["text"]),
        scale=scale,
        policy=_policy(fields["policy"], STATUSES, tuple(grade.id for grade in scale)),
        question_reasoning=_template(fields["question_reasoning"]),
    )


# --- the whole rule base ------------------------------------------------------------
def read_layer(
    directory: Path, vocabulary: Vocabulary, cited: dict[str, Source] | None = None
) -> Layer:
    """Sources, facts and criteria of a rules directory, or of an overlay (`cited` given:
    its sources.yaml is optional and may cite the shipped sources)."""
    sources, provisions = {}, {}
    if cited is None or (directory / "sources.yaml").is_file():
        sources, provisions = load_sources(directory / "sources.yaml", cited)
    return Layer(
        sources,
        provisions,
        *load_fact_files(directory / "facts", vocabulary),
        *load_criteria_files(directory / "criteria"),
    )


def load_rules(directory: Path | None = None, overlay: Path | None = None) -> RuleBase:
    """Load and validate a rules directory (the shipped one by default) and an overlay;
    the shipped rules alone come from the start-up cache (files.cache) when it holds
    them for the exact rule files and code of this run."""
    if directory is None and overlay is None:
        return _shipped_rules(default_rules_dir())
    return _load_rules(Path(directory) if directory is not None else default_rules_dir(), overlay)


def _shipped_rules(directory: Path) -> RuleBase:
    """The shipped rules, from the cache or loaded and then cached."""
    key = _cache_key(directory)
    stored = cache.read("rules", str(directory), key) if key else None
    if stored is not None:
        try:
            rules = pickle.loads(stored)
        except Exception:  # a corrupt entry, whatever the fault, is rebuilt
            rules = None
        if isinstance(rules, RuleBase):
            return rules
    rules = _load_rules(directory, None)
    if key and _cache_key(directory) == key:  # the files did not change while loading
        try:
            content = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        except RecursionError:  # too deeply nested to store: loaded each time
            return rules
        cache.write("rules", str(directory), key, content)
    return rules


def _cache_key(directory: Path) -> str | None:
    """The cache key of a rules directory; None when a file cannot be read (loading it
    says why)."""
    try:
        return cache.files_key(rule_files(directory), str(directory))
    except OSError:
        return None


def _load_rules(directory: Path, overlay: Path | None) -> RuleBase:
    if not (directory / "sources.yaml").is_file():
        raise GranskaError("not a rules directory (no sources.yaml)", str(directory))
    vocabulary = load_vocabulary(directory / "vocabulary.yaml")
    layer = read_layer(directory, vocabulary)
    version, patches, local = rules_version(directory), {}, None
    if overlay is not None:
        overlay = Path(overlay)
        layer, patches, local = apply_overlay(
            overlay,
            directory,
            layer,
            lambda path, cited: read_layer(path, vocabulary, cited),
            rules_version(overlay),
        )
        version = f"{version}+{local.version}"
    (
        sources,
        provisions,
        raw_facts,
        fact_aliases,
        areas,
        criterion_nodes,
        parameters,
        recommendations,
    ) = layer
    plain_facts = {fact_id: fact for fact_id, (fact, _node) in raw_facts.items()}
    catalogue = conditions.Catalogue(
        plain_facts,
        fact_aliases,
        {name: p.value for name, p in parameters.items()},
        vocabulary.underlag,
    )
    facts = {}
    for fact_id, (fact, node) in raw_facts.items():
        relevant = conditions.parse(node, catalogue) if node is not None else None
        facts[fact_id] = Fact(**{**fact.__dict__, "relevant_when": relevant})
    catalogue = conditions.Catalogue(facts, fact_aliases, catalogue.parameters, vocabulary.underlag)
    criteria = {
        criterion_id: _criterion(criterion_id, area, node, catalogue, provisions, recommendations)
        for criterion_id, (area, node) in criterion_nodes.items()
    }
    criterion_aliases = {alias: c.id for c in criteria.values() for alias in c.aliases}
    audits: dict[str, Audit] = {}
    for path in sorted((directory / "audits").glob("*.yaml")):
        audit = load_audit(path, criteria, parameters, criterion_aliases, patches)
        if audit.id in audits:
            raise GranskaError(
                f"duplicate audit id {audit.id!r}; also in {audits[audit.id].file}", str(path)
            )
        audits[audit.id] = audit
    return RuleBase(
        str(directory),
        version,
        vocabulary,
        sources,
        provisions,
        facts,
        fact_aliases,
        parameters,
        criteria,
        recommendations,
        audits,
        areas,
        overlay=local,
    )
