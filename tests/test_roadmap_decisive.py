"""Decisive steps early, prerequisites in order (issue 22, round 205).

A design's defining set-up step (`defines` in roadmaps/improvements.yaml) and each lever whose
condition holds (`levers`) start by their phase whatever the PMO's capacity; what shapes a
standard's rollout (`started_after`: listening, co-design, pilots) starts no later than it; the
register and decision rights come before the reviews that rank, merge or stop work. Table-driven
cases, then invariants over the 2,000 uneven organisations (tests/uneven.py).
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from app.engine.facts import build_facts
from app.engine.scoring import score_answers
from tests.test_roadmap_invariants import dated, everything, first_full
from tests.test_rules import BASE, answers_at

FIRST = ("first-90-days",)
FIRST_TWO = ("first-90-days", "months-4-6")
PHASES = ("first-90-days", "months-4-6", "months-7-12", "months-13-18")

CASES = {
    # id: (levels, answer overrides, context, dated in these phases, never in the first 90 days)
    "investment-board-chair-and-terms": (
        2, {"leadership__prioritisation_influence": 1},
        {"active_projects": 40, "primary_pain": "strategic_misalignment", "existing_pmo": "none"},
        {"leadership.investment-board": FIRST}, []),
    "critical-programmes-under-directive-oversight": (
        3, {"governance__escalation_thresholds": 1, "governance__decision_rights": 2},
        {"org_size": "enterprise", "active_projects": 200, "business_units": 1, "regulated": True,
         "risk_profile": "high", "primary_pain": "weak_execution", "existing_pmo": "established"},
        {"governance.critical-programmes": FIRST, "governance.escalation-route": FIRST}, []),
    "hub-and-spoke-unit-leads": (
        2, {"leadership__pmo_roles": 2},
        {"org_size": "enterprise", "active_projects": 140, "business_units": 7, "existing_pmo": "informal",
         "primary_pain": "duplicate_work"},
        {"leadership.local-pmo-leads": FIRST}, []),
    "no-forum-decides": (
        2, {"facilitation__portfolio_reviews": 1, "facilitation__service_orientation": 1,
            "leadership__prioritisation_influence": 3},
        {"active_projects": 32, "primary_pain": "poor_forecasting", "existing_pmo": "established"},
        {"facilitation.review-slot": FIRST}, []),
    "vendors-set-the-dates": (
        2, {"governance__vendor_management": 1, "analytics__forecast_accuracy": 2},
        {"active_projects": 20, "delivery_mix": "waterfall", "primary_pain": "poor_forecasting"},
        {"governance.supplier-terms": FIRST, "analytics.forecast-baselines": FIRST,
         "analytics.reforecast-cadence": FIRST}, []),
    "projects-lose-to-operations": (
        2, {"analytics__capacity_model": 1, "governance__prioritisation_model": 2},
        {"active_projects": 28, "primary_pain": "resource_conflicts"},
        {"analytics.wip-limit": FIRST_TWO, "governance.ranked-list": FIRST}, []),
    "execution-without-coaching": (
        2, {"leadership__capability_building": 1},
        {"active_projects": 40, "primary_pain": "weak_execution", "existing_pmo": "informal"},
        {"leadership.coaching-offer": FIRST_TWO}, []),
    "agile-teams-hidden-dependencies": (
        2, {"analytics__dependency_tracking": 1, "tools__adoption": 4},
        {"active_projects": 40, "business_units": 3, "delivery_mix": "agile", "primary_pain": "weak_execution"},
        {"facilitation.quarterly-planning": FIRST},
        ["governance.core-templates", "governance.minimum-artefacts"]),
    "agile-regulated-hidden-dependencies": (
        2, {"analytics__dependency_tracking": 1},
        {"active_projects": 40, "business_units": 3, "delivery_mix": "agile", "regulated": True,
         "primary_pain": "weak_execution"},
        {"analytics.dependency-register": FIRST}, []),
}


# Round 204's bank whose regulatory programme keeps missing fixed dates: the critical programmes were
# named only in month 4, behind escalation thresholds set for a target.
R204_BANK = {
    "analytics.benefits_realisation": 2, "analytics.capacity_model": 1, "analytics.decision_kpis": 2,
    "analytics.dependency_tracking": 2, "analytics.duplicate_detection": 2, "analytics.financial_control": 2,
    "analytics.forecast_accuracy": 3, "analytics.pmo_performance": 2, "analytics.portfolio_risk": 1,
    "analytics.portfolio_view": 2, "analytics.reporting_cadence": 2, "facilitation.communication": 3,
    "facilitation.conflict_resolution": 4, "facilitation.delivery_proximity": 4, "facilitation.lessons_learned": 4,
    "facilitation.pilots_quick_wins": 3, "facilitation.portfolio_reviews": 4, "facilitation.service_orientation": 4,
    "facilitation.stakeholder_involvement": 3, "facilitation.transition_to_service": 3, "facilitation.workshops": 4,
    "governance.decision_rights": 3, "governance.escalation_thresholds": 2, "governance.intake_criteria": 3,
    "governance.minimum_artefacts": 3, "governance.prioritisation_model": 1, "governance.scope_change_control": 1,
    "governance.sponsor_accountability": 3, "governance.stage_gates": 3, "governance.standards_consistency": 2,
    "governance.status_reporting": 3, "governance.tailored_methodology": 3, "governance.vendor_management": 3,
    "leadership.business_outcomes": 4, "leadership.capability_building": 4, "leadership.data_driven_decisions": 5,
    "leadership.executive_sponsor": 4, "leadership.mandate": 4, "leadership.pmo_roles": 4,
    "leadership.prioritisation_influence": 5, "leadership.role_clarity": 4, "leadership.stakeholder_satisfaction": 3,
    "tools.adoption": 4, "tools.automation": 4, "tools.dashboards": 4,
    "tools.data_quality": 3, "tools.integration": 4, "tools.process_first": 4,
    "tools.resource_planning": 5, "tools.tool_fit": 4,
}
R204_BANK_CONTEXT = {"active_projects": 133, "business_units": 5, "delivery_mix": "hybrid", "existing_pmo": "informal",
                     "org_size": "enterprise", "primary_pain": "poor_forecasting", "regulated": True,
                     "risk_profile": "high"}


def test_the_critical_programmes_come_under_direct_control_in_the_first_90_days(content):
    result = run_assessment(content, R204_BANK, R204_BANK_CONTEXT)
    assert result["recommendation"]["oversight"]["id"] == "directive-oversight"
    at = {item["id"]: phase for phase, item in dated(result)}
    assert at["governance.critical-programmes"] == "first-90-days"
    assert [d["phase"] for d in result["roadmap"]["defining"] if d["id"] == "governance.critical-programmes"] == [
        "first-90-days"]


@pytest.mark.parametrize("levels, overrides, context, early, not_first", CASES.values(), ids=CASES.keys())
def test_decisive_steps_are_dated_early(content, questionnaire, levels, overrides, context, early, not_first):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **context})
    at = {item["id"]: phase for phase, item in dated(result)}
    for item_id, phases in early.items():
        assert at.get(item_id) in phases, (item_id, at.get(item_id), sorted(at))
    for item_id in not_first:
        assert at.get(item_id) != "first-90-days", item_id


def test_listening_and_pilots_start_before_the_standards_they_shape(content, questionnaire):
    # An established PMO with weak delivery discipline: it listens and pilots before the rollout.
    result = run_assessment(content, answers_at(questionnaire, 2, facilitation__pilots_quick_wins=1),
                            {**BASE, "org_size": "large", "active_projects": 80, "existing_pmo": "established",
                             "primary_pain": "weak_execution", "risk_profile": "high", "regulated": True})
    items = {item["id"]: item for _phase, item in dated(result)}
    standards = [i for i in ("governance.status-standard", "governance.decision-gates", "governance.change-control",
                             "governance.intake-route") if i in items]
    assert standards and "facilitation.pilots" in items and "facilitation.retire-artefacts" in items
    for shaper in ("facilitation.pilots", "facilitation.retire-artefacts"):
        assert all(items[shaper]["start_week"] <= items[s]["start_week"] for s in standards), shaper


def facts_for(questionnaire, answers, context, result):
    facts = build_facts(questionnaire, score_answers(questionnaire, answers), answers, context)
    facts["model"] = result["recommendation"]["model"]
    facts["design"] = (result["recommendation"].get("design") or {}).get("id") or "none"
    return facts


def needed(item, answers) -> bool:
    main, level = next(iter(item.raises.items()))
    if item.to_level == 5 and (answers.get(main) or 0) >= level:
        return False
    return any(answers.get(q) is None or answers[q] < to for q, to in item.raises.items())


def test_every_designs_defining_step_is_in_the_first_two_phases_or_said_to_be_in_place(
        content, questionnaire, uneven_results):
    seen = 0
    for seed, answers, context, result in uneven_results:
        recommendation = result["recommendation"]
        chosen = {recommendation["model"], (recommendation.get("design") or {}).get("id"),
                  (recommendation.get("oversight") or {}).get("id")}
        facts = facts_for(questionnaire, answers, context, result)
        told = {d["id"]: d for d in result["roadmap"]["defining"]}
        at = {item["id"]: phase for phase, item in dated(result)}
        for item_id, item in content.roadmap.items.items():
            condition = content.roadmap.conditions.get(item_id)
            if not set(item.defines) & chosen or (condition is not None and not condition.matches(facts)):
                continue
            seen += 1
            assert item_id in told, (seed, item_id)
            if needed(item, answers):
                # Beyond seven starts in the first 90 days, it starts as soon as what it needs allows.
                assert at.get(item_id) in (PHASES[:3] if first_full(result) else FIRST_TWO), (
                    seed, item_id, at.get(item_id))
                assert told[item_id]["in_place"] is None
            else:
                assert told[item_id]["in_place"].startswith("already in place: "), (seed, item_id)
                assert item_id not in at
    assert seen > 100, seen


def test_every_lever_that_holds_is_dated_by_the_first_two_phases(content, questionnaire, uneven_results):
    held = 0
    for seed, answers, context, result in uneven_results:
        facts = facts_for(questionnaire, answers, context, result)
        at = {item["id"]: phase for phase, item in dated(result)}
        for item_id, levers in content.roadmap.levers.items():
            item = content.roadmap.items[item_id]
            condition = content.roadmap.conditions.get(item_id)
            if (condition is not None and not condition.matches(facts)) or not needed(item, answers):
                continue
            for lever, spec in levers:
                if lever.matches(facts):
                    held += 1
                    assert at.get(item_id) in FIRST_TWO, (seed, item_id, at.get(item_id))
                    # By its phase, where what it needs allows (a part-time owner starts four changes a quarter).
                    waits = any(at.get(r) != "first-90-days" for r in item.requires if r in at)
                    if (spec.by == "first-90-days" and not result["roadmap"]["capacity"]["part_time"] and not waits
                            and not first_full(result)):  # seven starts are the most the first 90 days hold
                        assert at[item_id] == "first-90-days", (seed, item_id)
    assert held > 100, held


# The register (one list of the work) before what reads it; decision rights before merge or stop decisions.
BEFORE = [("analytics.portfolio-register", "analytics.capacity-review"),
          ("analytics.portfolio-register", "analytics.overlap-review"),
          ("analytics.portfolio-register", "governance.ranked-list"),
          ("governance.decision-rights", "analytics.overlap-review"),
          ("governance.owner-ranked-list", "analytics.wip-limit")]


def test_prerequisites_end_before_and_shapers_start_no_later_than_what_needs_them(uneven_results):
    pairs = 0
    for seed, _answers, _context, result in uneven_results:
        items = {item["id"]: (phase, item) for phase, item in everything(result)}
        for item_id, (phase, item) in items.items():
            if phase == "later":
                continue
            for required in item["requires"]:
                assert items[required][0] != "later", (seed, item_id, required)
                assert items[required][1]["end_week"] <= item["start_week"] + 1e-6, (seed, item_id, required)
        for first, then in BEFORE:
            if first in items and then in items and items[then][0] != "later":
                pairs += 1
                assert items[first][1]["end_week"] <= items[then][1]["start_week"] + 1e-6, (seed, first, then)
        for shaper, (phase, item) in items.items():
            for shaped in item["shapes"]:
                if items[shaped][0] != "later":
                    assert phase != "later", (seed, shaper, shaped)
                    assert item["start_week"] <= items[shaped][1]["start_week"] + 1e-6, (seed, shaper, shaped)
    assert pairs > 100, pairs


def test_agile_only_work_gets_no_starter_templates_in_the_first_90_days(uneven_results):
    # Agile teams whose work is neither regulated nor high-risk: no evidence trail asks for documents yet.
    for seed, _answers, context, result in uneven_results:
        if context["delivery_mix"] != "agile" or context["regulated"] or context["risk_profile"] == "high":
            continue
        first = {item["id"] for phase, item in dated(result) if phase == "first-90-days"}
        assert not first & {"governance.core-templates", "governance.minimum-artefacts"}, seed


def test_no_planned_step_starts_before_what_the_catalogue_says_it_needs(content, uneven_results):
    # Issue 22, round 211, read from the catalogue rather than from the plan's own links: for every dated item,
    # each prerequisite (`requires`) that is planned is dated and ends before it starts, and each item it starts
    # no later than (`started_after`) that is planned is dated and starts no later than it.
    items = content.roadmap.items
    checked = 0
    for seed, _answers, _context, result in uneven_results:
        at = {item["id"]: (phase, item) for phase, item in everything(result)}
        for item_id, (phase, item) in at.items():
            if phase == "later":
                continue
            for required in items[item_id].requires:
                if required in at:
                    checked += 1
                    assert at[required][0] != "later", (seed, item_id, required)
                    assert at[required][1]["end_week"] <= item["start_week"] + 1e-6, (seed, item_id, required)
            for earlier in items[item_id].started_after:
                if earlier in at:
                    checked += 1
                    assert at[earlier][0] != "later", (seed, item_id, earlier)
                    assert at[earlier][1]["start_week"] <= item["start_week"] + 1e-6, (seed, item_id, earlier)
    assert checked > 1000, checked


def test_every_designs_core_is_dated_with_the_first_work(content, questionnaire, uneven_results):
    # Issue 22, round 211: a design's core (`core_for`: an investment board, its scoring, first stop decision and
    # list; a light centre's unit contacts and register; a capacity office's staffing picture and review; a lean
    # office's backlog and joint planning; a part-time owner's list; a service-led office's partners) starts in the
    # first 90 days where the answers need it, or, where their starts are all taken or what it needs ends later,
    # in the next phase, as soon as it can.
    seen = moved = 0
    for seed, answers, context, result in uneven_results:
        design = (result["recommendation"].get("design") or {}).get("id")
        facts = facts_for(questionnaire, answers, context, result)
        at = {item["id"]: (phase, item) for phase, item in dated(result)}
        part_time = result["roadmap"]["capacity"]["part_time"]
        full = sum(phase == "first-90-days" for phase, _item in at.values()) >= (4 if part_time else 7)
        for item_id, item in content.roadmap.items.items():
            condition = content.roadmap.conditions.get(item_id)
            if design not in item.core_for or (condition is not None and not condition.matches(facts)) or not (
                    needed(item, answers)):
                continue
            seen += 1
            assert item_id in at, (seed, item_id)
            phase, planned = at[item_id]
            assert phase in FIRST_TWO, (seed, item_id, phase)
            if phase != "first-90-days":
                moved += 1
                waited = max((at[r][1]["end_week"] for r in planned["requires"] if r in at), default=0.0)
                assert full or planned["start_week"] <= waited + 1.5, (seed, item_id, planned["start_week"], waited)
    assert seen > 300 and moved < seen / 4, (seen, moved)
