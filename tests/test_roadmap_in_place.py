"""An item whose title the answers already describe is not planned (issue 22, round 209).

'Review the PMO's results and mandate with the sponsor every year' was planned beside a mandate answered at 4,
'reviewed at least once a year against measured results'. Each item below is left out where the practice its
title restates stands at that level, even where another practice it raises is lower; one level below, with
the same answers otherwise, it is planned (so the test can fail).
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from tests.test_rules import BASE, answers_at

# item -> (the practice its title restates and the level that says it is done, the other answers that call
# for it, the area targets that reach it)
CASES = {
    "leadership.mandate-review": (
        ("leadership.mandate", 4), {"leadership.executive_sponsor": 2}, {"leadership": 4}),
    "tools.fit-review": (("tools.tool_fit", 4), {"tools.process_first": 3}, {"tools": 4}),
    "tools.data-quality-measures": (("tools.data_quality", 4), {"tools.adoption": 3}, {"tools": 4}),
    "leadership.advice-tracking": (
        ("leadership.prioritisation_influence", 4), {"leadership.data_driven_decisions": 2}, {"leadership": 4}),
}


def planned(content, item_id, practice, level, others, target):
    answers = answers_at(content.default_questionnaire, 4)  # little else competes for the PMO's changes
    answers.update(others)
    answers[practice] = level
    context = {**BASE, "active_projects": 40, "existing_pmo": "established", "primary_pain": "poor_forecasting"}
    result = run_assessment(content, answers, context, {**dict.fromkeys(target, 4), **target})
    return {i["id"] for p in result["roadmap"]["phases"] for i in p["items"]}


@pytest.mark.parametrize("item_id", CASES)
def test_an_item_its_practice_shows_done_is_not_planned(content, item_id):
    (practice, level), others, target = CASES[item_id]
    assert item_id not in planned(content, item_id, practice, level, others, target)
    assert item_id in planned(content, item_id, practice, level - 1, others, target), "the control: it is needed"
