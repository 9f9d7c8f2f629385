"""Re-assessing quarter after quarter: what to prefill, each question's state, and what changed.

A re-assessment starts with last period's profile and answers. Each prefilled answer is
either confirmed (the person said it still holds), changed (it differs from last time, which
confirms it too) or not yet confirmed. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Collection, Mapping

from .evidence import is_blank
from .models import Questionnaire
from .profile import validate_context_value
from .errors import InvalidContext
from .scoring import score_answers, score_overall

STATES = ("unconfirmed", "changed", "confirmed", "new")
# What the questionnaire's filter offers: all questions, or only those in one state.
FILTERS = ("unconfirmed", "changed")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def quarter_of(day: date) -> str:
    """The calendar quarter of a day, as 2026-Q4."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def next_period(last: str | None, today: date) -> str:
    """The period a re-assessment is for: the quarter after ``last``, but never before today's quarter.

    A label that is not a quarter (2026-H1, "Autumn review") gives today's quarter.
    """
    current = quarter_of(today)
    match = _QUARTER.match(last or "")
    if not match:
        return current
    year, quarter = int(match.group(1)), int(match.group(2)) + 1
    if quarter == 5:
        year, quarter = year + 1, 1
    following = f"{year}-Q{quarter}"
    return max(following, current)  # same width, so the labels sort as the quarters do


def prefill_answers(questionnaire: Questionnaire, previous: Mapping[str, int | None]) -> dict[str, int | None]:
    """Last period's answers that the current questionnaire still asks, with a level it still offers."""
    out: dict[str, int | None] = {}
    for qid, level in previous.items():
        question = questionnaire.question(qid)
        if question is None:
            continue
        if level is None or level in question.options:
            out[qid] = level
    return out


def prefill_evidence(answers: Mapping[str, int | None],
                     previous: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Last period's evidence of the answers carried forward (those that said more than a level)."""
    return {qid: dict(detail) for qid, detail in previous.items() if qid in answers and not is_blank(detail)}


def carried_evidence(previous: Mapping[str, Mapping[str, str]], current: Mapping[str, Mapping[str, str]],
                     unconfirmed: set[str]) -> set[str]:
    """The questions whose evidence is still last time's, as carried forward, and not yet confirmed."""
    return {qid for qid, detail in previous.items()
            if qid in unconfirmed and not is_blank(detail) and dict(current.get(qid) or {}) == dict(detail)}


def prefill_context(questionnaire: Questionnaire, previous: Mapping[str, Any]) -> dict[str, Any]:
    """Last period's profile answers that are still valid for the current questionnaire."""
    out: dict[str, Any] = {}
    for field in questionnaire.context:
        if field.key not in previous:
            continue
        try:
            out[field.key] = validate_context_value(questionnaire, field.key, previous[field.key])
        except InvalidContext:
            continue  # asked differently now: the person answers it afresh
    return out


def answer_states(previous: Mapping[str, int | None], answers: Mapping[str, int | None],
                  unconfirmed: Collection[str]) -> dict[str, str]:
    """Each answered question's state in a re-assessment.

    "new" when last time had no answer to it, "changed" when the level differs from last time,
    "unconfirmed" when it is last time's level and the person has not confirmed it, else "confirmed".
    """
    states = {}
    for qid, level in answers.items():
        if qid not in previous:
            states[qid] = "new"
        elif level != previous[qid]:
            states[qid] = "changed"
        elif qid in unconfirmed:
            states[qid] = "unconfirmed"
        else:
            states[qid] = "confirmed"
    return states


def count_states(states: Mapping[str, str], question_ids: Collection[str] | None = None) -> dict[str, int]:
    """How many questions (of ``question_ids``, default all) are in each state."""
    chosen = states if question_ids is None else {q: s for q, s in states.items() if q in question_ids}
    return {state: sum(1 for s in chosen.values() if s == state) for state in STATES}


def changes_since(questionnaire: Questionnaire, previous: Mapping[str, int | None], answers: Mapping[str, int | None],
                  unconfirmed: Collection[str], previous_context: Mapping[str, Any],
                  context: Mapping[str, Any]) -> dict[str, Any]:
    """What changed since last time, for the review page: profile, answers and scores per area.

    Scores on both sides are computed with the current questionnaire, so they compare like for like.
    """
    states = answer_states(previous, answers, unconfirmed)
    before = score_answers(questionnaire, previous)["scores"]
    after = score_answers(questionnaire, answers)["scores"]
    overall_before = score_overall(questionnaire, before)["score"]
    overall_after = score_overall(questionnaire, after)["score"]
    areas = []
    for dim in questionnaire.dimensions:
        old, new = before[dim.id]["score"], after[dim.id]["score"]
        areas.append({"id": dim.id, "title": dim.title, "previous": old, "current": new,
                      "delta": round(new - old, 2) if old is not None and new is not None else None,
                      "counts": count_states(states, {q.id for q in dim.questions})})
    changed = []
    for dim in questionnaire.dimensions:
        for q in dim.questions:
            if states.get(q.id) == "changed":
                changed.append({"question": q.id, "text": q.text, "dimension": dim.id, "area": dim.title,
                                "previous": previous[q.id], "current": answers[q.id]})
    profile = [{"key": f.key, "label": f.label, "previous": _profile_text(f, previous_context.get(f.key)),
                "current": _profile_text(f, context.get(f.key))}
               for f in questionnaire.context
               if f.key in previous_context and context.get(f.key) != previous_context.get(f.key)]
    return {
        "counts": count_states(states),
        "areas": areas,
        "overall": {"previous": overall_before, "current": overall_after,
                    "delta": round(overall_after - overall_before, 2)
                    if overall_before is not None and overall_after is not None else None},
        "answers": changed,
        "profile": profile,
    }


def _profile_text(field, value: Any) -> str:
    """A profile answer as the questionnaire words it: the choice's label, yes or no, the number."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    for choice in field.choices or ():
        if choice.value == value:
            return choice.label
    return str(value)
