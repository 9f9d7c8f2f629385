"""Sentences about the client that must be true of its answers (issue 22, round 206's causes).

Each row is a minimal answer set of our own: the answers that make a stock sentence false, and
the sentence that must not be said, beside the answers where it is true and is said.
"""

from __future__ import annotations

import json

import pytest

from tests.test_claims_r204 import assert_said, pitfall, result_for

# A handful of projects and no PMO: the design is a part-time method owner, not a PMO.
HANDFUL = {"active_projects": 4, "existing_pmo": "none", "org_size": "small", "primary_pain": "resource_conflicts"}


def test_a_change_whose_practice_is_low_is_not_called_in_place(content, questionnaire):
    # The sponsor is there (3), nobody decides (1): naming the leader who settles clashes is not in place,
    # and a change for a PMO is no practice of an organisation told it needs none.
    found = pitfall(content, questionnaire, {"leadership.executive_sponsor": 3, "leadership.mandate": 2,
                                             "governance.decision_rights": 1}, HANDFUL, "no-mandate")
    note = found["plan_note"] or ""
    assert "already in place (executive sponsor level 3" in note  # and the method owner's role, named with it
    assert "project list" not in note and "introduces the PMO" not in note


@pytest.mark.parametrize("pitfall_id,answers,context,said,not_said", [
    # "Could not show them" needs a record that is missing (1); one record at 2 on high-risk work is patchy.
    ("compliance-exposure", {"governance.stage_gates": 2}, {"regulated": True, "risk_profile": "high"},
     "an auditor's sample would find gaps", "could not show them"),
    ("compliance-exposure", {"governance.stage_gates": 1}, {"regulated": True},
     "could not show them", "auditor's sample"),
    # Forecasting at 2 re-forecasts without a baseline: its dates are not "never checked".
    ("unreliable-forecasts", {"analytics.forecast_accuracy": 2}, {"primary_pain": "poor_forecasting"},
     "Dates re-forecast with no baseline to check them against", "never checked"),
    ("unreliable-forecasts", {"analytics.forecast_accuracy": 1}, {"primary_pain": "poor_forecasting"},
     "Dates promised but never checked", "re-forecast with no baseline"),
])
def test_a_stock_sentence_is_said_only_where_the_answers_make_it_true(content, questionnaire, pitfall_id, answers,
                                                                        context, said, not_said):
    assert_said(content, questionnaire, pitfall_id, answers, context, said, not_said)


ROLES_UNSETTLED = {"leadership.role_clarity": 2, "governance.decision_rights": 2}


@pytest.mark.parametrize("pitfall_id,answers,context,said", [
    # Told it needs no PMO, an organisation hears of the list's owner and the method owner, never of a PMO.
    ("no-mandate", {"leadership.executive_sponsor": 2, "leadership.mandate": 2}, HANDFUL,
     "a senior leader owns the list of projects"),
    ("no-mandate", {"leadership.executive_sponsor": 2, "leadership.mandate": 2}, HANDFUL,
     "Name the senior leader who owns the list of projects"),
    # A named sponsor (3) is there already: the list's terms are written with them.
    ("no-mandate", {"leadership.executive_sponsor": 3, "leadership.mandate": 2}, HANDFUL,
     "With the leader who backs the list, write half a page"),
    ("unclear-roles", ROLES_UNSETTLED, HANDFUL, "the list's owner, the project lead or the method owner"),
])
def test_an_organisation_told_it_needs_no_pmo_hears_no_advice_about_a_pmo(content, questionnaire, pitfall_id,
                                                                         answers, context, said):
    result = result_for(content, questionnaire, answers, context)
    assert (result["recommendation"]["design"] or {}).get("id") == "part-time-method-owner"
    found = {p["id"]: p for p in result["pitfalls"]}[pitfall_id]
    text = " ".join([found["title"], found["why"], found["mitigation"]])
    assert said in text
    assert "PMO" not in text


@pytest.mark.parametrize("pitfall_id,answers,said", [
    ("no-mandate", {"leadership.executive_sponsor": 2, "leadership.mandate": 2}, "The most common way a PMO fails"),
    ("unclear-roles", ROLES_UNSETTLED, "business owners and PMO staff"),
])
def test_an_organisation_designing_a_pmo_still_hears_about_it(content, questionnaire, pitfall_id, answers, said):
    assert_said(content, questionnaire, pitfall_id, answers, {"existing_pmo": "none", "active_projects": 30}, said,
                "method owner")


ALL_FOUR = {f"area:{d}": 4 for d in ("governance", "analytics", "facilitation", "tools", "leadership")}


@pytest.mark.parametrize("pain", ["duplicate_work", "poor_forecasting", "weak_execution", "resource_conflicts",
                                  "strategic_misalignment"])
def test_what_would_change_never_says_a_pitfall_already_high_becomes_high(content, questionnaire, pain):
    result = result_for(content, questionnaire, ALL_FOUR, {"primary_pain": pain})
    assert {p["id"]: p["severity"] for p in result["pitfalls"]}.get("pain-not-shown") == "high"
    changes = [c.get("would_change") or "" for c in result["check_first"]]
    assert any("already high" in text for text in changes), changes
    assert not any("becomes high" in text for text in changes), changes


@pytest.mark.parametrize("consistency,said,not_said", [
    # Standards applied widely (4-5): the practices do not "vary from team to team".
    (5, "standards already hold widely (consistency level 5)", "vary from team to team"),
    (4, "standards already hold widely (consistency level 4)", "vary from team to team"),
    (2, "vary from team to team", "already hold widely"),
])
def test_a_mid_maturity_reason_says_practices_vary_only_where_standards_do(content, questionnaire, consistency,
                                                                          said, not_said):
    result = result_for(content, questionnaire, {"governance.standards_consistency": consistency}, {})
    assert 2.5 <= result["overall"]["score"] < 3.5
    text = json.dumps(result, ensure_ascii=False)
    assert said in text and not_said not in text
