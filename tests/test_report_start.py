"""A report asked for from another start date moves every date together: the phases, the
changes, the summary's first 90 days and the CSV never disagree. Without a start, a report
keeps the days the roadmap was dated with, as on the result page."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from app.engine import run_assessment
from app.engine.progress import moved
from app.engine.workdays import is_working_day
from app.reports.model import build_report
from app.reports.questionnaire import questionnaire_as_dict
from app.web.result_pages import roadmap_csv
from tests.test_scenarios import ROWS, answers_for

DATED = date(2026, 12, 7)
ORG = {p.values[0].id: p.values[0] for p in ROWS}["large-no-pmo-sixty-projects"]


@pytest.fixture(scope="module")
def dated(content):
    questionnaire = content.default_questionnaire
    result = run_assessment(content, answers_for(ORG, questionnaire), ORG.context,
                            plan={"start_date": DATED.isoformat()})
    return result, questionnaire_as_dict(questionnaire)


def frozen_items(result):
    return {i["id"]: i for p in result["roadmap"]["phases"] for i in p["items"] if i.get("start_date")}


def test_without_a_start_the_report_keeps_the_roadmaps_own_days(dated):
    result, plain = dated
    report = build_report(result, plain, today=DATED + timedelta(days=40))
    assert report["roadmap"]["start"] == DATED
    frozen = frozen_items(result)
    assert frozen and len(report["roadmap"]["dated_items"]) == len(frozen)
    for item in report["roadmap"]["dated_items"]:
        assert item["start"].isoformat() == frozen[item["id"]]["start_date"]
    assert report["summary"] == dict(result["summary"])


@pytest.mark.parametrize("days", [1, 31, 365 * 3 + 31])
def test_another_start_moves_the_phases_the_changes_and_the_summary_together(dated, days):
    result, plain = dated
    start = DATED + timedelta(days=days)
    report = build_report(result, plain, start=start)
    frozen = frozen_items(result)
    starts = {}
    for item in report["roadmap"]["dated_items"]:
        # Moved by the same days, then onto the next working day (never a weekend or the year-end break).
        shifted = date.fromisoformat(frozen[item["id"]]["start_date"]) + timedelta(days=days)
        assert shifted <= item["start"] <= shifted + timedelta(days=12) and is_working_day(item["start"]), item["id"]
        starts[item["id"]] = item["start"].isoformat()
        phase = next(p for p in report["roadmap"]["phases"] if p["id"] == item["phase_id"])
        # a change sits inside its phase's window, never years away from it
        assert phase["start"] - timedelta(days=31) <= item["start"] <= phase["end"], (item["id"], phase["id"])
    first = report["summary"]["first_90_days"]
    assert first
    for entry, before in zip(first, result["summary"]["first_90_days"]):
        assert entry["start_date"] == starts[entry["id"]]  # the summary tells the roadmap's own dates
        assert entry["when"] != before["when"] or days == 0
    assert result["roadmap"]["start_date"] == DATED.isoformat()  # the frozen result itself is untouched


def test_the_csv_from_another_start_agrees_with_the_report(dated):
    result, plain = dated
    start = DATED + timedelta(days=31)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(roadmap_csv(result, start)))}
    report = build_report(result, plain, start=start)
    for item in report["roadmap"]["dated_items"]:
        assert rows[item["id"]]["start_date"] == item["start"].isoformat()
        assert rows[item["id"]]["end_date"] == item["end"].isoformat()


def test_a_roadmap_that_begins_on_the_start_or_is_undated_comes_back_as_it_is(dated):
    result, _ = dated
    assert moved(result, DATED) is result
    undated = {**result, "roadmap": {**result["roadmap"], "start_date": None}}
    assert moved(undated, DATED + timedelta(days=9)) is undated
