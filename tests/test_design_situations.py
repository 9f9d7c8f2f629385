"""The design says what this client needs, from its answers (round 207): an established PMO the teams
do not use becomes a service-led centre of excellence, not hub and spoke; a small shop with no PMO gets
a part-time coordinator whose work follows the pain (a senior owner of one ranked list and an exception
rule, one board with a limit on work in flight, or the one-page method only where delivery hurts); no
supplier clause where the work does not lean on suppliers; duplicates with no PMO are a gate at intake."""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from tests.test_rules import BASE, answers_at

METHOD_SET = "a brief, a plan, a risk and issue log, a status note and a change log"

CASES = {
    # id: (levels, answer overrides, context changes, design, words it must use, words it must not)
    "established-pmo-teams-avoid-across-units": (
        3, {"facilitation__service_orientation": 2, "facilitation__delivery_proximity": 2,
            "leadership__stakeholder_satisfaction": 2},
        {"org_size": "large", "active_projects": 78, "business_units": 3, "existing_pmo": "established",
         "primary_pain": "weak_execution"},
        "service-first-office", ["catalogue of services with response times", "Its analysts work inside",
                                 "how often teams ask for its help"],
        ["Hub and spoke", "more than advice from the centre"]),
    "informal-pmo-teams-avoid-is-no-centre-of-excellence-yet": (
        2, {"facilitation__service_orientation": 1, "facilitation__delivery_proximity": 2},
        {"existing_pmo": "informal", "primary_pain": "weak_execution"},
        "service-first-office", ["named partner in each delivery area"], ["catalogue of services"]),
    "small-firm-where-priorities-are-overridden": (
        2, {"leadership__prioritisation_influence": 1, "leadership__mandate": 1},
        {"org_size": "small", "active_projects": 7, "existing_pmo": "none", "primary_pain": "strategic_misalignment"},
        "part-time-method-owner", ["senior leader who owns the list", "an urgent request names the project it delays",
                                   "not a PMO"],
        [METHOD_SET, "weighted by strategy"]),
    "three-agile-projects-fighting-over-people": (
        2, {}, {"org_size": "small", "active_projects": 3, "existing_pmo": "none", "delivery_mix": "agile",
                "primary_pain": "resource_conflicts"},
        "part-time-method-owner", ["one board of all work", "a limit on how many items run at once",
                                   "every fortnight with the people on the projects", "sprint planning stays with them"], [METHOD_SET]),
    "a-handful-of-projects-delivered-badly-keeps-the-method": (
        2, {}, {"org_size": "small", "active_projects": 6, "existing_pmo": "none", "primary_pain": "weak_execution"},
        "part-time-method-owner", [METHOD_SET], ["ranked list", "one board"]),
    "agile-scale-up-with-weak-supplier-terms-gets-no-supplier-clause": (
        2, {"governance__vendor_management": 1},
        {"active_projects": 21, "delivery_mix": "agile", "risk_profile": "medium", "primary_pain": "poor_forecasting"},
        "lean-portfolio-office", ["no stage gates"], ["supplier"]),
    "waterfall-plant-with-vendors-setting-dates-keeps-it": (
        2, {"governance__vendor_management": 1},
        {"active_projects": 23, "delivery_mix": "waterfall", "primary_pain": "poor_forecasting"},
        None, ["each key supplier is held to contracted milestones"], []),
    "weak-execution-with-weak-suppliers-is-not-about-supplier-dates": (
        2, {"governance__vendor_management": 1},
        {"active_projects": 23, "delivery_mix": "waterfall", "primary_pain": "weak_execution"},
        None, [], ["contracted milestones"]),
    "duplicates-after-a-merger-with-no-pmo": (
        2, {"leadership__executive_sponsor": 3}, {"active_projects": 34, "business_units": 2, "existing_pmo": "none",
                                                  "primary_pain": "duplicate_work"},
        "duplicate-review-office", ["checked against the register before it starts"], []),
}


@pytest.mark.parametrize("levels, overrides, changes, design_id, says, never", CASES.values(), ids=CASES.keys())
def test_the_design_says_what_this_client_needs(content, questionnaire, levels, overrides, changes, design_id, says,
                                                never):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **changes})
    rec = result["recommendation"]
    design = rec["design"]
    if design_id:
        assert design["id"] == design_id, (design["id"], design["title"])
    reasons = " ".join(r["text"] for r in rec["why"])
    said = " ".join([design["title"], design["label"], design["text"], reasons])
    for words in says:
        assert words in said, (words, said)
    for words in never:
        assert words not in said, (words, said)


def test_duplicates_with_no_pmo_are_labelled_a_gate_at_intake(content, questionnaire):
    result = run_assessment(content, answers_at(questionnaire, 2, leadership__executive_sponsor=3),
                            {**BASE, "active_projects": 34, "business_units": 2, "existing_pmo": "none",
                             "primary_pain": "duplicate_work"})
    design = result["recommendation"]["design"]
    assert design["title"].startswith("A gate at intake") and design["label"].startswith("A gate at intake")
    assert result["summary"]["design"]["title"] == design["title"]
