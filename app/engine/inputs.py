"""The answers document: what `flask assess` reads from a file and `POST /api/v1/assess` takes as JSON.

One parser for both. The engine's own checks run first, field by field, so every refusal
names the field it is about and says what was expected in the engine's words; the typed
model the API publishes in its OpenAPI description then checks what is left (unknown keys,
types of the plan and notes). A document that passes both is exactly what the engine scores.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, create_model

from .assessment import MAX_PMO_PEOPLE, validate_plan, validate_target
from .content import Content
from .importance import check_practices
from .errors import InvalidInput
from .evidence import CONFIDENCES, MAX_EVIDENCE, MAX_REFERENCE, InvalidEvidence, split_answer
from .profile import validate_context_value
from .scoring import validate_answers
from .models import ContextField
from .vocabulary import DIMENSIONS, IMPORTANCE_LEVELS

DOCUMENT_KEYS = ("questionnaire", "answers", "context", "target", "notes", "plan")
MAX_NOTE = 2000
MAX_OWNER = 80

# A maturity level: a JSON integer 1-5. Booleans, "3" and "²" are not levels.
Level = Annotated[int, Field(strict=True, ge=1, le=5)]


class BadDocument(InvalidInput):
    """The answers document is not acceptable; ``field`` names where (e.g. ``answers.governance.x``)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Answer(_Closed):
    """An answer with what shows it: the level, a short note of the evidence, a reference and how sure it is."""

    level: Level | None = Field(description="A level 1-5, or null for don't know.")
    evidence: Annotated[str, Field(max_length=MAX_EVIDENCE)] | None = Field(
        None, description="What shows the level: a short note.")
    reference: Annotated[str, Field(max_length=MAX_REFERENCE)] | None = Field(
        None, description="A document name or a link, kept as text and never fetched.")
    confidence: Literal[CONFIDENCES] | None = Field(  # type: ignore[valid-type]
        None, description="evidence (shown by evidence), judgement (our judgement, the default) or guess (a guess).")


class Plan(_Closed):
    """Planning choices for the roadmap: when it starts, how many people the PMO has, who owns what."""

    start_date: dt.date | None = Field(None, description="The roadmap's first day (2000-2100); default today.",
                                       json_schema_extra={"pattern": r"^(20\d\d|2100)-\d\d-\d\d$"})
    pmo_people: Annotated[int, Field(strict=True, ge=1, le=MAX_PMO_PEOPLE)] | None = None
    owners: dict[str, Annotated[str, Field(max_length=MAX_OWNER)]] | None = Field(
        None, description="A person's name for each role the roadmap names.")
    importance: dict[str, Literal[IMPORTANCE_LEVELS]] | None = Field(
        None, description="How much a capability area (or a practice, by question id) matters: low, normal or "
                          "high. Unset areas are high where the stated pain shows, else normal.")


def _context_type(field: ContextField) -> Any:
    """The type of one profile value, with the bounds and choices the questionnaire gives it."""
    if field.type == "choice":
        return Literal[tuple(c.value for c in field.choices or ())]
    if field.type == "boolean":
        return StrictBool
    return Annotated[int, Field(strict=True, ge=field.min, le=field.max)]


def _no_default(schema: dict[str, Any]) -> None:
    """A profile value may be left out but is never null: its schema names no (null) default."""
    schema.pop("default", None)


_MODELS: dict[str, type[BaseModel]] = {}


