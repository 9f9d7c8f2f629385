"""Pitfalls and Check first after round 209 (issue 22): how many are high, a pitfall that stands on an answer
Check first doubts, the pain read in the right direction, stock sentences true of the answers, and the
anomalies Check first asks about.

Each row is a minimal answer set of our own (every other answer at 3, the neutral organisation of
tests/test_pitfalls.py): the answers that show a pattern, beside the answers where it does not hold.
"""

from __future__ import annotations

import pytest

from tests.test_pitfalls import NEUTRAL_CONTEXT, answers_with
from app.engine import run_assessment


def result_for(content, questionnaire, answers, context=None):
    return run_assessment(content, answers_with(questionnaire, answers), {**NEUTRAL_CONTEXT, **(context or {})})


def pitfalls_of(result):
    return {p["id"]: p for p in result["pitfalls"]}


def top_of(result):
    return [p["id"] for p in result["summary"]["pitfalls"]]


# ---- Severity and count -----------------------------------------------------------------------------------

# A large regulated portfolio with no PMO where nearly every foundation is missing: seven or more pitfalls
# are high on their own (round 209's kind: six high and four more).
EVERYTHING_MISSING = (
    {"leadership.mandate": 1, "leadership.executive_sponsor": 1, "leadership.prioritisation_influence": 1,
     "governance.prioritisation_model": 1, "governance.decision_rights": 1, "leadership.role_clarity": 1,
     "governance.stage_gates": 1, "governance.scope_change_control": 1, "analytics.benefits_realisation": 2,
     "analytics.portfolio_risk": 1, "analytics.forecast_accuracy": 1},
    {"active_projects": 120, "regulated": True, "risk_profile": "high", "existing_pmo": "none",
     "primary_pain": "strategic_misalignment", "org_size": "large"},
)


@pytest.mark.parametrize("answers,context", [
    EVERYTHING_MISSING,
    ({**EVERYTHING_MISSING[0], "facilitation.transition_to_service": 1}, {**EVERYTHING_MISSING[1],
                                                                         "primary_pain": "weak_execution"}),
])
def test_at_most_three_pitfalls_are_high_and_the_others_say_why(content, questionnaire, answers, context):
    result = result_for(content, questionnaire, answers, context)
    highs = [p for p in result["pitfalls"] if p["severity"] == "high"]
    assert len(highs) == 3
    assert [p["id"] for p in highs] == top_of(result)
    lowered = [p for p in result["pitfalls"] if p.get("severity_note")]
    assert lowered and all(p["severity"] == "medium" and "three that matter most" in p["severity_note"]
                           for p in lowered)
    # The pain's own stays high, and first.
    assert result["pitfalls"][0]["pain_pitfall"] and result["pitfalls"][0]["severity"] == "high"


def test_the_plan_reads_the_severity_shown(content, questionnaire):
    result = result_for(content, questionnaire, *EVERYTHING_MISSING)
    shown = {p["title"]: p["severity"] for p in result["pitfalls"]}
    for phase in result["roadmap"]["phases"]:
        for item in phase["items"]:
            for reason in item.get("reasons") or []:
                if reason.startswith("mitigates “"):
                    title, severity = reason[len("mitigates “"):].split("” (", 1)
                    assert severity.split(")")[0].split(",")[0] == shown[title], (item["id"], reason)


# Reports answered as going out on a calendar (3) while each project reports in its own format, if at all
# (1): Check first doubts the reports, so "Reporting that changes no decision" does not stand on them. (No
# ranked list either: investment decided without strategy is the pain's own, never lowered.)
DOUBTED_REPORTS = {"analytics.reporting_cadence": 3, "governance.status_reporting": 1,
                   "leadership.data_driven_decisions": 1, "analytics.decision_kpis": 1,
                   "governance.prioritisation_model": 2}


