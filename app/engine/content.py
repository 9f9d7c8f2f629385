"""Typed content models and the loader that validates every YAML file.

Loading runs two passes: each file against the pydantic model of its ``kind``,
then cross-file checks. Every problem is collected with its file, line and
path before one ``ContentError`` is raised.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ContentError
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


def check_questionnaire(q: Questionnaire, where: "Located") -> None:
    """Cross checks inside one questionnaire: ids unique and prefixed by their dimension."""
    seen: dict[str, str] = {}
    for di, dim in enumerate(q.dimensions):
        for qi, question in enumerate(dim.questions):
            path = ("dimensions", di, "questions", qi, "id")
            prefix = question.id.split(".", 1)[0]
            if prefix != dim.id:
                where.problem(path, f"question id {question.id!r} must start with {dim.id + '.'!r}")
            if question.id in seen:
                where.problem(path, f"question id {question.id!r} is used twice (also in {seen[question.id]})")
            seen[question.id] = dim.id


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


# --------------------------------------------------------------------------
# Loader
# --------------------------------------------------------------------------

# Which kinds each content folder may hold, and the model of each kind.
KIND_MODELS: dict[str, type[Strict]] = {
    "questionnaire": Questionnaire,
    "model_rules": ModelRules,
    "pitfalls": PitfallRules,
    "ownership": OwnershipRules,
    "improvements": ImprovementCatalogue,
    "phases": PhasePlan,
}
FOLDER_KINDS: dict[str, tuple[str, ...]] = {
    "questionnaires": ("questionnaire",),
    "rules": ("model_rules", "pitfalls", "ownership"),
    "roadmaps": ("improvements", "phases"),
}
# Kinds of which there is exactly one file.
SINGLE_KINDS: tuple[str, ...] = ("model_rules", "pitfalls", "ownership", "phases")


@dataclass
class Located:
    """One parsed file: its display name, its YAML node tree, and the shared problem list."""

    name: str
    node: Any
    problems: list[tuple[str, str, str]]

    def problem(self, loc: tuple, reason: str) -> None:
        self.problems.append((self.name + _line_suffix(self.node, loc), format_path(loc), reason))


@dataclass(frozen=True)
class Content:
    """All validated content, with the version and hash results are computed with."""

    questionnaires: dict[str, Questionnaire]
    hash: str
    files: tuple[str, ...] = ()
    rulebook: Any = None  # rulebook.Rulebook: compiled rules, or None when rules/ is empty
    roadmap: Any = None  # roadmap.RoadmapContent: catalogue and phases, or None when roadmaps/ is empty

    @property
    def default_questionnaire(self) -> Questionnaire:
        if "pmo-maturity" in self.questionnaires:
            return self.questionnaires["pmo-maturity"]
        return next(iter(self.questionnaires.values()))

    def questionnaire(self, questionnaire_id: str | None) -> Questionnaire:
        from .errors import UnknownQuestionnaire

        if questionnaire_id is None:
            return self.default_questionnaire
        try:
            return self.questionnaires[questionnaire_id]
        except KeyError:
            known = ", ".join(sorted(self.questionnaires))
            raise UnknownQuestionnaire(f"unknown questionnaire {questionnaire_id!r} (known: {known})") from None


def format_path(loc: tuple) -> str:
    """Render a pydantic location tuple as ``dimensions[0].questions[3].options``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_suffix(node: Any, loc: tuple) -> str:
    """Return ``:LINE`` of the deepest YAML node that ``loc`` reaches (its key, for mappings), or ''."""
    marker = node
    for part in loc:
        key, value = _child(node, part)
        if value is None:
            break
        marker, node = (key if key is not None else value), value
    if marker is None or not hasattr(marker, "start_mark"):
        return ""
    return f":{marker.start_mark.line + 1}"


