"""Roadmap progress: recorded per improvement, carried forward, reopened on a regression."""

from __future__ import annotations

import datetime

import importlib
import re

import pytest

from app.engine.summary import day
from tests.helpers import query, visible_text
from tests.history_helpers import ALL_TWO, Member, figure, fmt, levels_for, roadmap_items, score, without_csrf


# --------------------------------------------------------------------------
# Roadmap progress
# --------------------------------------------------------------------------


def progress_rows(app, org: int | None = None):
    rows = query(app, "SELECT org_id, unit_key, item_id, status, due_on, done_on, owner, note FROM roadmap_progress "
                      "ORDER BY item_id")
    return [r for r in rows if org is None or r[0] == org]


def item_row(page: str, item_id: str) -> str:
    start = page.index(f'id="progress-{item_id}"')
    return page[start:page.index("</fieldset>", start)]


def shown_status(page: str, item_id: str) -> str:
    return re.search(r'<option value="(\w+)" selected>', item_row(page, item_id)).group(1)


def item_form(item_id: str, status: str, due_on: str = "", done_on: str = "", owner: str = "", note: str = ""):
    """One improvement's fields as a phase's progress form names them."""
    return {f"status:{item_id}": status, f"due:{item_id}": due_on, f"done:{item_id}": done_on,
            f"owner:{item_id}": owner, f"note:{item_id}": note}


def mark(person: Member, org: int, item_id: str, status: str, on_date: str = "2025-03-01", owner: str = "Ana Lopes"):
    """Save one improvement: a done item's date is its done date, any other's its due date."""
    dates = {"done_on": on_date} if status == "done" else {"due_on": on_date}
    return person.post(f"/orgs/{org}/progress", item_form(item_id, status, owner=owner, **dates))


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
    # The phase's planned window is the roadmap's own (dated from the day it was made).
    assert f"{first_phase['title']} · {day(first_phase['start_date'])} to {day(first_phase['end_date'])} · " \
           f"1 of {len(first_phase['items'])} done · 1 overdue" in text
    bars = {t["name"]: t["x"] for t in figure(page, "progress")["data"]}
    assert bars["Done"] == [1] + [0] * (len(phases) - 1)
    assert bars["Started"] == [1] + [0] * (len(phases) - 1)
    assert bars["Planned"] == [len(first_phase["items"]) - 2] + [len(p["items"]) for p in phases[1:]]
    assert progress_rows(app) == sorted([(org, 0, done_item, "done", None, "2025-03-01", "Ana Lopes", ""),
                                         (org, 0, started_item, "started", "2025-03-10", None, "Ben Okafor", "")],
                                        key=lambda r: r[2])


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ({"item_id": "governance.not-a-real-item"}, "governance.not-a-real-item is not in the current roadmap"),
        ({"item_id": "governance.gate-analytics"}, "is not in the current roadmap"),  # in the catalogue, not planned
        ({"item_id": ""}, "is not in the current roadmap"),
        ({"status": "finished"}, "Status must be one of planned, started, done, dropped"),
        ({"status": ""}, "Status must be one of planned, started, done, dropped"),
        ({"due_on": "next week"}, "The due date must look like 2026-11-25"),
        ({"done_on": "2025-02-30"}, "The done date must look like 2026-11-25"),
        ({"status": "dropped", "note": "  "}, "An improvement that is dropped needs the reason in its note"),
        ({"note": "x" * 201}, "The note can have at most 200 characters"),
    ],
)
def test_a_bad_improvement_refuses_the_whole_save_and_changes_nothing(history_world, second, message):
    phase = history_world.closed.result["roadmap"]["phases"][0]
    good, other = phase["items"][0]["id"], phase["items"][1]["id"]
    assert "governance.gate-analytics" not in roadmap_items(history_world.closed.result)
    before = history_world.member.get(f"/orgs/{history_world.acme}").data
    bad = {"item_id": other, "status": "started", **second}
    form = {**item_form(good, "done", done_on="2025-03-01", owner="Ana"),
            **item_form(bad.pop("item_id"), **bad)}
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


