"""Claims that hold: no sentence of the advice states something the organisation's answers contradict.

Each row is a sentence reviewers quoted against a client whose answers said the opposite. Rows start
from the neutral organisation of test_pitfalls (every answer at 3) and change only what the case needs.
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from app.engine.roadmap import link_pitfalls
from tests.test_pitfalls import NEUTRAL_CONTEXT, answers_with

# An advanced control (good tooling is an asset, not too much too soon: round 203).
TOOLS_ON = {"governance.prioritisation_model": 4}

# (case, answers, context changes, pitfall id, field, words it must not contain)
CONTRADICTIONS = [
    ("reports on request are not 'regular reports'",
     {"analytics.reporting_cadence": 1, "governance.status_reporting": 2, "tools.dashboards": 3,
      "leadership.data_driven_decisions": 2}, {}, "reporting-theater", "why", "go out regularly"),
    ("intake, decision rights and a portfolio view at 4-5 are not told to start",
     {"leadership.mandate": 2, "governance.intake_criteria": 4, "governance.decision_rights": 5,
      "analytics.portfolio_view": 4, **TOOLS_ON}, {}, "too-much-too-soon", "mitigation", "intake"),
    ("decision rights at 5 are not told to be clarified",
     {"leadership.mandate": 2, "governance.intake_criteria": 4, "governance.decision_rights": 5,
      "analytics.portfolio_view": 4, **TOOLS_ON}, {}, "too-much-too-soon", "mitigation", "decision rights"),
    ("a portfolio view at 4 is not told to be built",
     {"leadership.mandate": 2, "governance.intake_criteria": 4, "governance.decision_rights": 5,
      "analytics.portfolio_view": 4, **TOOLS_ON}, {}, "too-much-too-soon", "mitigation", "portfolio view"),
    ("process agreed before tools (4) is not 'tooling ahead of the process'",
     {"area:tools": 4, "area:governance": 2, "tools.process_first": 4}, {}, "tool-before-process", "title",
     "ahead of the process"),
    ("process agreed before tools (4) is not 'buying a tool to fix governance'",
     {"area:tools": 4, "area:governance": 2, "tools.process_first": 4}, {}, "tool-before-process", "why",
     "buying one"),
    ("no PMO is not 'rolling out' standards",
     {"leadership.mandate": 2, "facilitation.pilots_quick_wins": 1}, {"existing_pmo": "none"}, "too-much-too-soon",
     "why", "being rolled out"),
    ("an established PMO is not called new",
     {"leadership.mandate": 2, "facilitation.pilots_quick_wins": 1}, {"existing_pmo": "established"},
     "too-much-too-soon", "why", "new PMO"),
    ("waterfall-only work is not told about agile work (forecasts)",
     {"analytics.forecast_accuracy": 1}, {"delivery_mix": "waterfall"}, "unreliable-forecasts", "mitigation", "agile"),
    ("waterfall-only work is not told about agile work (governance)",
     {"facilitation.service_orientation": 1, "governance.tailored_methodology": 2}, {"delivery_mix": "waterfall"},
     "over-governance", "mitigation", "agile"),
    ("reporting automated at 4 is not told to automate",
     {"leadership.pmo_roles": 2, "tools.automation": 4}, {"existing_pmo": "established", "active_projects": 80},
     "outgrown-scale", "mitigation", "utomate"),
    ("decision rights at 4 are not told to start a decision-rights matrix",
     {"leadership.role_clarity": 1, "governance.decision_rights": 4}, {}, "unclear-roles", "mitigation",
     "decision-rights matrix"),
    ("no PMO is not called a blocker teams avoid",
     {"facilitation.service_orientation": 1, "governance.tailored_methodology": 2}, {"existing_pmo": "none"},
     "over-governance", "why", "avoid the PMO"),
    ("one unit is not told about units",
     {"governance.standards_consistency": 2}, {}, "inconsistent-standards", "mitigation", "unit"),
]


def pitfalls_of(content, questionnaire, answers, context):
    result = run_assessment(content, answers_with(questionnaire, answers), {**NEUTRAL_CONTEXT, **context})
    return {p["id"]: p for p in result["pitfalls"]}


@pytest.mark.parametrize("case, answers, context, pitfall_id, field, words", CONTRADICTIONS,
                         ids=[row[0] for row in CONTRADICTIONS])
def test_a_pitfall_never_says_what_the_answers_contradict(content, questionnaire, case, answers, context,
                                                         pitfall_id, field, words):
    found = pitfalls_of(content, questionnaire, answers, context)
    assert pitfall_id in found, f"the case no longer fires {pitfall_id}"
    assert words not in found[pitfall_id][field]


def test_the_mitigation_names_the_basics_that_are_missing(content, questionnaire):
    found = pitfalls_of(content, questionnaire, {"leadership.mandate": 2, "governance.intake_criteria": 4,
                                                 "governance.decision_rights": 2, **TOOLS_ON}, {})
    mitigation = found["too-much-too-soon"]["mitigation"]
    assert "sponsor" in mitigation and "decision rights" in mitigation and "intake" not in mitigation


@pytest.mark.parametrize("gates", [5])
def test_gates_that_are_risk_based_are_not_one_waterfall_process_for_everything(content, questionnaire, gates):
    found = pitfalls_of(content, questionnaire, {"governance.tailored_methodology": 1, "governance.stage_gates": gates,
                                                 "facilitation.delivery_proximity": 2}, {"delivery_mix": "agile"})
    assert all("same phase gates" not in p["why"] for p in found.values())


def test_gates_for_every_project_are_named_where_the_answers_show_them(content, questionnaire):
    found = pitfalls_of(content, questionnaire, {"governance.tailored_methodology": 1, "governance.stage_gates": 3,
                                                 "facilitation.delivery_proximity": 2}, {"delivery_mix": "agile"})
    assert "the same phase gates apply to every project" in found["waterfall-for-everything"]["why"]
    assert found["waterfall-for-everything"]["title"] == "Phase gates for every kind of work"


def test_a_practice_the_pitfall_cites_as_weak_is_never_called_in_place(content):
    pitfall = {"id": "capacity-blind-spots", "evidence": {"answers.analytics.capacity_model": 2}}
    link_pitfalls([pitfall], {"phases": []}, content.roadmap, {"analytics.capacity_model": 2})
    assert "already in place" not in pitfall["plan_note"]


def test_every_pitfall_records_the_claims_it_stands_on(content, questionnaire):
    found = pitfalls_of(content, questionnaire, {"analytics.reporting_cadence": 1, "governance.status_reporting": 2,
                                                 "tools.dashboards": 3, "leadership.data_driven_decisions": 2}, {})
    claims = found["reporting-theater"]["claims"]
    assert claims and any(c["holds"] and "Standard dashboards" in c["template"] for c in claims)
    assert all(c["holds"] for c in claims)  # claims without a variant are recorded only where they hold


# Check first: (case, answers, context changes, the check expected, or None where none may fire)
CHECKS = [
    ("an established PMO with its mandate at 1", {"leadership.mandate": 1}, {"existing_pmo": "established"},
     "established-without-mandate"),
    ("a PMO seen as a blocker with stakeholder satisfaction at 4",
     {"facilitation.service_orientation": 1, "facilitation.delivery_proximity": 2,
      "leadership.stakeholder_satisfaction": 4}, {"existing_pmo": "established"}, "blocker-yet-satisfied"),
    ("sponsors who steer on value while benefits are never written down",
     {"governance.sponsor_accountability": 5, "analytics.benefits_realisation": 1}, {}, "value-steering-without-benefits"),
    ("nearly every answer at 5 next to a stated pain", {"area:governance": 5, "area:analytics": 5, "area:facilitation": 5,
                                                       "area:tools": 5, "area:leadership": 4}, {},
     "nearly-all-top-with-pain"),
    ("the pain's own practices at 4-5", {"analytics.forecast_accuracy": 5, "analytics.financial_control": 4}, {},
     "pain-disagrees"),
    ("a mandate answered as written where there is no PMO", {"leadership.mandate": 4}, {"existing_pmo": "none"},
     "mandate-without-pmo"),
    # Round 203: a check per kind of disagreement.
    ("conflict resolution at 5 beside resource conflicts that show",
     {"facilitation.conflict_resolution": 5, "analytics.capacity_model": 1}, {"primary_pain": "resource_conflicts"},
     "strong-practice-against-pain"),
    ("gates at 4 beside weak delivery discipline that shows",
     {"governance.stage_gates": 4, "governance.status_reporting": 1}, {"primary_pain": "weak_execution"},
     "strong-practice-against-pain"),
    ("integration at 5 with data nobody owns", {"tools.integration": 5, "tools.data_quality": 1}, {},
     "automation-on-unowned-data"),
    ("green reports, red reality", {"tools.dashboards": 5, "analytics.forecast_accuracy": 2}, {},
     "green-reports-red-reality"),
    ("facilitation at 5 while nobody asks stakeholders",
     {"area:facilitation": 5, "leadership.stakeholder_satisfaction": 1}, {}, "facilitation-without-feedback"),
    ("portfolio reviews and influence at 4 with no list of the work",
     {"facilitation.portfolio_reviews": 4, "leadership.prioritisation_influence": 4, "analytics.portfolio_view": 1},
     {"existing_pmo": "none"}, "portfolio-routines-without-a-portfolio"),
    ("answers of 4 or 5 almost everywhere", {"area:governance": 4, "area:analytics": 5, "area:facilitation": 4,
                                             "area:tools": 4, "area:leadership": 4}, {}, "nearly-all-top-with-pain"),
]


@pytest.mark.parametrize("answers, context, check_id", [
    # The pain's own practice at 3 is no contradiction.
    ({"facilitation.conflict_resolution": 3, "analytics.capacity_model": 1}, {"primary_pain": "resource_conflicts"},
     "strong-practice-against-pain"),
    ({"tools.integration": 5, "tools.data_quality": 3}, {}, "automation-on-unowned-data"),
    ({"tools.dashboards": 5, "analytics.forecast_accuracy": 3}, {}, "green-reports-red-reality"),
    ({"area:facilitation": 5, "leadership.stakeholder_satisfaction": 3}, {}, "facilitation-without-feedback"),
    ({"facilitation.portfolio_reviews": 4, "analytics.portfolio_view": 3}, {}, "portfolio-routines-without-a-portfolio"),
])
def test_check_first_stays_quiet_where_the_answers_agree(content, questionnaire, answers, context, check_id):
    checks, _result = checks_of(content, questionnaire, answers, context)
    assert check_id not in checks


def checks_of(content, questionnaire, answers, context):
    result = run_assessment(content, answers_with(questionnaire, answers), {**NEUTRAL_CONTEXT, **context})
    return {c["id"]: c for c in result["check_first"]}, result


@pytest.mark.parametrize("case, answers, context, check_id", CHECKS, ids=[row[0] for row in CHECKS])
def test_check_first_names_answers_that_disagree(content, questionnaire, case, answers, context, check_id):
    checks, _result = checks_of(content, questionnaire, answers, context)
    assert check_id in checks
    entry = checks[check_id]
    assert entry["text"] and entry["ask"].endswith("?") and entry["would_change"] and entry["evidence"]


def test_no_blocker_is_named_where_there_is_no_pmo(content, questionnaire):
    checks, _result = checks_of(content, questionnaire, {"facilitation.service_orientation": 1,
                                                         "leadership.stakeholder_satisfaction": 4},
                                {"existing_pmo": "none"})
    assert "blocker-yet-satisfied" not in checks


def test_a_pain_its_practices_contradict_names_the_likely_cause_for_the_plan(content, questionnaire):
    checks, result = checks_of(content, questionnaire, {"analytics.forecast_accuracy": 5,
                                                        "analytics.financial_control": 4,
                                                        "governance.scope_change_control": 1}, {})
    entry = checks["pain-disagrees"]
    assert entry["cause_questions"] == ["governance.scope_change_control"]
    assert "change control level 1" in entry["text"]
    assert "unreliable-forecasts" not in {p["id"] for p in result["pitfalls"]}
    # The pain is still a pitfall, high and the first: the one said for it where the answers do not show it.
    assert result["pitfalls"][0]["id"] == "pain-not-shown" and result["pitfalls"][0]["severity"] == "high"


def test_the_pains_pitfall_is_high_where_the_answers_show_the_pain(content, questionnaire):
    checks, result = checks_of(content, questionnaire, {"analytics.duplicate_detection": 3,
                                                        "governance.intake_criteria": 2},
                                {"primary_pain": "duplicate_work", "active_projects": 3})
    pitfalls = {p["id"]: p for p in result["pitfalls"]}
    assert pitfalls["unchecked-demand"]["severity"] == "high" and pitfalls["unchecked-demand"]["on_pain"]
    assert "pain-disagrees" not in checks


def test_the_report_prints_check_first_before_the_roadmap(content, questionnaire):
    from app.reports.html import render_html
    from app.reports.model import build_report

    _checks, result = checks_of(content, questionnaire, {"leadership.mandate": 1}, {"existing_pmo": "established"})
    html = render_html(build_report(result), charts={})
    assert "Check first" in html and html.index("Check first") < html.index('id="roadmap-title"')
    assert "Can someone show the PMO&#39;s written mandate" in html
