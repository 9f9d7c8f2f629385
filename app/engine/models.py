"""Typed content models: the single definition of every kind of content file.

The loader (``loader.py``) validates each YAML file against the model of its ``kind``;
``json_schemas`` exports the same models as JSON Schemas for editors.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Literal

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
    name: str | None = Field(default=None, min_length=3, max_length=40,
                             description="The practice in a few words, e.g. 'Intake criteria'.")
    text: str = Field(min_length=10)
    help: str = Field(min_length=10, description="Why this matters, in plain language.")
    weight: float = Field(default=1.0, gt=0, le=10)
    options: dict[int, str] = Field(
        description="One behaviourally anchored descriptor per level 1-5: what an organisation at that level does."
    )
    labels: dict[int, str] | None = Field(
        default=None,
        description="A short label of 2-5 words per level 1-5, for phone screens and reports.")

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

    @field_validator("labels")
    @classmethod
    def _short_label_per_level(cls, labels: dict[int, str] | None) -> dict[int, str] | None:
        if labels is None:
            return None
        if sorted(labels) != list(LEVELS):
            raise ValueError("labels need exactly levels 1 to 5")
        for lvl, text in labels.items():
            words = len(str(text).split())
            if not 2 <= words <= 5:
                raise ValueError(f"label {lvl} must be 2-5 words, not {words}: {text!r}")
        return {lvl: str(labels[lvl]).strip() for lvl in LEVELS}

    @property
    def short_name(self) -> str:
        """The practice in a few words: the content's name, else the id's slug."""
        return self.name or self.id.split(".", 1)[1].replace("_", " ").capitalize()

    def label(self, level: int) -> str:
        """The short label of a level: the content's own, else the option's first words."""
        if self.labels:
            return self.labels[level]
        return " ".join(self.options[level].split()[:5]).rstrip(",;:.")


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
        return self.memo("_question_index", lambda: {q.id: q for d in self.dimensions for q in d.questions})

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """What ``build`` derives from this (frozen) questionnaire, built once: lookups the engine
        reads on every assessment. The value is shared; callers must not change it."""
        cached = self.__dict__.get(key)
        if cached is None:
            cached = build()
            object.__setattr__(self, key, cached)
        return cached


# --------------------------------------------------------------------------
# Rules: which PMO model fits, pitfalls, what the PMO should own
# --------------------------------------------------------------------------

ModelId = Literal["supportive", "controlling", "directive", "federated"]
DimensionId = Literal["governance", "analytics", "facilitation", "tools", "leadership"]
RULE_ID = r"^[a-z][a-z0-9-]*$"


class Gate(Strict):
    """A condition a model needs before it can be recommended at all."""

    id: str = Field(pattern=RULE_ID)
    when: str = Field(min_length=1, description="rule-engine condition that must hold for the model to be eligible.")
    reason: str = Field(min_length=10, description="Shown when the condition does not hold: why the model is ruled out.")


class ModelDefinition(Strict):
    title: str = Field(min_length=1)
    summary: str = Field(min_length=20, description="What a PMO of this model does, in plain language.")
    target: dict[DimensionId, int] = Field(
        description="Default target level per capability area when this model is recommended.")
    requires: list[Gate] = Field(default_factory=list,
                                 description="Gates: every one must hold, or the model is ruled out.")

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
    reason: ClaimText = Field(min_length=1, description="One sentence; {fact.path} placeholders show the fact's "
                                                        "value; a claim where it states what the answers may not "
                                                        "bear out (doubted answers).")

    @field_validator("points")
    @classmethod
    def _points_in_range(cls, points: dict[str, int]) -> dict[str, int]:
        for model, value in points.items():
            if value == 0 or not -50 <= value <= 50:
                raise ValueError(f"points for {model} must be between -50 and 50 and not 0")
        return points


class Oversight(Strict):
    """The seed's hybrid: most work under the recommended model, a few programmes under another."""

    id: str = Field(pattern=RULE_ID)
    model: ModelId = Field(description="The model applied to the critical programmes.")
    when: str = Field(min_length=1, description="Condition; may read 'model', the recommended model.")
    title: str = Field(min_length=10, description="How the recommendation reads with it, after the model title.")
    text: str = Field(min_length=40, description="One paragraph: what it means and why; placeholders allowed.")