def leadership_item(result: dict, moved: dict, on_moved: bool) -> str:
    """The most urgent planned leadership improvement on the moved practices, or on none of them."""
    found = [i for i, entry in roadmap_items(result).items() if entry["dimension"] == "leadership"
             and bool({p["question"] for p in entry["raises"]} & set(moved)) == on_moved]
    # Not a design's set-up (unit leads) where there is a choice: a second assessment may recommend another.
    return next((i for i in found if not roadmap_items(result)[i].get("setup_for")), found[0])


@pytest.mark.parametrize(("shift", "regressed"), [(-1, True), (+1, False)], ids=["fell", "rose"])
def test_done_item_after_the_next_assessment(member, shift, regressed):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    # Practices beside the sponsor and mandate: raising those three tips this profile to another design, whose
    # set-up then replaces the unit leads' (a different plan, not a lost item).
    moved = {q: 2 + shift for q in leadership_questions(member.questionnaire)[3:6]}
    # An improvement the move leaves needed: on a practice that falls, or beside those that rise.
    item_id = leadership_item(first.result, moved, on_moved=regressed)
    assert mark(member, org, item_id, "done").status_code == 302
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
    item_id = leadership_item(second.result, lower, on_moved=False)
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


# --------------------------------------------------------------------------
# A phase saved at once; planned windows and descriptions beside progress; overdue
# --------------------------------------------------------------------------


