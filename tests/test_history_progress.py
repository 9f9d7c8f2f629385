"""Roadmap progress: recorded per improvement, carried forward, reopened on a regression."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.helpers import query, visible_text
from tests.history_helpers import ALL_TWO, Member, figure, fmt, levels_for, roadmap_items, score, without_csrf


# --------------------------------------------------------------------------
# Roadmap progress
# --------------------------------------------------------------------------


def progress_rows(app, org: int | None = None):
    rows = query(app, "SELECT org_id, unit_key, item_id, status, on_date, owner FROM roadmap_progress "
                      "ORDER BY item_id")
    return [r for r in rows if org is None or r[0] == org]


def item_row(page: str, item_id: str) -> str:
    start = page.index(f'<tr id="progress-{item_id}">')
    return page[start:page.index("</tr>", start)]


def shown_status(page: str, item_id: str) -> str:
    return re.search(r'<option value="(\w+)" selected>', item_row(page, item_id)).group(1)


def mark(person: Member, org: int, item_id: str, status: str, on_date: str = "2025-03-01", owner: str = "Ana Lopes"):
    return person.post(f"/orgs/{org}/progress", {"item_id": item_id, "status": status, "on_date": on_date,
                                                 "owner": owner})


def test_progress_marks_items_done_and_started_with_date_and_owner(app, member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    items = roadmap_items(a.result)
    phases = a.result["roadmap"]["phases"]
    first_phase = phases[0]
    done_item, started_item = first_phase["items"][0]["id"], first_phase["items"][1]["id"]
    assert mark(member, org, done_item, "done", "2025-03-01", "Ana Lopes").status_code == 302
    response = mark(member, org, started_item, "started", "2025-03-10", "Ben Okafor")
    assert response.status_code == 302 and response.location.endswith(f"/orgs/{org}#progress-heading")

    page = member.get(f"/orgs/{org}").text
    assert shown_status(page, done_item) == "done" and shown_status(page, started_item) == "started"
    assert 'value="2025-03-01"' in item_row(page, done_item) and 'value="Ana Lopes"' in item_row(page, done_item)
    assert 'value="2025-03-10"' in item_row(page, started_item) and 'value="Ben Okafor"' in item_row(page, started_item)
    assert shown_status(page, first_phase["items"][2]["id"]) == "planned"
    text = visible_text(page)
    assert f"The roadmap of 2025-Q1: 1 of {len(items)} improvements done." in text
    assert f"{first_phase['title']} · months {first_phase['start_month']}–{first_phase['end_month']} · " \
           f"1/{len(first_phase['items'])} done" in text
    bars = {t["name"]: t["x"] for t in figure(page, "progress")["data"]}
    assert bars["Done"] == [1] + [0] * (len(phases) - 1)
    assert bars["Started"] == [1] + [0] * (len(phases) - 1)
    assert bars["Planned"] == [len(first_phase["items"]) - 2] + [len(p["items"]) for p in phases[1:]]
    assert progress_rows(app) == sorted([(org, 0, done_item, "done", "2025-03-01", "Ana Lopes"),
                                         (org, 0, started_item, "started", "2025-03-10", "Ben Okafor")],
                                        key=lambda r: r[2])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"item_id": "governance.not-a-real-item"}, "not in the current roadmap"),
        ({"item_id": "governance.gate-analytics"}, "not in the current roadmap"),  # in the catalogue, not planned
        ({"item_id": ""}, "not in the current roadmap"),
        ({"status": "finished"}, "Status must be one of planned, started, done"),
        ({"status": ""}, "Status must be one of planned, started, done"),
        ({"on_date": "next week"}, "The date must look like 2026-11-25"),
    ],
)
def test_bad_progress_is_400_and_changes_nothing(history_world, change, message):
    planned = history_world.closed.result["roadmap"]["phases"][0]["items"][0]["id"]
    assert "governance.gate-analytics" not in roadmap_items(history_world.closed.result)
    before = history_world.member.get(f"/orgs/{history_world.acme}").data
    form = {"item_id": planned, "status": "done", "on_date": "2025-03-01", "owner": "Ana", **change}
    response = history_world.member.post(f"/orgs/{history_world.acme}/progress", form)
    assert response.status_code == 400
    text = visible_text(response.text)
    assert message in text and "Nothing was changed" in text
    assert progress_rows(history_world.app) == []
    assert without_csrf(history_world.member.get(f"/orgs/{history_world.acme}").data) == without_csrf(before)


@pytest.mark.parametrize("org", ["empty", "started"])
def test_progress_before_any_submitted_assessment_is_400(history_world, org):
    item_id = history_world.closed.result["roadmap"]["phases"][0]["items"][0]["id"]
    assert mark(history_world.member, getattr(history_world, org), item_id, "done").status_code == 400
    assert progress_rows(history_world.app) == []


def leadership_questions(questionnaire) -> list[str]:
    return [q.id for q in questionnaire.dimension("leadership").questions]


@pytest.mark.parametrize(("shift", "regressed"), [(-1, True), (+1, False)], ids=["fell", "rose"])
def test_done_item_after_the_next_assessment(member, shift, regressed):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    item_id = "leadership.pmo-roles"
    assert item_id in roadmap_items(first.result)
    assert mark(member, org, item_id, "done").status_code == 302
    moved = {q: 2 + shift for q in leadership_questions(member.questionnaire)[:3]}
    second = member.assess(org, "2025-Q2", "2025-05-14", levels_for(ALL_TWO, moved))
    before, after = score(first.result, "leadership"), score(second.result, "leadership")
    assert (before - after >= 0.1) if regressed else (after > before)
    assert item_id in roadmap_items(second.result), "the item should still be planned after the second assessment"

    page = member.get(f"/orgs/{org}").text
    title = roadmap_items(second.result)[item_id]["title"]
    if regressed:
        assert shown_status(page, item_id) == "planned"
        assert "regressed" in visible_text(item_row(page, item_id))
        warning = re.search(r"<div[^>]*data-regressions[^>]*>(.*?)</div>", page, flags=re.S)
        assert warning, "the regression should be flagged"
        assert f"{title} was done, but leadership fell from {fmt(before)} to {fmt(after)}" in visible_text(
            warning.group(1))
        assert "The roadmap of 2025-Q2: 0 of" in visible_text(page)
    else:
        assert shown_status(page, item_id) == "done"
        assert "data-regressions" not in page and "regressed" not in visible_text(item_row(page, item_id))
        assert "The roadmap of 2025-Q2: 1 of" in visible_text(page)


def test_item_marked_done_after_the_latest_assessment_shows_done(member):
    org = member.create_org()
    member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    lower = {q: 1 for q in leadership_questions(member.questionnaire)[:3]}
    second = member.assess(org, "2025-Q2", "2025-05-14", levels_for(ALL_TWO, lower))
    item_id = "leadership.pmo-roles"
    assert item_id in roadmap_items(second.result)
    assert mark(member, org, item_id, "done", on_date="2025-06-01").status_code == 302
    assert shown_status(member.get(f"/orgs/{org}").text, item_id) == "done"


def test_a_second_progress_change_in_the_same_second_is_shown(member, monkeypatch):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    item_id = a.result["roadmap"]["phases"][0]["items"][0]["id"]
    # app.store.history is also the name of a function in app.store: patch the module itself.
    monkeypatch.setattr(importlib.import_module("app.store.history"), "now_iso",
                        lambda: "2026-01-05T10:00:00+00:00")
    assert mark(member, org, item_id, "started").status_code == 302
    assert shown_status(member.get(f"/orgs/{org}").text, item_id) == "started"
    assert mark(member, org, item_id, "done").status_code == 302
    assert shown_status(member.get(f"/orgs/{org}").text, item_id) == "done"
