"""The tiered-assurance design's own work starts in the first 90 days (issue 22, round 212 case 12).

A controlling PMO with assurance, tiered by risk, promised risk tiers agreed with those who sign off, a light
route for low-risk change and turnaround times for sign-offs; the 90 days then held none of it, and the Check
first question ('how long did the last changes wait at each gate and sign-off?') never became a step. Its first
sentence cited gates answered as 'risk-based, quick' (5) as proof that every change takes the same route.
Table-driven, from minimal answer sets of our own.
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from tests.test_rules import BASE, answers_at

START = {"start_date": "2026-12-07"}  # the 90 days hold the year-end break, the hardest case
HIGH_RISK = {"regulated": True, "risk_profile": "high", "existing_pmo": "established", "primary_pain": "weak_execution"}

# (overrides at base level 3, context, the steps dated in the first 90 days, cited in the design, never cited there)
CASES = {
    # Gates risk-based and quick, documents lean, one route for every kind of work: the route is the change.
    "gates-at-5-one-route": (
        {"governance__stage_gates": 5, "governance__minimum_artefacts": 5, "governance__tailored_methodology": 1},
        {"active_projects": 82, "business_units": 4, "org_size": "large", "delivery_mix": "waterfall"},
        ["governance.gate-wait-evidence", "governance.delivery-routes"],
        ["tailored methodology level 1"], ["level 5"]),
    # Gates and documents at 4 with waterfall controls on hybrid work: the controls come off agile work first.
    "gates-at-4-hybrid": (
        {"governance__stage_gates": 4, "governance__minimum_artefacts": 4, "governance__tailored_methodology": 2},
        {"active_projects": 40, "delivery_mix": "hybrid"},
        ["governance.gate-wait-evidence", "governance.agile-relief"],
        ["stage gates level 4", "tailored methodology level 2"], []),
    # Gates at 4, documents lean at 5: only the gates are cited as the heavy route.
    "gates-at-4-documents-at-5": (
        {"governance__stage_gates": 4, "governance__minimum_artefacts": 5, "governance__tailored_methodology": 1},
        {"active_projects": 60, "delivery_mix": "waterfall"},
        ["governance.gate-wait-evidence", "governance.delivery-routes"],
        ["stage gates level 4", "tailored methodology level 1"], ["level 5"]),
    # Gates in place but untiered (3): the tiering itself.
    "gates-at-3": (
        {"governance__stage_gates": 3, "governance__minimum_artefacts": 3, "governance__tailored_methodology": 2},
        {"active_projects": 40, "delivery_mix": "waterfall"},
        ["governance.gate-tiering"], [], []),
}


@pytest.mark.parametrize("overrides, context, early, cited, not_cited", CASES.values(), ids=CASES.keys())
def test_the_tiered_assurance_designs_own_steps_start_in_the_first_90_days(content, overrides, context, early,
                                                                          cited, not_cited):
    result = run_assessment(content, answers_at(content.default_questionnaire, 3, leadership__executive_sponsor=4,
                                                **overrides),
                            {**BASE, **HIGH_RISK, **context}, plan=START)
    design = result["recommendation"]["design"]
    assert design["id"] == "controlling-with-assurance"
    first = {i["id"]: i for p in result["roadmap"]["phases"] for i in p["items"]
             if p["id"] == "first-90-days" or i.get("started_early")}
    for item_id in early:
        assert item_id in first, (item_id, sorted(first))
    text = design["text"]
    for said in cited:
        assert said in text.lower(), text
    for unsaid in not_cited:
        assert unsaid not in text.lower(), text


def test_the_gate_wait_question_is_the_first_step_on_the_pain(content):
    """The Check first question made a step: it leads the pain's work, and the check asks the same thing."""
    overrides, context, *_ = CASES["gates-at-5-one-route"]
    result = run_assessment(content, answers_at(content.default_questionnaire, 3, leadership__executive_sponsor=4,
                                                **overrides),
                            {**BASE, **HIGH_RISK, **context}, plan=START)
    assert result["roadmap"]["pain"]["lead"] == "governance.gate-wait-evidence"
    item = content.roadmap.items["governance.gate-wait-evidence"]
    assert "weak_execution" in item.verifies
    assert any("sign-off" in d and "turnaround" in d for d in content.roadmap.items["governance.delivery-routes"].deliverables)
