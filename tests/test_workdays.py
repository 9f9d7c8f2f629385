"""The roadmap's calendar (issue 22, round 205): no change starts on a weekend or over the year-end
break, and one that runs over the break has its working days counted. The scheduler and a report
moved to another start date (progress.moved) place changes the same way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.engine import run_assessment
from app.engine.progress import moved
from app.engine.workdays import end_after, is_working_day, next_working_day, snap_schedule
from tests.test_rules import BASE, answers_at


@pytest.mark.parametrize("day, working", [
    (date(2026, 12, 7), True),    # a Monday
    (date(2026, 12, 12), False),  # a Saturday
    (date(2026, 12, 13), False),  # a Sunday
    (date(2026, 12, 23), True),   # the last working day before the break
    (date(2026, 12, 24), False),  # the break, a Thursday
    (date(2026, 12, 28), False),  # the break, a Monday
    (date(2027, 1, 1), False),    # New Year's Day, a Friday
    (date(2027, 1, 4), True),     # back after the break
    (date(2027, 6, 30), True),
])
def test_a_working_day_is_a_weekday_outside_the_year_end_break(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize("day, expected", [
    (date(2026, 12, 7), date(2026, 12, 7)),
    (date(2026, 12, 12), date(2026, 12, 14)),
    (date(2026, 12, 24), date(2027, 1, 4)),
    (date(2027, 12, 25), date(2028, 1, 3)),  # 1 Jan 2028 is a Saturday
    (date(2028, 1, 1), date(2028, 1, 3)),
])
def test_the_next_working_day(day, expected):
    assert next_working_day(day) == expected


@pytest.mark.parametrize("start, weeks, expected", [
    (date(2027, 3, 1), 4, date(2027, 3, 29)),     # no break in the way: four calendar weeks
    (date(2027, 3, 3), 2, date(2027, 3, 17)),     # from a Wednesday
    (date(2026, 12, 7), 4, date(2027, 1, 13)),    # over the break: its seven working days added
    (date(2026, 12, 12), 1, date(2026, 12, 21)),  # starts on the Monday after
    (date(2026, 12, 21), 0, date(2026, 12, 21)),
])
def test_work_over_the_break_ends_later_by_the_working_days_lost(start, weeks, expected):
    assert end_after(start, weeks) == expected


def test_snapping_keeps_each_change_after_what_it_needs():
    items = [
        {"id": "a", "start_date": "2026-12-18", "duration_weeks": 1, "requires": [], "shapes": ["c"]},
        {"id": "b", "start_date": "2026-12-19", "duration_weeks": 2, "requires": ["a"], "shapes": []},
        {"id": "c", "start_date": "2026-12-18", "duration_weeks": 1, "requires": [], "shapes": []},
        {"id": "later", "start_date": None, "duration_weeks": 3, "requires": [], "shapes": []},
    ]
    out = snap_schedule(items)
    assert set(out) == {"a", "b", "c"}
    assert out["a"] == (date(2026, 12, 18), date(2027, 1, 5))  # 18, 21, 22, 23 Dec and 4 Jan
    assert out["b"][0] == date(2027, 1, 5) and out["b"][0] >= out["a"][1]
    assert out["c"][0] >= out["a"][0]
    assert all(is_working_day(begin) for begin, _end in out.values())


def dated_items(result):
    return [i for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]]


def assert_on_working_days(result):
    items = {i["id"]: i for i in dated_items(result)}
    assert items
    for item in items.values():
        begin, end = date.fromisoformat(item["start_date"]), date.fromisoformat(item["end_date"])
        assert is_working_day(begin), (item["id"], item["start_date"])
        assert end == end_after(begin, item["duration_weeks"]), item["id"]
        for required in item["requires"]:
            assert items[required]["end_date"] <= item["start_date"], (item["id"], required)
        for shaped in item.get("shapes", ()):
            if shaped in items:
                assert item["start_date"] <= items[shaped]["start_date"], (item["id"], shaped)


# A Friday before the break, a Saturday, and the day the break begins.
STARTS = [date(2026, 12, 18), date(2027, 5, 1), date(2027, 12, 24)]


@pytest.mark.parametrize("start", STARTS, ids=str)
@pytest.mark.parametrize("context", [
    {"primary_pain": "duplicate_work", "existing_pmo": "none", "active_projects": 30},
    {"primary_pain": "weak_execution", "org_size": "large", "active_projects": 80, "existing_pmo": "established"},
], ids=["new-pmo", "established"])
def test_the_scheduler_starts_every_change_on_a_working_day(content, questionnaire, start, context):
    result = run_assessment(content, answers_at(questionnaire, 2), {**BASE, **context},
                            plan={"start_date": start.isoformat()})
    assert_on_working_days(result)


@pytest.mark.parametrize("to", [date(2026, 12, 19), date(2027, 12, 20), date(2028, 2, 5)], ids=str)
def test_a_moved_report_re_snaps_every_change_the_same_way(content, questionnaire, to):
    result = run_assessment(content, answers_at(questionnaire, 2),
                            {**BASE, "primary_pain": "resource_conflicts", "existing_pmo": "informal"},
                            plan={"start_date": "2027-03-01"})
    out = moved(result, to)
    assert out["roadmap"]["start_date"] == to.isoformat()
    assert_on_working_days(out)
    # The summary's first 90 days tell the same dates as the roadmap's changes.
    items = {i["id"]: i for i in dated_items(out)}
    for entry in out["summary"]["first_90_days"]:
        assert (entry["start_date"], entry["end_date"]) == (items[entry["id"]]["start_date"],
                                                            items[entry["id"]]["end_date"])
    # Nothing moves earlier than the shift itself would put it.
    shift = to - date(2027, 3, 1)
    for item in dated_items(result):
        assert items[item["id"]]["start_date"] >= (date.fromisoformat(item["start_date"]) + shift).isoformat()


def test_a_plan_that_starts_on_a_weekday_keeps_its_weekday_starts(content, questionnaire):
    result = run_assessment(content, answers_at(questionnaire, 2), BASE, plan={"start_date": "2027-03-01"})
    first = dated_items(result)[0]
    assert first["start_date"] == "2027-03-01"
    assert date.fromisoformat(first["end_date"]) == date(2027, 3, 1) + timedelta(weeks=first["duration_weeks"])