@pytest.mark.parametrize("answers,context,doubted", [
    (DOUBTED_REPORTS, {"primary_pain": "strategic_misalignment"}, True),
    # Dashboards said to be tied to decisions (4), forecasts never checked (1): green reports, red reality.
    ({"tools.dashboards": 4, "analytics.forecast_accuracy": 1, "analytics.reporting_cadence": 2,
      "governance.status_reporting": 2, "leadership.data_driven_decisions": 1, "analytics.decision_kpis": 1,
      "governance.prioritisation_model": 2},
     {"primary_pain": "strategic_misalignment"}, True),
    # One status standard (3): the reports are not in doubt, and the pitfall stands.
    ({**DOUBTED_REPORTS, "governance.status_reporting": 3}, {"primary_pain": "strategic_misalignment"}, False),
])
def test_a_pitfall_on_an_answer_check_first_doubts_is_not_one_of_the_three(content, questionnaire, answers,
                                                                            context, doubted):
    result = result_for(content, questionnaire, answers, context)
    found = pitfalls_of(result)["reporting-theater"]
    checks = {c["id"] for c in result["check_first"]}
    if doubted:
        assert found["doubted_by"] in checks
        assert found["severity"] == "low" and "Check first doubts" in found["severity_note"]
        assert "reporting-theater" not in top_of(result)
    else:
        assert not found.get("doubted_by")
        assert found["severity"] == "high" and "reporting-theater" in top_of(result)


@pytest.mark.parametrize("projects,severity", [(6, "medium"), (9, "medium"), (10, "high"), (40, "high")])
def test_reports_nobody_decides_from_are_high_only_in_a_portfolio_steered_from_reports(
        content, questionnaire, projects, severity):
    # Polished reports (one standard at 4) beside decisions and measures at 2: a pattern, not in doubt.
    answers = {"governance.status_reporting": 4, "leadership.data_driven_decisions": 2, "analytics.decision_kpis": 2,
               "analytics.forecast_accuracy": 3}
    found = pitfalls_of(result_for(content, questionnaire, answers, {"active_projects": projects}))
    assert found["reporting-theater"]["severity"] == severity


@pytest.mark.parametrize("units,severity", [(13, "high"), (6, "high"), (5, "medium"), (3, "medium")])
def test_many_units_with_no_centre_read_it_as_head_office_control(content, questionnaire, units, severity):
    answers = {"governance.standards_consistency": 1, "governance.minimum_artefacts": 2, "governance.stage_gates": 2,
               "governance.status_reporting": 1, "governance.decision_rights": 2, "analytics.portfolio_view": 1,
               "governance.intake_criteria": 2}
    context = {"business_units": units, "existing_pmo": "none", "primary_pain": "duplicate_work",
               "active_projects": 44}
    result = result_for(content, questionnaire, answers, context)
    found = pitfalls_of(result)
    assert found["units-resist-the-centre"]["severity"] == severity
    if severity == "high":
        top = top_of(result)
        assert "units-resist-the-centre" in top
        order = [p["id"] for p in result["pitfalls"]]
        assert order.index("units-resist-the-centre") < order.index("unit-methods-diverge")


# ---- The pain read in the right direction -----------------------------------------------------------------

# Weak delivery named as the pain, gates and the document set at 4-5, and no route that fits the kind of work:
# the controls are not the missing piece (round 208's pharma case, our own minimal set).
ONE_ROUTE = {"governance.stage_gates": 5, "governance.minimum_artefacts": 5, "governance.standards_consistency": 4,
             "governance.tailored_methodology": 1, "facilitation.delivery_proximity": 2}
WEAK_EXECUTION = {"primary_pain": "weak_execution", "regulated": True, "risk_profile": "high",
                  "existing_pmo": "established", "active_projects": 60, "delivery_mix": "waterfall"}


