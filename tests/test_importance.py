"""Importance per area and practice, and priority = gap to target × importance (issue 26 §2).

Importance is set in the plan (CLI/API document, result page) or derived from the stated pain; it
orders the general work of the roadmap within its stages and 'where to improve first', and never
moves the pain's first step out of the first 90 days.
"""

from __future__ import annotations

import random

import pytest

from app.engine import run_assessment
from app.engine.errors import InvalidPlan
from app.engine.importance import WEIGHTS, area_priorities, derive_importance, validate_importance
from app.engine.inputs import BadDocument, parse_document
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import FULL_CONTEXT
from tests.test_roadmap_invariants import started
from tests.uneven import uneven_organisation

FIRST = "first-90-days"
START = {"start_date": "2027-01-04"}


@pytest.mark.parametrize("given, expected", [
    (None, {}),
    ({}, {}),
    ({"governance": "high"}, {"governance": "high"}),
    ({"tools": "low", "analytics.capacity_model": "high"}, {"tools": "low", "analytics.capacity_model": "high"}),
])
def test_importance_is_low_normal_or_high_per_area_or_practice(given, expected):
    assert validate_importance(given) == expected


@pytest.mark.parametrize("given, message", [
    ("high", "must map a capability area"),
    ({"finance": "high"}, "names 'finance'; expected a capability area"),
    ({"governance": "urgent"}, "plan.importance.governance is 'urgent'; expected low, normal or high"),
    ({"governance": 3}, "expected low, normal or high"),
    ({"Governance": "high"}, "expected a capability area"),
])
def test_bad_importance_is_refused_naming_what_is_wrong(given, message):
    with pytest.raises(InvalidPlan, match=message):
        validate_importance(given)


@pytest.mark.parametrize("plan, field, message", [
    ({"importance": {"governance": "vital"}}, "plan", "expected low, normal or high"),
    ({"importance": {"governance.no_such_question": "high"}}, "plan.importance", "unknown question"),
])
def test_an_answers_document_with_bad_importance_names_the_field(content, plan, field, message):
    with pytest.raises(BadDocument, match=message) as err:
        parse_document(content, {"answers": {}, "context": FULL_CONTEXT, "plan": plan})
    assert err.value.field == field


def test_a_document_carries_importance_into_the_plan(content):
    document = parse_document(content, {"answers": {}, "context": FULL_CONTEXT,
                                        "plan": {"importance": {"tools": "low", "governance.stage_gates": "high"}}})
    assert document["plan"]["importance"] == {"tools": "low", "governance.stage_gates": "high"}


def test_by_default_the_pains_practices_and_their_areas_are_high(content):
    pain = content.rulebook.pains["poor_forecasting"]
    importance = derive_importance({}, pain.questions)
    pain_areas = {q.split(".")[0] for q in pain.questions}
    assert pain_areas == {"analytics", "governance"}
    assert {d: a["level"] for d, a in importance["areas"].items()} == {
        d: "high" if d in pain_areas else "normal" for d in DIMENSIONS}
    assert {d: a["source"] for d, a in importance["areas"].items()} == {
        d: "pain" if d in pain_areas else "default" for d in DIMENSIONS}
    assert importance["practices"] == {q: {"level": "high", "source": "pain"} for q in pain.questions}


def test_what_the_organisation_sets_wins_over_the_pain():
    importance = derive_importance({"analytics": "low", "tools": "high", "analytics.forecast_accuracy": "low"},
                                   ["analytics.forecast_accuracy", "analytics.financial_control"])
    assert importance["areas"]["analytics"] == {"level": "low", "source": "set"}
    assert importance["areas"]["tools"] == {"level": "high", "source": "set"}
    assert importance["practices"]["analytics.forecast_accuracy"] == {"level": "low", "source": "set"}
    assert importance["practices"]["analytics.financial_control"] == {"level": "high", "source": "pain"}


@pytest.mark.parametrize("level, score, target, gap, priority", [
    ("high", 2.0, 4, 2.0, 6.0),
    ("normal", 2.0, 4, 2.0, 4.0),
    ("low", 2.0, 4, 2.0, 2.0),
    ("high", 2.5, 3, 0.5, 1.5),
    ("high", 4.2, 4, 0.0, 0.0),  # above the target: no gap, no priority
    ("normal", None, 4, None, None),  # not scored
])
def test_priority_is_the_gap_to_the_target_times_the_importance(level, score, target, gap, priority):
    importance = derive_importance({d: level for d in DIMENSIONS}, [])
    area_priorities(importance, {d: {"score": score} for d in DIMENSIONS}, {d: target for d in DIMENSIONS})
    assert importance["areas"]["tools"]["gap"] == gap
    assert importance["areas"]["tools"]["priority"] == priority


