"""Many respondents, one picture: the pure aggregation behind workshops (no Flask, no database).

Every table below is computed by hand from the definitions in app/engine/aggregate.py and the
README: median, inclusive quartiles, population standard deviation, median_low for the
workshop's answer, consensus first, disagreement ranked by IQR, then stdev, then range.
"""

from __future__ import annotations

import pytest

from app.engine.aggregate import (
    agreement,
    aggregate_answers,
    dimension_band,
    disagreement,
    per_question,
    question_stats,
    quartiles,
    role_medians,
)
from app.engine.vocabulary import DIMENSIONS, LEVELS


def counts(**given: int) -> dict[int, int]:
    """Counts per level with zeros for the levels not named: counts(l2=2, l4=1)."""
    return {level: given.get(f"l{level}", 0) for level in LEVELS}


def people(*answer_sets: dict) -> list[dict]:
    return [{"answers": dict(a)} for a in answer_sets]


def first_question(questionnaire, dimension: str = "governance") -> str:
    return questionnaire.dimension(dimension).questions[0].id


def dimension_at(questionnaire, dimension: str, level: int | None) -> dict:
    """Every question of one dimension answered at one level, so its score is exactly that level."""
    return {q.id: level for q in questionnaire.dimension(dimension).questions}


# --------------------------------------------------------------------------
# question_stats
# --------------------------------------------------------------------------

EMPTY = {"median": None, "min": None, "max": None, "spread": None, "iqr": None, "stdev": None}


@pytest.mark.parametrize(("levels", "expected"), [
    pytest.param([3], {"answered": 1, "dont_know": 0, "counts": counts(l3=1), "median": 3, "min": 3, "max": 3,
                       "spread": 0, "iqr": 0.0, "stdev": 0.0}, id="one-answer"),
    pytest.param([1, 5], {"answered": 2, "dont_know": 0, "counts": counts(l1=1, l5=1), "median": 3.0, "min": 1,
                          "max": 5, "spread": 4, "iqr": 2.0, "stdev": 2.0}, id="two-extremes"),
    pytest.param([5, 1, 4, 2, 3], {"answered": 5, "dont_know": 0, "counts": counts(l1=1, l2=1, l3=1, l4=1, l5=1),
                                   "median": 3, "min": 1, "max": 5, "spread": 4, "iqr": 2.0, "stdev": 1.41},
                 id="one-of-each-unsorted"),
    pytest.param([1, 2, 3, 4], {"answered": 4, "dont_know": 0, "counts": counts(l1=1, l2=1, l3=1, l4=1),
                                "median": 2.5, "min": 1, "max": 4, "spread": 3, "iqr": 1.5, "stdev": 1.12},
                 id="even-count-inclusive-quartiles"),
    pytest.param([2, None, 4, 2, None], {"answered": 3, "dont_know": 2, "counts": counts(l2=2, l4=1), "median": 2,
                                         "min": 2, "max": 4, "spread": 2, "iqr": 1.0, "stdev": 0.94},
                 id="dont-know-counted-apart"),
    pytest.param([4, 4, 4, 4], {"answered": 4, "dont_know": 0, "counts": counts(l4=4), "median": 4, "min": 4,
                                "max": 4, "spread": 0, "iqr": 0.0, "stdev": 0.0}, id="unanimous"),
    pytest.param([None, None], {"answered": 0, "dont_know": 2, "counts": counts(), **EMPTY}, id="all-dont-know"),
    pytest.param([], {"answered": 0, "dont_know": 0, "counts": counts(), **EMPTY}, id="nobody"),
])
def test_question_stats(levels, expected):
    assert question_stats(levels) == expected


@pytest.mark.parametrize(("values", "expected"), [
    ([3], (3.0, 3.0)),
    ([1, 5], (2.0, 4.0)),
    ([1, 2, 3, 4, 5], (2.0, 4.0)),
    ([1, 2, 3, 4], (1.75, 3.25)),
    ([1, 1, 1, 5], (1.0, 2.0)),
])
def test_quartiles_use_the_inclusive_method(values, expected):
    assert quartiles(values) == expected


