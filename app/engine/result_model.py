"""The shape of a result, as pydantic models: what `run_assessment` returns, described once.

The engine builds its result as plain dicts (fast, JSON-ready); these models say what is in them,
so the API description, and every client generated from it, has typed models end to end
(tests/test_api_types.py checks a sample of real results against them, key by key). A model
keeps keys it does not declare (``extra="allow"``): a result frozen by a later version still reads.
Keys added to a result after DESIGN.md's contract (summary, check first, importance, ...) are
optional here, because results frozen before them lack them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .evidence import CONFIDENCES
from .vocabulary import DIMENSIONS, IMPORTANCE_LEVELS, MODELS

Dimension = Literal[DIMENSIONS]
Model = Literal[MODELS]
ImportanceLevel = Literal[IMPORTANCE_LEVELS]
# The value of one fact a rule read (an answer, a score, a context field or a derived fact).
Fact = str | int | float | bool | None
Evidence = Annotated[dict[str, Fact], Field(description="Each fact the rule read, by name, with its value.")]


class Part(BaseModel):
    model_config = ConfigDict(extra="allow")


class Claim(Part):
    when: str = Field(description="The condition the sentence states, as a rule expression.")
    holds: bool
    template: str


class QuestionnaireRef(Part):
    id: str
    version: str
    title: str | None = None
    dimensions: dict[Dimension, str] | None = Field(None, description="Each capability area's title.")
    questions: dict[str, str] | None = Field(None, description="Each question's text, by question id.")
    names: dict[str, str] | None = Field(None, description="Each practice's short name, by question id.")
    labels: dict[str, dict[str, str]] | None = Field(
        None, description="Each question's short label per level ('1'-'5'), by question id.")
    context: dict[str, ContextLabels] | None = Field(None, description="Each context field's question and choices.")


class ContextLabels(Part):
    label: str
    choices: dict[str, str]


class DimensionScore(Part):
    score: float | None = Field(description="1.0-5.0; null when too few questions were answered.")
    level: int | None
    level_text: str | None = None
    answered: int
    dont_know: int | None = None
    total: int
    insufficient: bool | None = None


class Overall(Part):
    score: float | None
    level: int | None
    level_text: str | None = None
    label: str | None
    description: str | None = None
    left_out: list[str] | None = None


class LowQuestion(Part):
    id: str
    dimension: Dimension
    text: str
    level: int
    current: str
    next_level: int | None
    next: str | None
    priority: int | None = Field(None, description="Its gap to the area's target (levels) × its importance weight.")


class Highlights(Part):
    strongest: Dimension | None
    weakest: Dimension | None
    lowest_questions: list[LowQuestion]


class Reason(Part):
    rule: str
    text: str
    evidence: Evidence
    points: int | None = None
    cites: Evidence | None = Field(None, description="The facts among the evidence that make the rule hold (those "
                                                     "without which it would not): what the comparison cites.")


class Ranking(Part):
    model: Model
    title: str | None = None
    fit: int = Field(ge=0, le=100)
    points: int | None = None
    eligible: bool | None = None
    ruled_out: list[Reason] = []
    reasons: list[Reason]
    in_design: str | None = Field(None, description="Its part in the recommended design: 'recommended' for the "
                                                    "model the design dresses, else what the design takes from it "
                                                    "(then it is never said to be ruled out), or null.")


class RuleChange(Part):
    rule: str
    applies_after: bool


class WhatWouldChange(Part):
    kind: str
    fact: str
    from_: float | int | None = Field(alias="from")
    to: float | int | None
    model: Model
    instead_of: Model | None = None
    text: str
    fits_after: dict[Model, int] = {}
    rules_changed: list[RuleChange] = []


class CloseOn(Part):
    fact: str
    from_: float | int | None = Field(alias="from")
    to: float | int | None
    model: Model


class Oversight(Part):
    id: str
    model: Model
    title: str
    model_title: str | None = None
    text: str
    evidence: Evidence


class Borrowed(Part):
    model: Model
    how: str = Field(description="What the design takes from the model, in a phrase.")


class Design(Part):
    id: str
    model: Model
    title: str
    label: str | None = Field(None, description="The design's short name with the models it borrows from: what "
                                                "every format calls the recommendation.")
    borrows: list[Borrowed] = Field([], description="Models besides the recommended one the design takes a part "
                                                    "from (never ruled out beside it).")
    text: str
    claims: list[Claim] = []
    evidence: Evidence
    why: str | None = None
    hides: list[str] = []
    revisit: str = Field("", description="The design's own threshold for revisiting the set-up, said in 'what "
                                         "would change' instead of another threshold on the same facts.")
    revisit_on: list[str] = Field([], description="The facts the revisit sentence speaks for.")


class DesignReason(Part):
    rule: str
    text: str
    evidence: Evidence


class Recommendation(Part):
    model: Model
    hybrid_with: Model | None
    ranking: list[Ranking]
    what_would_change: list[WhatWouldChange]
    title: str | None = None
    summary: str | None = None
    close_call: bool | None = None
    hybrid_margin: int | None = None
    oversight: Oversight | None = None
    close_on: CloseOn | None = None
    design: Design | None = None
    why: list[DesignReason] = []


class Function(Part):
    id: str
    title: str
    why: str
    evidence: Evidence
    claims: list[Claim] = []


class PainNote(Part):
    pain: str
    text: str
    evidence: Evidence


class Ownership(Part):
    own_first: list[Function]
    dont_own: list[Function]
    named: list[Function] = []
    pain_note: PainNote | None = None
    holder: str | None = Field(None, description="Who owns these, as the headings say it: 'the PMO', or 'the role' "
                                                 "for a part-time design that is not a PMO.")


class PitfallResult(Part):
    id: str
    title: str
    severity: Literal["high", "medium", "low"]
    why: str
    evidence: Evidence
    mitigation: str
    roadmap_items: list[str]
    precondition: str | None = None
    holds: list[str] = []
    on_pain: bool | None = None
    for_pain: bool | None = Field(default=None, description="Said for the stated pain because none of the pain's "
                                                            "own pitfalls is shown by the answers.")
    pain_pitfall: bool | None = Field(default=None, description="The pitfall that is the stated pain (one per "
                                                                "result): ranked first among the high ones.")
    pattern: bool | None = Field(default=None, description="The answers show it as a strong contrast between what "
                                                           "exists and what is used: high, ranked after the pain's.")
    capped: bool | None = Field(default=None, description="Its severity is held down by the portfolio's scale.")
    doubted_by: str | None = Field(default=None, description="The Check first item that doubts an answer it stands "
                                                            "on: it is low, never one of the three.")
    severity_note: str | None = Field(default=None, description="Why it reads below the severity its rules give.")
    claims: list[Claim] = []
    other_items: list[str] = []
    plan_note: str | None = None


class CheckFirst(Part):
    id: str
    text: str
    ask: str | None = None
    would_change: str | None = None
    pain: str | None = None
    cause_questions: list[str] = []
    evidence: Evidence = {}
    doubts: list[str] = Field(default=[], description="The answers it questions: those its text cites at level 3 "
                                                      "or more.")
    claims: list[Claim] = []


class Raise(Part):
    question: str
    name: str
    from_: int | None = Field(alias="from")
    to: int
    from_label: str | None
    to_label: str


class RoadmapItem(Part):
    id: str
    title: str
    dimension: Dimension
    to_level: int
    requires: list[str]
    shapes: list[str] = Field([], description="Planned work it shapes and so starts no later than.")
    reason: str
    raises: list[Raise] = []
    drivers: list[str] = []
    outside_cap: bool | None = None
    reasons: list[str] = []
    theme: str | None = None
    owner: str | None = None
    owner_role: str | None = None
    owner_name: str | None = None
    effort_weeks: float | None = None
    duration_weeks: float | None = None
    start_week: float | None = None
    end_week: float | None = None
    started_early: bool | None = Field(None, description="Started in the first 90 days and listed in the phase "
                                                         "where it lands, after them.")
    start_date: str | None = None
    end_date: str | None = None
    deliverables: list[str] = []
    metric: str | None = None
    mitigates: list[str] = []
    relieves: list[str] = []
    setup_for: list[str] = []
    verifies: list[str] = Field([], description="The pains whose answers this step tests with evidence (a Check "
                                                "first question made a step); it raises no practice.")
    description: str | None = None
    priority: float | None = Field(None, description="Its area's gap to the target × the importance of what "
                                                     "it raises (low 1, normal 2, high 3).")


class RoadmapPhase(Part):
    id: str
    title: str
    start_month: int
    end_month: int | None
    items: list[RoadmapItem]
    start_date: str | None = None
    end_date: str | None = None
    more: int | None = None
    note: str | None = None
    why: str | None = Field(None, description="Why the phase holds what it holds, in a sentence.")


class Capacity(Part):
    pmo_people: int | float
    source: str
    changes: int | None = None
    improvement_share: float | None = None
    effort_scale: float | None = None
    range: list[int] | None = Field(None, description="The PMO size that fits the portfolio: fewest and most people.")
    part_time: bool | None = Field(None, description="Whether the PMO is a part-time role rather than a team.")
    projects: int | None = Field(None, description="The active projects the size was worked out for.")
    first_starts: int | None = Field(None, description="How many changes start in the first 90 days beyond the "
                                                       "pain's first work, the mandate and sponsor and decisive steps.")
    full_range: list[int] | None = Field(None, description="Where a new or informal PMO starts at about half: "
                                                           "the size its portfolio needs, fewest and most people.")
    assured: bool | None = Field(None, description="Whether the size counts regulated or high-risk work's assurance.")
    hub_only: bool | None = Field(None, description="Whether the PMO is a light centre sized for its register, "
                                                    "minimum and forum rather than by the projects the units run.")


class PainPlan(Part):
    id: str
    label: str
    function: str | None = None
    items: list[str] = []
    phase: str | None = None
    in_place: bool | None = None
    causes: list[str] = []
    first: list[str] = []
    lead: str | None = Field(None, description="The pain's first own item: it starts in the first 90 days, with "
                                               "what it needs, whatever else.")


class DefiningStep(Part):
    id: str
    title: str
    for_: str = Field(alias="for", description="The design, model or oversight it defines.")
    phase: str | None = Field(None, description="The phase it starts in; none when it is in place already.")
    in_place: str | None = Field(None, description="Why it is not planned: the answers that show it in place.")


class Roadmap(Part):
    target: dict[Dimension, int]
    phases: list[RoadmapPhase]
    current: dict[Dimension, int | None] | None = None
    start_date: str | None = None
    capacity: Capacity | None = None
    roles: list[str] = []
    items: int | None = Field(None, description="How many improvements the plan holds.")
    person_weeks: float | None = None
    pain: PainPlan | None = None
    first_work: list[str] = Field([], description="The pain's first work and the decisive steps, with what they "
                                                  "need: each starts as soon as it can.")
    defining: list[DefiningStep] = Field([], description="The defining set-up step of the design that fits.")
    message: str | None = None
    target_source: str | None = None
    target_why: dict[Dimension, str] = Field({}, description="Why an area's target keeps it where it stands, in a "
                                                           "few words, where the level alone does not say.")


class SummaryOverall(Part):
    label: str | None
    level: int | None
    score: float | None
    text: str


class SummaryDesign(Part):
    model: Model
    title: str
    label: str | None = Field(None, description="The design's short name with the models it borrows from.")
    text: str
    oversight: SummaryOversight | None = None


class SummaryOversight(Part):
    title: str
    text: str


class SummaryPain(Part):
    id: str
    label: str
    questions: list[str] = []


class SummaryPitfall(Part):
    id: str
    title: str
    severity: Literal["high", "medium", "low"]
    mitigation: str
    on_pain: bool | None = None
    pattern: bool | None = Field(default=None, description="The answers show it as a strong contrast: ranked "
                                                           "after the pain's own pitfall, before the others.")


class SummaryStep(Part):
    id: str
    title: str
    when: str | None = None
    why: str | None = None
    owner: str | None = None
    owner_name: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    start_week: float | None = None
    end_week: float | None = None


class SummaryCheck(Part):
    text: str
    ask: str | None = None
    would_change: str | None = None


class SummaryPlan(Part):
    text: str
    changes: int | None = None
    months: int | None = None
    waiting: int | None = None
    why: str | None = None


class Summary(Part):
    """The story every format prints first (engine/summary.py)."""

    situation: list[str]
    overall: SummaryOverall | None = None
    design: SummaryDesign | None = None
    pain: SummaryPain | None = None
    pitfalls: list[SummaryPitfall] = []
    first_90_days: list[SummaryStep] = []
    landing_later: list[SummaryStep] = Field([], description="What cannot wait, started in the first 90 days, "
                                                             "that lands after them.")
    check_first: list[SummaryCheck] = []
    plan: SummaryPlan | None = None


class AnswerEvidence(Part):
    evidence: str = Field(description="What shows the level: a short note.")
    reference: str = Field(description="A document name or a link, kept as text and never fetched.")
    confidence: Literal[CONFIDENCES] = Field(  # type: ignore[valid-type]
        description="evidence (shown by evidence), judgement (our judgement, the default) or guess (a guess).")


class CoverageCount(Part):
    answered: int = Field(description="Answers given (don't know left out).")
    shown: int = Field(description="Of those, answers shown by evidence.")
    guesses: int = Field(description="Of those, answers that are a guess.")
    share: float | None = Field(description="The share shown by evidence, 0-1 (null: nothing answered).")


class EvidenceCoverage(Part):
    areas: dict[Dimension, CoverageCount]
    overall: CoverageCount


class AreaImportance(Part):
    level: ImportanceLevel
    source: Literal["set", "pain", "default"] = Field(
        description="set by the organisation, high because the stated pain shows in it, or normal by default.")
    gap: float | None = Field(None, description="The target minus the score (never below 0); null when unscored.")
    priority: float | None = Field(None, description="The gap × the importance weight (low 1, normal 2, high 3).")


class PracticeImportance(Part):
    level: ImportanceLevel
    source: Literal["set", "pain"]


class Importance(Part):
    """How much each area (and each rated practice) matters, and the priority that gives its gap."""

    areas: dict[Dimension, AreaImportance]
    practices: dict[str, PracticeImportance] = Field(description="Practices rated on their own, by question id.")


class PlanChoices(Part):
    start_date: str | None = None
    pmo_people: int | None = None
    owners: dict[str, str] | None = Field(None, description="A person's name for each role.")
    importance: dict[str, ImportanceLevel] | None = Field(
        None, description="Importance set per capability area or practice (question id).")


class Result(Part):
    """A result: the same JSON as `flask assess --format json` (DESIGN.md lists its keys)."""

    questionnaire: QuestionnaireRef
    scores: dict[Dimension, DimensionScore]
    overall: Overall
    recommendation: Recommendation
    pitfalls: list[PitfallResult]
    roadmap: Roadmap
    content: dict[str, str] | None = Field(None, description="The content's hash the result was computed with.")
    context: dict[str, str | int | bool | None] | None = Field(None, description="The profile, by context key.")
    answers: dict[str, int | None] | None = Field(None, description="Each answer's level (null: don't know).")
    evidence: dict[str, AnswerEvidence] | None = Field(
        None, description="Each answer's evidence, reference and confidence, under its question id.")
    evidence_coverage: EvidenceCoverage | None = Field(
        None, description="Per capability area and overall, how many answers are shown by evidence.")
    highlights: Highlights | None = None
    importance: Importance | None = None
    ownership: Ownership | None = None
    check_first: list[CheckFirst] = []
    plan: PlanChoices | None = Field(None, description="The planning choices.")
    warnings: list[str] = []
    summary: Summary | None = None
    notes: dict[str, str] | None = Field(None, description="Notes per capability area or question.")


for _model in list(globals().values()):
    if isinstance(_model, type) and issubclass(_model, BaseModel) and _model is not BaseModel:
        _model.model_rebuild()
