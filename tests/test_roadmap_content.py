"""What the roadmap contains (issue 22, round 207): no step for a practice already in place.

A catalogue item's title can name a practice it does not raise ("Take data straight from the
teams' own tools" raises closeness to delivery, yet speaks of tool integration). Such a practice is
named in `in_place_at` with the level that shows the work done, and the item is never planned
where it stands there. The phrases below find the practices a title names; the catalogue test
fails for a title that names one it neither raises nor lists. The property over the 2,000 uneven
organisations is in tests/test_roadmap_invariants.py.
"""

from __future__ import annotations

import re

import pytest

from app.engine import run_assessment
from tests.test_rules import BASE, answers_at

# Words in a title that tell the reader to start a practice: (pattern, the practice).
NAMED = [
    (r"\bwho decides\b|\bwho approves\b|\bdecision rights\b", "governance.decision_rights"),
    (r"teams' own tools|\bfeeds\b", "tools.integration"),
    (r"\bbaseline of dates\b", "analytics.forecast_accuracy"),
    (r"\bstatus report template\b", "governance.status_reporting"),
    (r"\bstaffing matrix\b", "analytics.capacity_model"),
    (r"\bportfolio register\b", "analytics.portfolio_view"),
    (r"\bescalation thresholds\b", "governance.escalation_thresholds"),
    (r"\bchange log\b", "governance.scope_change_control"),
    (r"\bproject templates\b", "governance.minimum_artefacts"),
    (r"\bdashboards?\b", "tools.dashboards"),
    (r"\bautomate\b", "tools.automation"),
]


def named_practices(title: str) -> set[str]:
    """The practices a title tells the reader to start, by the phrases above."""
    return {question for pattern, question in NAMED if re.search(pattern, title, re.IGNORECASE)}


def planned(result) -> dict[str, str]:
    return {item["id"]: phase["id"] for phase in result["roadmap"]["phases"] if phase["id"] != "later"
            for item in phase["items"]}


def test_every_practice_a_title_names_is_raised_or_shows_the_work_in_place(content):
    loose = [f"{item_id}: {question}" for item_id, item in content.roadmap.items.items()
             for question in named_practices(item.title)
             if question not in item.raises and question not in item.in_place_at]
    assert not loose, "name these in raises or in_place_at: " + "; ".join(loose)


def test_the_phrases_find_the_practices_they_are_meant_to(content):
    # The table above is only as good as what it finds: each phrase names at least one catalogue title.
    titles = [item.title for item in content.roadmap.items.values()]
    for pattern, question in NAMED:
        assert any(re.search(pattern, t, re.IGNORECASE) for t in titles), (pattern, question)


# Round 207's two steps for practices already in place, as minimal organisations of our own.
IN_PLACE = {
    # id: (levels, overrides, context, the answers that make the practice weak)
    "feeds-from-team-tools-already-run": (
        3, {"facilitation__delivery_proximity": 3, "tools__integration": 5, "tools__automation": 5},
        {"org_size": "large", "active_projects": 90, "existing_pmo": "established",
         "primary_pain": "strategic_misalignment", "delivery_mix": "waterfall", "regulated": True},
        {"tools__integration": 2}),
    "decision-rights-already-published": (
        2, {"governance__decision_rights": 5, "leadership__role_clarity": 2},
        {"org_size": "small", "active_projects": 3, "existing_pmo": "none", "primary_pain": "resource_conflicts",
         "delivery_mix": "agile"},
        {"governance__decision_rights": 2}),
}


def told_to_start(content, result, answers) -> list[tuple[str, str]]:
    """(item, practice) for each planned item whose title names a practice already at the level that shows
    its work done: the item's own level for it, else 4."""
    out = []
    for phase in result["roadmap"]["phases"]:
        for item in phase["items"]:
            catalogue = content.roadmap.items[item["id"]]
            for question in named_practices(catalogue.title):
                level = catalogue.in_place_at.get(question) or catalogue.raises.get(question) or 4
                if (answers.get(question) or 0) >= level:
                    out.append((item["id"], question))
    return out


