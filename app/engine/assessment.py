"""The engine's front door: answers and context in, one plain result out."""

from __future__ import annotations

from typing import Any, Mapping

from .content import Content, Questionnaire
from .errors import InvalidLevel
from .profile import validate_context
from .scoring import describe_highlights, score_answers, validate_answers
from .vocabulary import DIMENSIONS, LEVELS


def validate_target(target: Mapping[str, Any] | None) -> dict[str, int]:
    """Return a target {dimension: level}; raise InvalidLevel for an unknown dimension or level."""
    if target is None:
        return {}
    if not isinstance(target, Mapping):
        raise InvalidLevel("target must be a mapping of dimension to level")
    clean = {}
    for dim, level in target.items():
        if dim not in DIMENSIONS:
            raise InvalidLevel(f"unknown dimension {dim!r} in target; expected one of {', '.join(DIMENSIONS)}")
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise InvalidLevel(f"target for {dim} is {level!r}; expected a level 1-5")
        clean[dim] = level
    return clean


def run_assessment(
    content: Content,
    answers: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    target: Mapping[str, Any] | None = None,
    questionnaire_id: str | None = None,
) -> dict[str, Any]:
    """Validate the inputs, score them and return the whole result as plain JSON-ready values."""
    questionnaire = content.questionnaire(questionnaire_id)
    clean_answers = validate_answers(questionnaire, answers or {})
    clean_context, warnings = validate_context(questionnaire, context)
    clean_target = validate_target(target)
    return assess_valid(content, questionnaire, clean_answers, clean_context, clean_target, warnings)


def assess_valid(
    content: Content,
    questionnaire: Questionnaire,
    answers: dict[str, int | None],
    context: dict[str, Any],
    target: dict[str, int],
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """Compute the result from inputs that are already validated."""
    scored = score_answers(questionnaire, answers)
    scores, overall = scored["scores"], scored["overall"]
    warnings = list(warnings or [])
    for dim in DIMENSIONS:
        entry = scores[dim]
        if entry["insufficient"]:
            warnings.append(
                f"{dim} has only {entry['answered']} of {entry['total']} questions answered; "
                "it is shown but left out of the overall score"
            )
    return {
        "questionnaire": {
            "id": questionnaire.id,
            "version": questionnaire.version,
            "title": questionnaire.title,
            "dimensions": {d.id: d.title for d in questionnaire.dimensions},
        },
        "content": {"hash": content.hash},
        "context": context,
        "answers": {q.id: answers[q.id] for q in questionnaire.questions() if q.id in answers},
        "scores": scores,
        "overall": overall,
        "highlights": describe_highlights(questionnaire, scores, answers),
        "recommendation": {"model": None, "hybrid_with": None, "ranking": [], "what_would_change": []},
        "pitfalls": [],
        "roadmap": {"target": target, "phases": []},
        "warnings": warnings,
    }
