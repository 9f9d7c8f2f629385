"""The pydantic models the API validates its input with and describes its output by.

Input models forbid unknown fields (422, never ignored); numbers that are levels or ids are
strict integers, so true, "3" or "²" are refused. The OpenAPI description is generated from
these models (openapi.py); nothing is written twice.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...engine.progress import PROGRESS_STATUSES
from ...engine.result_model import Result  # noqa: F401  (the API answers with it)
from ...engine.names import NAME_PATTERN
from ...engine.vocabulary import DIMENSIONS

Id = Annotated[int, Field(strict=True, ge=1, le=2**63 - 1)]
Limit = Annotated[int, Field(strict=True, ge=1, le=200, description="Rows per page (1-200, default 50).")]
Cursor = Annotated[str, Field(max_length=64, description="The `next` value of the previous page.")]
# A name that is not only spaces (whitespace is collapsed before it is kept).
Name = Annotated[str, Field(min_length=1, max_length=120, pattern=NAME_PATTERN)]
Dimension = Literal[DIMENSIONS]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --------------------------------------------------------------------------
# Errors and pages
# --------------------------------------------------------------------------


class ErrorDetail(Output):
    code: str = Field(description="A stable, machine-readable code such as not_found or invalid.")
    message: str = Field(description="What went wrong, in a sentence for people.")
    field: str | None = Field(None, description="The field or parameter at fault, as a dotted path.")
    incident: str | None = Field(None, description="Give this to the administrator (server errors only).")


class Error(Output):
    """Every error of the API has this shape."""

    error: ErrorDetail


class PageQuery(Input):
    limit: Limit = 50
    cursor: Cursor | None = None


class FilteredQuery(PageQuery):
    period: Annotated[str, Field(max_length=20, description="Only this period, e.g. 2026-Q4.")] | None = None
    unit: Annotated[Id, Field(description="Only this unit's rows.")] | None = None


# --------------------------------------------------------------------------
# Organisations and units
# --------------------------------------------------------------------------


class Organisation(Output):
    id: int
    name: str
    role: Literal["owner", "member"] = Field(description="Your role in it.")
    created_at: str


class OrganisationPage(Output):
    items: list[Organisation]
    next: str | None = Field(description="The cursor of the next page; null on the last page.")


class NewOrganisation(Input):
    name: Name


class Rename(Input):
    name: Name


class Unit(Output):
    id: int
    name: str


class UnitPage(Output):
    items: list[Unit]
    next: str | None


class NewUnit(Input):
    name: Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]


class UnitRename(Input):
    name: Annotated[str, Field(min_length=1, max_length=80, pattern=NAME_PATTERN)]


# --------------------------------------------------------------------------
# Assessments
# --------------------------------------------------------------------------


class Assessment(Output):
    id: int
    title: str
    kind: Literal["self", "workshop"]
    status: Literal["open", "closed"]
    period: str | None
    assessed_on: str | None
    unit_id: int | None
    unit_name: str | None
    created_at: str
    closed_at: str | None
    questionnaire_version: str
    snapshots: int = Field(description="How many results were frozen (re-scoring adds one).")


class AssessmentPage(Output):
    items: list[Assessment]
    next: str | None


class AssessmentQuery(FilteredQuery):
    status: Literal["open", "closed"] | None = None


class ExportQuery(Input):
    format: Literal["pdf", "xlsx", "pptx"]
    start: Annotated[date, Field(description="Roadmap start date (default today).")] | None = None


class Submitted(Output):
    assessment_id: int
    status: Literal["closed"]
    snapshot_id: int


# --------------------------------------------------------------------------
# Roadmap progress
# --------------------------------------------------------------------------


class ProgressQuery(Input):
    unit: Annotated[Id, Field(description="A unit's roadmap instead of the organisation's.")] | None = None


ProgressStatus = Literal[PROGRESS_STATUSES]


class Regression(BaseModel):
    from_: float = Field(alias="from", description="The area's score at the assessment before.")
    to: float = Field(description="Its score now.")


class ProgressItem(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    title: str
    dimension: str
    phase: str
    status: ProgressStatus
    due_on: str | None
    done_on: str | None
    owner_name: str
    note: str
    planned_start: str | None
    planned_end: str | None
    overdue: bool
    regression: Regression | None = Field(description="Set when the area fell back: the item is planned again.")


class ProgressPhase(BaseModel):
    """A phase of the roadmap with how far its improvements got (its items are in Progress.items)."""

    model_config = ConfigDict(extra="allow")
    id: str
    title: str
    start_month: int
    end_month: int | None
    start_date: str | None = None
    end_date: str | None = None
    counts: dict[ProgressStatus, int]
    total: int
    planned_start: str | None
    planned_end: str | None
    overdue: int
    percent_done: int | None


class Progress(Output):
    assessment_id: int | None = Field(description="The latest assessment the roadmap comes from (null before any).")
    unit_id: int | None
    done: int
    dropped: int
    overdue: int = Field(description="Improvements past their due date (or planned end) and not done or dropped.")
    total: int
    items: list[ProgressItem]
    phases: list[ProgressPhase]


class ProgressChange(Input):
    item_id: Annotated[str, Field(min_length=1, max_length=80)]
    status: ProgressStatus
    due_on: date | None = None
    done_on: date | None = None
    owner: Annotated[str, Field(max_length=80)] = ""
    note: Annotated[str, Field(max_length=200, description="One line; a dropped improvement needs its reason here.")] = ""


class ProgressUpdate(Input):
    """Changes to apply together: all of them, or none when one is refused."""

    unit_id: Id | None = None
    items: Annotated[list[ProgressChange], Field(min_length=1, max_length=200)]


# --------------------------------------------------------------------------
# Workshops
# --------------------------------------------------------------------------


class Workshop(Output):
    id: int
    title: str
    mode: Literal["anonymous", "named"]
    status: Literal["open", "closed"]
    revealed: bool
    roles: list[str]
    assessment_id: int
    period: str | None = Field(description="The period its assessment counts for, e.g. 2026-Q4.")
    unit_id: int | None = Field(description="The unit it assesses (null for the whole organisation).")
    join_code: str
    created_at: str
    closed_at: str | None


class WorkshopPage(Output):
    items: list[Workshop]
    next: str | None


class Band(Output):
    """The respondents' scores of one capability area."""

    median: float | None
    min: float | None
    max: float | None
    respondents: int


