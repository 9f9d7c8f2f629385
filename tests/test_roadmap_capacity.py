"""The plan line never promises more starts than it says the PMO can lead (issue 22, rounds 205-206).

Reviewers read '13 changes start within the next 6 months … (a fraction of one person's time can lead
about 4 in 18 months)': the plan contradicted itself. The changes the plan dates are at most what its
line says the PMO can lead; where the work that cannot wait is more, the line says so and how many
people it needs. Portfolio-scale work (quarterly value reviews across the portfolio) needs a portfolio.
"""

from __future__ import annotations

import math
import re

import pytest

from app.engine import run_assessment
from app.engine.summary import plan_line
from tests.test_rules import BASE, answers_at

CAPACITY = re.compile(r"can lead about (\d+) in \d+ months")
OVERRUN = re.compile(r"the (\d+) that cannot wait need (?:about (\d+) people|more of that time)")

CASES = {
    # id: (levels, context)
    "small-law-firm-part-time": (2, {"org_size": "small", "active_projects": 6, "existing_pmo": "none",
                                     "primary_pain": "resource_conflicts"}),
    "small-council-one-person": (2, {"org_size": "small", "active_projects": 9, "existing_pmo": "none",
                                     "primary_pain": "poor_forecasting"}),
    "small-weak-everywhere": (1, {"org_size": "small", "active_projects": 12, "existing_pmo": "informal",
                                  "primary_pain": "weak_execution"}),
    "small-investment-board": (2, {"org_size": "small", "active_projects": 15, "existing_pmo": "informal",
                                   "primary_pain": "strategic_misalignment"}),
    "medium-informal": (2, {"active_projects": 25}),
    "medium-new-weak": (1, {"active_projects": 30, "existing_pmo": "none", "primary_pain": "resource_conflicts"}),
}


def check_line(result) -> None:
    line = plan_line(result["roadmap"])
    capacity = CAPACITY.search(line["why"])
    if not capacity:
        return  # nothing waits for the PMO's number of changes
    promised = int(capacity.group(1))
    if line["changes"] <= promised:
        assert not OVERRUN.search(line["why"]), line["text"]
        return
    overrun = OVERRUN.search(line["why"])
    assert overrun, f"more starts than the PMO can lead, unsaid: {line['text']}"
    assert int(overrun.group(1)) == line["changes"], line["text"]
    capacity = result["roadmap"]["capacity"]
    assert bool(overrun.group(2)) != capacity["part_time"], line["text"]
    if overrun.group(2):  # enough people for the work that cannot wait, at the rate the line assumes
        per_person = promised / capacity["pmo_people"]
        assert int(overrun.group(2)) >= math.ceil(line["changes"] / per_person), line["text"]


@pytest.mark.parametrize("levels, context", CASES.values(), ids=CASES.keys())
def test_the_plan_line_never_promises_more_starts_than_it_says_the_pmo_can_lead(content, questionnaire,
                                                                                 levels, context):
    check_line(run_assessment(content, answers_at(questionnaire, levels), {**BASE, **context}))


def test_a_part_time_owner_starts_no_more_than_it_can_lead(content, questionnaire):
    levels, context = CASES["small-law-firm-part-time"]
    result = run_assessment(content, answers_at(questionnaire, levels), {**BASE, **context})
    line = plan_line(result["roadmap"])
    assert "a fraction of one person's time can lead about" in line["why"]
    assert line["changes"] <= int(CAPACITY.search(line["why"]).group(1)), line["text"]


def test_no_plan_line_over_the_uneven_organisations_promises_more_than_it_can_lead(uneven_results):
    for seed, _, _, result in uneven_results:
        check_line(result)


def test_portfolio_value_reviews_need_a_portfolio(uneven_results):
    for seed, _, context, result in uneven_results:
        projects = context.get("active_projects")
        ids = {item["id"] for phase in result["roadmap"]["phases"] for item in phase["items"]}
        if isinstance(projects, int) and projects < 10:
            assert "analytics.value-reviews" not in ids, (seed, projects)
