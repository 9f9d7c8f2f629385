"""Pitfalls and Check first after round 211 (issue 22): rated and worded as a consultant would.

Each row is a minimal answer set of our own (every other answer at 3): the answers that make a sentence false,
or a severity wrong, beside the answers where it is right.
"""

from __future__ import annotations

import json

import pytest

from tests.test_claims_r204 import pitfall, result_for

# A small shop with no PMO: told it needs a part-time method owner, not a PMO.
SMALL_SHOP = {"org_size": "small", "active_projects": 6, "existing_pmo": "none", "primary_pain": "resource_conflicts"}


@pytest.mark.parametrize("answers,title,cited,not_cited", [
    # The mandate answered as written and agreed (3): only the owner is missing, and the mandate is no evidence.
    ({"leadership.executive_sponsor": 2, "leadership.mandate": 3}, "The list of projects lacks a senior owner",
     "answers.leadership.executive_sponsor", "answers.leadership.mandate"),
    ({"leadership.executive_sponsor": 3, "leadership.mandate": 2}, "The list of projects lacks written terms",
     "answers.leadership.mandate", "answers.leadership.executive_sponsor"),
    ({"leadership.executive_sponsor": 1, "leadership.mandate": 2},
     "The list of projects lacks a senior owner and written terms", "answers.leadership.mandate", None),
])
def test_the_list_owner_pitfall_names_only_what_is_missing(content, questionnaire, answers, title, cited, not_cited):
    found = pitfall(content, questionnaire, answers, SMALL_SHOP, "no-mandate")
    assert found["title"] == title
    assert cited in found["evidence"]
    if not_cited:
        assert not_cited not in found["evidence"]
        assert not_cited.rsplit(".", 1)[1].replace("executive_sponsor", "executive sponsor") not in found["why"]


@pytest.mark.parametrize("answers,doubted", [
    # Reports built on a tool answered as fitting and trusted (4, 4): a list still kept by hand (2) is a gap to
    # fill from the tool, not a reason to doubt the tool's reports.
    ({"tools.integration": 4, "tools.automation": 4, "analytics.portfolio_view": 2,
      "tools.tool_fit": 4, "tools.adoption": 4}, False),
    # No list of the work at all (1) beside the same tool: still a question to ask first.
    ({"tools.integration": 4, "tools.automation": 4, "analytics.portfolio_view": 1,
      "tools.tool_fit": 4, "tools.adoption": 4}, True),
    # A tool used by every project (3) but not measured as trusted: the hand-kept list still doubts the reports.
    ({"tools.integration": 4, "tools.automation": 4, "analytics.portfolio_view": 2}, True),
    ({"tools.integration": 4, "analytics.portfolio_view": 2, "tools.tool_fit": 2, "tools.adoption": 4}, True),
])
def test_check_first_never_doubts_reports_on_a_tool_answered_as_fitting_and_trusted(content, questionnaire,
                                                                                    answers, doubted):
    result = result_for(content, questionnaire, answers, {})
    assert ("tools-without-their-ground" in {c["id"] for c in result["check_first"]}) is doubted


@pytest.mark.parametrize("level,said", [
    (1, "People are named to projects without a check of their other work (capacity model level 1)"),
    (2, "Staffing sheets list project assignments only, not support or operations work (capacity model level 2)"),
])
def test_the_split_rule_sentence_says_what_the_capacity_answer_says(content, questionnaire, level, said):
    result = result_for(content, questionnaire, {"analytics.capacity_model": level},
                        {"primary_pain": "resource_conflicts"})
    text = json.dumps(result["recommendation"])
    assert said in text
    assert "Staffing ignores" not in text
