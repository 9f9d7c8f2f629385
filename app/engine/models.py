"""Typed content models: the single definition of every kind of content file.

The loader (``loader.py``) validates each YAML file against the model of its ``kind``;
``json_schemas`` exports the same models as JSON Schemas for editors.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .vocabulary import CONTEXT_KEYS, DIMENSIONS, LEVELS, MODELS

SLUG = r"^[a-z][a-z0-9_-]*$"
QUESTION_ID = r"^[a-z]+\.[a-z0-9_]+$"


class Strict(BaseModel):
    """Base for content models: unknown keys are errors, strings stay strings."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------
# Questionnaire
# --------------------------------------------------------------------------


class LevelDefinition(Strict):
    level: int = Field(ge=1, le=5)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1, description="The sentence users see for this level.")


class Question(Strict):
    id: str = Field(pattern=QUESTION_ID, description="Stable id: '<dimension>.<slug>'. Never reused.")
    text: str = Field(min_length=10)
    help: str = Field(min_length=10, description="Why this matters, in plain language.")
    weight: float = Field(default=1.0, gt=0, le=10)
    options: dict[int, str] = Field(
        description="One behaviourally anchored descriptor per level 1-5: what an organisation at that level does."
    )

    @field_validator("options")
    @classmethod
    def _one_option_per_level(cls, options: dict[int, str]) -> dict[int, str]:
        missing = [lvl for lvl in LEVELS if lvl not in options]
        extra = [lvl for lvl in options if lvl not in LEVELS]
        if missing or extra:
            parts = []
            if missing:
                parts.append("missing level " + ", ".join(map(str, missing)))
            if extra:
                parts.append("unknown level " + ", ".join(map(str, extra)))
            raise ValueError("options need exactly levels 1 to 5: " + "; ".join(parts))
        for lvl, text in options.items():
            if not isinstance(text, str) or len(text.strip()) < 10:
                raise ValueError(f"option {lvl} must describe what the organisation does (at least 10 characters)")
        return {lvl: options[lvl].strip() for lvl in LEVELS}


class Dimension(Strict):
    id: Literal["governance", "analytics", "facilitation", "tools", "leadership"]
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0, le=10)
    questions: list[Question] = Field(min_length=1)


class Choice(Strict):
    value: str
    label: str = Field(min_length=1)


class ContextField(Strict):
    key: str
    label: str = Field(min_length=1)
    help: str = Field(min_length=1)
    type: Literal["choice", "integer", "boolean"]
    choices: list[Choice] | None = None
    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _matches_vocabulary(self) -> "ContextField":
        spec = CONTEXT_KEYS.get(self.key)
        if spec is None:
            raise ValueError(f"unknown context key {self.key!r}; expected one of {', '.join(CONTEXT_KEYS)}")
        if self.type != spec["type"]:
            raise ValueError(f"context key {self.key!r} must have type {spec['type']!r}")
        if spec["type"] == "choice":
            values = tuple(c.value for c in self.choices or ())
            if values != spec["values"]:
                raise ValueError(
                    f"context key {self.key!r} must offer exactly {', '.join(spec['values'])} in that order"
                )
        elif self.choices:
            raise ValueError(f"context key {self.key!r} is not a choice and takes no choices")
        if spec["type"] == "integer" and self.min is not None and self.min < spec["min"]:
            raise ValueError(f"context key {self.key!r} cannot go below {spec['min']}")
        return self


