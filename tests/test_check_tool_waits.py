"""The plan keeps its own Check first on the tools (issue 22, round 212 case 08).

Check first said 'the plan adds no dashboards, feeds or automation before one shared tool holds the work, each
data set has an owner and the data in it is kept current', and the same plan automated routine reports and
built feeds in months 7-12, with tool adoption at 1. Where the check doubts the tools and reports, those steps
are not planned yet: they wait for its answer. Table-driven, from minimal answer sets of our own.
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from tests.test_rules import BASE, answers_at

START = {"start_date": "2026-12-07"}
WAITING = {"tools.standard-dashboards", "tools.report-automation", "tools.integration-feeds"}
CONTEXT = {"active_projects": 81, "business_units": 3, "existing_pmo": "established", "org_size": "large",
           "regulated": True, "primary_pain": "poor_forecasting"}

# (overrides at base level 3, whether Check first doubts the tools and reports)
CASES = {
    # Polished reports over a tool nobody keeps current: the check doubts them, automation and feeds wait.
    "reports-over-an-unused-tool": (
        {"analytics__reporting_cadence": 4, "tools__dashboards": 4, "tools__tool_fit": 2, "tools__adoption": 1,
         "tools__data_quality": 2, "tools__automation": 2, "tools__integration": 2, "tools__process_first": 2}, True),
    # Dashboards answered strong over no list of the work at all.
    "dashboards-over-no-list": (
        {"tools__dashboards": 4, "analytics__portfolio_view": 1, "tools__automation": 1, "tools__integration": 1,
         "tools__adoption": 2, "tools__data_quality": 2}, True),
    # Nothing claimed beyond its ground: automation and feeds are planned as the catalogue orders them.
    "weak-tools-claimed-weak": (
        {"tools__dashboards": 2, "analytics__reporting_cadence": 2, "tools__tool_fit": 2, "tools__adoption": 2,
         "tools__data_quality": 2, "tools__automation": 1, "tools__integration": 1}, False),
}


@pytest.mark.parametrize("overrides, doubted", CASES.values(), ids=CASES.keys())
def test_tool_steps_wait_where_check_first_doubts_the_tools(content, overrides, doubted):
    result = run_assessment(content, answers_at(content.default_questionnaire, 3, **overrides), {**BASE, **CONTEXT},
                            plan=START)
    checks = {c["id"] for c in result["check_first"]}
    assert ("tools-without-their-ground" in checks) == doubted, checks
    phases = {i["id"]: (p["id"], i) for p in result["roadmap"]["phases"] for i in p["items"]}
    dated = {i for i, (phase, _item) in phases.items() if phase != "later"}
    if doubted:
        assert not dated & WAITING, sorted(dated & WAITING)
        waiting = [item for i, (phase, item) in phases.items() if i in WAITING]
        for item in waiting:
            assert any(r.startswith("not planned yet: Check first doubts") for r in item["reasons"]), item["reasons"]
        later = next((p for p in result["roadmap"]["phases"] if p["id"] == "later"), None)
        if waiting:
            assert "wait for the answer to a question in Check first" in later["note"], later["note"]
    else:
        assert dated & WAITING, sorted(dated)
        assert not any(r.startswith("not planned yet: Check first") for _p, item in phases.values()
                       for r in item["reasons"])
        assert not any("Check first" in (p["note"] or "") for p in result["roadmap"]["phases"])