class Borrow(Strict):
    """A model a design takes a part from beside the recommended one: where the design uses it, the
    comparison says how and never calls it 'ruled out' (it may still be too much as the whole PMO)."""

    model: ModelId
    when: str | None = Field(default=None, description="Condition; may read 'model' and 'close_to'.")
    how: str = Field(min_length=10, description="What the design takes from the model, in a phrase: 'a named "
                                                "lead in each unit runs delivery oversight there'.")


class Design(Strict):
    """The PMO that fits, in the organisation's terms: a recommended model dressed for the case.

    The model id stays one of the four; the design says what the PMO is and does here (a part-time
    method owner, a lean portfolio office, hub and spoke...), and its label is what every format calls
    the recommendation, naming the models it borrows from. The first design whose models include the
    recommended one and whose condition holds is the one the result gives.
    """

    id: str = Field(pattern=RULE_ID)
    models: list[ModelId] = Field(min_length=1, description="The recommended models this design dresses.")
    when: str | None = Field(default=None, description="Condition; may read 'model' and 'close_to'.")
    title: ClaimText = Field(min_length=1, description="The design's name, as a client hears it; sentences may "
                                                       "carry the condition they state.")
    label: ClaimText | None = Field(
        default=None, min_length=1,
        description="The design's short name with the models it borrows from, as the comparison of models and "
                    "every format name the recommendation: 'Hub and spoke (federated, with a controlling "
                    "centre)'. Without one, the title is used.")
    borrows: list[Borrow] = Field(default_factory=list,
                                  description="Models besides the recommended one that the design takes a part "
                                              "from: never said to be ruled out beside it.")
    text: ClaimText = Field(min_length=1, description="What the PMO is and does here, in two or three "
                                                      "sentences; sentences may carry the condition they state.")
    why: ClaimText | None = Field(default=None, min_length=1,
                                  description="Why this design fits, said first under 'Why this design'; sentences "
                                              "may carry the condition they state.")
    hides: list[str] = Field(default_factory=list,
                             description="Ids of model rules whose reasons argue for what this design does not do "
                                         "(gates for a lean portfolio office): not said under 'Why this design'.")
    revisit: ClaimText | None = Field(
        default=None, min_length=1,
        description="When the design itself says to revisit the set-up ('Revisit the set-up when the portfolio "
                    "passes about fifteen projects.'): 'what would change' says this instead of its own threshold "
                    "on the facts in revisit_on.")
    revisit_on: list[str] = Field(default_factory=list,
                                  description="Fact paths whose change the design's revisit sentence speaks for "
                                              "(context.active_projects).")


class Focus(Strict):
    """A sentence on what this client needs most, said in whichever design is given, where it holds."""

    id: str = Field(pattern=RULE_ID)
    when: str = Field(min_length=1, description="What the sentence says about the organisation; may read 'design'.")
    text: str = Field(min_length=20, description="One sentence; {fact.path} placeholders show the answers it cites.")


