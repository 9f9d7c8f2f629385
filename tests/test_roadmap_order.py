"""The roadmap's order follows the design's logic (issue 22, round 211).

Reviewers read the board's first stop-or-defer decision in the weeks the board was being set up, before the
rights to stop work were published; a light centre's register built in weeks 1-5 with the unit contacts who
keep it named in months 4-6; every request checked for overlaps before the form and log that capture the
requests; and decision gates set up for hybrid teams months before the waterfall controls came off their work.
A step never starts before what it needs: its prerequisites (`requires`) end before it starts, and what shapes
or feeds it (`started_after`) starts no later. Table-driven, from minimal answer sets of our own.
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from tests.test_rules import BASE, answers_at

START = {"start_date": "2026-12-07"}  # the 90 days hold the year-end break, the hardest case

# (answers' base level, overrides, context, the design, [(earlier, later, "end" or "start")]): where both are
# dated, `earlier` ends ("end") or starts ("start") no later than `later` starts.
CASES = {
    # Misalignment with no forum that decides and no published decision rights, a scoring model answered in
    # place: the stop decision waits for the board itself and for the rights to stop work.
    "board-stop-decision-after-board-and-rights": (
        2, {"leadership__prioritisation_influence": 1, "governance__prioritisation_model": 3,
            "facilitation__portfolio_reviews": 1, "governance__decision_rights": 1, "leadership__executive_sponsor": 4},
        {"active_projects": 40, "regulated": True, "primary_pain": "strategic_misalignment"},
        "investment-board-office",
        [("leadership.investment-board", "facilitation.first-stop-decision", "end"),
         ("governance.decision-rights", "facilitation.first-stop-decision", "end")]),
    # Ten small units with duplicates and no PMO: the contacts who keep the register are named no later than it
    # is built, and the form and log of requests start no later than the check of every request.
    "light-centre-contacts-and-intake-log": (
        1, {"tools__automation": 4},
        {"active_projects": 40, "business_units": 10, "existing_pmo": "none", "primary_pain": "duplicate_work"},
        "light-central-office",
        [("leadership.unit-contacts", "analytics.portfolio-register", "start"),
         ("governance.intake-form", "analytics.duplicate-check", "start"),
         ("analytics.portfolio-register", "analytics.duplicate-check", "end")]),
    # Hybrid teams under one waterfall method (tailoring at 2) and no decision gates yet: the waterfall controls
    # come off their work before any gate is set up.
    "gates-after-waterfall-controls-come-off": (
        2, {"governance__tailored_methodology": 2, "governance__stage_gates": 1, "facilitation__service_orientation": 3,
            "facilitation__delivery_proximity": 3},
        {"active_projects": 40, "delivery_mix": "hybrid", "existing_pmo": "established", "primary_pain": "weak_execution",
         "regulated": True},
        None,
        [("governance.agile-relief", "governance.decision-gates", "end")]),
}


def dated(roadmap) -> dict[str, dict]:
    return {i["id"]: i for p in roadmap["phases"] if p["id"] != "later" for i in p["items"]}


@pytest.mark.parametrize("level, overrides, context, design, pairs", CASES.values(), ids=CASES.keys())
def test_a_step_never_starts_before_what_it_needs(content, level, overrides, context, design, pairs):
    result = run_assessment(content, answers_at(content.default_questionnaire, level, **overrides),
                            {**BASE, **context}, plan=START)
    if design is not None:
        assert result["recommendation"]["design"]["id"] == design
    items = dated(result["roadmap"])
    for earlier, later, by in pairs:
        assert earlier in items and later in items, (earlier, later, sorted(items))
        when = items[earlier]["end_week" if by == "end" else "start_week"]
        assert when <= items[later]["start_week"] + 1e-9, (earlier, by, items[earlier]["start_date"],
                                                          items[earlier]["end_date"], later, items[later]["start_date"])


def test_a_full_first_90_days_leaves_the_check_at_the_door_to_open_months_4_to_6(content):
    # Round 210 read the check of each new request in months 7-12; round 211 read it before the form and log of
    # the requests it checks. Where the first 90 days hold seven starts already, both open months 4-6, the form
    # first, and the check is the first of the pain's work there.
    level, overrides, context, _design, _pairs = CASES["light-centre-contacts-and-intake-log"]
    roadmap = run_assessment(content, answers_at(content.default_questionnaire, level, **overrides),
                             {**BASE, **context}, plan=START)["roadmap"]
    phase_of = {i["id"]: ("first-90-days" if i.get("started_early") else p["id"])
                for p in roadmap["phases"] for i in p["items"]}
    assert sum(phase == "first-90-days" for phase in phase_of.values()) == 7
    assert phase_of["governance.intake-form"] == phase_of["analytics.duplicate-check"] == "months-4-6"
    months_4_6 = [i for p in roadmap["phases"] if p["id"] == "months-4-6" for i in p["items"]
                  if not i.get("started_early")]
    assert next(i["id"] for i in months_4_6 if "pain" in i["drivers"]) == "analytics.duplicate-check"


# Each design's core (`core_for` in the catalogue: its first product, forum or set-up), from minimal answer sets of
# our own: (answers' base level, overrides, context, the design, the core steps these answers need).
CORE = {
    "investment-board": (
        2, {"leadership__prioritisation_influence": 1, "facilitation__portfolio_reviews": 1,
            "governance__prioritisation_model": 2, "analytics__portfolio_view": 2, "governance__status_reporting": 3},
        {"active_projects": 43, "regulated": True, "primary_pain": "strategic_misalignment"},
        "investment-board-office",
        ["leadership.investment-board", "governance.board-criteria", "facilitation.first-stop-decision",
         "analytics.portfolio-view"]),
    "light-central-office": (
        2, {"analytics__portfolio_view": 1, "leadership__pmo_roles": 2},
        {"active_projects": 30, "business_units": 6, "existing_pmo": "informal", "primary_pain": "poor_forecasting"},
        "light-central-office", ["leadership.unit-contacts", "analytics.portfolio-register"]),
    "capacity-office": (
        2, {"analytics__capacity_model": 1, "tools__resource_planning": 2},
        {"active_projects": 25, "primary_pain": "resource_conflicts"},
        "capacity-office", ["analytics.staffing-matrix", "analytics.capacity-review"]),
    "lean-portfolio-office": (
        2, {"tools__adoption": 4},
        {"active_projects": 30, "delivery_mix": "agile", "primary_pain": "poor_forecasting"},
        "lean-portfolio-office", ["governance.flow-backlog", "facilitation.quarterly-planning"]),
    # The lean office's paragraph says "first, get the work into the tools" where the teams' tools are avoided.
    "lean-portfolio-office-work-into-the-tools": (
        2, {"tools__adoption": 1, "tools__tool_fit": 3},
        {"active_projects": 27, "business_units": 2, "delivery_mix": "agile", "primary_pain": "poor_forecasting"},
        "lean-portfolio-office", ["governance.flow-backlog", "tools.working-record"]),
    "part-time-method-owner": (
        2, {}, {"org_size": "small", "active_projects": 6, "existing_pmo": "none",
                "primary_pain": "strategic_misalignment"},
        "part-time-method-owner", ["leadership.list-owner", "governance.owner-ranked-list"]),
    "service-first-office": (
        3, {"facilitation__service_orientation": 1, "facilitation__delivery_proximity": 1,
            "leadership__stakeholder_satisfaction": 2},
        {"active_projects": 30, "existing_pmo": "established", "primary_pain": "weak_execution"},
        "service-first-office", ["facilitation.delivery-liaisons"]),
}


@pytest.mark.parametrize("level, overrides, context, design, core", CORE.values(), ids=CORE.keys())
def test_each_designs_core_starts_in_the_first_90_days_in_its_own_order(content, level, overrides, context, design,
                                                                        core):
    result = run_assessment(content, answers_at(content.default_questionnaire, level, **overrides),
                            {**BASE, **context}, plan=START)
    assert result["recommendation"]["design"]["id"] == design
    assert set(core) <= {i for i, item in content.roadmap.items.items() if design in item.core_for}
    roadmap = result["roadmap"]
    first = {i["id"]: i for p in roadmap["phases"] for i in p["items"]
             if p["id"] == "first-90-days" or i.get("started_early")}
    for item_id in core:
        assert item_id in first, (item_id, sorted(first))
        # ('the set-up that fits here' for a part-time role, which is not a PMO)
        assert any(r.startswith(("part of the PMO that fits here", "part of the set-up that fits here"))
                   for r in first[item_id]["reasons"]), first[item_id]["reasons"]
        for required in content.roadmap.items[item_id].requires:
            if required in first:
                assert first[required]["end_week"] <= first[item_id]["start_week"] + 1e-9, (required, item_id)


# An established PMO whose sponsor and mandate are weak (1-2) while its leadership area is not (so they are not the
# plan's foundations): what to own first says "before anything else", and both start in the first 90 days.
BEFORE_ANYTHING_ELSE = {
    "sponsor-1-mandate-2": (3, {"leadership__executive_sponsor": 1, "leadership__mandate": 2,
                                "analytics__forecast_accuracy": 2, "governance__scope_change_control": 2}),
    "sponsor-2-mandate-1": (3, {"leadership__executive_sponsor": 2, "leadership__mandate": 1,
                                "analytics__portfolio_risk": 2, "analytics__forecast_accuracy": 2}),
}


@pytest.mark.parametrize("level, overrides", BEFORE_ANYTHING_ELSE.values(), ids=BEFORE_ANYTHING_ELSE.keys())
def test_a_mandate_to_own_before_anything_else_starts_in_the_first_90_days(content, level, overrides):
    result = run_assessment(content, answers_at(content.default_questionnaire, level, **overrides),
                            {**BASE, "org_size": "large", "active_projects": 39, "business_units": 2, "regulated": True,
                             "risk_profile": "high", "delivery_mix": "waterfall", "existing_pmo": "established",
                             "primary_pain": "poor_forecasting"}, plan=START)
    said = [f for f in result["ownership"]["own_first"] if "before anything else" in (f.get("why") or "")]
    assert said, result["ownership"]["own_first"]
    first = {i["id"]: i for p in result["roadmap"]["phases"] for i in p["items"]
             if p["id"] == "first-90-days" or i.get("started_early")}
    assert {"leadership.find-sponsor", "leadership.pmo-mandate"} <= set(first), sorted(first)
    assert first["leadership.find-sponsor"]["end_week"] <= first["leadership.pmo-mandate"]["start_week"] + 1e-9
