"""Model fit: gates that respect scale and sequence, points with reasons, close calls, the seed's
hybrid (directive oversight of the critical programmes), what would change the recommendation,
ownership, and properties that hold for any organisation."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine import run_assessment
from app.engine.facts import build_facts
from app.engine.rules import compute_fit, fit_of, rank_models
from app.engine.scoring import score_answers
from app.engine.whatif import FIXED_CONTEXT, MAX_SHRINK
from app.engine.vocabulary import CONTEXT_KEYS, DIMENSIONS, MODELS
from bench.common import random_answers, random_context

BASE = {"org_size": "medium", "active_projects": 25, "business_units": 1, "regulated": False,
        "risk_profile": "medium", "delivery_mix": "hybrid", "primary_pain": "poor_forecasting",
        "existing_pmo": "informal"}


def answers_at(questionnaire, levels: dict[str, int] | int = 3, **overrides: Any) -> dict[str, Any]:
    """Every question of an area at its level; overrides by question id (dots as double underscores)."""
    if isinstance(levels, int):
        levels = dict.fromkeys(DIMENSIONS, levels)
    answers = {q.id: levels.get(d.id, 3) for d in questionnaire.dimensions for q in d.questions}
    answers.update({k.replace("__", "."): v for k, v in overrides.items()})
    return answers


def assess(content, questionnaire, levels=3, context=None, **overrides) -> dict[str, Any]:
    return run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **(context or {})})


def facts_of(questionnaire, answers, context) -> dict[str, Any]:
    return build_facts(questionnaire, score_answers(questionnaire, answers), answers, context)


organisations = st.builds(
    lambda seed: (random_answers(random.Random(seed), _QUESTIONNAIRE[0]), random_context(random.Random(seed + 1))),
    st.integers(min_value=0, max_value=10**9))
_QUESTIONNAIRE: list = []


@pytest.fixture(autouse=True, scope="module")
def _questionnaire_for_strategies(questionnaire):
    _QUESTIONNAIRE[:] = [questionnaire]


# --------------------------------------------------------------------------
# Gates: scale and sequence
# --------------------------------------------------------------------------

@pytest.mark.parametrize("context, levels", [
    ({"org_size": "small", "active_projects": 5, "risk_profile": "high", "existing_pmo": "established"}, 3),
    ({"org_size": "medium", "active_projects": 12, "regulated": True, "risk_profile": "high"}, 4),
    ({"org_size": "small", "active_projects": 8, "business_units": 3}, 3),
    ({"org_size": "medium", "active_projects": 20, "business_units": 4}, 3),
], ids=["5 projects high risk", "12 projects regulated", "8 projects 3 domains", "20 projects 4 units"])
def test_a_small_portfolio_never_gets_directive_or_federated_not_even_as_hybrid(content, questionnaire, context,
                                                                                 levels):
    rec = assess(content, questionnaire, levels, context)["recommendation"]
    assert rec["model"] in ("supportive", "controlling")
    assert rec["hybrid_with"] not in ("directive", "federated")
    ruled_out = {entry["model"]: entry for entry in rec["ranking"]}
    assert not ruled_out["directive"]["eligible"] and ruled_out["directive"]["ruled_out"]
    assert ruled_out["directive"]["fit"] <= content.rulebook.ruled_out_fit


@pytest.mark.parametrize("context, gates, says", [
    ({"org_size": "small", "active_projects": 8, "business_units": 3},
     {"federated-needs-scale", "federated-needs-unit-work", "federated-needs-size"},
     ["here there are 8.", "about 2.7 per unit", "this one is small"]),
    # Units with plenty of work each, but a portfolio just short of the size: only the total is named
    # (round 212 read "about 10 projects each ...; here there are about 19.5 per unit, 39 in all").
    ({"org_size": "large", "active_projects": 39, "business_units": 2}, {"federated-needs-scale"},
     ["here there are 39."]),
    ({"org_size": "large", "active_projects": 50, "business_units": 12}, {"federated-needs-unit-work"},
     ["about 4.2 per unit"]),
], ids=["small, few projects, many units", "units busy, portfolio short", "portfolio large, units thin"])
def test_a_ruled_out_model_names_only_the_figures_that_fall_short(content, questionnaire, context, gates, says):
    rec = assess(content, questionnaire, 3, context)["recommendation"]
    federated = next(e for e in rec["ranking"] if e["model"] == "federated")
    assert {gate["rule"] for gate in federated["ruled_out"]} == gates
    text = " ".join(gate["text"] for gate in federated["ruled_out"])
    for phrase in says:
        assert phrase in text
    if "federated-needs-unit-work" not in gates:
        assert "per unit" not in text, "a figure that is not short is not cited as a reason"


@given(organisations)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_gates_hold_for_any_organisation(content, organisation):
    answers, context = organisation
    result = run_assessment(content, answers, context)
    rec = result["recommendation"]
    chosen = {rec["model"], rec["hybrid_with"]} - {None}
    small = context["active_projects"] < 30 and context["org_size"] in ("small", "medium")
    overall = result["overall"]["score"]
    if small or (context["risk_profile"] != "high" and not context["regulated"]):
        assert "directive" not in chosen
    if overall is None or overall < 2.5 or context["existing_pmo"] == "none":
        assert "directive" not in chosen, "nobody gets a directive PMO on day one"
    if overall is not None and overall >= 4.0:
        assert rec["model"] != "directive", "very high maturity moves decisions outwards"
    per_unit = context["active_projects"] / context["business_units"]
    if context["business_units"] < 2 or context["active_projects"] < 40 or per_unit < 10 or \
            context["org_size"] == "small":
        assert "federated" not in chosen


@pytest.mark.parametrize("levels, context, expected", [
    (1, {"existing_pmo": "none"}, "supportive"),
    (2, {"org_size": "small", "active_projects": 6, "existing_pmo": "none", "risk_profile": "low"}, "supportive"),
    (3, {"active_projects": 40, "regulated": True, "primary_pain": "weak_execution"}, "controlling"),
    (3, {"org_size": "enterprise", "active_projects": 300, "business_units": 9, "regulated": True,
         "existing_pmo": "established"}, "federated"),
    (3, {"org_size": "large", "active_projects": 150, "regulated": True, "risk_profile": "high",
         "delivery_mix": "waterfall", "primary_pain": "weak_execution", "existing_pmo": "established"},
     ("controlling", "directive")),
    (5, {"existing_pmo": "established", "risk_profile": "low", "delivery_mix": "agile"}, "supportive"),
], ids=["no PMO at level 1", "small low-risk shop", "regulated and weak execution", "enterprise of nine units",
        "high-risk regulated single unit", "level 5 agile"])
def test_the_recommended_model_follows_the_seed(content, questionnaire, levels, context, expected):
    model = assess(content, questionnaire, levels, context)["recommendation"]["model"]
    assert model in ((expected,) if isinstance(expected, str) else expected)


def test_a_pmo_seen_as_a_blocker_in_low_risk_agile_work_is_steered_to_trust_before_control(content, questionnaire):
    result = assess(content, questionnaire, {"governance": 4, "analytics": 3, "facilitation": 2, "tools": 3,
                                             "leadership": 3},
                    {"delivery_mix": "agile", "risk_profile": "low", "existing_pmo": "established",
                     "primary_pain": "weak_execution"},
                    facilitation__service_orientation=1, facilitation__delivery_proximity=1,
                    leadership__stakeholder_satisfaction=2)
    rec = result["recommendation"]
    assert rec["model"] == "supportive"
    reasons = {r["rule"] for r in rec["ranking"][0]["reasons"]}
    assert "pmo-seen-as-blocker" in reasons


# --------------------------------------------------------------------------
# Fit, close calls and the seed's hybrid
# --------------------------------------------------------------------------

def test_fit_is_a_smooth_curve_of_points_that_never_clips_two_totals_together(content):
    rulebook = content.rulebook
    fits = [fit_of(rulebook, points, True) for points in range(-40, 160, 5)]
    assert fits == sorted(fits) and 0 <= fits[0] and fits[-1] < 100
    assert fit_of(rulebook, rulebook.base_fit, True) == 50
    assert fit_of(rulebook, 130, True) != fit_of(rulebook, 160, True)


def test_a_near_tie_is_reported_as_a_close_call_with_the_runner_up(content, questionnaire):
    facts = facts_of(questionnaire, answers_at(questionnaire, 3), BASE)
    rec, outcome = rank_models(content.rulebook, facts)
    first, second = outcome.order[:2]
    close = outcome.totals[first] - outcome.totals[second] <= content.rulebook.hybrid_margin
    assert rec["close_call"] is close
    assert rec["hybrid_with"] == (second if close else None)


@given(organisations)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_close_call_exactly_when_the_runner_up_is_within_the_margin(content, organisation):
    answers, context = organisation
    rec = run_assessment(content, answers, context)["recommendation"]
    top, runner = rec["ranking"][0], rec["ranking"][1]
    # Judged on the fit a person sees, not on raw points.
    within = runner["eligible"] and top["fit"] - runner["fit"] <= content.rulebook.hybrid_margin
    if rec["close_on"] is None:
        assert rec["close_call"] is within and (rec["hybrid_with"] == runner["model"]) is within
    else:  # or one profile count a little different would tip it: a named hybrid, not a cliff edge, and
        # not a close call either ("the runner-up fits almost as well" at 78 against 63, round 205)
        assert not within and not rec["close_call"] and rec["hybrid_with"] == rec["close_on"]["model"]
        assert abs(rec["close_on"]["to"] - rec["close_on"]["from"]) <= 0.5 * rec["close_on"]["from"]
        said = [c["text"] for c in rec["what_would_change"] if c["kind"] == "profile"]
        if rec["close_on"]["model"] in {e["model"] for e in rec["ranking"] if e.get("in_design")}:
            assert not said, said  # the design already combines it (hub and spoke): nothing to offer
            return
        assert len(said) == 1 and f"(now {rec['close_on']['from']}" in said[0], said
        assert str(rec["close_on"]["to"]) not in said[0].split("(now")[0], said


def test_directive_oversight_of_the_critical_programmes_is_stated_explicitly(content, questionnaire):
    result = assess(content, questionnaire, 3, {"org_size": "large", "active_projects": 70, "risk_profile": "high",
                                                "regulated": True, "business_units": 1})
    rec = result["recommendation"]
    assert rec["model"] != "directive"
    assert rec["oversight"]["model"] == "directive"
    assert f"under the {rec['model']} model" in rec["oversight"]["text"]
    planned = {i["id"] for phase in result["roadmap"]["phases"] for i in phase["items"]}
    assert planned & {"governance.critical-programmes", "leadership.pm-pool"}, "the oversight gets its set-up"


def test_no_oversight_for_low_risk_work_or_for_a_directive_pmo(content, questionnaire):
    assert assess(content, questionnaire, 3, {"risk_profile": "low"})["recommendation"]["oversight"] is None
    small = assess(content, questionnaire, 3, {"org_size": "small", "active_projects": 6, "risk_profile": "high"})
    assert small["recommendation"]["oversight"] is None


# --------------------------------------------------------------------------
# What would change
# --------------------------------------------------------------------------

def changed_facts(questionnaire, answers, context, change) -> dict[str, Any]:
    """The facts after a reported change: a score set directly, a practice answered higher (and
    scored again from the answers), or a profile value replaced."""
    if change["kind"] == "answer":
        question = change["fact"].split(".", 1)[1]
        return facts_of(questionnaire, {**answers, question: change["to"]}, context)
    if change["kind"] in ("context", "profile"):  # a profile count, told with or without its number
        key = change["fact"].split(".", 1)[1]
        return facts_of(questionnaire, answers, {**context, key: change["to"]})
    dim = change["fact"].split(".", 1)[1]
    scored = score_answers(questionnaire, answers)
    scored["scores"][dim] = {**scored["scores"][dim], "score": change["to"], "insufficient": False}
    return build_facts(questionnaire, scored, answers, context)


@given(organisations)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_reported_change_is_meaningful_and_does_what_it_says(content, questionnaire, organisation):
    answers, context = organisation
    rec = run_assessment(content, answers, context)["recommendation"]
    for change in rec["what_would_change"]:
        if change["kind"] == "score":
            assert abs(change["to"] - change["from"]) >= content.rulebook.min_change - 1e-9
        if change["kind"] == "context":  # never a fact of the organisation it cannot change
            assert change["fact"].split(".", 1)[1] not in FIXED_CONTEXT
            if isinstance(change["to"], int) and not isinstance(change["to"], bool):
                assert change["to"] >= change["from"] * MAX_SHRINK
        if change["kind"] == "answer":  # a lever: a weak practice raised to level 3
            assert change["from"] <= 2 and change["to"] == 3
        after = compute_fit(content.rulebook, changed_facts(questionnaire, answers, context, change))
        assert after.top == change["model"] != rec["model"]
        assert change["instead_of"] == rec["model"]
        assert "{" not in change["text"] and "_" not in change["text"]


@given(organisations)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_rise_and_a_fall_of_the_same_area_never_flip_the_recommendation_the_same_way(content, organisation):
    answers, context = organisation
    changes = run_assessment(content, answers, context)["recommendation"]["what_would_change"]
    by_area: dict[str, dict[str, str]] = {}
    for change in changes:
        if change["kind"] == "score":
            way = "up" if change["to"] > change["from"] else "down"
            by_area.setdefault(change["fact"], {})[way] = change["model"]
    for ways in by_area.values():
        assert not (len(ways) == 2 and ways["up"] == ways["down"])


def test_a_change_is_told_in_answers_a_person_can_picture(content, questionnaire):
    # Governance is a lever a consultant lets decide the model; analytics or tools are not (round 207).
    rec = assess(content, questionnaire, {"governance": 1, "analytics": 3, "facilitation": 3, "tools": 3,
                                          "leadership": 2})["recommendation"]
    scores = [c for c in rec["what_would_change"] if c["kind"] == "score"]
    assert scores, rec["what_would_change"]
    assert any(phrase in scores[0]["text"] for phrase in ("answers one level", "answer one level", "on average"))


def test_only_neighbouring_choices_are_tried_for_ordered_profile_answers(content, questionnaire):
    rec = assess(content, questionnaire, 3, {"org_size": "enterprise", "active_projects": 300,
                                             "business_units": 9})["recommendation"]
    for change in rec["what_would_change"]:
        if change["fact"] == "context.org_size":
            assert change["to"] == "large"


# --------------------------------------------------------------------------
# Ownership and the stated pain
# --------------------------------------------------------------------------

PAIN_FUNCTION = {"duplicate_work": "intake-and-prioritisation", "poor_forecasting": "reporting-and-portfolio-reviews",
                 "weak_execution": "delivery-standards-and-gates", "resource_conflicts": "capacity-management",
                 "strategic_misalignment": "strategic-scoring-model"}


@pytest.mark.parametrize("pain", sorted(PAIN_FUNCTION))
def test_ownership_starts_with_the_function_that_answers_the_main_pain(content, questionnaire, pain):
    result = assess(content, questionnaire, 2, {"primary_pain": pain})
    assert result["ownership"]["own_first"][0]["id"] == PAIN_FUNCTION[pain]
    assert content.rulebook.pains[pain].function == PAIN_FUNCTION[pain]


def test_a_stated_pain_that_the_answers_contradict_is_called_out(content, questionnaire):
    result = assess(content, questionnaire, 3, {"primary_pain": "poor_forecasting"},
                    analytics__forecast_accuracy=5, analytics__financial_control=5, governance__status_reporting=4)
    note = result["ownership"]["pain_note"]
    assert note and "forecasting is answered at level 5" in note["text"]
    assert [c["id"] for c in result["check_first"]][:1] == ["pain-disagrees"]
    # The pain's own practices are in place: the work goes to its likely cause, the lowest of them.
    result = assess(content, questionnaire, 3, {"primary_pain": "poor_forecasting"},
                    analytics__forecast_accuracy=5, analytics__financial_control=5, governance__status_reporting=4,
                    governance__scope_change_control=1)
    pain = result["roadmap"]["pain"]
    assert pain["in_place"] and pain["items"] == ["governance.change-control"] and pain["phase"] == "first-90-days"
    (entry,) = [i for p in result["roadmap"]["phases"] for i in p["items"] if i["id"] == "governance.change-control"]
    assert "likely cause of the main pain, unreliable forecasts: scope and change control is at level 1" in entry["reason"]
    assert assess(content, questionnaire, 3, {"primary_pain": "poor_forecasting"})["ownership"]["pain_note"] is None


def test_the_pmo_never_owns_technical_decisions_and_owns_line_management_only_when_directive(content, questionnaire):
    # line management is named where the PMO allocates people: conflicts over them are the pain
    result = assess(content, questionnaire, 3, {"primary_pain": "resource_conflicts"})
    dont = {item["id"] for item in result["ownership"]["dont_own"]}
    assert {"technical-decisions", "architecture-approval", "line-management"} <= dont


# --------------------------------------------------------------------------
# Properties of any organisation's advice
# --------------------------------------------------------------------------

@given(organisations)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_organisation_gets_four_ranked_models_and_the_same_advice_twice(content, organisation):
    answers, context = organisation
    first = run_assessment(content, answers, context)
    rec = first["recommendation"]
    assert sorted(e["model"] for e in rec["ranking"]) == sorted(MODELS)
    assert all(0 <= e["fit"] <= 100 for e in rec["ranking"])
    eligible = [e for e in rec["ranking"] if e["eligible"]]
    assert rec["model"] == eligible[0]["model"]
    assert first == run_assessment(content, answers, context)


@given(organisations)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_evidence_is_exactly_the_facts_each_fired_rule_read(content, questionnaire, organisation):
    answers, context = organisation
    facts = facts_of(questionnaire, answers, context)
    rec, _outcome = rank_models(content.rulebook, facts)
    rules = {r.id: r for r in content.rulebook.model_rules}
    for entry in rec["ranking"]:
        for reason in entry["reasons"]:
            reads = rules[reason["rule"]].condition.reads
            assert reason["evidence"] == {path: facts[path] for path in reads}


def test_two_organisations_rarely_get_the_same_advice_word_for_word(content, questionnaire):
    rng = random.Random(7)
    seen = set()
    for _ in range(120):
        answers, context = random_answers(rng, questionnaire), random_context(rng)
        result = run_assessment(content, answers, context)
        advice = (result["recommendation"]["model"], tuple(p["why"] for p in result["pitfalls"]),
                  tuple(i["id"] for phase in result["roadmap"]["phases"] for i in phase["items"]))
        seen.add(advice)
    assert len(seen) >= 0.95 * 120


def test_every_context_key_can_be_phrased_in_what_would_change(content):
    assert set(content.rulebook.phrases) == set(CONTEXT_KEYS)


def test_a_weak_practice_the_rules_read_is_offered_as_a_lever(content, questionnaire):
    # No PMO yet and a fading sponsor: naming a sponsor who acts is what would move the advice.
    answers = random_answers(random.Random(19), questionnaire)
    context = {"org_size": "medium", "active_projects": 40, "business_units": 8, "regulated": False,
               "risk_profile": "low", "delivery_mix": "hybrid", "primary_pain": "strategic_misalignment",
               "existing_pmo": "none"}
    assert answers["leadership.executive_sponsor"] == 2
    rec = run_assessment(content, answers, context)["recommendation"]
    levers = [c for c in rec["what_would_change"] if c["kind"] == "answer"]
    assert [c["fact"] for c in levers] == ["answers.leadership.executive_sponsor"]
    assert levers[0]["text"].startswith("If executive sponsor rose from level 2 “") and "to level 3 “" in levers[0]["text"]
    assert rec["what_would_change"][0] is not None and rec["what_would_change"][0]["kind"] == "answer", "levers come first"
    after = compute_fit(content.rulebook, facts_of(questionnaire, {**answers, "leadership.executive_sponsor": 3}, context))
    assert after.top == levers[0]["model"] != rec["model"]


def test_facts_of_the_organisation_are_never_offered_as_what_would_change(content, questionnaire):
    # Size, regulation, risk, delivery style and the main pain are not levers, whatever the rules read.
    offered = set()
    for seed in range(40):
        answers, context = random_answers(random.Random(seed), questionnaire), random_context(random.Random(seed + 1))
        offered |= {c["fact"] for c in run_assessment(content, answers, context)["recommendation"]["what_would_change"]}
    assert offered, "these organisations should have something that would change their advice"
    assert not offered & {f"context.{key}" for key in FIXED_CONTEXT}
    assert set(FIXED_CONTEXT) == {"regulated", "risk_profile", "primary_pain", "org_size", "delivery_mix", "existing_pmo"}


def test_a_profile_change_that_only_rules_the_model_out_is_not_reported(content, questionnaire):
    for seed in range(40):
        answers, context = random_answers(random.Random(seed), questionnaire), random_context(random.Random(seed + 1))
        rec = run_assessment(content, answers, context)["recommendation"]
        for change in rec["what_would_change"]:
            if change["kind"] == "context":
                after = compute_fit(content.rulebook, changed_facts(questionnaire, answers, context, change))
                assert after.eligible[rec["model"]], change["text"]
