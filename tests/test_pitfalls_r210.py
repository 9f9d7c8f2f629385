"""Pitfall sentences after round 210 (issue 22) that must be true of the answers they stand beside.

Each row is a minimal answer set of our own (every other answer at 3): the answers that make a stock
sentence false, and the sentence that must not be said, beside the answers where it is true and is said.
"""

from __future__ import annotations

import pytest

from tests.test_claims_r204 import assert_said, result_for

GATES_AHEAD = {"governance.stage_gates": 4, "analytics.portfolio_view": 1}
# Governance formal, teams served poorly, one method for all work: the over-governance pattern.
HEAVY = {"governance.minimum_artefacts": 3, "governance.standards_consistency": 3,
         "facilitation.service_orientation": 2, "governance.tailored_methodology": 2}


@pytest.mark.parametrize("pitfall_id,answers,said,not_said", [
    # A sponsor at 4 and decision rights at 4 with only the written mandate missing: no "senior backing" lacks.
    ("too-much-too-soon", {**GATES_AHEAD, "leadership.mandate": 2, "leadership.executive_sponsor": 4,
                           "governance.decision_rights": 4},
     "with no written mandate", "senior backing"),
    ("too-much-too-soon", {**GATES_AHEAD, "leadership.mandate": 2, "leadership.executive_sponsor": 2},
     "without that senior backing", "with no written mandate"),
    # Gates answered as analysed and trimmed (4) or risk-based (5) are kept; gates at 3 may be cut.
    ("over-governance", {**HEAVY, "governance.stage_gates": 4}, "Keep the gates as they stand", "Cut gates"),
    ("over-governance", {**HEAVY, "governance.stage_gates": 5, "governance.minimum_artefacts": 2},
     "Keep the gates as they stand", "Cut gates"),
    ("over-governance", {**HEAVY, "governance.stage_gates": 3}, "Cut gates", "Keep the gates"),
])
def test_a_pitfall_sentence_is_said_only_where_the_answers_make_it_true(content, questionnaire, pitfall_id,
                                                                        answers, said, not_said):
    assert_said(content, questionnaire, pitfall_id, answers, {}, said, not_said)


DELIVERY = ("facilitation.delivery_proximity", "governance.sponsor_accountability",
            "governance.escalation_thresholds", "governance.stage_gates")


@pytest.mark.parametrize("levels,said,not_said", [
    # Closeness to delivery at 4 is a strength: the weakest named are the others, at 3 or below.
    ((4, 3, 2, 2), "your answers show weakest (sponsor accountability level 3, escalation thresholds level 2",
     "closeness to delivery"),
    ((5, 5, 1, 4), "your answers show weakest (escalation thresholds level 1)", "level 5"),
    # All four at 4 or more: none is called weak.
    ((4, 5, 4, 4), "all answered at 4 or more", "weakest"),
])
def test_the_weakest_practices_behind_delivery_are_never_at_4_or_5(content, questionnaire, levels, said, not_said):
    result = result_for(content, questionnaire, dict(zip(DELIVERY, levels)), {"primary_pain": "weak_execution"})
    why = next(item["why"] for item in result["ownership"]["own_first"] if item["id"] == "delivery-standards-and-gates")
    assert said in why
    assert not_said not in why


@pytest.mark.parametrize("pitfall_id,answers,context,said,not_said", [
    # Costs seen only at year end (1) or by hand on large projects (2) beside an unreliable-forecasts pain:
    # the lowest answer behind the pain is cited in its pitfall, with the cost half of the remedy.
    ("unreliable-forecasts", {"analytics.forecast_accuracy": 2, "analytics.financial_control": 1},
     {"primary_pain": "poor_forecasting"}, "(financial control level 1)", "year end"),
    ("unreliable-forecasts", {"analytics.forecast_accuracy": 2, "analytics.financial_control": 2,
                              "governance.scope_change_control": 2}, {"primary_pain": "poor_forecasting"},
     "cost to complete compared with actual spend", "year end"),
    ("unreliable-forecasts", {"analytics.forecast_accuracy": 2, "analytics.financial_control": 1},
     {"primary_pain": "poor_forecasting", "delivery_mix": "agile"}, "(financial control level 1)", "year end"),
    ("unreliable-forecasts", {"analytics.forecast_accuracy": 2, "analytics.financial_control": 3},
     {"primary_pain": "poor_forecasting"}, "Delivery dates", "financial control"),
    # Tools in place but kept only before deadlines, with nobody owning the data and no list of all the work
    # yet: the data and the first picture built from it are cited.
    ("poor-tool-adoption", {"tools.adoption": 2, "tools.data_quality": 1, "analytics.portfolio_view": 1}, {},
     "nobody owns the data in it (data quality level 1). The first list of all the work", "every dashboard"),
    ("poor-tool-adoption", {"tools.adoption": 2, "tools.data_quality": 3}, {},
     "every dashboard built on it is wrong", "data quality"),
])
def test_the_lowest_answers_behind_a_pitfall_are_in_its_evidence(content, questionnaire, pitfall_id, answers,
                                                                context, said, not_said):
    assert_said(content, questionnaire, pitfall_id, answers, context, said, not_said)