class Consensus(BaseModel):
    model_config = ConfigDict(extra="allow")
    level: int = Field(ge=1, le=5, description="The level the room agreed on.")
    note: str | None


class Discussion(Output):
    """One question, ranked by how much the room disagrees."""

    question: str
    dimension: Dimension
    text: str
    median: float | None
    iqr: float | None
    stdev: float | None
    spread: int | None
    answered: int
    dont_know: int
    consensus: Consensus | None = Field(description="What the room agreed on, once recorded.")


class RoleMedians(Output):
    respondents: int
    medians: dict[Dimension, float | None]


class WorkshopSummary(Output):
    """The room as it stands: aggregates only, never a person's answers."""

    status: Literal["open", "closed"]
    revealed: bool
    counts: dict[Literal["joined", "in_progress", "submitted", "not_started"], int]
    band: dict[Dimension, Band]
    discussion: list[Discussion]
    roles: dict[str, RoleMedians] = Field(description="Per role with enough people, the medians per area.")


# --------------------------------------------------------------------------
# History, for BI tools
# --------------------------------------------------------------------------


class HistoryRow(Output):
    """One closed assessment as a flat row: what the dashboard's trends are drawn from."""

    assessment_id: int
    title: str
    period: str
    assessed_on: str
    unit_id: int | None
    unit_name: str | None
    kind: Literal["self", "workshop"]
    overall: float | None
    overall_label: str | None
    overall_change: float | None = Field(description="Change since the previous assessment of the same scope.")
    scores: dict[Dimension, float | None]
    changes: dict[Dimension, float | None]
    target: dict[str, int]
    model: str | None
    hybrid_with: str | None
    design: str | None = Field(None, description="The recommended design as every page names it, with the "
                                                 "models it borrows from ('Hub and spoke (a controlling centre, "
                                                 "with federated unit leads)'); null when no model was recommended.")
    pitfalls: list[str]
    evidence_share: float | None = Field(description="The share of its answers shown by evidence, 0-1 (null for "
                                                     "results frozen before evidence was kept).")
    evidence_shares: dict[Dimension, float | None] = Field(description="The share shown by evidence per area.")
    questionnaire_version: str
    content_hash: str
    scored_at: str


class HistoryPage(Output):
    items: list[HistoryRow]
    next: str | None


class Option(Output):
    level: int = Field(ge=1, le=5)
    text: str


class QuestionShown(Output):
    id: str
    text: str
    help: str
    weight: float
    options: list[Option]


class DimensionShown(Output):
    id: Dimension
    title: str
    description: str
    weight: float
    questions: list[QuestionShown]


class LevelShown(Output):
    level: int = Field(ge=1, le=5)
    name: str
    description: str


class ChoiceShown(Output):
    value: str
    label: str


class ContextShown(Output):
    key: str
    label: str
    help: str
    type: Literal["choice", "integer", "boolean"]
    values: list[str] | None = None
    choices: list[ChoiceShown] | None = None
    min: int | None = None
    max: int | None = None


class Questionnaire(BaseModel):
    """The questionnaire, as `flask questionnaire show --format json` prints it."""

    model_config = ConfigDict(extra="allow")
    id: str
    version: str
    title: str
    levels: list[LevelShown]
    dimensions: list[DimensionShown]
    context: list[ContextShown]

