"""Many respondents, one picture: answer distributions, disagreement, roles, and the
answers a workshop's result is computed from (consensus where recorded, median elsewhere)."""

from __future__ import annotations

import functools
import statistics
from typing import Any, Iterable, Mapping, Sequence

from .models import Questionnaire
from .scoring import dimension_score
from .vocabulary import DIMENSIONS, LEVELS
from .wording import number_word


def quartiles(values: Sequence[int]) -> tuple[float, float]:
    """Lower and upper quartile (inclusive method, so a single value has an IQR of 0)."""
    if len(values) == 1:
        return float(values[0]), float(values[0])
    q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q3


def question_stats(levels: Iterable[int | None]) -> dict[str, Any]:
    """Counts per level, don't-know count, median, range, IQR and standard deviation of one question.

    They depend only on how many gave each level and how many did not know, so they are worked
    out once per such tally (a room of 300 has few distinct ones) and copied out.
    """
    given = list(levels)
    tally = dict.fromkeys(LEVELS, 0)
    for level in given:
        if level in tally and not isinstance(level, bool):
            tally[level] += 1
        elif level is not None:  # not a level: worked out from the values themselves
            return _stats(sorted(level for level in given if level is not None),
                          sum(1 for level in given if level is None))
    stats = _tally_stats(tuple(tally.values()), len(given) - sum(tally.values()))
    return {**stats, "counts": dict(stats["counts"])}


@functools.lru_cache(maxsize=4096)
def _tally_stats(counts: tuple[int, ...], dont_know: int) -> dict[str, Any]:
    """question_stats of the levels LEVELS given counts[i] times each (shared: copy before changing it)."""
    return _stats([level for level, n in zip(LEVELS, counts) for _ in range(n)], dont_know)  # sorted, as LEVELS


def _stats(answered: list, dont_know: int) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "answered": len(answered),
        "dont_know": dont_know,
        "counts": {level: answered.count(level) for level in LEVELS},
    }
    if answered:
        q1, q3 = quartiles(answered)
        stats.update({
            "median": statistics.median(answered),
            "min": answered[0],
            "max": answered[-1],
            "spread": answered[-1] - answered[0],
            "iqr": round(q3 - q1, 2),
            "stdev": round(statistics.pstdev(answered), 2),
        })
    else:
        stats.update({"median": None, "min": None, "max": None, "spread": None, "iqr": None, "stdev": None})
    return stats


def agreement(stats: Mapping[str, Any]) -> dict[str, str]:
    """How far the room agrees on one question, in words a room understands.

    ``kind`` is "none" (no level given), "single" (one answer), "agree" (one level),
    "close" (two neighbouring levels) or "split" (levels two or more apart). ``text`` is the
    sentence for the console and the projector ("split: two at level 1, one at level 4");
    ``short`` the phrase for a report line ("split 1–4").
    """
    counts = {int(level): int(n) for level, n in (stats.get("counts") or {}).items() if n}
    dont_know = int(stats.get("dont_know") or 0)
    unsure = f"; {number_word(dont_know)} said don't know" if dont_know else ""
    if not counts:
        text = "nobody gave a level" + (f" ({number_word(dont_know)} said don't know)" if dont_know else " yet")
        return {"kind": "none", "text": text, "short": "no levels"}
    levels = sorted(counts)
    low, high = levels[0], levels[-1]
    if sum(counts.values()) == 1:
        return {"kind": "single", "text": f"one answer: level {low}{unsure}", "short": f"one answer at {low}"}
    if low == high:
        return {"kind": "agree", "text": f"the room agrees (all level {low}){unsure}", "short": f"all at {low}"}
    kind = "close" if high - low == 1 else "split"
    spread = ", ".join(f"{number_word(counts[level])} at level {level}" for level in levels)
    return {"kind": kind, "text": f"{kind}: {spread}{unsure}", "short": f"{kind} {low}–{high}"}