@pytest.mark.parametrize("levels, overrides, context, weaker", IN_PLACE.values(), ids=IN_PLACE.keys())
def test_no_step_is_planned_for_a_practice_its_title_names_that_is_in_place(
        content, questionnaire, levels, overrides, context, weaker):
    answers = answers_at(questionnaire, levels, **overrides)
    assert told_to_start(content, run_assessment(content, answers, {**BASE, **context}), answers) == []
    # The same organisation with that practice weak is told to start it: the test can tell them apart.
    weak = answers_at(questionnaire, levels, **{**overrides, **weaker})
    named = {q for _i, q in told_to_start(content, run_assessment(content, weak, {**BASE, **context}), answers)}
    assert named & {k.replace("__", ".") for k in weaker}


# Order (round 207): the list of the work before the ranked list (a part-time owner's ranked list is that list),
# who works on what before a limit on work in flight (part of a part-time owner's limit), and for unreliable forecasts on moving scope the change log in the first 90 days and escalation
# thresholds by months 4-6.
ORDER = {
    # id: (levels, overrides, context, [(first, then)], {item: phases it starts in})
    "small-shop-conflicts-over-people": (
        2, {"analytics__portfolio_view": 1, "analytics__capacity_model": 1, "governance__prioritisation_model": 1},
        {"org_size": "small", "active_projects": 4, "existing_pmo": "none", "primary_pain": "resource_conflicts",
         "delivery_mix": "agile"},
        [("analytics.portfolio-register", "governance.owner-ranked-list"),
         ("analytics.staffing-matrix", "analytics.wip-limit")], {}),
    "small-firm-overrides": (
        2, {"analytics__portfolio_view": 1, "leadership__role_clarity": 1, "governance__decision_rights": 2},
        {"org_size": "small", "active_projects": 7, "existing_pmo": "none", "primary_pain": "strategic_misalignment"},
        [("analytics.portfolio-register", "governance.owner-ranked-list")], {}),
    "operations-beat-projects": (
        2, {"analytics__capacity_model": 1, "tools__resource_planning": 1},
        {"active_projects": 20, "primary_pain": "resource_conflicts"},
        [("analytics.staffing-matrix", "analytics.wip-limit")],
        {"analytics.staffing-matrix": ("first-90-days",)}),
    "forecasts-on-moving-scope": (
        2, {"governance__scope_change_control": 1, "governance__escalation_thresholds": 1,
            "analytics__forecast_accuracy": 2},
        {"active_projects": 23, "delivery_mix": "waterfall", "primary_pain": "poor_forecasting"},
        [("analytics.forecast-baselines", "analytics.reforecast-cadence")],
        # The change log's lever starts it by the first 90 days where the 90 days have room (the first 90 days
        # hold what ends within them, fewer for a small PMO), else in months 4-6, as every lever.
        {"governance.change-control": ("first-90-days", "months-4-6"), "analytics.forecast-baselines": ("first-90-days",),
         "governance.escalation-route": ("first-90-days", "months-4-6")}),
}


@pytest.mark.parametrize("levels, overrides, context, pairs, phases", ORDER.values(), ids=ORDER.keys())
def test_what_a_step_needs_comes_first_and_the_pains_levers_come_early(
        content, questionnaire, levels, overrides, context, pairs, phases):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **context})
    items = {i["id"]: i for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]}
    at = planned(result)
    everything = {i["id"] for p in result["roadmap"]["phases"] for i in p["items"]}
    for first, then in pairs:  # `first` ends before `then` starts, or is not planned at all (it is part of it)
        assert then in items, (then, sorted(items))
        if first in everything:
            assert first in items and items[first]["end_week"] <= items[then]["start_week"] + 1e-6, (first, then)
    for item_id, allowed in phases.items():
        assert at.get(item_id) in allowed, (item_id, at.get(item_id))


def test_a_baseline_of_dates_is_not_said_to_guard_against_changing_scope(content, questionnaire):
    # "Guards against 'Scope that changes without anyone deciding': Hold a baseline of dates" (round 207).
    result = run_assessment(content, answers_at(questionnaire, 2, governance__scope_change_control=1),
                            {**BASE, "active_projects": 23, "primary_pain": "poor_forecasting"})
    scope = next(p for p in result["pitfalls"] if p["id"] == "uncontrolled-change")
    assert "analytics.forecast-baselines" in planned(result)
    assert "analytics.forecast-baselines" not in scope["roadmap_items"] + scope["other_items"]
    assert "governance.change-control" in scope["roadmap_items"]