class Questionnaire(Strict):
    kind: Literal["questionnaire"]
    id: str = Field(pattern=SLUG)
    version: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    levels: list[LevelDefinition]
    dimensions: list[Dimension]
    context: list[ContextField]

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: list[LevelDefinition]) -> list[LevelDefinition]:
        if [lv.level for lv in levels] != list(LEVELS):
            raise ValueError("levels must define 1, 2, 3, 4 and 5 in order")
        return levels

    @field_validator("dimensions")
    @classmethod
    def _five_dimensions(cls, dims: list[Dimension]) -> list[Dimension]:
        if [d.id for d in dims] != list(DIMENSIONS):
            raise ValueError("dimensions must be " + ", ".join(DIMENSIONS) + " in that order")
        return dims

    @field_validator("context")
    @classmethod
    def _all_context_keys(cls, fields: list[ContextField]) -> list[ContextField]:
        keys = [f.key for f in fields]
        missing = [k for k in CONTEXT_KEYS if k not in keys]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if missing:
            raise ValueError("context is missing " + ", ".join(missing))
        if dupes:
            raise ValueError("context repeats " + ", ".join(dupes))
        return fields

    # -- lookups used by the engine and the adapters -------------------------

    def question(self, question_id: str) -> Question | None:
        return self._questions().get(question_id)

    def questions(self) -> list[Question]:
        return list(self._questions().values())

    def dimension_of(self, question_id: str) -> str:
        return question_id.split(".", 1)[0]

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def context_field(self, key: str) -> ContextField:
        return next(f for f in self.context if f.key == key)

    def level_definition(self, level: int) -> LevelDefinition:
        return self.levels[level - 1]

    def _questions(self) -> dict[str, Question]:
        cached = self.__dict__.get("_question_index")
        if cached is None:
            cached = {q.id: q for d in self.dimensions for q in d.questions}
            object.__setattr__(self, "_question_index", cached)
        return cached


# --------------------------------------------------------------------------
# Rules: which PMO model fits, pitfalls, what the PMO should own
# --------------------------------------------------------------------------

ModelId = Literal["supportive", "controlling", "directive", "federated"]
DimensionId = Literal["governance", "analytics", "facilitation", "tools", "leadership"]
RULE_ID = r"^[a-z][a-z0-9-]*$"


class ModelDefinition(Strict):
    title: str = Field(min_length=1)
    summary: str = Field(min_length=20, description="What a PMO of this model does, in plain language.")
    target: dict[DimensionId, int] = Field(
        description="Default target level per capability area when this model is recommended.")

    @field_validator("target")
    @classmethod
    def _target_levels(cls, target: dict[str, int]) -> dict[str, int]:
        missing = [d for d in DIMENSIONS if d not in target]
        if missing:
            raise ValueError("target needs a level for " + ", ".join(missing))
        bad = [f"{d}={v}" for d, v in target.items() if v not in LEVELS]
        if bad:
            raise ValueError("target levels must be 1-5: " + ", ".join(bad))
        return {d: target[d] for d in DIMENSIONS}


class ModelRule(Strict):
    id: str = Field(pattern=RULE_ID)
    when: str = Field(min_length=1, description="rule-engine condition over the facts.")
    points: dict[ModelId, int] = Field(min_length=1, description="Points added (or taken, if negative) per model.")
    reason: str = Field(min_length=10, description="One sentence; {fact.path} placeholders show the fact's value.")

    @field_validator("points")
    @classmethod
    def _points_in_range(cls, points: dict[str, int]) -> dict[str, int]:
        for model, value in points.items():
            if value == 0 or not -50 <= value <= 50:
                raise ValueError(f"points for {model} must be between -50 and 50 and not 0")
        return points


class ModelRules(Strict):
    kind: Literal["model_rules"]
    base_fit: int = Field(default=50, ge=0, le=100, description="Fit every model starts from.")
    hybrid_margin: int = Field(default=8, ge=0, le=50,
                               description="When the runner-up is this close to the top model, report a hybrid.")
    models: dict[ModelId, ModelDefinition]
    rules: list[ModelRule] = Field(min_length=1)

    @field_validator("models")
    @classmethod
    def _all_models(cls, models: dict[str, ModelDefinition]) -> dict[str, ModelDefinition]:
        missing = [m for m in MODELS if m not in models]
        if missing:
            raise ValueError("models must define " + ", ".join(missing))
        return models


class Pitfall(Strict):
    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=1)
    severity: Literal["high", "medium", "low"]
    when: str = Field(min_length=1)
    why: str = Field(min_length=20, description="Why it matters; {fact.path} placeholders allowed.")
    mitigation: str = Field(min_length=20)


