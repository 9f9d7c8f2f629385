"""Importance per capability area and practice, and the priority it gives work: gap to target × importance.

An organisation says how much each area (and, where it wants, each practice) matters: low, normal
or high. Where it says nothing, the stated pain decides: the practices that show the pain
(rules/ownership.yaml, `pains.<id>.questions`) and their areas are high, everything else normal.
ITScore-style priority is the gap to the target times that importance, so a wide gap in an area
that matters comes before a wide gap in one that does not.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .errors import InvalidPlan
from .vocabulary import DIMENSIONS, IMPORTANCE_LEVELS

# Importance as a multiplier of the gap: high work counts three times low work of the same gap.
WEIGHTS: dict[str, int] = {"low": 1, "normal": 2, "high": 3}
_QUESTION_ID = re.compile(r"^[a-z]+\.[a-z0-9_]+$")


def validate_importance(raw: Any) -> dict[str, str]:
    """Return {area or practice id: low|normal|high}; raise InvalidPlan naming what is wrong."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidPlan("plan.importance must map a capability area (or a practice's question id) "
                          "to low, normal or high")
    clean = {}
    for key, level in raw.items():
        if not isinstance(key, str) or not (key in DIMENSIONS or _QUESTION_ID.match(key)):
            raise InvalidPlan(f"plan.importance names {key!r}; expected a capability area "
                              f"({', '.join(DIMENSIONS)}) or a question id")
        if level not in IMPORTANCE_LEVELS:
            raise InvalidPlan(f"plan.importance.{key} is {level!r}; expected low, normal or high")
        clean[key] = level
    return clean


def check_practices(importance: Mapping[str, str], question_ids: Iterable[str]) -> None:
    """Raise InvalidPlan when importance names a practice the questionnaire does not ask about."""
    known = set(question_ids)
    unknown = sorted(k for k in importance if k not in DIMENSIONS and k not in known)
    if unknown:
        raise InvalidPlan(f"plan.importance names an unknown question {unknown[0]!r}")


def derive_importance(given: Mapping[str, str], pain_questions: Iterable[str]) -> dict[str, Any]:
    """Each area's and each rated practice's importance, with where it came from: set, pain or default."""
    pain_questions = tuple(pain_questions)
    pain_areas = {q.split(".", 1)[0] for q in pain_questions}
    areas = {}
    for dim in DIMENSIONS:
        if dim in given:
            areas[dim] = {"level": given[dim], "source": "set"}
        else:
            areas[dim] = {"level": "high" if dim in pain_areas else "normal",
                          "source": "pain" if dim in pain_areas else "default"}
    practices = {q: {"level": "high", "source": "pain"} for q in pain_questions}
    practices.update({q: {"level": level, "source": "set"} for q, level in given.items() if q not in DIMENSIONS})
    return {"areas": areas, "practices": practices}


def area_priorities(importance: dict[str, Any], scores: Mapping[str, Mapping[str, Any]],
                    target: Mapping[str, int]) -> None:
    """Add each area's gap to its target and its priority (gap × importance weight) in place."""
    for dim, entry in importance["areas"].items():
        score = scores[dim]["score"]
        gap = None if score is None or dim not in target else round(max(0.0, target[dim] - score), 2)
        entry["gap"] = gap
        entry["priority"] = None if gap is None else round(gap * WEIGHTS[entry["level"]], 2)


def weight_of(importance: Mapping[str, Any], question: str) -> int:
    """The weight of a practice: its own importance where rated, else its area's."""
    practice = importance["practices"].get(question)
    if practice is not None:
        return WEIGHTS[practice["level"]]
    return WEIGHTS[importance["areas"][question.split(".", 1)[0]]["level"]]


def practice_priority(importance: Mapping[str, Any], question: str, level: int, target: Mapping[str, int]) -> int:
    """A practice's priority: its gap to its area's target (levels) × its weight."""
    area = question.split(".", 1)[0]
    return max(0, target.get(area, level) - level) * weight_of(importance, question)