@pytest.mark.parametrize("answers,route", [
    (ONE_ROUTE, True),
    ({**ONE_ROUTE, "governance.tailored_methodology": 2}, True),
    ({**ONE_ROUTE, "governance.stage_gates": 3, "governance.minimum_artefacts": 4}, True),
    # A route per kind of work (3): the controls are not one route for everything.
    ({**ONE_ROUTE, "governance.tailored_methodology": 3}, False),
    # Gates and documents at 3: delivery discipline with its gaps.
    ({**ONE_ROUTE, "governance.stage_gates": 3, "governance.minimum_artefacts": 3}, False),
])
def test_strong_controls_with_one_route_are_the_pains_own_pitfall(content, questionnaire, answers, route):
    result = result_for(content, questionnaire, answers, WEAK_EXECUTION)
    found = pitfalls_of(result)
    if route:
        one = found["one-route-for-everything"]
        assert one["pain_pitfall"] and one["severity"] == "high" and top_of(result)[0] == one["id"]
        # Not "delivery discipline left to each project" beside gates and documents at 4-5: the weak spots
        # beside the controls, and not another gate.
        spots = found["weak-delivery-discipline"]
        assert spots["title"] == "Weak spots beside strong controls" and not spots["pain_pitfall"]
        assert "closeness to delivery level 2" in spots["why"] and "rather than adding a gate" in spots["mitigation"]
        assert "tier" in one["mitigation"] and "service level" in one["mitigation"]
        why = one["why"]
        assert "controls are answered as strong" in why and "more controls" in why.lower()
        # What the PMO owns first says so too, and never calls the gates controls that already work.
        owned = next(o for o in result["ownership"]["own_first"] if o["id"] == "delivery-standards-and-gates")
        assert "rather than adding controls" in owned["why"] and "tiered by risk" in owned["why"]
        if answers["governance.stage_gates"] >= 4:  # Check first asks how long the work waited
            ask = next(c["ask"] for c in result["check_first"] if c["id"] == "strong-practice-against-pain")
            assert "wait" in ask
    else:
        assert "one-route-for-everything" not in found


@pytest.mark.parametrize("answers,one", [
    ({"governance.sponsor_accountability": 2, "governance.stage_gates": 3, "governance.standards_consistency": 3}, True),
    ({"governance.sponsor_accountability": 2, "governance.escalation_thresholds": 2,
      "governance.stage_gates": 3, "governance.standards_consistency": 3}, False),
])
def test_delivery_discipline_never_calls_one_practice_these_gaps(content, questionnaire, answers, one):
    found = pitfalls_of(result_for(content, questionnaire, answers, {**WEAK_EXECUTION, "regulated": False,
                                                                      "risk_profile": "medium"}))
    text = found["weak-delivery-discipline"]["why"] + " " + found["weak-delivery-discipline"]["mitigation"]
    assert "these gaps" not in text and "of these" not in text
    assert text.count("level 2") == (1 if one else 2)


def test_gates_answered_as_trimmed_are_not_cited_as_a_burden(content, questionnaire):
    answers = {"governance.stage_gates": 5, "governance.minimum_artefacts": 3, "governance.standards_consistency": 3,
               "governance.tailored_methodology": 2, "facilitation.service_orientation": 2,
               "facilitation.delivery_proximity": 1}
    found = pitfalls_of(result_for(content, questionnaire, answers,
                                   {"existing_pmo": "established", "active_projects": 70,
                                    "primary_pain": "poor_forecasting"}))
    why = found["over-governance"]["why"]
    assert "trimmed or risk-based (level 5)" in why
    assert "Governance is formal (stage gates" not in why


AGILE_APART = {"governance.stage_gates": 4, "governance.status_reporting": 5, "facilitation.delivery_proximity": 1,
               "facilitation.stakeholder_involvement": 1, "governance.tailored_methodology": 5}


