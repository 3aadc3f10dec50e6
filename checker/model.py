"""The model: frozen dataclasses for sources, facts, criteria, audits, cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

STATUSES = ("ej_uppfyllt", "delvis", "uppfyllt")  # worst to best
NOT_ASSESSED = "ej_granskat"
NOT_APPLICABLE = "ej_tillampligt"  # a criterion whose `applies_when` does not hold
RANKED = (*STATUSES, NOT_APPLICABLE)  # the status ranks of checker.bounds.tables


@dataclass(frozen=True)
class Count:
    """A count of a total, such as 9 of 16 files."""

    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0


@dataclass(frozen=True)
class Citation:
    """One provision of one source, with its own validity."""

    source: str
    ref: str
    verified: bool
    valid_from: date | None = None
    valid_to: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    short: str
    kind: str
    valid_from: date | None
    valid_to: date | None
    status: str = "gällande"
    file: str = ""
    line: int = 0
    note: str = ""  # shown once wherever the source is cited
    notes: tuple[DatedNote, ...] = ()  # shown when in force during the case's period


@dataclass(frozen=True)
class DatedNote:
    """A note on a source that holds from or until a date (a repealed law it refers to)."""

    text: str
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class Provision:
    """A topic cited by criteria, with its wording in each source that has it."""

    id: str
    text: str
    citations: tuple[Citation, ...]
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Fact:
    id: str
    type: str
    title: str
    question: str
    help: str
    area: str
    recipient: str
    established_by: str  # dokument, intervju, aktgranskning or statistik
    documents: tuple[str, ...] = ()  # keys of the vocabulary's documents
    planned: bool = False  # a date fact that may lie after the granskningsdatum
    better: Any = None  # True/False, 'higher'/'lower', 'later'/'earlier', or enum order
    values: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (enum value, how it is shown)
    relevant_when: Any = None  # a condition (conditions.Condition)
    aliases: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def label(self, value: str) -> str:
        """How an enum value is shown: its label, else the id with spaces."""
        return dict(self.labels).get(value, value.replace("_", " "))


@dataclass(frozen=True)
class Parameter:
    id: str
    value: Any
    description: str
    basis: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    unit: str = ""  # what the value counts, e.g. dagar, år, andel av akterna
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Recommendation:
    id: str
    text: str
    addressed_to: tuple[str, ...]
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    area: str
    basis: tuple[str, ...]  # provision ids
    concerns: tuple[str, ...]  # role ids
    uppfyllt: Any  # condition
    delvis: Any  # condition or None
    reasoning: dict[str, str]
    recommendation: str | None = None
    recommend_when: tuple[str, ...] = ("ej_uppfyllt", "delvis")
    aliases: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    applies_when: Any = None  # condition; when it does not hold the criterion leaves the score
    om: str = ""  # the criterion as a clause after "om" ("om riktlinjerna är aktuella")


@dataclass(frozen=True)
class QuestionCriterion:
    criterion: str
    weight: float = 1.0
    essential: bool = False


@dataclass(frozen=True)
class Grade:
    id: str
    label: str
    colour: str = ""


@dataclass(frozen=True)
class PolicyStep:
    """One grade of a verdict policy and what it requires; the first met wins."""

    grade: str
    min_score: float | None = None
    essential_min_score: float | None = None  # the weighted mean over the essential items
    essential_at_least: str | None = None
    all_at_least: str | None = None
    any_at_least: str | None = None


@dataclass(frozen=True)
class Policy:
    """Maps the statuses of items (criteria or questions) to a grade."""

    scores: dict[str, float]
    steps: tuple[PolicyStep, ...]


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    criteria: tuple[QuestionCriterion, ...]
    title: str = ""


@dataclass(frozen=True)
class FollowUp:
    """How a follow-up audit grades each earlier recommendation it follows up."""

    title: str
    text: str  # jinja2: the question asked about one followed-up recommendation
    scale: tuple[Grade, ...]  # best first
    policy: Policy  # statuses of the criteria judging a recommendation -> grade
    question_reasoning: str


@dataclass(frozen=True)
class Role:
    id: str
    title: str


@dataclass(frozen=True)
class RecommendationRule:
    """Which unmet criteria of a question give recommendations (docs/verdict-standard.md):
    its unmet object criteria and those costing it at least `min_shortfall` of score
    weight, at most `per_question` recommendations, none at the scale's top grade."""

    per_question: int
    min_shortfall: float


@dataclass(frozen=True)
class Audit:
    id: str
    title: str
    syfte: str
    roles: tuple[Role, ...]
    scale: tuple[Grade, ...]  # best first
    policy: Policy
    questions: tuple[Question, ...]
    overall_scale: tuple[Grade, ...]
    overall_policy: Policy
    overall_text: str
    question_reasoning: str
    parameters: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    followup: FollowUp | None = None
    description: str = ""  # one line telling a kommun what the template covers
    recommend: RecommendationRule | None = None  # None: every unmet criterion's


