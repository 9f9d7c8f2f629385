"""The first 90 days are true (issue 22, round 207): every change listed in them ends within them, at
most seven start there and fewer for a smaller PMO or one that does not exist yet, and what cannot wait
but lands later is said apart, in every format, with the day it lands.

Reviewers read 'First 90 days (7 Dec 2026 – 8 Mar 2027)' above 'Appoint a PMO lead in each business unit
(24 Feb – 19 May 2027)' and ten starts for a PMO that did not exist yet. Table-driven over every size and
starting point, from a start whose 90 days hold the year-end break and one whose do not.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.engine import run_assessment
from app.engine.summary import summary_sections
from app.reports.markdown import render_markdown
from tests.test_rules import BASE, answers_at

FIRST = "first-90-days"
SIZES = {"small": 8, "medium": 30, "large": 90, "enterprise": 200}
PMOS = ("none", "informal", "established")
PAINS = ("duplicate_work", "poor_forecasting", "weak_execution", "resource_conflicts", "strategic_misalignment")
STARTS = ("2026-12-07", "2027-03-01")  # 90 days over the year-end break, and 90 days without one
CASES = [(size, pmo, PAINS[n % len(PAINS)], start)
         for n, ((size, pmo), start) in enumerate(itertools.product(itertools.product(SIZES, PMOS), STARTS))]


def assess(content, size, pmo, pain, start, level=2):
    context = {**BASE, "org_size": size, "active_projects": SIZES[size], "existing_pmo": pmo,
               "primary_pain": pain, "business_units": 3 if size in ("large", "enterprise") else 1}
    answers = answers_at(content.default_questionnaire, level, governance__escalation_thresholds=1,
                         analytics__portfolio_view=1)
    return run_assessment(content, answers, context, plan={"start_date": start})


def starts_in_first_90_days(roadmap) -> list[dict]:
    return [i for p in roadmap["phases"] for i in p["items"] if p["id"] == FIRST or i.get("started_early")]


@pytest.mark.parametrize("size, pmo, pain, start", CASES, ids=["-".join(c) for c in CASES])
def test_every_change_listed_in_the_first_90_days_ends_within_them(content, size, pmo, pain, start):
    result = assess(content, size, pmo, pain, start)
    roadmap, summary = result["roadmap"], result["summary"]
    first = roadmap["phases"][0]
    assert first["id"] == FIRST
    for item in first["items"]:
        assert item["end_date"] <= first["end_date"], (item["title"], item["end_date"], first["end_date"])
        assert not item.get("started_early")
    for item in summary["first_90_days"]:
        assert item["end_date"] <= first["end_date"], item["title"]
    # What started in the 90 days and lands after them is listed where it lands, and said apart.
    early = [i for p in roadmap["phases"][1:] for i in p["items"] if i.get("started_early")]
    assert [i["id"] for i in summary["landing_later"]] == [i["id"] for i in sorted(
        early, key=lambda i: (i["start_week"], i["end_week"]))]
    for item in early:
        assert item["start_date"] < first["end_date"] < item["end_date"], item["title"]
        assert item["id"] in roadmap["first_work"] or "foundation" in item["drivers"], item["title"]


@pytest.mark.parametrize("size, pmo, pain, start", CASES, ids=["-".join(c) for c in CASES])
def test_at_most_seven_start_in_the_first_90_days_and_fewer_for_a_smaller_pmo(content, size, pmo, pain, start):
    roadmap = assess(content, size, pmo, pain, start)["roadmap"]
    starting = starts_in_first_90_days(roadmap)
    assert len(starting) <= 7, [i["title"] for i in starting]
    pain_first = set((roadmap.get("pain") or {}).get("first") or ())
    # Beyond the pain's first work, the mandate and sponsor and the design's decisive steps: the PMO's handful.
    rest = [i for i in starting if i["id"] not in pain_first and i["id"] not in roadmap["first_work"]
            and "foundation" not in i["drivers"]]
    assert len(rest) <= roadmap["capacity"]["first_starts"], [i["title"] for i in rest]


@pytest.mark.parametrize("people, pmo, expected", [(1, "informal", 4), (2, "informal", 5), (2, "none", 4),
                                                   (3, "established", 6), (6, "none", 7), (9, "established", 7)])
def test_the_first_90_days_hold_a_handful_by_the_pmos_size(content, people, pmo, expected):
    context = {**BASE, "existing_pmo": pmo, "active_projects": 40}
    result = run_assessment(content, answers_at(content.default_questionnaire, 2), context,
                            plan={"pmo_people": people, "start_date": "2027-03-01"})
    assert result["roadmap"]["capacity"]["first_starts"] == expected


def test_a_part_time_owner_starts_fewer_than_a_pmo_of_one(content):
    context = {**BASE, "org_size": "small", "active_projects": 6, "existing_pmo": "none",
               "primary_pain": "resource_conflicts"}
    result = run_assessment(content, answers_at(content.default_questionnaire, 2), context)
    capacity = result["roadmap"]["capacity"]
    assert capacity["part_time"]
    one = run_assessment(content, answers_at(content.default_questionnaire, 2), context, plan={"pmo_people": 1})
    assert capacity["first_starts"] <= one["roadmap"]["capacity"]["first_starts"]
    assert len(starts_in_first_90_days(result["roadmap"])) <= 4


def test_what_lands_after_the_90_days_is_said_apart_in_the_summary_and_the_roadmap(content):
    # Seven units and no PMO, over the year-end break: the unit leads cannot be in place by 8 Mar.
    result = assess(content, "enterprise", "none", "duplicate_work", "2026-12-07", level=1)
    later = result["summary"]["landing_later"]
    assert later, "nothing lands after the 90 days here: the case no longer tests what it names"
    lines = dict((key, texts) for key, _heading, texts in summary_sections(result["summary"]))["first_90_days"]
    assert lines[-1].startswith("Started now, landing after the 90 days: ")
    assert all(f"{i['title']} ({i['when']})" in lines[-1] for i in later)
    text = render_markdown(result)
    roadmap = text.split("## Roadmap", 1)[1]
    first, rest = roadmap.split("### Months 4 to 6", 1)
    for item in later:
        assert item["title"] not in first
        assert item["title"] in rest.split("### Months 7", 1)[0]
    assert "- Started in the first 90 days: " in rest