class ModelRules(Strict):
    kind: Literal["model_rules"]
    base_fit: int = Field(default=50, ge=0, le=100, description="Points every model starts from.")
    hybrid_margin: int = Field(default=8, ge=0, le=50,
                               description="When the runner-up is this close to the top model, it is a close call.")
    fit_scale: float = Field(default=25, gt=0, le=100,
                             description="Points that move the fit from 50 to about 73 (the fit is a smooth "
                                         "0-100 curve of the points, so near ties stay near).")
    ruled_out_fit: int = Field(default=30, ge=0, le=100, description="The highest fit shown for a ruled-out model.")
    min_change: float = Field(default=0.25, gt=0, le=2,
                              description="Smallest score change worth reporting in 'what would change'.")
    tie_break: list[ModelId] = Field(description="On equal points the earlier model ranks first: lighter first.")
    models: dict[ModelId, ModelDefinition]
    oversight: list[Oversight] = Field(default_factory=list)
    designs: list[Design] = Field(default_factory=list,
                                  description="The PMO that fits, in the organisation's terms; first match wins.")
    focus: list[Focus] = Field(default_factory=list,
                               description="Sentences on what this client needs most, added to the design where "
                                           "their condition holds, in order.")
    max_focus: int = Field(default=3, ge=0, le=6, description="At most this many focus sentences per design.")
    levers: list[str] = Field(
        default_factory=list,
        description="The facts 'what would change the recommendation' may offer (answers.<id>, scores.<area>, "
                    "context.<key>): what a consultant lets decide the model (units, size, governance maturity, "
                    "sponsor, mandate, decision rights), never a tool or analytics score. Empty: every fact the "
                    "model rules read.")
    phrases: dict[str, str] = Field(
        default_factory=dict,
        description="How a change of each context key reads in 'what would change'; {to} and {from} are the "
                    "new and current values as people read them.")
    rules: list[ModelRule] = Field(min_length=1)

    @field_validator("models")
    @classmethod
    def _all_models(cls, models: dict[str, ModelDefinition]) -> dict[str, ModelDefinition]:
        missing = [m for m in MODELS if m not in models]
        if missing:
            raise ValueError("models must define " + ", ".join(missing))
        return models

    @field_validator("tie_break")
    @classmethod
    def _every_model_once(cls, order: list[str]) -> list[str]:
        if sorted(order) != sorted(MODELS):
            raise ValueError("tie_break must list each of " + ", ".join(MODELS) + " once")
        return order

    @field_validator("phrases")
    @classmethod
    def _known_context_keys(cls, phrases: dict[str, str]) -> dict[str, str]:
        for key, phrase in phrases.items():
            if key not in CONTEXT_KEYS:
                raise ValueError(f"phrases: {key!r} is not a context key")
            if "{to}" not in phrase or "{from}" not in phrase:
                raise ValueError(f"phrases.{key} must contain both {{to}} and {{from}}")
        return phrases


