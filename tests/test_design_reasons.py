"""'Why this design' never argues for what the design leaves out (round 212): regulated agile work is told
where its evidence comes from, not that every project needs formal approvals beside 'no stage gates'; where
weak delivery sits beside controls that exist and one route for all work, the maturity reason says to fit
the controls to the risk, not that 'required common standards pay off most'. Minimal answer sets of our own."""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from app.engine.rules import design_reasons
from tests.test_rules import BASE, answers_at

CASES = {
    # id: (levels, answer overrides, context, words one reason must say, words no reason may say)
    "regulated-agile-evidence-from-the-teams-records": (
        2, {"facilitation__portfolio_reviews": 1, "analytics__portfolio_view": 2},
        {"org_size": "large", "active_projects": 50, "business_units": 3, "regulated": True,
         "delivery_mix": "agile", "primary_pain": "strategic_misalignment"},
        "not from stage gates", "formal approvals"),
    "regulated-hybrid-keeps-formal-approvals": (
        3, {},
        {"org_size": "large", "active_projects": 50, "regulated": True, "delivery_mix": "hybrid",
         "primary_pain": "weak_execution"},
        "formal approvals", "not from stage gates"),
    "controls-exist-one-route-fit-them-to-risk": (
        3, {"governance__stage_gates": 5, "governance__minimum_artefacts": 5, "governance__tailored_methodology": 1,
            "governance__standards_consistency": 3, "facilitation__service_orientation": 2},
        {"org_size": "large", "active_projects": 80, "business_units": 4, "regulated": True, "risk_profile": "high",
         "delivery_mix": "waterfall", "existing_pmo": "established", "primary_pain": "weak_execution"},
        "fit them to the risk of each change", "pay off most"),
    "uneven-practices-still-need-common-standards": (
        3, {"governance__standards_consistency": 2},
        {"org_size": "medium", "active_projects": 25, "delivery_mix": "waterfall", "primary_pain": "weak_execution"},
        "pay off most", "fit them to the risk"),
}


@pytest.mark.parametrize("levels, overrides, context, says, never", CASES.values(), ids=CASES.keys())
def test_why_this_design_argues_for_what_the_design_does(content, questionnaire, levels, overrides, context,
                                                         says, never):
    answers = answers_at(questionnaire, levels, **overrides)
    result = run_assessment(content, answers, {**BASE, **context})
    model_reasons = [r["text"] for entry in result["recommendation"]["ranking"]
                     if entry["model"] == result["recommendation"]["model"] for r in entry["reasons"]]
    shown = [r["text"] for r in design_reasons(result["recommendation"], limit=10)]
    assert any(says in text for text in model_reasons + shown), (result["recommendation"]["design"]["id"], shown)
    assert not any(never in text for text in shown), shown


ONE_ROUTE = {"governance__tailored_methodology": 1}
ROUTE_CONTEXTS = {
    # id: (context, design)
    "hub-and-spoke": ({"org_size": "large", "active_projects": 80, "business_units": 4, "delivery_mix": "waterfall",
                       "existing_pmo": "established"}, "hub-and-spoke"),
    "standards-office": ({"org_size": "medium", "active_projects": 30, "business_units": 1, "delivery_mix": "hybrid",
                          "existing_pmo": "established"}, "standards-office"),
}


@pytest.mark.parametrize("level", [4, 5])
@pytest.mark.parametrize("context, design", ROUTE_CONTEXTS.values(), ids=ROUTE_CONTEXTS.keys())
def test_the_same_route_cites_only_controls_that_are_one_size(content, questionnaire, context, design, level):
    """Gates and documents at 5 are 'risk-based, quick' and 'lean, generated from data': the design says the
    route is one-size (the method), never that they are (round 212: 'Stage gates 5 (Risk-based, quick gates)'
    cited as 'the same route'). At 4 they are the heavy route, and are named."""
    answers = answers_at(questionnaire, 3, governance__stage_gates=level, governance__minimum_artefacts=level,
                         **ONE_ROUTE)
    result = run_assessment(content, answers, {**BASE, **context, "primary_pain": "weak_execution"})
    got = result["recommendation"]["design"]
    assert got["id"] == design
    route = [s for s in got["text"].split(". ") if "same route" in s]
    assert route, got["text"]
    assert "tailored methodology level 1" in route[0]
    assert ("stage gates level 4" in route[0]) == (level == 4), route[0]
    assert "level 5" not in route[0], route[0]
