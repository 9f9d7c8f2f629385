"""Score answers: weighted means per dimension and overall, with don't-know excluded."""

from __future__ import annotations

import math
from typing import Any, Mapping

from .models import Dimension, Questionnaire
from .errors import InvalidLevel, UnknownQuestion
from .importance import practice_priority
from .vocabulary import LEVELS
from .wording import level_phrase

# A dimension with fewer than this share of its questions answered is not scored silently.
SUFFICIENT_SHARE = 0.5


def validate_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, int | None]:
    """Return answers as {question_id: level or None}; raise on an unknown id or a level not offered."""
    if not isinstance(answers, Mapping):
        raise UnknownQuestion("answers must be a mapping of question id to level")
    clean: dict[str, int | None] = {}
    for question_id, level in answers.items():
        question = questionnaire.question(str(question_id))
        if question is None:
            raise UnknownQuestion(f"unknown question id {question_id!r} in answers")
        if level is None:
            clean[question.id] = None
            continue
        if isinstance(level, bool) or not isinstance(level, int) or level not in question.options:
            raise InvalidLevel(
                f"answer to {question.id!r} is {level!r}; expected a level 1-5 or null for don't know"
            )
        clean[question.id] = level
    return clean


def level_of(score: float | None) -> int | None:
    """Return the integer part of a score: 3.0 to 3.99 is level 3."""
    return None if score is None else max(1, min(5, math.floor(score)))


def dimension_score(dim: Dimension, answers: Mapping[str, int | None]) -> tuple[float | None, int, int]:
    """(score, answered, don't know) of one dimension: the weighted mean of its answered levels, two decimals."""
    weighted = weight_sum = 0.0
    answered = dont_know = 0
    for question in dim.questions:
        if question.id not in answers:
            continue
        level = answers[question.id]
        if level is None:
            dont_know += 1
            continue
        answered += 1
        weighted += question.weight * level
        weight_sum += question.weight
    return (round(weighted / weight_sum, 2) if weight_sum else None), answered, dont_know


def score_answers(questionnaire: Questionnaire, answers: Mapping[str, int | None]) -> dict[str, Any]:
    """Score validated answers; return {'scores': {dimension: ...}, 'overall': ...}."""
    scores: dict[str, dict[str, Any]] = {}
    for dim in questionnaire.dimensions:
        score, answered, dont_know = dimension_score(dim, answers)
        total = len(dim.questions)
        scores[dim.id] = {
            "score": score,
            "level": level_of(score),
            "level_text": level_phrase(score),
            "answered": answered,
            "dont_know": dont_know,
            "total": total,
            "insufficient": answered < total * SUFFICIENT_SHARE,
        }
    return {"scores": scores, "overall": score_overall(questionnaire, scores)}


def score_overall(questionnaire: Questionnaire, scores: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Weighted mean of the dimensions that have enough answers to be scored."""
    weighted = weight_sum = 0.0
    left_out = []
    for dim in questionnaire.dimensions:
        entry = scores[dim.id]
        if entry["insufficient"] or entry["score"] is None:
            left_out.append(dim.id)
            continue
        weighted += dim.weight * entry["score"]
        weight_sum += dim.weight
    score = round(weighted / weight_sum, 2) if weight_sum else None
    level = level_of(score)
    definition = questionnaire.level_definition(level) if level else None
    return {
        "score": score,
        "level": level,
        "level_text": level_phrase(score),
        "label": definition.name if definition else "Not enough answers",
        "description": definition.description if definition else
        "Too few questions were answered to score any capability area.",
        "left_out": left_out,
    }


def describe_highlights(questionnaire: Questionnaire, scores: Mapping[str, Mapping[str, Any]],
                        answers: Mapping[str, int | None], how_many: int = 3,
                        importance: Mapping[str, Any] | None = None,
                        target: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Name the strongest and weakest dimension and where to improve first: the practices with the
    highest priority (gap to the target × importance, when given), lowest level first among equals,
    each with its next step."""
    scored = [(d.id, scores[d.id]["score"]) for d in questionnaire.dimensions if scores[d.id]["score"] is not None]
    strongest = max(scored, key=lambda item: item[1])[0] if scored else None
    weakest = min(scored, key=lambda item: item[1])[0] if scored else None
    order = {q.id: i for i, q in enumerate(questionnaire.questions())}
    candidates = [
        questionnaire.question(qid)
        for qid, level in answers.items()
        if level is not None and level < max(LEVELS)
    ]
    def priority(question) -> int:
        if importance is None or target is None:
            return 0
        return practice_priority(importance, question.id, answers[question.id], target)

    candidates.sort(key=lambda q: (-priority(q), answers[q.id], -q.weight, order[q.id]))
    lowest = []
    for question in candidates[:how_many]:
        level = answers[question.id]
        lowest.append({
            "id": question.id,
            "dimension": questionnaire.dimension_of(question.id),
            "text": question.text,
            "level": level,
            "current": question.options[level],
            "next_level": level + 1,
            "next": question.options[level + 1],
            **({"priority": priority(question)} if importance is not None and target is not None else {}),
        })
    return {"strongest": strongest, "weakest": weakest, "lowest_questions": lowest}