@pytest.mark.parametrize("answers,context,fires", [
    (AGILE_APART, {"delivery_mix": "agile", "existing_pmo": "established"}, True),
    # Hybrid delivery: gates fit part of the work.
    (AGILE_APART, {"delivery_mix": "hybrid", "existing_pmo": "established"}, False),
    # The PMO works with the teams (closeness and involvement 2): no sign of teams routing around it.
    ({**AGILE_APART, "facilitation.delivery_proximity": 2, "facilitation.stakeholder_involvement": 2},
     {"delivery_mix": "agile", "existing_pmo": "established"}, False),
    # Gates at 3: no strong project controls.
    ({**AGILE_APART, "governance.stage_gates": 3}, {"delivery_mix": "agile", "existing_pmo": "established"}, False),
])
def test_project_controls_agile_teams_route_around(content, questionnaire, answers, context, fires):
    result = result_for(content, questionnaire, answers, {**context, "primary_pain": "weak_execution"})
    found = pitfalls_of(result)
    assert ("controls-beside-agile-teams" in found) is fires
    if fires:
        assert found["controls-beside-agile-teams"]["severity"] == "high"
        assert "controls-beside-agile-teams" in top_of(result)


# ---- Stock sentences true of the answers ------------------------------------------------------------------

PAIN_PRACTICES_STRONG = {
    "resource_conflicts": {"analytics.capacity_model": 5, "facilitation.conflict_resolution": 4,
                           "tools.resource_planning": 4},
    "duplicate_work": {"governance.intake_criteria": 4, "analytics.duplicate_detection": 4,
                       "governance.prioritisation_model": 4, "analytics.portfolio_view": 4},
    "poor_forecasting": {"analytics.forecast_accuracy": 4, "analytics.financial_control": 4,
                         "governance.status_reporting": 4},
}
RELATED = {  # the practices beside the pain that may explain it
    "resource_conflicts": ("governance.prioritisation_model", "governance.intake_criteria"),
    "duplicate_work": ("analytics.portfolio_view", "governance.prioritisation_model"),
    "poor_forecasting": ("governance.scope_change_control", "analytics.capacity_model",
                         "analytics.dependency_tracking"),
}


@pytest.mark.parametrize("pain", sorted(PAIN_PRACTICES_STRONG))
@pytest.mark.parametrize("basic", [None, 0, -1])
def test_no_other_answer_explains_it_only_where_every_related_practice_is_sound(content, questionnaire, pain, basic):
    # Every related practice at 4; or one of them at 3 (round 209: intake at 3 beside conflicts over people).
    answers = {**{q: 4 for q in RELATED[pain]}, **PAIN_PRACTICES_STRONG[pain]}
    if basic is not None:
        answers[RELATED[pain][basic]] = 3
    result = result_for(content, questionnaire, answers, {"primary_pain": pain})
    text = next(c["text"] for c in result["check_first"] if c["id"] == "pain-disagrees")
    if basic is None:
        assert "No other answer explains it" in text and "At a basic level" not in text
    else:
        assert "No other answer explains it" not in text
        name = result["questionnaire"]["names"][RELATED[pain][basic]]
        assert f"At a basic level beside it: {name[:1].lower() + name[1:] if not name[1:2].isupper() else name} level 3" \
            in text, text


def test_reports_on_a_calendar_are_not_said_to_go_out_regularly_beside_status_in_each_projects_way(
        content, questionnaire):
    answers = {"analytics.reporting_cadence": 3, "governance.status_reporting": 1,
               "leadership.data_driven_decisions": 1, "analytics.decision_kpis": 1}
    why = pitfalls_of(result_for(content, questionnaire, answers))["reporting-theater"]["why"]
    assert "Reports go out regularly" not in why
    assert "Reports go out on a calendar (level 3) on status each project reports in its own format, if at all " \
           "(level 1), but leaders rarely decide" in why
    template = pitfalls_of(result_for(content, questionnaire, {**answers, "governance.status_reporting": 2}))
    assert "on status colours each project judges for itself (level 2)," in template["reporting-theater"]["why"]
    steady = pitfalls_of(result_for(content, questionnaire, {**answers, "governance.status_reporting": 3}))
    assert steady["reporting-theater"]["why"].startswith("Reports go out regularly")


# ---- Check first asks about the anomalies a consultant would ------------------------------------------------