class Claim(Strict):
    """A sentence that states a fact about the organisation, with the condition it states.

    It is rendered only where ``when`` holds; otherwise ``else`` (its variant) is, or nothing.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)
    when: str = Field(min_length=1, description="rule-engine condition: what the sentence says about the organisation.")
    text: str = Field(min_length=1, description="The sentence, rendered where the condition holds.")
    otherwise: str | None = Field(default=None, alias="else",
                                  description="The variant rendered where the condition does not hold.")


# A text people read: one string, or sentences and claims joined with a space.
ClaimText = str | list[str | Claim]


class Precondition(Strict):
    when: str = Field(min_length=1, description="What must be true before the pitfall can exist at all.")
    text: str = Field(min_length=5, description="The precondition in plain words, e.g. 'a PMO exists'.")


class Variant(Strict):
    when: str = Field(min_length=1)
    why: ClaimText = Field(min_length=1)
    title: ClaimText | None = Field(default=None, min_length=1,
                              description="A title for the cases this variant picks out, when the pitfall's own "
                                          "title would not fit them.")
    severity: Literal["high", "medium", "low"] | None = Field(
        default=None, description="The severity of the cases this variant picks out, when it differs from the "
                                  "pitfall's own ('high_when' still raises it).")
    mitigation: ClaimText | None = Field(default=None, min_length=1,
                                         description="What to do in the cases this variant picks out, when the pitfall's "
                                               "own advice would not fit them.")


class SeverityCap(Strict):
    when: str = Field(min_length=1, description="Where the pitfall matters less, e.g. context.active_projects < 10.")
    severity: Literal["medium", "low"]
    text: str = Field(min_length=5, description="Why, in plain words: 'a portfolio of fewer than 10 projects'.")


class Pitfall(Strict):
    id: str = Field(pattern=RULE_ID)
    title: ClaimText = Field(min_length=1)
    severity: Literal["high", "medium", "low"]
    high_when: str | None = Field(default=None, description="When this holds too, the severity is high: "
                                                             "the evidence is at its worst or on the main pain.")
    pattern_when: str | None = Field(
        default=None, description="When this holds too, the answers show the pitfall as a strong contrast between "
                                  "what exists and what is used (reports nobody decides from, good tools nobody "
                                  "uses, a PMO teams do not ask): it is high and ranks first after the pain's own.")
    caps: list[SeverityCap] = Field(default_factory=list,
                                    description="Where a cap's condition holds (a small portfolio, say), the severity "
                                                "is at most its severity, whatever else holds; the first that holds.")
    requires: Precondition | None = Field(default=None, description="The precondition; checked before 'when'.")
    when: str = Field(min_length=1, description="The evidence of the problem.")
    why: ClaimText = Field(min_length=1, description="Why it matters; {fact.path} placeholders allowed.")
    variants: list[Variant] = Field(default_factory=list,
                                    description="Other explanations, each for the cases its condition picks out; "
                                                "the first that holds replaces 'why'.")
    mitigation: ClaimText = Field(min_length=1)
    mitigated_by: list[str] = Field(default_factory=list,
                                    description="Improvement ids that mitigate this pitfall, besides those whose "
                                                "own 'mitigates' names it.")
    holds: list[DimensionId] = Field(default_factory=list,
                                     description="Capability areas whose default target is not raised while this "
                                                 "pitfall stands (e.g. no more tooling before the process).")
    rests_on: list[str] = Field(
        default_factory=list,
        description="Question ids of the strengths the pitfall stands on (reports that go out, gates that exist): "
                    "where Check first doubts one of them as cited, the pitfall is low, never one of the three.")
    for_pain: bool = Field(default=False,
                           description="Said for the stated pain when none of the pain's own pitfalls is flagged "
                                       "by the answers (its condition reads pain_flagged): it is on the pain, it "
                                       "never counts as the pain flagged, and the pain's work is its mitigation.")


class RootCause(Strict):
    """A practice at its weakest that directly causes a stated pain: a pitfall on that pain, high."""

    id: str = Field(pattern=RULE_ID)
    pain: Literal["duplicate_work", "poor_forecasting", "weak_execution", "resource_conflicts",
                  "strategic_misalignment"]
    practice: str = Field(pattern=r"^[a-z]+\.[a-z0-9_]+$", description="The question id of the practice.")
    at_most: int = Field(default=1, ge=1, le=2, description="The practice is the cause at this level or lower.")
    when: str | None = Field(default=None, description="A further condition, e.g. the delivery style it needs.")
    title: ClaimText = Field(min_length=1)
    why: ClaimText = Field(min_length=1, description="Must cite the practice, e.g. {answers.governance.x}.")
    mitigation: ClaimText = Field(min_length=1)
    mitigated_by: list[str] = Field(default_factory=list, description="Improvement ids that work on the cause.")


class PitfallRules(Strict):
    kind: Literal["pitfalls"]
    pitfalls: list[Pitfall] = Field(min_length=1)
    root_causes: list[RootCause] = Field(
        default_factory=list,
        description="Pain -> the practices that directly cause it: each row is a pitfall on that pain, high, "
                    "where the practice is at its weakest.")


class OwnershipItem(Strict):
    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=1)
    when: str | None = Field(default=None, description="Condition; always applies when left out.")
    why: ClaimText = Field(min_length=1, description="{fact.path} placeholders allowed.")
    improvements: list[str] = Field(
        default_factory=list,
        description="own_first only: the work that starts this function, best first. When the function is named, "
                    "the roadmap starts the first of them the answers show is needed in its first two phases.")


PainId = Literal["duplicate_work", "poor_forecasting", "weak_execution", "resource_conflicts",
                 "strategic_misalignment"]


class Pain(Strict):
    """What working on a primary pain means: the function to own, the practices behind it, the work."""

    label: str = Field(min_length=3, description="The pain as people say it, e.g. 'duplicate work'.")
    function: str = Field(pattern=RULE_ID, description="The own_first id of the function that answers it.")
    questions: list[str] = Field(min_length=1, description="The questions whose answers show the pain.")
    improvements: list[str] = Field(min_length=1,
                                    description="Candidate improvements, best first; the weakest answers choose.")
    max_items: int = Field(default=3, ge=1, le=6)
    probe: ClaimText = Field(min_length=1, description="Shown when the answers contradict the stated pain.")
    pitfalls: list[str] = Field(default_factory=list,
                                description="The pitfalls on this pain: one of them present and high, or the "
                                            "result says why the answers disagree with the pain (check first).")
    ask: str | None = Field(default=None, min_length=20,
                            description="Check first: the question to ask in the room when the answers and the "
                                        "pain disagree.")
    would_change: ClaimText | None = Field(default=None, description="Check first: the advice that would change "
                                                                      "if the answers were lower.")
    causes: list[str] = Field(default_factory=list,
                              description="Questions whose weak answers are a likely cause of the pain when its "
                                          "own practices score well (e.g. scope change control behind forecasts).")


class OwnershipRules(Strict):
    kind: Literal["ownership"]
    max_own_first: int = Field(default=4, ge=1, le=10)
    own_first: list[OwnershipItem] = Field(min_length=1)
    dont_own: list[OwnershipItem] = Field(min_length=1)
    pains: dict[PainId, Pain] = Field(default_factory=dict)


class Check(Strict):
    """Check first: answers that disagree with each other or with the profile, to ask about in the room."""

    id: str = Field(pattern=RULE_ID)
    when: str = Field(min_length=1, description="The disagreement, as a condition over the facts.")
    text: ClaimText = Field(min_length=1, description="What disagrees, in the organisation's terms.")
    ask: ClaimText = Field(min_length=1, description="The question to ask in the room.")
    would_change: ClaimText = Field(min_length=1, description="Which advice would change if the answer were lower.")
    group: str | None = Field(default=None, pattern=RULE_ID,
                              description="Checks that ask about the same doubt: only the first that holds is shown.")
    pinned: bool = Field(default=False, description="Pitfalls point to it ('see Check first'): shown whenever it "
                                                    "holds, within max_shown, ahead of the checks not pinned.")


class Term(Strict):
    """Words that need a condition: 'units' need more than one unit, 'sprints' need agile work."""

    id: str = Field(pattern=RULE_ID)
    words: list[str] = Field(min_length=1, description="Regular expressions, matched case-insensitively on whole "
                                                       "words.")
    when: str = Field(min_length=1, description="What must hold for the words to fit the organisation.")
    needs: str = Field(min_length=5, description="The condition in plain words, for the content check's message.")


class CheckRules(Strict):
    kind: Literal["checks"]
    max_shown: int = Field(default=3, ge=1, le=10,
                           description="Check first shows at most this many, in file order (the disagreement with "
                                       "the pain first): order the checks by how much a wrong answer would change "
                                       "the advice.")
    checks: list[Check] = Field(min_length=1)


class TermRules(Strict):
    kind: Literal["terms"]
    terms: list[Term] = Field(min_length=1)


# --------------------------------------------------------------------------
# Roadmap: the improvement catalogue and the phases
# --------------------------------------------------------------------------

# The seed's sequence: mandate and sponsor, intake and decision rights, a portfolio view
# and reporting, standards designed with the people who use them, capacity, then tooling
# and optimisation.
THEMES: tuple[str, ...] = ("ownership", "intake", "reporting", "engagement", "standards", "capacity",
                           "tooling", "optimisation")
Theme = Literal["ownership", "intake", "reporting", "engagement", "standards", "capacity", "tooling",
                "optimisation"]
OwnerRole = Literal["CIO", "Executive sponsor", "PMO director", "PMO lead", "Portfolio analyst", "Programme manager",
                    "Project controller", "Delivery manager", "Finance partner", "Tooling lead",
                    "Operations lead", "Procurement lead"]
# A model, directive oversight, or a PMO design (rules/pmo-models.yaml designs) whose promises the item keeps.
SetupFor = Literal["supportive", "controlling", "directive", "federated", "directive-oversight",
                   "part-time-method-owner", "lean-portfolio-office", "investment-board-office", "hub-and-spoke",
                   "controlling-with-assurance", "service-first-office", "light-central-office", "capacity-office"]


class Lever(Strict):
    """Where its condition holds, an improvement is decisive here: it is planned, and dated by the phase
    given whatever the PMO's capacity (escalation thresholds behind weak delivery, supplier terms where
    vendors set the dates)."""

    when: str = Field(min_length=3, description="Condition on answers, context, model and design.")
    why: str = Field(min_length=10, description="The reason a reader sees, in plain words.")
    by: str = Field(default="first-90-days", pattern=RULE_ID,
                    description="The phase id it starts in at the latest (its prerequisites allowing).")
    pain: bool = Field(default=False, description="It works on the stated pain (the condition names the pain).")


class Improvement(Strict):
    id: str = Field(pattern=r"^[a-z]+\.[a-z0-9-]+$", description="'<dimension>.<slug>'; stable, never reused.")
    title: str = Field(min_length=10, description="An action, starting with a verb.")
    dimension: DimensionId
    raises: dict[str, int] = Field(
        min_length=1,
        description="The questions this improvement raises and the level it brings each to (2-5). It is "
                    "planned only while one of them is below its level; when all stand there, it is met.")
    theme: Theme = Field(description="Sequencing theme: ownership, intake and reporting come before optimisation.")
    in_place_at: dict[str, int] = Field(
        default_factory=dict,
        description="Other practices its title names, and the level at which each shows the work done: where any "
                    "stands there, the item is not planned, whatever it raises ('Take data straight from the teams' "
                    "own tools' where tool integration is at 3 or more).")
    requires: list[str] = Field(default_factory=list, description="Ids of improvements that must come first.")
    when: str | None = Field(default=None, description="Condition: the improvement only fits where it holds "
                                                       "(e.g. a PPM platform for a large portfolio).")
    setup_for: list[SetupFor] = Field(default_factory=list,
                                      description="Models (or directive oversight) this sets up.")
    defines: list[SetupFor] = Field(
        default_factory=list,
        description="The designs (or the oversight) whose defining set-up step this is, among its setup_for: "
                    "where one is recommended and the answers do not show the step in place, it starts in the "
                    "first 90 days, whatever the PMO's capacity (an investment board's chair and terms).")
    core_for: list[SetupFor] = Field(
        default_factory=list,
        description="The designs whose core this step is, among its setup_for: the first product, forum or set-up the "
                    "design's paragraph names (an investment board, its scoring and first stop decision; a light "
                    "centre's unit contacts and register). Where one is recommended and the answers show the step "
                    "needed, it starts with the first work, in the first 90 days where their seven starts hold it "
                    "and else in the next phase, whatever the PMO's capacity, after what it needs.")
    levers: list[Lever] = Field(default_factory=list,
                                description="Where a lever's condition holds, the item is planned and dated by "
                                            "its phase, whatever the PMO's capacity.")
    not_early_when: str | None = Field(
        default=None, description="Condition: where it holds, the item never starts in the first 90 days and is not "
                                  "the pain's first work (starter templates and document sets for agile-only teams).")
    waits_when: str | None = Field(
        default=None, description="Condition: where it holds, the item is not planned yet, whatever the PMO's room: "
                                  "Check first doubts what it stands on (dashboards, feeds and automation over "
                                  "tools and reports answered beyond their ground), and it waits for that answer.")
    started_after: list[str] = Field(
        default_factory=list,
        description="Improvements that, when planned, start no later than this one: listening, co-design and "
                    "pilots shape a standard's rollout and are pointless after it.")
    setup_only: bool = Field(default=False, description="Planned only as the set-up of its models (a structure "
                                                        "such as local PMO leads), never for a target alone.")
    verifies: list[PainId] = Field(
        default_factory=list,
        description="The pains whose answers this step tests with evidence (Check first made a step): where the "
                    "answers show a pain's own practices in place and the plan has no other work on it, this is its "
                    "first work, in the first 90 days. It raises nothing until the evidence shows the real level, "
                    "so it is never planned for its practices.")
    early: bool = Field(default=False, description="Shapes the changes that follow it (co-design, pilots): when "
                                                   "planned, it starts with the first work, not after the rollout.")
    effort_weeks: float = Field(gt=0, le=100, description="Person-weeks of work for a medium organisation.")
    duration_weeks: int = Field(gt=0, le=52, description="Calendar weeks from start to finish.")
    owner: OwnerRole
    deliverables: list[str] = Field(min_length=1)
    metric: str = Field(min_length=10, description="How success is measured.")
    mitigates: list[str] = Field(default_factory=list, description="Ids of pitfalls this improvement addresses.")
    relieves: list[str] = Field(
        default_factory=list,
        description="Ids of pitfalls (also in 'mitigates') whose burden this improvement cuts: gates, documents "
                    "or controls that weigh more than they help. When one fires at high severity the cut comes "
                    "first, in the first two phases, whatever its level: removing work needs no foundations and "
                    "earns the trust the rest of the plan needs.")
    description: str = Field(min_length=20, description="What is done, in plain language.")

    @field_validator("raises", "in_place_at")
    @classmethod
    def _raise_levels(cls, raises: dict[str, int]) -> dict[str, int]:
        for question, level in raises.items():
            if level not in (2, 3, 4, 5):
                raise ValueError(f"{question} is raised to {level}; an improvement raises a practice to 2, 3, 4 or 5")
        return raises

    @model_validator(mode="after")
    def _id_matches_dimension(self) -> "Improvement":
        if self.id.split(".", 1)[0] != self.dimension:
            raise ValueError(f"id {self.id!r} must start with {self.dimension + '.'!r}")
        return self

    @functools.cached_property
    def to_level(self) -> int:
        """The highest level it brings any of its practices to (the model is frozen: worked out once)."""
        return max(self.raises.values())


class ImprovementCatalogue(Strict):
    kind: Literal["improvements"]
    items: list[Improvement] = Field(min_length=1)


class Phase(Strict):
    id: str = Field(pattern=RULE_ID)
    title: str = Field(min_length=1)
    start_month: int = Field(ge=0)
    end_month: int = Field(gt=0)
    max_items: int | None = Field(default=None, ge=1, description="Improvements that may start in this phase.")


SizeId = Literal["small", "medium", "large", "enterprise"]


class Capacity(Strict):
    improvement_share: float = Field(
        default=0.5, gt=0, le=1, description="Share of PMO people's time that goes to improvement work.")
    default_people: dict[SizeId, int] = Field(description="PMO people available, when not given, by org_size.")
    effort_scale: dict[SizeId, float] = Field(description="Effort multiplier by org_size (medium is 1).")
    absorb_scale: dict[SizeId, float] = Field(
        description="How many changes an organisation absorbs at once, by org_size: scales each phase's max_items.")
    new_pmo_people: int = Field(default=2, ge=1, description="At most this many people by default where there is "
                                                              "no PMO yet: a new PMO starts small.")
    start_share: float = Field(
        default=0.5, gt=0, le=1, description="A new or informal PMO starts at about this share of the size the "
                                             "rule of thumb gives for its portfolio (never below its default).")
    staff_per_project: float = Field(
        default=3.0, gt=0, description="People on the work supported per active project, for sizing an "
                                       "established PMO whose size is not given.")
    staff_ceiling: dict[SizeId, int] = Field(
        default={"small": 50, "medium": 250, "large": 1000, "enterprise": 10000},
        description="At most this many people supported, by org_size (the top of its IT staff band).")
    staff_fit: tuple[float, float] = Field(
        default=(0.2, 2 / 3), description="PMO people = a * N ** b for N people supported (a published fit of "
                                          "P3O-style guides): the default for an established PMO, when larger "
                                          "than the default for the organisation's size.")
    assurance_share: float = Field(
        default=0.25, ge=0, le=1, description="A PMO for regulated or high-risk work is about this share larger "
                                             "than its portfolio alone needs: evidence auditors follow, risk "
                                             "tiers, health checks on the top tier.")
    changes_per_person: int = Field(
        default=8, ge=1, description="Changes a PMO leads per person over the planned phases, alongside running "
                                     "it; beyond them work waits, not planned yet (a handful of things done well).")
    absorb_changes: dict[SizeId, int] = Field(
        default={"small": 10, "medium": 16, "large": 20, "enterprise": 24},
        description="At most this many changes start over the planned phases, by org_size, whatever the PMO's size: "
                    "an organisation takes on only so many beside its running projects.")
    targets_from_projects: int = Field(
        default=10, ge=0, description="Below this many active projects, an area's target alone pulls in no work: a "
                                      "small portfolio fixes what hurts, what is weak and what its model needs.")

    @field_validator("default_people", "effort_scale", "absorb_scale", "staff_ceiling", "absorb_changes")
    @classmethod
    def _every_size(cls, values: dict) -> dict:
        missing = [s for s in CONTEXT_KEYS["org_size"]["values"] if s not in values]
        if missing:
            raise ValueError("needs a value for " + ", ".join(missing))
        return values


class RoleMap(Strict):
    up_to_people: int = Field(ge=1, description="Applies to PMOs of at most this many people.")
    map: dict[OwnerRole, OwnerRole] = Field(description="Catalogue role -> the role that holds it at this size.")


class Targets(Strict):
    """How far a default area target reaches: never further than the plan can credibly take an area."""

    reach: int = Field(default=2, ge=1, le=4, description="A default target is at most this many levels above the "
                                                           "area's level today (18 months of work).")
    by_design: dict[SetupFor, dict[DimensionId, int]] = Field(
        default_factory=dict,
        description="Per PMO design, the highest default target of an area: a light centre or a lean office sets no "
                    "gates, so its governance target stays at 3 whatever the model's profile.")


class PhasePlan(Strict):
    kind: Literal["phases"]
    max_items: int = Field(default=6, ge=1, description="Default limit of improvements started per phase.")
    capacity: Capacity
    roles: list[RoleMap] = Field(default_factory=list, description="Smallest PMO first.")
    role_words: dict[OwnerRole, str] = Field(
        default_factory=dict,
        description="How a role reads to the client, where the catalogue's role name is not true of every "
                    "organisation (a law firm or a council has no CIO): one table, used for every owner shown.")
    phases: list[Phase] = Field(min_length=1)
    targets: Targets = Field(default_factory=Targets, description="How far default area targets reach.")


# Which model validates each ``kind`` of content file.
KIND_MODELS: dict[str, type[Strict]] = {
    "questionnaire": Questionnaire,
    "model_rules": ModelRules,
    "pitfalls": PitfallRules,
    "ownership": OwnershipRules,
    "checks": CheckRules,
    "terms": TermRules,
    "improvements": ImprovementCatalogue,
    "phases": PhasePlan,
}


def json_schemas() -> dict[str, dict]:
    """Return the JSON Schema of every content kind, for editors."""
    return {kind: model.model_json_schema() for kind, model in KIND_MODELS.items()}