def test_a_whole_phase_is_saved_in_one_request_and_comes_back_open(member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    second = a.result["roadmap"]["phases"][1]
    ids = [i["id"] for i in second["items"]]
    form = {"phase": second["id"]}
    for n, item_id in enumerate(ids):
        status = ("done", "started", "dropped")[n % 3]
        form.update(item_form(item_id, status, due_on="2030-01-0%d" % (1 + n % 9), owner=f"Owner {n}",
                              done_on="2025-04-01" if status == "done" else "",
                              note="Not needed after the merger" if status == "dropped" else f"note {n}"))
    response = member.post(f"/orgs/{org}/progress", form)
    assert response.status_code == 302
    assert response.location.endswith(f"/orgs/{org}?open={second['id']}#phase-{second['id']}")
    rows = {r[2]: r for r in progress_rows(member.app, org)}
    assert set(rows) == set(ids)
    for n, item_id in enumerate(ids):
        assert rows[item_id][3] == ("done", "started", "dropped")[n % 3] and rows[item_id][6] == f"Owner {n}"
    page = member.get(response.location.split("#")[0]).text
    opened = re.findall(r'<details class="mb-2 progress-phase" id="phase-([\w-]+)" open>', page)
    assert opened == [second["id"]], "the saved phase, and only it, should be open"


def test_the_page_script_saves_a_phase_as_json_with_the_csrf_header(member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    first, second = (i["id"] for i in a.result["roadmap"]["phases"][0]["items"][:2])
    items = [{"item_id": first, "status": "done", "done_on": "2025-03-01", "owner": "Ana", "due_on": "", "note": ""},
             {"item_id": second, "status": "planned", "due_on": "", "done_on": "", "owner": "", "note": ""}]
    bare = member.client.post(f"/orgs/{org}/progress", json={"items": items})
    assert bare.status_code == 400 and "CSRF" in bare.get_json()["error"]
    assert progress_rows(member.app, org) == []
    response = member.client.post(f"/orgs/{org}/progress", json={"unit": "", "items": items},
                                  headers={"X-CSRFToken": member.csrf})
    assert response.status_code == 200
    assert response.get_json() == {"saved": 1, "message": "Progress saved: 1 improvement changed."}
    assert [r[2:4] for r in progress_rows(member.app, org)] == [(first, "done")]
    refused = member.client.post(f"/orgs/{org}/progress", headers={"X-CSRFToken": member.csrf},
                                 json={"items": [{**items[0], "status": "started"}, {**items[1], "status": "dropped"}]})
    assert refused.status_code == 400
    assert "needs the reason in its note. Nothing was changed." in refused.get_json()["error"]
    assert [r[2:4] for r in progress_rows(member.app, org)] == [(first, "done")]


def test_each_improvement_shows_its_planned_window_description_and_separate_due_and_done_dates(member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    item = a.result["roadmap"]["phases"][0]["items"][0]
    assert mark(member, org, item["id"], "started", on_date="2099-01-01").status_code == 302
    row = item_row(member.get(f"/orgs/{org}").text, item["id"])
    text = visible_text(row)
    assert f"Planned {day(item['start_date'])} to {day(item['end_date'])}" in text
    assert item["description"][:60] in text
    assert "Due date" in text and "Done date" in text
    assert re.search(rf'id="due-{re.escape(item["id"])}" name="due:[^"]+" value="2099-01-01"', row)
    assert re.search(rf'id="done-{re.escape(item["id"])}" name="done:[^"]+" value=""', row)


def test_overdue_improvements_are_flagged_on_the_dashboard(member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    late, later, finished = (i for i in a.result["roadmap"]["phases"][0]["items"][:3])
    assert mark(member, org, late["id"], "started", on_date="2025-03-01").status_code == 302
    assert mark(member, org, later["id"], "started", on_date="2099-03-01").status_code == 302
    assert mark(member, org, finished["id"], "done", on_date="2025-03-01").status_code == 302
    page = member.get(f"/orgs/{org}").text
    flagged = re.search(r"<div[^>]*data-overdue-list[^>]*>(.*?)</div>", page, flags=re.S)
    assert flagged and f"{late['title']} (due 1 Mar 2025)" in visible_text(flagged.group(1))
    assert later["title"] not in visible_text(flagged.group(1)) and finished["title"] not in flagged.group(1)
    assert "data-overdue" in item_row(page, late["id"]) and "data-overdue" not in item_row(page, later["id"])
    # Nothing else of the first phase has a due date, and the roadmap's plan ends in the future.
    assert re.search(r"data-overdue-count>1 improvement overdue<", page)


# --------------------------------------------------------------------------
# The progress sheet: exported, filled in a meeting, imported back
# --------------------------------------------------------------------------


def _sheet_rows_from_xlsx(data: bytes) -> list[list]:
    import io

    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [list(r) for r in book["Progress"].iter_rows(values_only=True)]


def _xlsx(rows: list[list]) -> bytes:
    import io

    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = "Progress"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(person: Member, org: int, data: bytes, name: str):
    import io
    return person.post(f"/orgs/{org}/progress/import", {"sheet": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_progress_sheet_goes_out_and_comes_back(member, fmt):
    import csv
    import io

    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    items = [i for p in a.result["roadmap"]["phases"] for i in p["items"]]
    assert mark(member, org, items[0]["id"], "started", on_date="2025-04-01", owner="=HYPERLINK(1)").status_code == 302
    response = member.get(f"/orgs/{org}/progress.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        rows = _sheet_rows_from_xlsx(response.data)
    else:
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    # The workbook has headings for people; the CSV, like the report's, has keys for tools.
    named = dict(zip(["id", "title", "status", "due_on", "done_on", "owner", "note"],
                     ["Improvement id", "Improvement", "Status", "Due date", "Done date", "Owner",
                      "Note (the reason, when dropped)"] if fmt == "xlsx" else
                     ["id", "title", "status", "due_on", "done_on", "owner", "note"]))
    assert header[:2] == [named["id"], named["title"]] and named["due_on"] in header and named["done_on"] in header
    assert [r[0] for r in body] == [i["id"] for i in items]
    first = {k: ("" if v is None else v) for k, v in zip(header, body[0])}
    due = first[named["due_on"]]
    if fmt == "xlsx":  # a real date in the workbook, ISO text in the CSV
        assert isinstance(due, (datetime.date, datetime.datetime)), due
        due = due.isoformat()[:10]
    assert (first[named["status"]], due, first[named["owner"]]) == ("started", "2025-04-01", "'=HYPERLINK(1)")
    # The meeting: the first is done now, the second dropped with a reason; columns reordered.
    first.update({named["status"]: "done", named["done_on"]: "2025-05-02", named["owner"]: "Ana"})
    second = {**{k: ("" if v is None else v) for k, v in zip(header, body[1])}, named["status"]: "dropped",
              named["note"]: "Merged away"}
    order = list(reversed(header))
    filled = [order] + [[row[h] for h in order] for row in (first, second)]
    if fmt == "xlsx":
        data = _xlsx(filled)
    else:
        out = io.StringIO()
        csv.writer(out).writerows(filled)
        data = out.getvalue().encode("utf-8-sig")
    response = _upload(member, org, data, f"progress.{fmt}")
    assert response.status_code == 302, response.text
    recorded = {r[2]: r[3:] for r in progress_rows(member.app, org)}
    assert recorded == {items[0]["id"]: ("done", "2025-04-01", "2025-05-02", "Ana", ""),
                        items[1]["id"]: ("dropped", None, None, "", "Merged away")}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["Improvement id", "Status"]], "The sheet has no column 'Due date'"),
        ([["Improvement id", "Status", "Due date", "Done date", "Owner", "Note"], ["governance.nope", "done"]],
         "Row 2: 'governance.nope' is not an improvement of the current roadmap"),
        ([["Improvement id", "Status", "Due date", "Done date", "Owner", "Note"], ["FIRST", "done", "", "soon"]],
         "The done date must look like 2026-11-25"),
        ([["Improvement id", "Status", "Due date", "Done date", "Owner", "Note"], ["FIRST", "done"], ["FIRST", "done"]],
         "Row 3: 'FIRST' is given twice"),
    ],
)
def test_a_bad_progress_sheet_changes_nothing(member, rows, message):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    first = a.result["roadmap"]["phases"][0]["items"][0]["id"]
    second = a.result["roadmap"]["phases"][0]["items"][1]["id"]
    rows = [[first if c == "FIRST" else c for c in r] for r in rows]
    # A good row beside the bad one proves nothing is kept by halves.
    if len(rows) > 1:
        rows.append([second, "started"] + [""] * 4)
    response = _upload(member, org, _xlsx(rows), "filled.xlsx")
    assert response.status_code == 400
    assert message.replace("FIRST", first) in visible_text(response.text)
    assert progress_rows(member.app, org) == []


@pytest.mark.parametrize("bad, field, message", [
    ({"status": "dropped", "note": ""}, "note", "An improvement that is dropped needs the reason in its note"),
    ({"due_on": "next week"}, "due", "The due date must look like 2026-11-25"),
    ({"owner": "x" * 81}, "ow", "The owner can have at most 80 characters"),
])
def test_a_refused_progress_form_keeps_what_was_typed_and_says_why_beside_the_field(member, bad, field, message):
    """Posted without the page's script: the dashboard comes back with every typed value and the reason
    next to the field; nothing is saved."""
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    phase = a.result["roadmap"]["phases"][1]
    good, other = phase["items"][0]["id"], phase["items"][1]["id"]
    wrong = {"status": "started", **bad}
    form = {"phase": phase["id"], **item_form(good, "done", done_on="2025-03-01", owner="Ana Lopes", note="Kept"),
            **item_form(other, **wrong)}
    response = member.post(f"/orgs/{org}/progress", form)
    assert response.status_code == 400
    page = response.text
    assert message in visible_text(page) and "Nothing was changed" in visible_text(page)
    assert progress_rows(member.app, org) == []
    kept = item_row(page, good)
    assert shown_status(page, good) == "done" and 'value="2025-03-01"' in kept and 'value="Ana Lopes"' in kept
    assert 'value="Kept"' in kept and "data-field-error" not in kept
    refused = item_row(page, other)
    assert shown_status(page, other) == wrong["status"]
    assert f'id="err-{field}-{other}" data-field-error>{message}' in refused
    assert f'aria-describedby="err-{field}-{other}"' in refused
    assert re.findall(r'<details class="mb-2 progress-phase" id="phase-([\w-]+)" open>', page) == [phase["id"]]