def test_question_stats_accepts_a_generator():
    assert question_stats(level for level in (1, None, 3))["answered"] == 2


def test_per_question_covers_every_question_and_only_counts_who_answered_it(questionnaire):
    qid = first_question(questionnaire)
    stats = per_question(questionnaire, people({qid: 2}, {qid: None}, {}))
    assert set(stats) == {q.id for q in questionnaire.questions()}
    assert (stats[qid]["answered"], stats[qid]["dont_know"]) == (1, 1)
    other = questionnaire.questions()[1].id
    assert (stats[other]["answered"], stats[other]["dont_know"], stats[other]["median"]) == (0, 0, None)


# --------------------------------------------------------------------------
# aggregate_answers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("levels", "agreed", "expected"), [
    pytest.param([3], None, 3, id="single-answer"),
    pytest.param([1, 2, 4], None, 2, id="odd-count-median"),
    pytest.param([2, 4], None, 2, id="tie-takes-the-lower-middle"),
    pytest.param([1, 2, 4, 5], None, 2, id="even-count-takes-the-lower-middle"),
    pytest.param([3, 3, 5, 5], None, 3, id="half-the-room-is-not-enough-for-the-higher-level"),
    pytest.param([2, None, None, 4, 4], None, 4, id="dont-know-ignored-in-the-median"),
    pytest.param([None, None], None, None, id="all-dont-know-stays-dont-know"),
    pytest.param([1, 1, 1], 5, 5, id="consensus-overrides-a-unanimous-median"),
    pytest.param([None, None], 3, 3, id="consensus-overrides-dont-know"),
    pytest.param([], 4, 4, id="consensus-without-answers"),
])
def test_aggregate_answer_of_one_question(questionnaire, levels, agreed, expected):
    qid = first_question(questionnaire)
    responses = people(*({qid: level} for level in levels))
    result = aggregate_answers(questionnaire, responses, {qid: agreed} if agreed is not None else None)
    assert qid in result
    assert result[qid] == expected


def test_unanswered_questions_are_left_out(questionnaire):
    qid = first_question(questionnaire)
    dk = first_question(questionnaire, "tools")
    result = aggregate_answers(questionnaire, people({qid: 3, dk: None}, {qid: 4}))
    assert result == {qid: 3, dk: None}


def test_consensus_changes_only_its_own_question(questionnaire):
    a, b = questionnaire.dimension("analytics").questions[:2]
    responses = people({a.id: 1, b.id: 2}, {a.id: 5, b.id: 4}, {a.id: 2, b.id: 4})
    assert aggregate_answers(questionnaire, responses, {a.id: 4}) == {a.id: 4, b.id: 4}
    assert aggregate_answers(questionnaire, responses) == {a.id: 2, b.id: 4}


# --------------------------------------------------------------------------
# disagreement
# --------------------------------------------------------------------------


def test_disagreement_ranks_by_iqr_then_stdev_then_range(questionnaire):
    q = [question.id for question in questionnaire.questions()[:5]]
    table = {
        q[0]: [1, 1, 5, 5],      # iqr 4.0,  stdev 2.0
        q[1]: [2, 2, 2, 3, 5],   # iqr 1.0,  stdev 1.17, range 3
        q[2]: [1, 3, 3, 3, 3],   # iqr 0.0,  stdev 0.8,  range 2
        q[3]: [2, 3, 3, 3, 4],   # iqr 0.0,  stdev 0.63, range 2
        q[4]: [1, 2, 2, 3, 3],   # iqr 1.0,  stdev 0.75, range 2
    }
    responses = [{"answers": {qid: levels[i] for qid, levels in table.items() if i < len(levels)}}
                 for i in range(5)]
    ranked = disagreement(questionnaire, per_question(questionnaire, responses))
    assert [row["question"] for row in ranked] == [q[0], q[1], q[4], q[2], q[3]]
    assert [row["iqr"] for row in ranked] == [4.0, 1.0, 1.0, 0.0, 0.0]
    assert ranked[0]["dimension"] == questionnaire.dimension_of(q[0])
    assert ranked[0]["text"] == questionnaire.question(q[0]).text