def document_model(content: Content) -> type[BaseModel]:
    """The typed answers document for this content: question ids, levels and profile values spelled out."""
    cached = _MODELS.get(content.hash)
    if cached is not None:
        return cached
    question_ids = sorted({q.id for questionnaire in content.questionnaires.values() for q in questionnaire.questions()})
    QuestionId = Literal[tuple(question_ids)]  # noqa: N806 (a type)
    Dimension = Literal[DIMENSIONS]  # noqa: N806
    context = create_model(
        "Context", __config__=ConfigDict(extra="forbid"),
        __doc__="The organisation profile; a key left out takes a stated default and a warning.",
        **{f.key: (_context_type(f), Field(None, description=f.label, json_schema_extra=_no_default))
           for f in content.default_questionnaire.context},
    )
    model = create_model(
        "AnswersDocument", __config__=ConfigDict(extra="forbid"),
        __doc__="Answers, profile and options of one assessment, as `flask assess --answers FILE` reads them.",
        questionnaire=(Literal[tuple(sorted(content.questionnaires))] | None,
                       Field(None, description="The questionnaire's id; default the current one.")),
        answers=(dict[QuestionId, Level | Answer | None] | None,
                 Field(None, description="A level 1-5 per question id, or null for don't know; or a mapping "
                                         "with the level, its evidence, a reference and the confidence.")),
        context=(context | None, None),
        target=(dict[Dimension, Level] | None, Field(None, description="The target level per capability area.")),
        notes=(dict[Dimension, Annotated[str, Field(max_length=MAX_NOTE)]] | None,
               Field(None, description="A note per capability area, shown with the answers.")),
        plan=(Plan | None, None),
    )
    _MODELS[content.hash] = model
    return model


def parse_document(content: Content, data: Any) -> dict[str, Any]:
    """Check an answers document; return {questionnaire, answers, context, target, notes, plan, evidence}.

    Raise BadDocument naming the first field that is wrong and what was expected.
    """
    if not isinstance(data, Mapping):
        raise BadDocument("the answers document must be a mapping with 'answers' and 'context'")
    unknown = sorted(str(k) for k in set(data) - set(DOCUMENT_KEYS))
    if unknown:
        raise BadDocument(f"unknown top-level key {unknown[0]!r}; expected {', '.join(DOCUMENT_KEYS)}", unknown[0])
    questionnaire_id = data.get("questionnaire")
    if questionnaire_id is not None and not isinstance(questionnaire_id, str):
        raise BadDocument("'questionnaire' must be a questionnaire id", "questionnaire")
    try:
        questionnaire = content.questionnaire(questionnaire_id)
    except InvalidInput as err:
        raise BadDocument(str(err), "questionnaire") from None

    given = _mapping(data, "answers", "'answers' must be a mapping of question id to level")
    answers: dict[Any, Any] = {}
    evidence: dict[str, dict[str, str]] = {}
    for qid, value in given.items():
        if questionnaire.question(str(qid)) is None:
            _check(f"answers.{qid}", validate_answers, questionnaire, {qid: None})
        try:
            level, detail = split_answer(value, f"answers.{qid}")
        except InvalidEvidence as err:
            raise BadDocument(str(err), err.field) from None
        _check(f"answers.{qid}", validate_answers, questionnaire, {qid: level})
        answers[qid] = level
        if detail is not None:
            evidence[str(qid)] = detail
    context = _mapping(data, "context", "'context' must be a mapping of profile key to value")
    for key, value in context.items():
        _check(f"context.{key}", validate_context_value, questionnaire, str(key), value)
    target = _mapping(data, "target", "'target' must be a mapping of capability area to level")
    for dim, level in target.items():
        _check(f"target.{dim}", validate_target, {dim: level})
    notes = _mapping(data, "notes", "'notes' must be a mapping of capability area to text")
    for dim, text in notes.items():
        if dim not in DIMENSIONS:
            raise BadDocument(f"notes name an unknown capability area {dim!r}", f"notes.{dim}")
        if not isinstance(text, str):
            raise BadDocument("'notes' must be a mapping of capability area to text", f"notes.{dim}")
    plan = _check("plan", validate_plan, data.get("plan"))
    _check("plan.importance", check_practices, plan.get("importance", {}), (q.id for q in questionnaire.questions()))

    try:
        document_model(content).model_validate(dict(data))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadDocument(f"{where}: {first['msg'][:1].lower()}{first['msg'][1:]}", where) from None
    # The profile as given: keys left out are filled, with a warning each, when the result is computed.
    return {"questionnaire": questionnaire.id, "answers": validate_answers(questionnaire, answers),
            "context": {str(k): v for k, v in context.items()}, "target": validate_target(target),
            "notes": dict(notes), "plan": plan, "evidence": evidence}


def _mapping(data: Mapping[str, Any], key: str, message: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BadDocument(message, key)
    return value


def _check(field: str, validate, *args):
    try:
        return validate(*args)
    except BadDocument:
        raise
    except InvalidInput as err:
        raise BadDocument(str(err), field) from None