def test_weights_rank_high_over_normal_over_low():
    assert WEIGHTS["high"] > WEIGHTS["normal"] > WEIGHTS["low"] > 0


def general_order(result) -> list[str]:
    """The roadmap's items in the order they are planned."""
    return [i["id"] for p in result["roadmap"]["phases"] for i in p["items"]]


def test_the_result_says_each_areas_importance_and_priority(content, questionnaire):
    answers = {q.id: 2 for q in questionnaire.questions()}
    result = run_assessment(content, answers, FULL_CONTEXT, plan={**START, "importance": {"tools": "low"}})
    areas = result["importance"]["areas"]
    assert areas["tools"] == {"level": "low", "source": "set", "gap": 1.0, "priority": 1.0}
    assert result["plan"]["importance"] == {"tools": "low"}
    for phase in result["roadmap"]["phases"]:
        for item in phase["items"]:
            assert item["priority"] >= 0


def test_importance_changes_the_order_of_work(content, questionnaire):
    """Governance high and analytics low, then the other way round: the area that matters gets more of
    its work planned (dated, within the PMO's capacity) and the other less."""
    answers = {q.id: 2 for q in questionnaire.questions()}
    context = {**FULL_CONTEXT, "primary_pain": "weak_execution"}

    def plan(governance, analytics):
        return run_assessment(content, answers, context,
                              plan={**START, "importance": {"governance": governance, "analytics": analytics}})

    def planned(result, area):
        return sum(1 for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]
                   if i["dimension"] == area)

    governance_first, analytics_first = plan("high", "low"), plan("low", "high")
    assert general_order(governance_first) != general_order(analytics_first)
    assert planned(analytics_first, "analytics") > planned(governance_first, "analytics")
    assert planned(governance_first, "governance") > planned(analytics_first, "governance")


def test_where_to_improve_first_follows_the_priority(content, questionnaire):
    """Two practices at level 1: the one in the area that matters comes first, whichever it is."""
    answers = {q.id: 3 for q in questionnaire.questions()}
    tools_question = next(q.id for q in questionnaire.questions() if q.id.startswith("tools."))
    answers["governance.stage_gates"] = answers[tools_question] = 1
    context = {**FULL_CONTEXT, "primary_pain": "strategic_misalignment"}
    first = {}
    for high in ("governance", "tools"):
        other = "tools" if high == "governance" else "governance"
        result = run_assessment(content, answers, context, plan={**START, "importance": {high: "high", other: "low"}})
        first[high] = result["highlights"]["lowest_questions"][0]["id"]
    assert first == {"governance": "governance.stage_gates", "tools": tools_question}


def adverse(context, content) -> dict[str, str]:
    """The importance that pulls hardest against the pain: its areas low, every other area high."""
    pain = content.rulebook.pains[context["primary_pain"]]
    pain_areas = {q.split(".")[0] for q in pain.questions}
    return {d: "low" if d in pain_areas else "high" for d in DIMENSIONS} | {q: "low" for q in pain.questions}


def test_importance_never_moves_the_pains_first_step_out_of_the_first_90_days(content, questionnaire,
                                                                               uneven_results):
    """Over the uneven organisations, with the pain's areas and practices rated low and every other area
    high: wherever the pain's first step was in the first 90 days, it still is, and so is the pain's
    work that started there."""
    checked = 0
    for seed, answers, context, result in uneven_results[:400]:
        pain = result["roadmap"].get("pain") or {}
        first = [started(p, i) for p in result["roadmap"]["phases"] for i in p["items"] if i["id"] in pain.get("first", ())]
        if not first or first[0] != FIRST:
            continue
        weighed = run_assessment(content, answers, context,
                                 plan={**result["plan"], "importance": adverse(context, content)})
        phase_of = {i["id"]: started(p, i) for p in weighed["roadmap"]["phases"] for i in p["items"]}
        assert phase_of.get(weighed["roadmap"]["pain"]["first"][0]) == FIRST, seed
        began = [i["id"] for p in result["roadmap"]["phases"] for i in p["items"]
                 if started(p, i) == FIRST and "pain" in i["drivers"]]
        assert all(phase_of.get(i) == FIRST for i in began), seed
        checked += 1
    assert checked > 100
