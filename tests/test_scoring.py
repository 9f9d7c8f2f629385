"""Scoring: weighted means per dimension and overall, don't-know excluded, insufficient flagged."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.models import Questionnaire
from app.engine.errors import InvalidLevel, UnknownQuestion
from app.engine.scoring import describe_highlights, level_of, score_answers, validate_answers
from app.engine.vocabulary import CONTEXT_KEYS, DIMENSIONS


def make_questionnaire(per_dimension=4, weights=None, dimension_weights=None) -> Questionnaire:
    """A small questionnaire: q1..qN per dimension, with optional question and dimension weights."""
    weights = weights or {}
    dimension_weights = dimension_weights or {}

    def context_field(key, spec):
        field = {"key": key, "label": key, "help": "help text", "type": spec["type"]}
        if spec["type"] == "choice":
            field["choices"] = [{"value": v, "label": v} for v in spec["values"]]
        return field

    return Questionnaire.model_validate({
        "kind": "questionnaire", "id": "tiny", "version": "1.0", "title": "Tiny", "description": "Tiny.",
        "levels": [{"level": i, "name": f"L{i}", "description": f"Level {i}."} for i in range(1, 6)],
        "dimensions": [
            {
                "id": dim, "title": dim.title(), "description": "d", "weight": dimension_weights.get(dim, 1.0),
                "questions": [
                    {
                        "id": f"{dim}.q{i}", "text": f"Question {i} of {dim}?", "help": "Why it matters.",
                        "weight": weights.get(f"{dim}.q{i}", 1.0),
                        "options": {lvl: f"At level {lvl} the organisation does this." for lvl in range(1, 6)},
                    }
                    for i in range(1, per_dimension + 1)
                ],
            }
            for dim in DIMENSIONS
        ],
        "context": [context_field(k, s) for k, s in CONTEXT_KEYS.items()],
    })


TINY = make_questionnaire()


def all_at(level, questionnaire=TINY):
    return {q.id: level for q in questionnaire.questions()}


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_answer_at_k_scores_exactly_k(level):
    scored = score_answers(TINY, all_at(level))
    for dim in DIMENSIONS:
        assert scored["scores"][dim]["score"] == float(level)
        assert scored["scores"][dim]["level"] == level
    assert scored["overall"]["score"] == float(level)
    assert scored["overall"]["label"] == f"L{level}"


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_every_answer_at_k_scores_k_in_shipped_questionnaire(questionnaire, level):
    scored = score_answers(questionnaire, all_at(level, questionnaire))
    assert {d: s["score"] for d, s in scored["scores"].items()} == {d: float(level) for d in DIMENSIONS}
    assert scored["overall"]["score"] == float(level)


@pytest.mark.parametrize(
    "answers, expected_score, answered, dont_know",
    [
        ({"governance.q1": 1, "governance.q2": 3, "governance.q3": 5, "governance.q4": 3}, 3.0, 4, 0),
        ({"governance.q1": 2, "governance.q2": 4, "governance.q3": None, "governance.q4": None}, 3.0, 2, 2),
        ({"governance.q1": 5, "governance.q2": 4, "governance.q3": None}, 4.5, 2, 1),
        ({"governance.q1": 1, "governance.q2": 2, "governance.q3": 2}, 1.67, 3, 0),
    ],
    ids=["plain-mean", "dont-know-excluded", "dont-know-and-unanswered", "rounded-to-two-places"],
)
def test_dimension_score_is_mean_of_answered_levels(answers, expected_score, answered, dont_know):
    entry = score_answers(TINY, answers)["scores"]["governance"]
    assert entry["score"] == expected_score
    assert entry["answered"] == answered
    assert entry["dont_know"] == dont_know
    assert entry["total"] == 4


def test_dont_know_answers_are_not_scored():
    with_dk = score_answers(TINY, {"tools.q1": 4, "tools.q2": 4, "tools.q3": None, "tools.q4": None})
    assert with_dk["scores"]["tools"]["score"] == 4.0


@pytest.mark.parametrize(
    "weights, answers, expected",
    [
        ({"leadership.q1": 3.0}, {"leadership.q1": 5, "leadership.q2": 1, "leadership.q3": 1, "leadership.q4": 1}, 3.0),
        ({"leadership.q4": 2.0}, {"leadership.q1": 1, "leadership.q2": 1, "leadership.q3": 1, "leadership.q4": 4}, 2.2),
        ({}, {"leadership.q1": 5, "leadership.q2": 1, "leadership.q3": 1, "leadership.q4": 1}, 2.0),
    ],
    ids=["heavy-high-answer", "heavy-last-question", "equal-weights"],
)
def test_question_weights_shift_the_dimension_score(weights, answers, expected):
    q = make_questionnaire(weights=weights)
    assert score_answers(q, answers)["scores"]["leadership"]["score"] == expected


def test_overall_is_weighted_mean_of_dimensions():
    q = make_questionnaire(dimension_weights={"governance": 3.0})
    answers = {**all_at(1, q), **{f"governance.q{i}": 5 for i in range(1, 5)}}
    # (3*5 + 1 + 1 + 1 + 1) / 7
    assert score_answers(q, answers)["overall"]["score"] == 2.71


@pytest.mark.parametrize(
    "answered_levels, insufficient",
    [([3], True), ([3, None, None, None], True), ([3, 3], False), ([3, 3, None], False), ([], True)],
    ids=["one-of-four", "one-plus-three-dont-know", "half", "half-plus-dont-know", "none"],
)
def test_dimension_with_fewer_than_half_answered_is_insufficient(answered_levels, insufficient):
    answers = {**all_at(3)}
    for i in range(1, 5):
        del answers[f"analytics.q{i}"]
    for i, level in enumerate(answered_levels, start=1):
        answers[f"analytics.q{i}"] = level
    scored = score_answers(TINY, answers)
    assert scored["scores"]["analytics"]["insufficient"] is insufficient
    assert ("analytics" in scored["overall"]["left_out"]) is insufficient


def test_insufficient_dimension_is_left_out_of_overall():
    answers = {**all_at(2), "analytics.q1": 5, "analytics.q2": None, "analytics.q3": None, "analytics.q4": None}
    scored = score_answers(TINY, answers)
    assert scored["scores"]["analytics"]["score"] == 5.0
    assert scored["overall"]["score"] == 2.0


def test_no_answers_gives_no_overall_score():
    scored = score_answers(TINY, {})
    assert scored["overall"]["score"] is None
    assert scored["overall"]["level"] is None
    assert all(s["score"] is None for s in scored["scores"].values())


@pytest.mark.parametrize("score, level", [(1.0, 1), (1.99, 1), (2.0, 2), (3.5, 3), (4.99, 4), (5.0, 5), (None, None)])
def test_level_is_integer_part_of_score(score, level):
    assert level_of(score) == level


@pytest.mark.parametrize(
    "answers, error, message",
    [
        ({"governance.nope": 3}, UnknownQuestion, "unknown question id 'governance.nope'"),
        ({"governance.q1": 6}, InvalidLevel, "answer to 'governance.q1' is 6"),
        ({"governance.q1": 0}, InvalidLevel, "expected a level 1-5"),
        ({"governance.q1": "3"}, InvalidLevel, "answer to 'governance.q1' is '3'"),
        ({"governance.q1": True}, InvalidLevel, "answer to 'governance.q1' is True"),
        ({"governance.q1": 2.5}, InvalidLevel, "is 2.5"),
    ],
)
def test_bad_answers_are_rejected_with_a_clear_message(answers, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(")):
        validate_answers(TINY, answers)


def test_highlights_name_lowest_questions_with_next_level():
    answers = {**all_at(4), "tools.q2": 1, "analytics.q3": 2, "leadership.q1": 2, "governance.q1": 5}
    hl = describe_highlights(TINY, score_answers(TINY, answers)["scores"], answers)
    assert [q["id"] for q in hl["lowest_questions"]] == ["tools.q2", "analytics.q3", "leadership.q1"]
    first = hl["lowest_questions"][0]
    assert first["next_level"] == 2
    assert first["next"] == TINY.question("tools.q2").options[2]
    assert hl["weakest"] == "tools"


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([q.id for q in TINY.questions()]),
                       st.one_of(st.none(), st.integers(1, 5))))
def test_scores_stay_within_one_and_five(answers):
    scored = score_answers(TINY, answers)
    for entry in scored["scores"].values():
        assert entry["score"] is None or 1.0 <= entry["score"] <= 5.0
        assert entry["answered"] + entry["dont_know"] <= entry["total"]
    overall = scored["overall"]["score"]
    assert overall is None or 1.0 <= overall <= 5.0