CHECKS = [
    # Tools answered as in use with no PMO and no list of the work.
    ("tools-without-an-office", {"tools.adoption": 5, "tools.resource_planning": 4, "analytics.portfolio_view": 1},
     {"existing_pmo": "none"}, True),
    ("tools-without-an-office", {"tools.adoption": 5, "analytics.portfolio_view": 2}, {"existing_pmo": "none"}, False),
    ("tools-without-an-office", {"tools.adoption": 5, "analytics.portfolio_view": 1}, {"existing_pmo": "informal"},
     False),
    # A sponsor and a mandate at their best, nobody who may approve or stop work.
    ("backing-without-decision-rights", {"governance.decision_rights": 1, "leadership.executive_sponsor": 5,
                                         "leadership.mandate": 5}, {"existing_pmo": "established"}, True),
    ("backing-without-decision-rights", {"governance.decision_rights": 2, "leadership.executive_sponsor": 5,
                                         "leadership.mandate": 5}, {"existing_pmo": "established"}, False),
    ("backing-without-decision-rights", {"governance.decision_rights": 1, "leadership.executive_sponsor": 5,
                                         "leadership.mandate": 3}, {"existing_pmo": "established"}, False),
    # Tools at their best over the records they carry.
    ("tools-ahead-of-their-records", {"tools.integration": 5, "tools.dashboards": 5, "governance.status_reporting": 2,
                                      "governance.scope_change_control": 2}, {}, True),
    ("tools-ahead-of-their-records", {"tools.integration": 4, "tools.dashboards": 4, "governance.status_reporting": 2},
     {}, False),
    ("tools-ahead-of-their-records", {"tools.integration": 5, "governance.status_reporting": 3,
                                      "governance.scope_change_control": 3}, {}, False),
    # Analysis strong across the area on data cleaned by hand.
    ("analytics-on-hand-cleaned-data", {"area:analytics": 4, "tools.data_quality": 2, "leadership.role_clarity": 2},
     {}, True),
    ("analytics-on-hand-cleaned-data", {"area:analytics": 4, "tools.data_quality": 3}, {}, False),
    ("analytics-on-hand-cleaned-data", {"area:analytics": 3, "tools.data_quality": 2}, {}, False),
]


@pytest.mark.parametrize("check_id,answers,context,fires", CHECKS)
def test_check_first_asks_about_the_anomaly(content, questionnaire, check_id, answers, context, fires):
    result = result_for(content, questionnaire, answers, context)
    shown = {c["id"]: c for c in result["check_first"]}
    assert (check_id in shown) is fires, sorted(shown)
    assert len(result["check_first"]) <= 3
    if fires:
        entry = shown[check_id]
        assert entry["ask"].endswith("?") and entry["would_change"].startswith("if ")
        for path in entry["doubts"]:  # what it doubts is what it cites as strong
            assert result["answers"][path.split(".", 1)[1]] >= 3


@pytest.mark.parametrize("answers,pattern", [
    # One status standard at 4 beside decisions and measures at 2, with a tool that does not fit (Check first
    # doubts the dashboards, not the status standard): still polished reports nobody decides from.
    ({"governance.status_reporting": 4, "tools.dashboards": 4, "tools.tool_fit": 1, "analytics.reporting_cadence": 2,
      "leadership.data_driven_decisions": 2, "analytics.decision_kpis": 2}, True),
    # Reports said to go out on a calendar over that tool: the answers' claim, to check first.
    ({"governance.status_reporting": 4, "tools.dashboards": 4, "tools.tool_fit": 1, "analytics.reporting_cadence": 4,
      "leadership.data_driven_decisions": 2, "analytics.decision_kpis": 2}, False),
])
def test_a_status_standard_nobody_decides_from_is_a_pattern_beside_doubted_tools(content, questionnaire, answers,
                                                                               pattern):
    result = result_for(content, questionnaire, answers, {"active_projects": 80, "existing_pmo": "established"})
    found = pitfalls_of(result)["reporting-theater"]
    assert found["pattern"] is pattern
    if pattern:
        assert found["severity"] == "high" and "reporting-theater" in top_of(result)
        assert found["why"].startswith("Status reports follow one written standard (level 4)")