def per_question(questionnaire: Questionnaire, responses: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Stats of every question over the respondents' answers ({question id: level or None})."""
    given: dict[str, list[int | None]] = {q.id: [] for q in questionnaire.questions()}
    for response in responses:  # one pass over everyone's answers
        for question, level in response["answers"].items():
            if question in given:
                given[question].append(level)
    return {question: question_stats(levels) for question, levels in given.items()}


def aggregate_answers(questionnaire: Questionnaire, responses: Sequence[Mapping[str, Any]],
                      agreed: Mapping[str, int] | None = None) -> dict[str, int | None]:
    """One answer per question: the level the room agreed on where recorded, else the median.

    An even count with two middle levels takes the lower one: a maturity level is claimed
    only when at least half of the room sees it. A question everyone answered "don't know"
    stays don't know; a question nobody answered is left out.
    """
    agreed = agreed or {}
    stats = per_question(questionnaire, responses)
    answers: dict[str, int | None] = {}
    for q in questionnaire.questions():
        if q.id in agreed:
            answers[q.id] = agreed[q.id]
        elif stats[q.id]["answered"]:
            answers[q.id] = statistics.median_low(
                [r["answers"][q.id] for r in responses if r["answers"].get(q.id) is not None])
        elif stats[q.id]["dont_know"]:
            answers[q.id] = None
    return answers


def respondent_scores(questionnaire: Questionnaire, responses: Sequence[Mapping[str, Any]]) -> list[dict[str, float]]:
    """Each respondent's score per dimension (dimensions they left unanswered are missing)."""
    out = []
    for response in responses:
        scored = {dim.id: dimension_score(dim, response["answers"])[0] for dim in questionnaire.dimensions}
        out.append({d: scored[d] for d in DIMENSIONS if scored[d] is not None})
    return out


def dimension_band(questionnaire: Questionnaire, responses: Sequence[Mapping[str, Any]],
                   scores: Sequence[Mapping[str, float]] | None = None) -> dict[str, dict[str, Any]]:
    """Median, minimum and maximum of the respondents' scores per dimension (the radar's band).

    ``scores``: respondent_scores of these responses, when the caller has them already."""
    if scores is None:
        scores = respondent_scores(questionnaire, responses)
    band = {}
    for dim in DIMENSIONS:
        values = sorted(s[dim] for s in scores if dim in s)
        band[dim] = ({"median": round(statistics.median(values), 2), "min": values[0], "max": values[-1],
                      "respondents": len(values)} if values else
                     {"median": None, "min": None, "max": None, "respondents": 0})
    return band


def disagreement(questionnaire: Questionnaire, stats: Mapping[str, Mapping[str, Any]],
                 minimum_answers: int = 2) -> list[dict[str, Any]]:
    """Questions ranked by how much the room disagrees: interquartile range, then spread of
    answers (standard deviation), then range. Questions with too few answers are left out."""
    rows = []
    for q in questionnaire.questions():
        s = stats[q.id]
        if s["answered"] < minimum_answers:
            continue
        rows.append({"question": q.id, "dimension": questionnaire.dimension_of(q.id), "text": q.text, **s})
    rows.sort(key=lambda r: (-r["iqr"], -r["stdev"], -r["spread"], r["question"]))
    return rows


def role_medians(questionnaire: Questionnaire, responses: Sequence[Mapping[str, Any]],
                 minimum_group: int = 1, scores: Sequence[Mapping[str, float]] | None = None) -> dict[str, dict[str, Any]]:
    """Per role: how many respondents, and the median of their scores per dimension.

    Roles with fewer than ``minimum_group`` respondents are left out, and so is a role's
    figure for a dimension fewer than that many of them answered, so that nobody's answers
    can be read off a group of one or two. ``scores``: respondent_scores of ``responses``, when the caller
    has them already (each respondent is scored once).
    """
    if scores is None:
        scores = respondent_scores(questionnaire, responses)
    groups: dict[str, list[Mapping[str, Any]]] = {}
    scored: dict[str, list[Mapping[str, float]]] = {}
    for response, score in zip(responses, scores):
        if response.get("role"):
            groups.setdefault(response["role"], []).append(response)
            scored.setdefault(response["role"], []).append(score)
    out = {}
    for role, members in groups.items():
        if len(members) < minimum_group:
            continue
        band = dimension_band(questionnaire, members, scored[role])
        out[role] = {"respondents": len(members),
                     "medians": {d: band[d]["median"] if band[d]["respondents"] >= minimum_group else None
                                 for d in DIMENSIONS}}
    return out