def _child(node: Any, part: Any) -> tuple[Any, Any]:
    """Return (key node or None, value node) of ``part`` inside ``node``, or (None, None)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return key, value
        return None, None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None, None


def _duplicate_keys(node: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Find mapping keys given twice (safe_load would silently keep the last)."""
    found = []
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key, value in node.value:
            if key.value in seen:
                found.append((path + (key.value,), key))
            seen.add(key.value)
            found.extend(_duplicate_keys(value, path + (key.value,)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found.extend(_duplicate_keys(item, path + (i,)))
    return found


def _validation_reason(err: dict) -> str:
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        msg = "unknown key (not allowed here)"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return msg


def parse_file(path: Path, name: str, problems: list) -> tuple[Any, Any] | None:
    """Read one YAML file with safe_load; return (data, node tree) or record why not."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append((name, "", f"cannot read file: {exc}"))
        return None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problems.append((name + where, "", f"invalid YAML: {getattr(exc, 'problem', None) or exc}"))
        return None
    for loc, key in _duplicate_keys(node):
        problems.append((f"{name}:{key.start_mark.line + 1}", format_path(loc), "key given twice"))
    return data, node


def validate_document(data: Any, located: Located, allowed: tuple[str, ...]) -> tuple[str, Strict] | None:
    """Validate one parsed document against the model of its ``kind``."""
    if not isinstance(data, dict):
        located.problem((), "expected a mapping at the top of the file")
        return None
    kind = data.get("kind")
    if kind not in allowed:
        expected = ", ".join(allowed) if allowed else "nothing (this folder takes no files yet)"
        located.problem(("kind",), f"kind {kind!r} is not allowed here; expected {expected}")
        return None
    try:
        return kind, KIND_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            located.problem(tuple(err["loc"]), _validation_reason(err))
        return None


def content_hash(files: list[tuple[str, bytes]]) -> str:
    """Hash file names and bytes, in name order, so results can say what they were computed with."""
    digest = hashlib.sha256()
    for name, data in sorted(files):
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def load_content(root: Path | str) -> Content:
    """Load and validate every content file under ``root``; raise ContentError listing every problem."""
    root = Path(root)
    problems: list[tuple[str, str, str]] = []
    documents: dict[str, list[tuple[Strict, Located]]] = {kind: [] for kind in KIND_MODELS}
    raw_files: list[tuple[str, bytes]] = []
    for folder, allowed in FOLDER_KINDS.items():
        directory = root / folder
        if not directory.is_dir():
            if folder == "questionnaires":
                problems.append((folder + "/", "", "folder is missing"))
            continue
        for path in sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml")):
            name = f"{folder}/{path.name}"
            parsed = parse_file(path, name, problems)
            if parsed is None:
                continue
            raw_files.append((name, path.read_bytes()))
            data, node = parsed
            located = Located(name, node, problems)
            validated = validate_document(data, located, allowed)
            if validated is not None:
                kind, model = validated
                documents[kind].append((model, located))

    questionnaires: dict[str, Questionnaire] = {}
    for q, located in documents["questionnaire"]:
        check_questionnaire(q, located)
        if q.id in questionnaires:
            located.problem(("id",), f"questionnaire id {q.id!r} is defined twice")
        questionnaires[q.id] = q
    if not questionnaires and not any(p[0].startswith("questionnaires") for p in problems):
        problems.append(("questionnaires/", "", "no questionnaire found"))

    for kind in SINGLE_KINDS:
        for _model, located in documents[kind][1:]:
            first = documents[kind][0][1].name
            located.problem(("kind",), f"only one {kind} file is allowed; {first} is one already")

    rulebook = None
    default = questionnaires.get("pmo-maturity") or next(iter(questionnaires.values()), None)
    if default is not None:
        from .rulebook import compile_rulebook

        rulebook = compile_rulebook(default, {kind: documents[kind][:1] for kind in SINGLE_KINDS})

    from .roadmap import compile_roadmap

    pitfall_ids = (frozenset(p.id for doc, _ in documents["pitfalls"] for p in doc.pitfalls)
                   if documents["pitfalls"] else None)
    roadmap = compile_roadmap(documents["improvements"], documents["phases"][:1], pitfall_ids)
    if documents["improvements"] and not documents["phases"]:
        problems.append(("roadmaps/", "", "an improvements catalogue needs a phases file"))

    if problems:
        raise ContentError(problems)
    return Content(
        questionnaires=questionnaires,
        hash=content_hash(raw_files),
        files=tuple(name for name, _ in sorted(raw_files)),
        rulebook=rulebook,
        roadmap=roadmap,
    )


def json_schemas() -> dict[str, dict]:
    """Return the JSON Schema of every content kind, for editors."""
    return {kind: model.model_json_schema() for kind, model in KIND_MODELS.items()}
