"""Sentences about the client that must be true of its answers (issue 22, round 208's causes).

Each row is a minimal answer set of our own: the answers that make a stock sentence false, and
the sentence that must not be said, beside the answers where it is true and is said.
"""

from __future__ import annotations

import json

import pytest

from tests.test_claims_r204 import assert_said, result_for

ADVANCED = {"governance.stage_gates": 5}
REGULATED_HIGH = {"regulated": True, "risk_profile": "high"}


@pytest.mark.parametrize("pitfall_id,answers,context,said,not_said", [
    # Advanced gates with an agreed route and owner: the missing basic is the sponsor, not the route.
    ("too-much-too-soon", {**ADVANCED, "governance.intake_criteria": 5, "governance.decision_rights": 5,
                           "leadership.executive_sponsor": 1}, {},
     "without that senior backing", "route nobody has agreed"),
    ("too-much-too-soon", {**ADVANCED, "governance.intake_criteria": 1}, {},
     "route nobody has agreed", "senior backing"),
    ("too-much-too-soon", {**ADVANCED, "governance.intake_criteria": 4, "governance.decision_rights": 4,
                           "leadership.executive_sponsor": 4, "leadership.mandate": 4,
                           "analytics.portfolio_view": 1}, {},
     "without a view of all the work", "route nobody has agreed"),
    # Gates kept well beside a thin change record: the kept record is named, not called thin.
    ("compliance-exposure", {"governance.stage_gates": 5, "governance.scope_change_control": 2}, REGULATED_HIGH,
     "kept well (stage gates level 5), but others are thin: scope and change control level 2",
     "asks for first are thin"),
    ("compliance-exposure", {"governance.stage_gates": 2, "governance.scope_change_control": 2}, REGULATED_HIGH,
     "asks for first are thin", "kept well"),
    # Tools in use with data nobody owns: the tool is not "kept up to date" in the same breath.
    ("poor-tool-adoption", {"tools.tool_fit": 3, "tools.adoption": 3, "tools.data_quality": 1}, {},
     "in place and in use", "kept up to date"),
])
def test_a_stock_sentence_is_said_only_where_the_answers_make_it_true(content, questionnaire, pitfall_id, answers,
                                                                        context, said, not_said):
    assert_said(content, questionnaire, pitfall_id, answers, context, said, not_said)


@pytest.mark.parametrize("context", [
    {"existing_pmo": "established", "org_size": "large", "active_projects": 60},
    {"existing_pmo": "none", "org_size": "small", "active_projects": 8, "regulated": True},
])
def test_no_client_hears_of_a_cio_and_board_or_of_introducing_an_established_pmo(content, questionnaire, context):
    # A town council has neither a CIO nor a board; an established PMO needs no introduction.
    answers = {"area:governance": 1, "area:leadership": 1, "governance.stage_gates": 1}
    text = json.dumps(result_for(content, questionnaire, answers, {**REGULATED_HIGH, **context}))
    assert "the CIO and the board" not in text
    assert "introduces the PMO" not in text


def test_the_lean_office_adds_no_gates_and_is_not_called_lower_risk(content, questionnaire):
    # Agile, medium risk, some go/no-go meetings (2): "there are no stage gates" and "lower-risk" are false.
    result = result_for(content, questionnaire, {"governance.stage_gates": 2},
                        {"delivery_mix": "agile", "risk_profile": "medium", "regulated": False})
    design = result["recommendation"]["design"] or {}
    assert design.get("id") == "lean-portfolio-office"
    text = json.dumps(result)
    assert "The office adds no stage gates" in text
    assert "There are no stage gates" not in text and "lower-risk" not in text


MATURE = {f"area:{area}": 4 for area in ("governance", "analytics", "facilitation", "tools", "leadership")}


@pytest.mark.parametrize("answers,said", [
    (MATURE, True),
    # A high overall beside no decision rights or no view of all work: investment trade-offs are not
    # built on routine foundations (round 209).
    ({**MATURE, "governance.decision_rights": 1}, False),
    ({**MATURE, "analytics.portfolio_view": 2}, False),
])
def test_portfolio_trade_offs_are_owned_only_on_the_practices_they_rest_on(content, questionnaire, answers, said):
    result = result_for(content, questionnaire, answers, {})
    owned = {item["title"]: item["why"] for item in result["ownership"]["named"]}
    assert ("Portfolio value and investment trade-offs" in owned) is said
    if said:
        assert "decision rights level 4, portfolio view level 4" in owned["Portfolio value and investment trade-offs"]
    assert "foundations are routine" not in json.dumps(result)