def test_equal_iqr_and_stdev_fall_back_to_the_range(questionnaire):
    # Same IQR and standard deviation: the wider range comes first.
    a, b = questionnaire.questions()[0].id, questionnaire.questions()[1].id
    stats = {q.id: question_stats([]) for q in questionnaire.questions()}
    stats[a] = {**question_stats([3, 3]), "iqr": 1.0, "stdev": 1.0, "spread": 2}
    stats[b] = {**question_stats([3, 3]), "iqr": 1.0, "stdev": 1.0, "spread": 4}
    assert [row["question"] for row in disagreement(questionnaire, stats)] == [b, a]


@pytest.mark.parametrize(("levels", "minimum", "listed"), [
    pytest.param([1, 5], 2, True, id="two-answers-reach-the-default-minimum"),
    pytest.param([1], 2, False, id="one-answer-is-below-the-default-minimum"),
    pytest.param([1, None, None, None], 2, False, id="dont-know-does-not-count-towards-the-minimum"),
    pytest.param([1, 5], 3, False, id="below-a-raised-minimum"),
    pytest.param([1, 3, 5], 3, True, id="at-a-raised-minimum"),
])
def test_disagreement_leaves_out_questions_with_too_few_answers(questionnaire, levels, minimum, listed):
    qid = first_question(questionnaire)
    stats = per_question(questionnaire, people(*({qid: level} for level in levels)))
    ranked = disagreement(questionnaire, stats, minimum_answers=minimum)
    assert [row["question"] for row in ranked] == ([qid] if listed else [])


# --------------------------------------------------------------------------
# dimension_band
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("governance_levels", "expected"), [
    pytest.param([3], {"median": 3.0, "min": 3.0, "max": 3.0, "respondents": 1}, id="one"),
    pytest.param([1, 4, 5], {"median": 4.0, "min": 1.0, "max": 5.0, "respondents": 3}, id="odd"),
    pytest.param([2, 3], {"median": 2.5, "min": 2.0, "max": 3.0, "respondents": 2}, id="even-takes-the-mean"),
    pytest.param([None], {"median": None, "min": None, "max": None, "respondents": 0}, id="only-dont-know"),
])
def test_dimension_band_is_median_min_max_of_respondent_scores(questionnaire, governance_levels, expected):
    responses = people(*(dimension_at(questionnaire, "governance", level) for level in governance_levels))
    band = dimension_band(questionnaire, responses)
    assert band["governance"] == expected
    assert set(band) == set(DIMENSIONS)
    assert band["tools"] == {"median": None, "min": None, "max": None, "respondents": 0}


def test_dimension_band_counts_each_dimension_over_who_answered_it(questionnaire):
    responses = people({**dimension_at(questionnaire, "governance", 2), **dimension_at(questionnaire, "tools", 5)},
                       dimension_at(questionnaire, "governance", 4))
    band = dimension_band(questionnaire, responses)
    assert band["governance"]["respondents"] == 2 and band["governance"]["median"] == 3.0
    assert band["tools"] == {"median": 5.0, "min": 5.0, "max": 5.0, "respondents": 1}


# --------------------------------------------------------------------------
# role_medians
# --------------------------------------------------------------------------


def role_room(questionnaire, groups: dict[str | None, list[int]]) -> list[dict]:
    """Respondents per role, each answering every governance question at the given level."""
    return [{"role": role, "answers": dimension_at(questionnaire, "governance", level)}
            for role, levels in groups.items() for level in levels]


