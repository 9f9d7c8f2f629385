"""Pitfalls: each fires on answers that show its problem, and stays quiet on answers that show the
opposite and where its precondition is missing (no tool-adoption problem without tools).

Every row starts from a neutral organisation (every answer at level 3, a 25-project medium
organisation with an informal PMO), on which no pitfall fires, and changes only what its case needs.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.engine import run_assessment

NEUTRAL_CONTEXT = {
    "org_size": "medium", "active_projects": 25, "business_units": 1, "regulated": False,
    "risk_profile": "medium", "delivery_mix": "hybrid", "primary_pain": "poor_forecasting",
    "existing_pmo": "informal",
}

REQUIRED = ("no-mandate", "over-governance", "compliance-over-value", "unclear-roles", "poor-tool-adoption",
            "inconsistent-standards", "disconnected-from-delivery", "tool-before-process", "too-much-too-soon",
            "capacity-blind-spots", "reporting-theater", "waterfall-for-everything")

# Answers are written as {question id: level}; "area:level" keys set every question of an area.
TOOLS_NONE = {"area:tools": 1}
GOVERNANCE_STRONG = {"area:governance": 4}

# pitfall id -> (problem, opposite, precondition missing); each case is (answers, context changes).
CASES: dict[str, tuple[tuple[dict, dict], tuple[dict, dict], tuple[dict, dict]]] = {
    "no-mandate": (
        ({"leadership.executive_sponsor": 2}, {}),
        ({"leadership.executive_sponsor": 4, "leadership.mandate": 4}, {}),
        # No precondition: "don't know" is no evidence of the problem.
        ({"leadership.executive_sponsor": None, "leadership.mandate": None}, {}),
    ),
    "over-governance": (
        ({"facilitation.service_orientation": 1}, {}),
        ({"facilitation.service_orientation": 4, "facilitation.delivery_proximity": 4,
          "governance.tailored_methodology": 4}, {}),
        ({"area:governance": 2, "facilitation.service_orientation": 1}, {}),
    ),
    "compliance-over-value": (
        ({"analytics.benefits_realisation": 2, "leadership.business_outcomes": 2}, {}),
        ({"analytics.benefits_realisation": 4, "leadership.business_outcomes": 2}, {}),
        ({"governance.stage_gates": 2, "governance.minimum_artefacts": 2, "governance.standards_consistency": 2,
          "analytics.benefits_realisation": 1, "leadership.business_outcomes": 1}, {}),
    ),
    "unclear-roles": (
        ({"leadership.role_clarity": 2}, {}),
        ({"leadership.role_clarity": 4, "governance.decision_rights": 1}, {}),
        ({"leadership.role_clarity": 1}, {"active_projects": 0}),
    ),
    "poor-tool-adoption": (
        ({"tools.adoption": 2}, {}),
        ({"tools.adoption": 4, "tools.data_quality": 4}, {}),
        # The case: no tools at all is not "tools nobody keeps current".
        (TOOLS_NONE, {}),
    ),
    "inconsistent-standards": (
        ({"governance.standards_consistency": 2}, {}),
        ({"governance.standards_consistency": 4}, {}),
        ({"governance.minimum_artefacts": 1, "governance.stage_gates": 1, "governance.status_reporting": 1,
          "governance.standards_consistency": 1}, {}),
    ),
    "disconnected-from-delivery": (
        ({"facilitation.delivery_proximity": 2, "facilitation.service_orientation": 2}, {}),
        ({"facilitation.delivery_proximity": 4, "facilitation.stakeholder_involvement": 4,
          "facilitation.service_orientation": 4}, {}),
        ({"facilitation.delivery_proximity": 1}, {"existing_pmo": "none"}),
    ),
    "tool-before-process": (
        ({"tools.process_first": 2, "governance.intake_criteria": 2}, {}),
        ({"tools.process_first": 4, **GOVERNANCE_STRONG}, {}),
        ({"area:tools": 1}, {}),
    ),
    "too-much-too-soon": (
        ({"governance.intake_criteria": 1, "governance.prioritisation_model": 4}, {}),
        # Missing basics but nothing advanced: too little, not too much (the case).
        ({"governance.intake_criteria": 1, "analytics.pmo_performance": 3}, {"existing_pmo": "none",
                                                                              "active_projects": 50}),
        # The basics are in place: advanced practice on top of them is the right order.
        ({"governance.prioritisation_model": 5, "analytics.capacity_model": 4}, {}),
    ),
    "capacity-blind-spots": (
        ({"analytics.capacity_model": 2}, {}),
        ({"analytics.capacity_model": 4}, {}),
        ({"analytics.capacity_model": 1}, {"active_projects": 5}),
    ),
    "reporting-theater": (
        ({"leadership.data_driven_decisions": 2}, {}),
        # The case: weak measures but leaders who decide on data at level 5.
        ({"analytics.decision_kpis": 2, "leadership.data_driven_decisions": 5}, {}),
        ({"analytics.reporting_cadence": 1, "tools.dashboards": 1, "governance.status_reporting": 1,
          "leadership.data_driven_decisions": 1}, {}),
    ),
    "waterfall-for-everything": (
        ({"governance.tailored_methodology": 2}, {}),
        # Level 1 means no shared method at all, not one waterfall method for everything.
        ({"governance.tailored_methodology": 1}, {}),
        ({"governance.tailored_methodology": 2}, {"delivery_mix": "waterfall"}),
    ),
    "outgrown-scale": (
        ({"tools.automation": 2}, {"active_projects": 80}),
        ({"tools.automation": 4, "leadership.pmo_roles": 4, "tools.tool_fit": 4}, {"active_projects": 80}),
        ({"tools.automation": 1}, {"active_projects": 80, "existing_pmo": "none"}),
    ),
    "benefits-unmanaged": (
        # The textbook case: benefits stated in business cases, then forgotten.
        ({"analytics.benefits_realisation": 2, "governance.intake_criteria": 1,
          "governance.sponsor_accountability": 1}, {}),
        ({"analytics.benefits_realisation": 4}, {}),
        ({"analytics.benefits_realisation": 1, "governance.intake_criteria": 1,
          "governance.sponsor_accountability": 1}, {}),
    ),
    "stale-mandate": (
        ({"leadership.mandate": 3}, {"existing_pmo": "established"}),
        ({"leadership.mandate": 4}, {"existing_pmo": "established"}),
        ({"leadership.mandate": 3}, {"existing_pmo": "informal"}),
    ),
    "value-unproven": (
        ({"analytics.pmo_performance": 2, "leadership.stakeholder_satisfaction": 2}, {"existing_pmo": "established"}),
        ({"analytics.pmo_performance": 4, "leadership.stakeholder_satisfaction": 4}, {"existing_pmo": "established"}),
        ({"analytics.pmo_performance": 1, "leadership.stakeholder_satisfaction": 1}, {"existing_pmo": "informal"}),
    ),
    "risk-blind-portfolio": (
        ({"analytics.portfolio_risk": 2}, {"regulated": True}),
        ({"analytics.portfolio_risk": 4}, {"regulated": True, "risk_profile": "high"}),
        ({"analytics.portfolio_risk": 1}, {"risk_profile": "low"}),
    ),
    "unprepared-go-lives": (
        ({"facilitation.transition_to_service": 2}, {}),
        ({"facilitation.transition_to_service": 4}, {"risk_profile": "high"}),
        ({"facilitation.transition_to_service": 1}, {"risk_profile": "low"}),
    ),
    "uncontrolled-change": (
        ({"governance.scope_change_control": 1}, {}),
        ({"governance.scope_change_control": 4, "analytics.forecast_accuracy": 1}, {}),
        ({"governance.scope_change_control": 1}, {"delivery_mix": "agile"}),
    ),
}


def answers_with(questionnaire, changes: dict[str, Any]) -> dict[str, Any]:
    answers = {q.id: 3 for q in questionnaire.questions()}
    for key, level in changes.items():
        if key.startswith("area:"):
            answers.update({q.id: level for q in questionnaire.dimension(key[5:]).questions})
    answers.update({k: v for k, v in changes.items() if not k.startswith("area:")})
    return answers


def fired(content, questionnaire, case: tuple[dict, dict]) -> dict[str, dict]:
    answers, context = case
    result = run_assessment(content, answers_with(questionnaire, answers), {**NEUTRAL_CONTEXT, **context})
    return {p["id"]: p for p in result["pitfalls"]}


def test_every_pitfall_has_its_three_cases_and_the_required_ones_exist(content):
    ids = [p.id for p in content.rulebook.pitfalls]
    assert set(REQUIRED) <= set(ids)
    assert sorted(CASES) == sorted(ids)


def test_the_neutral_organisation_walks_into_no_pitfall(content, questionnaire):
    assert fired(content, questionnaire, ({}, {})) == {}


@pytest.mark.parametrize("pitfall_id", sorted(CASES))
def test_pitfall_fires_on_answers_that_show_it(content, questionnaire, pitfall_id):
    found = fired(content, questionnaire, CASES[pitfall_id][0])
    assert pitfall_id in found
    pitfall = found[pitfall_id]
    assert pitfall["why"] and "{" not in pitfall["why"] and pitfall["mitigation"]
    assert pitfall["evidence"], "a pitfall shows the answers behind it"


@pytest.mark.parametrize("pitfall_id", sorted(CASES))
def test_pitfall_stays_quiet_on_answers_that_show_the_opposite(content, questionnaire, pitfall_id):
    assert pitfall_id not in fired(content, questionnaire, CASES[pitfall_id][1])


@pytest.mark.parametrize("pitfall_id", sorted(CASES))
def test_pitfall_stays_quiet_when_its_precondition_is_missing(content, questionnaire, pitfall_id):
    assert pitfall_id not in fired(content, questionnaire, CASES[pitfall_id][2])


def test_tooling_far_ahead_of_governance_fires_whatever_the_self_reported_process_answer(content, questionnaire):
    case = ({"area:tools": 4, "area:governance": 1, "governance.intake_criteria": 2, "governance.decision_rights": 2},
            {})
    found = fired(content, questionnaire, case)
    assert "tool-before-process" in found
    assert "the platform is well ahead of the rules" in found["tool-before-process"]["why"]
    assert found["tool-before-process"]["holds"] == ["tools"]


def test_a_pitfall_explains_itself_with_the_variant_true_for_the_organisation(content, questionnaire):
    one_unit = fired(content, questionnaire, ({"governance.standards_consistency": 2}, {}))
    units = fired(content, questionnaire, ({"governance.standards_consistency": 2}, {"business_units": 4,
                                                                                     "active_projects": 60}))
    assert "business units" not in one_unit["inconsistent-standards"]["why"]
    assert "the 4 business units or domains apply their own versions" in units["inconsistent-standards"]["why"]


def test_pitfall_text_names_plain_values_and_no_internal_ids(content, questionnaire):
    everything = ({"area:leadership": 1, "area:governance": 2, "tools.adoption": 1}, {"existing_pmo": "established"})
    for pitfall in fired(content, questionnaire, everything).values():
        assert "answers." not in pitfall["why"] and "context." not in pitfall["why"]
        assert pitfall["precondition"] == "" or pitfall["precondition"][0].islower()


def test_dont_know_is_never_evidence_of_a_pitfall(content, questionnaire):
    unknown = {q.id: None for q in questionnaire.questions()}
    result = run_assessment(content, unknown, NEUTRAL_CONTEXT)
    assert result["pitfalls"] == []


def test_mature_regulated_enterprises_have_pitfalls_where_their_answers_show_them(content, questionnaire):
    enterprise = {**NEUTRAL_CONTEXT, "org_size": "enterprise", "active_projects": 300, "business_units": 9,
                  "regulated": True, "risk_profile": "high", "existing_pmo": "established"}
    answers = answers_with(questionnaire, {"area:governance": 4, "area:analytics": 4, "area:tools": 4,
                                           "leadership.mandate": 3, "analytics.benefits_realisation": 2,
                                           "leadership.business_outcomes": 2, "governance.standards_consistency": 2,
                                           "facilitation.service_orientation": 1, "governance.stage_gates": 3})
    found = {p["id"] for p in run_assessment(content, answers, enterprise)["pitfalls"]}
    assert {"stale-mandate", "compliance-over-value", "inconsistent-standards", "over-governance"} <= found


def test_pitfalls_are_listed_highest_severity_first(content, questionnaire):
    case = ({"area:leadership": 1, "governance.standards_consistency": 2, "analytics.capacity_model": 1}, {})
    result = run_assessment(content, answers_with(questionnaire, case[0]), NEUTRAL_CONTEXT)
    ranks = [{"high": 0, "medium": 1, "low": 2}[p["severity"]] for p in result["pitfalls"]]
    assert len(ranks) >= 3 and ranks == sorted(ranks)