# Steps consistent with the design (round 207): teams or units that keep their own way of delivering get no
# starter templates or gates from the centre; a light centre names its unit contacts first;
# an established PMO teams do not ask for help publishes its services by months 4-6.
DESIGNS = {
    # id: (levels, overrides, context, design, never planned, {item: phases it starts in})
    "lean-portfolio-office": (
        2, {"governance__status_reporting": 1, "governance__minimum_artefacts": 1},
        {"active_projects": 30, "delivery_mix": "agile", "primary_pain": "weak_execution"},
        "lean-portfolio-office", ["governance.core-templates"], {}),
    "light-central-office": (
        2, {"governance__minimum_artefacts": 1, "governance__stage_gates": 1, "leadership__pmo_roles": 1},
        {"org_size": "large", "active_projects": 45, "business_units": 8, "primary_pain": "duplicate_work"},
        "light-central-office", ["governance.core-templates", "governance.decision-gates"],
        {"leadership.unit-contacts": ("first-90-days",)}),
    "established-pmo-teams-do-not-ask": (
        3, {"facilitation__service_orientation": 2, "facilitation__delivery_proximity": 3},
        {"org_size": "large", "active_projects": 78, "existing_pmo": "established", "primary_pain": "weak_execution",
         "business_units": 1},
        None, [], {"facilitation.service-catalogue": ("first-90-days", "months-4-6")}),
}


@pytest.mark.parametrize("levels, overrides, context, design, never, phases", DESIGNS.values(), ids=DESIGNS.keys())
def test_steps_fit_the_design(content, questionnaire, levels, overrides, context, design, never, phases):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **context})
    if design:
        assert result["recommendation"]["design"]["id"] == design
    everything = {i["id"] for p in result["roadmap"]["phases"] for i in p["items"]}
    assert not everything & set(never), sorted(everything & set(never))
    at = planned(result)
    for item_id, allowed in phases.items():
        assert at.get(item_id) in allowed, (item_id, at.get(item_id))


# Area targets that fit (round 207): at most two levels above today, never beyond what the design needs, and
# an area kept where it stands says why.
TARGETS = {
    # id: (levels, overrides, context, design, {area: target}, {area: words in why})
    "federated-centre-from-level-1": (
        1, {"leadership__executive_sponsor": 3, "leadership__mandate": 3, "facilitation__workshops": 3},
        {"org_size": "enterprise", "active_projects": 160, "business_units": 7, "existing_pmo": "none",
         "primary_pain": "duplicate_work"},
        None, {"governance": 3}, {}),
    "light-central-office": (
        2, {"governance__minimum_artefacts": 1, "governance__stage_gates": 1, "leadership__pmo_roles": 1},
        {"org_size": "large", "active_projects": 45, "business_units": 8, "primary_pain": "duplicate_work"},
        "light-central-office", {"governance": 3}, {}),
    "tools-ahead-of-governance": (
        1, {"tools__tool_fit": 4, "tools__adoption": 4, "tools__dashboards": 4, "tools__process_first": 3,
            "tools__automation": 3, "tools__integration": 3, "tools__data_quality": 3, "tools__resource_planning": 3},
        {"active_projects": 30, "primary_pain": "poor_forecasting"},
        None, {"tools": 3}, {"tools": "held by a pitfall"}),
}


@pytest.mark.parametrize("levels, overrides, context, design, targets, why", TARGETS.values(), ids=TARGETS.keys())
def test_area_targets_are_within_reach_fit_the_design_and_say_why_they_keep(
        content, questionnaire, levels, overrides, context, design, targets, why):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **context})
    if design:
        assert result["recommendation"]["design"]["id"] == design
    roadmap = result["roadmap"]
    for area, level in targets.items():
        assert roadmap["target"][area] == level, (area, roadmap["target"])
    for area, words in why.items():
        assert words in roadmap["target_why"][area], roadmap["target_why"]
    for area, level in roadmap["target"].items():  # never more than two levels above today
        assert level <= max(result["scores"][area]["level"] or 1, 1) + 2, (area, level)