@dataclass(frozen=True)
class Vocabulary:
    """Words users see that belong to no single rule: labels, disclaimer, defaults."""

    status_labels: dict[str, str]
    underlag: tuple[str, ...]
    documentary_underlag: tuple[str, ...]
    recipients: dict[str, str]
    outcome_measures: dict[str, dict[str, Any]]
    established_by: dict[str, str]
    documents: dict[str, str]
    boolean_labels: dict[bool, str]
    unknown_label: str
    unknown_reasoning: str
    not_assessed_reasoning: str
    not_applicable_reasoning: str
    disclaimer: str
    headings: dict[str, str]
    self_evaluation: dict[str, str] = field(default_factory=dict)  # jinja2 texts
    # "nämnden" or "nämnderna": how reasoning names the case's nämnder, by their number
    namnd_forms: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Deviation:
    """One difference a local overlay makes to the shipped rules."""

    kind: str  # source, provision, fact, parameter, recommendation, criterion, question
    id: str  # a question's id is AUDIT/QUESTION
    change: str  # added or changed
    title: str
    file: str
    line: int
    before: Any = None  # a parameter's shipped value
    after: Any = None  # a parameter's value in the overlay


@dataclass(frozen=True)
class Overlay:
    """A local overlay: one uppdrag's additions to and overrides of the shipped rules."""

    directory: str
    uppdrag: str
    description: str
    version: str
    deviations: tuple[Deviation, ...]

    def as_json(self) -> dict:
        """The `overlay` field of the JSON contract."""
        return {
            "directory": self.directory,
            "uppdrag": self.uppdrag,
            "beskrivning": self.description,
            "version": self.version,
            "deviations": [
                {
                    "kind": d.kind,
                    "id": d.id,
                    "change": d.change,
                    "title": d.title,
                    "file": d.file,
                    "line": d.line,
                    "before": d.before,
                    "after": d.after,
                }
                for d in self.deviations
            ],
        }


@dataclass(frozen=True)
class RuleBase:
    """Everything loaded from one rules directory (and a local overlay, if any)."""

    directory: str
    version: str
    vocabulary: Vocabulary
    sources: dict[str, Source]
    provisions: dict[str, Provision]
    facts: dict[str, Fact]
    fact_aliases: dict[str, str]
    parameters: dict[str, Parameter]
    criteria: dict[str, Criterion]
    recommendations: dict[str, Recommendation]
    audits: dict[str, Audit]
    areas: dict[str, str]
    overlay: Overlay | None = None


@dataclass(frozen=True)
class Claim:
    """What the kommun stated about a fact, kept beside the auditor's finding."""

    value: Any  # None when stated as unknown (vet ej)
    källa: str = ""
    underlag: str = ""


@dataclass(frozen=True)
class CaseFact:
    id: str
    value: Any  # None when stated as unknown (vet ej)
    källa: str = ""
    underlag: str = ""
    line: int = 0
    iakttagelse: str = ""  # the kommun's or the auditor's own words, quoted by reports
    claim: Claim | None = None  # the kommun's statement, where the auditor's finding differs

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Namnd:
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class FollowedUp:
    """An earlier recommendation that a follow-up case follows up."""

    id: str
    text: str  # the original wording
    recommendation: str | None  # its id in the rule catalogue, when it has one
    criteria: tuple[QuestionCriterion, ...]  # the criteria that judge it
    källa: str = ""


@dataclass(frozen=True)
class Interview:
    """Whom the auditors met: a function, and the nämnd it serves where the case says so."""

    funktion: str
    nämnd: str = ""


@dataclass(frozen=True)
class OutcomeMeasure:
    """A measure of outcome a case gives as background: its value one year, with the
    comparisons the case gives (riket, similar kommuner)."""

    measure: str  # a key of the vocabulary's outcome_measures
    year: int
    value: float
    riket: float | None = None
    liknande: float | None = None
    källa: str = ""


@dataclass(frozen=True)
class ReportContext:
    """What a case says for the report's Inledning: diarienummer, Bakgrund, Avgränsning, Metod."""

    diarienummer: str = ""
    bakgrund: str = ""
    avgränsning: str = ""
    dokument: tuple[str, ...] = ()
    intervjuer: tuple[Interview, ...] = ()
    utfall: tuple[OutcomeMeasure, ...] = ()


@dataclass(frozen=True)
class Case:
    file: str
    kommun: str
    period_from: date
    period_to: date
    granskningsdatum: date
    namnder: tuple[Namnd, ...]
    audit: str
    parameters: dict[str, Any]
    facts: dict[str, CaseFact]
    not_assessed: dict[str, str]
    expected: Any = None
    followup: tuple[FollowedUp, ...] = ()
    local_criteria: tuple[str, ...] = ()  # the uppdrag's lokala revisionskriterier
    report: ReportContext = ReportContext()