@pytest.mark.parametrize(("groups", "minimum", "expected"), [
    pytest.param({"Exec": [2], "Delivery": [4]}, 1, {"Exec": (1, 2.0), "Delivery": (1, 4.0)}, id="default-shows-all"),
    pytest.param({"Exec": [1, 2, 5], "Delivery": [4, 4]}, 3, {"Exec": (3, 2.0)}, id="group-of-two-hidden"),
    pytest.param({"Exec": [1, 2], "Delivery": [4]}, 3, {}, id="all-groups-too-small"),
    pytest.param({"Exec": [1, 2, 3, 4], "Delivery": [5, 5, 5]}, 3, {"Exec": (4, 2.5), "Delivery": (3, 5.0)},
                 id="groups-at-and-above-the-minimum"),
    pytest.param({None: [1, 2, 3], "Exec": [4]}, 1, {"Exec": (1, 4.0)}, id="no-role-is-not-a-group"),
])
def test_role_medians_hide_groups_smaller_than_the_minimum(questionnaire, groups, minimum, expected):
    out = role_medians(questionnaire, role_room(questionnaire, groups), minimum_group=minimum)
    assert {role: (v["respondents"], v["medians"]["governance"]) for role, v in out.items()} == expected
    for value in out.values():
        assert set(value["medians"]) == set(DIMENSIONS)
        assert value["medians"]["tools"] is None


def test_a_role_figure_never_comes_from_fewer_people_than_the_minimum(questionnaire):
    responses = [
        {"role": "Exec", "answers": {**dimension_at(questionnaire, "governance", 3),
                                     **dimension_at(questionnaire, "tools", 1)}},
        {"role": "Exec", "answers": dimension_at(questionnaire, "governance", 3)},
        {"role": "Exec", "answers": dimension_at(questionnaire, "governance", 4)},
    ]
    out = role_medians(questionnaire, responses, minimum_group=3)
    assert out["Exec"]["medians"]["governance"] == 3.0
    assert out["Exec"]["medians"]["tools"] is None, "one Exec's own tools score is shown as the role's median"


@pytest.mark.parametrize("levels, kind, text, short", [
    ([], "none", "nobody gave a level yet", "no levels"),
    ([None, None], "none", "nobody gave a level (two said don't know)", "no levels"),
    ([4], "single", "one answer: level 4", "one answer at 4"),
    ([3, 3, 3], "agree", "the room agrees (all level 3)", "all at 3"),
    ([3, 3, None], "agree", "the room agrees (all level 3); one said don't know", "all at 3"),
    ([2, 3, 3], "close", "close: one at level 2, two at level 3", "close 2–3"),
    ([1, 1, 4], "split", "split: two at level 1, one at level 4", "split 1–4"),
    ([1, 5] * 6, "split", "split: six at level 1, six at level 5", "split 1–5"),
    ([2] * 12 + [5], "split", "split: 12 at level 2, one at level 5", "split 2–5"),
])
def test_agreement_says_how_the_room_answered_in_words(levels, kind, text, short):
    said = agreement(question_stats(levels))
    assert said == {"kind": kind, "text": text, "short": short}


def _reference_stats(levels: list) -> dict:
    """question_stats as the definitions say, straight from the statistics module over the values."""
    import statistics

    answered = sorted(level for level in levels if level is not None)
    stats = {"answered": len(answered), "dont_know": sum(1 for level in levels if level is None),
             "counts": {level: answered.count(level) for level in LEVELS}}
    if not answered:
        return {**stats, "median": None, "min": None, "max": None, "spread": None, "iqr": None, "stdev": None}
    q1, q3 = quartiles(answered)
    return {**stats, "median": statistics.median(answered), "min": answered[0], "max": answered[-1],
            "spread": answered[-1] - answered[0], "iqr": round(q3 - q1, 2),
            "stdev": round(statistics.pstdev(answered), 2)}


@pytest.mark.parametrize("seed", range(40))
def test_question_stats_worked_out_per_tally_equal_the_statistics_of_the_values(seed):
    import random

    rng = random.Random(seed)
    levels = [rng.choice([None, 1, 2, 3, 4, 5]) for _ in range(rng.choice([1, 2, 3, 7, 40, 300]))]
    assert question_stats(levels) == _reference_stats(levels)
    assert question_stats(iter(levels)) == _reference_stats(levels)


def test_changing_the_stats_of_one_question_leaves_the_next_with_the_same_answers_alone():
    first = question_stats([2, 3, 3])
    first["counts"][3] = 99
    first["agreement"] = "changed"
    assert question_stats([3, 2, 3]) == _reference_stats([2, 3, 3])