class PitfallRules(Strict):
    kind: Literal["pitfalls"]
    pitfalls: list[Pitfall] = Field(min_length=1)


class OwnershipItem(Strict):
    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=1)
    when: str | None = Field(default=None, description="Condition; always applies when left out.")
    why: str = Field(min_length=10, description="{fact.path} placeholders allowed.")


class OwnershipRules(Strict):
    kind: Literal["ownership"]
    max_own_first: int = Field(default=4, ge=1, le=10)
    own_first: list[OwnershipItem] = Field(min_length=1)
    dont_own: list[OwnershipItem] = Field(min_length=1)


# --------------------------------------------------------------------------
# Roadmap: the improvement catalogue and the phases
# --------------------------------------------------------------------------

THEMES: tuple[str, ...] = ("ownership", "intake", "reporting", "standards", "capacity", "engagement",
                           "tooling", "optimisation")
Theme = Literal["ownership", "intake", "reporting", "standards", "capacity", "engagement", "tooling",
                "optimisation"]
OwnerRole = Literal["Executive sponsor", "PMO director", "Portfolio analyst", "Programme manager",
                    "Project controller", "PMO lead", "Delivery manager", "Finance partner", "Tooling lead"]


class Improvement(Strict):
    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9-]+$", description="'<dimension>.<slug>'; stable, never reused.")
    title: str = Field(min_length=10, description="An action, starting with a verb.")
    dimension: DimensionId
    to_level: int = Field(description="The level this improvement lifts its dimension to (2-5).")
    theme: Theme = Field(description="Sequencing theme: ownership, intake and reporting come before optimisation.")
    requires: list[str] = Field(default_factory=list, description="Ids of improvements that must come first.")
    effort_weeks: float = Field(gt=0, le=100, description="Person-weeks of work.")
    duration_weeks: int = Field(gt=0, le=52, description="Calendar weeks from start to finish.")
    owner: OwnerRole
    deliverables: list[str] = Field(min_length=1)
    metric: str = Field(min_length=10, description="How success is measured.")
    mitigates: list[str] = Field(default_factory=list, description="Ids of pitfalls this improvement addresses.")
    description: str = Field(min_length=20, description="What is done, in plain language.")

    @field_validator("to_level")
    @classmethod
    def _to_level(cls, level: int) -> int:
        if level not in (2, 3, 4, 5):
            raise ValueError(f"to_level must be 2, 3, 4 or 5 (an improvement lifts a level), not {level}")
        return level

    @model_validator(mode="after")
    def _id_matches_dimension(self) -> "Improvement":
        if self.id.split(".", 1)[0] != self.dimension:
            raise ValueError(f"id {self.id!r} must start with {self.dimension + '.'!r}")
        return self


class ImprovementCatalogue(Strict):
    kind: Literal["improvements"]
    items: list[Improvement] = Field(min_length=1)


class Phase(Strict):
    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=1)
    start_month: int = Field(ge=0)
    end_month: int = Field(gt=0)
    max_items: int | None = Field(default=None, ge=1, description="Improvements that may start in this phase.")
    max_person_weeks: float | None = Field(default=None, gt=0, description="Effort that may start in this phase.")


class PhasePlan(Strict):
    kind: Literal["phases"]
    max_items: int = Field(default=6, ge=1, description="Default limit of improvements started per phase.")
    max_person_weeks: float = Field(default=40, gt=0, description="Default limit of effort started per phase.")
    phases: list[Phase] = Field(min_length=1)



# Which model validates each ``kind`` of content file.
KIND_MODELS: dict[str, type[Strict]] = {
    "questionnaire": Questionnaire,
    "model_rules": ModelRules,
    "pitfalls": PitfallRules,
    "ownership": OwnershipRules,
    "improvements": ImprovementCatalogue,
    "phases": PhasePlan,
}


def json_schemas() -> dict[str, dict]:
    """Return the JSON Schema of every content kind, for editors."""
    return {kind: model.model_json_schema() for kind, model in KIND_MODELS.items()}
