"""Dates one way per medium: every date a CSV or JSON export holds is ISO (2026-12-07, or an ISO
timestamp), never a page's '7 Dec 2026' or a browser's 12/07/2026; and the pages write dates the
readable way ('7 Dec 2026'), never ISO.

The exports are found, not listed: every CSV and JSON route of the app, every CSV link the pages offer
(each report table), every GET of the JSON API, and every file in the organisation's data export."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest

from app import store
from tests.api_helpers import ApiClient, make_token
from tests.helpers import page_csrf, query, visible_text
from tests.world import (build_world, member_token_for, org_assessment, route_cases, sign_in_admin,
                         submit_through_web, world_ids, world_strings)

ISO_DATE = r"\d{4}-\d{2}-\d{2}"
ISO = re.compile(rf"{ISO_DATE}(T\d{{2}}:\d{{2}}(:\d{{2}}(\.\d+)?)?(Z|[+-]\d{{2}}:\d{{2}})?)?")
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# A value that is a date written for people, or the way one browser shows it.
READABLE = re.compile(rf"(\d{{1,2}} ({MONTHS})[a-z]* \d{{4}}|({MONTHS})[a-z]* \d{{1,2}},? \d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})")
# A field that holds a date by its name (start_month and the like hold numbers, and are not strings).
DATE_NAME = re.compile(r"(_on|_at|date|^due|^done|due_on|expires|^start$|^end$|planned_start|planned_end|"
                       r"created|updated|assessed|closed|joined|Date|Due|Done|Start|End|Expires)", re.I)


def date_problems(where: str, name: str, value) -> list[str]:
    """What is wrong with one exported value: a readable date, or a date field that is not ISO."""
    if not isinstance(value, str) or not value.strip():
        return []
    text = value.strip()
    if READABLE.fullmatch(text):
        return [f"{where}: {name} = {text!r} is a date for people, not ISO"]
    if DATE_NAME.search(name) and re.match(r"\d", text) and not ISO.fullmatch(text):
        return [f"{where}: {name} = {text!r} is not an ISO date"]
    return []


def json_problems(where: str, value, name: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in json_problems(where, item, str(key))]
    if isinstance(value, list):
        return [p for item in value for p in json_problems(where, item, name)]
    return date_problems(where, name, value)


def csv_problems(where: str, text: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return []
    header = rows[0]
    return [p for row in rows[1:] for name, cell in zip(header, row) for p in date_problems(where, name, cell)]


def body_problems(where: str, content_type: str, data: bytes) -> list[str]:
    if "json" in content_type:
        return json_problems(where, json.loads(data))
    if "csv" in content_type:
        return csv_problems(where, data.decode("utf-8"))
    return []


@pytest.fixture(scope="module")
def dated(make_app, tmp_path_factory):
    """The security tests' world, with roadmap progress that has due and done dates and an API token."""
    world = build_world(make_app(tmp_path_factory.mktemp("dates") / "dates.sqlite3"))
    db = world.db()
    try:
        # A latest result with a roadmap to record progress on (Bob's are at levels 4 and 5).
        submit_through_web(world.app, world.b.client, org_assessment(world.app, db, world.org_b, world.b.id,
                                                                     title="Bob Q3", level=2))
        roadmap = store.history(db, world.org_b, None)[-1]["summary"]["roadmap"]
        today = date.today()
        store.save_progress(db, world.org_b, [
            {"item_id": roadmap[0]["id"], "status": "done", "due_on": (today + timedelta(days=30)).isoformat(),
             "done_on": today.isoformat(), "owner": "PMO lead", "note": ""},
            {"item_id": roadmap[1]["id"], "status": "started", "due_on": (today - timedelta(days=3)).isoformat(),
             "done_on": "", "owner": "", "note": ""}], user_id=world.b.id)
    finally:
        db.close()
    world.api = ApiClient(world.app, make_token(world.app, world.b.id, scope="read"))
    make_token(world.app, world.b.id, name="Quarterly script", expires_at=datetime.now(timezone.utc) + timedelta(days=90))
    # Something in the trash (a unit of Bob's own), so the trash page lists a date.
    csrf = page_csrf(world.b.client)
    assert world.b.client.post(f"/orgs/{world.org_b}/units", data={"csrf_token": csrf, "name": "Short-lived unit"}
                               ).status_code == 302
    (unit,), = query(world.app, "SELECT id FROM units WHERE name = 'Short-lived unit'")
    assert world.b.client.post(f"/orgs/{world.org_b}/units/{unit}/delete", data={"csrf_token": csrf}).status_code == 302
    return world


def test_every_csv_and_json_download_writes_its_dates_as_iso(dated):
    client, checked, problems = dated.b.client, [], []
    strings = {**world_strings(dated), "fmt": ["csv", "json"]}
    urls = {case.url for case in route_cases(dated.app, world_ids(dated), strings, methods={"GET"})
            if re.search(r"\.(csv|json)$|\.<fmt>$", case.rule) and not case.rule.startswith("/api/")}
    # Every table a report offers as CSV, from the links on the pages that offer them.
    for page in (f"/r/{dated.b_token}/result", f"/orgs/{dated.org_b}", f"/orgs/{dated.org_b}?unit={dated.b_unit}",
                 f"/orgs/{dated.org_b}/workshops/{dated.b_closed_workshop}/report"):
        html = client.get(page).text
        urls |= {link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+\.(?:csv|json)(?:\?[^"]*)?)"', html)}
    for url in sorted(urls):
        response = client.get(url)
        if response.status_code != 200:
            continue  # a format a route does not offer, or a live view of an open workshop
        checked.append(url)
        problems += body_problems(url, response.content_type, response.data)
    assert any("table=progress" in u or "progress.csv" in u for u in checked), checked
    assert sum("report.csv?table=" in u for u in checked) >= 6, checked
    assert problems == []


def test_every_json_api_answer_writes_its_dates_as_iso(dated):
    ids = world_ids(dated)
    problems, checked = [], []
    for case in route_cases(dated.app, ids, world_strings(dated), methods={"GET"}):
        if not case.rule.startswith("/api/v1/"):
            continue
        response = dated.api.get(case.url)
        if response.status_code == 200:
            checked.append(case.url)
            problems += body_problems(case.url, response.content_type, response.data)
    assert any(u.endswith("/history") for u in checked) and any(u.endswith("/progress") for u in checked), checked
    assert problems == []


def test_the_organisations_data_export_writes_its_dates_as_iso(dated):
    client = dated.b.client
    response = client.post(f"/orgs/{dated.org_b}/export", data={"csrf_token": page_csrf(client)})
    assert response.status_code == 200
    problems, names = [], []
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        for name in archive.namelist():
            kind = "json" if name.endswith(".json") else "csv" if name.endswith(".csv") else ""
            if kind:
                names.append(name)
                problems += body_problems(name, kind, archive.read(name))
    assert names and problems == []


def test_the_checks_find_what_they_look_for():
    """The finder itself: a readable or a browser's date fails, anywhere; ISO passes."""
    assert json_problems("x", {"rows": [{"due_on": "7 Dec 2026"}]})
    assert json_problems("x", {"note": "12/07/2026"})
    assert csv_problems("x", "Title,Done date\nA,2026-12-7\n")
    assert not json_problems("x", {"due_on": "2026-12-07", "created_at": "2026-12-07T13:00:00+00:00",
                                   "text": "First 90 days: 7 Jan - 8 Apr 2027 in a sentence"})


def test_pages_write_dates_the_readable_way(dated):
    """The pages that show dates: none writes an ISO date as text a person reads (inputs keep their own)."""
    client = dated.b.client
    pages = [f"/orgs/{dated.org_b}", f"/orgs/{dated.org_b}?unit={dated.b_unit}", f"/orgs/{dated.org_b}/audit",
             f"/r/{dated.b_token}/result", f"/orgs/{dated.org_b}/workshops",
             f"/orgs/{dated.org_b}/workshops/{dated.b_closed_workshop}/report",
             f"/orgs/{dated.org_b}/compare?a={dated.b_assessment}&a={dated.b_assessment2}",
             f"/orgs/{dated.org_b}/trash", "/account"]
    admin = sign_in_admin(dated)
    problems, readable = [], []
    for page in pages + ["/admin/users", "/admin/audit"]:
        response = (admin if page.startswith("/admin/") else client).get(page)
        assert response.status_code == 200, page
        text = visible_text(re.sub(r"<(input|textarea|select|option)\b[^>]*>", " ", response.text))
        problems += [f"{page}: {found}" for found in re.findall(rf"\b{ISO_DATE}\b", text)]
        readable += [page for _ in re.finditer(READABLE, text)]
    assert {f"/orgs/{dated.org_b}", "/account", "/admin/audit"} <= set(readable), set(readable)  # dates were shown
    assert problems == [], "\n".join(problems)


def deck_text(data: bytes) -> str:
    """Every text a PowerPoint deck shows: its text boxes and its tables' cells."""
    from pptx import Presentation

    texts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(texts)


def planned_token(dated) -> str:
    """The member link of Bob's result at level 2, which has changes in its first 90 days."""
    (response_id,), = query(dated.app, "SELECT r.id FROM responses r JOIN assessments a ON a.id = r.assessment_id "
                                       "WHERE a.title = 'Bob Q3'")
    return member_token_for(dated.app, response_id)


def test_the_decks_write_dates_the_readable_way(dated):
    """Both PowerPoint decks (a result's and the organisation's) say 'Assessed 7 Dec 2026', and the first
    90 days' start and end the same way, never ISO."""
    client = dated.b.client
    for url in (f"/r/{planned_token(dated)}/report.pptx", f"/orgs/{dated.org_b}/report.pptx"):
        response = client.get(url)
        assert response.status_code == 200, url
        text = deck_text(response.data)
        assert re.findall(rf"\b{ISO_DATE}\b", text) == [], url
        assert re.search(rf"prepared {READABLE.pattern}", text), url
    text = deck_text(client.get(f"/r/{planned_token(dated)}/report.pptx").data)
    assert re.search(rf"Assessed {READABLE.pattern}", text) and "The first 90 days" in text


def test_the_workbooks_first_90_days_are_real_dates(dated):
    """The Summary sheet's first 90 days hold dates a spreadsheet sorts, as the Roadmap sheet does."""
    import openpyxl

    response = dated.b.client.get(f"/r/{planned_token(dated)}/report.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Summary"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[:3] == ["Improvement", "Start", "End"])
    items = [row for row in rows[header + 1:] if row[0]][:1]
    assert items and all(isinstance(value, datetime) for value in items[0][1:3]), rows[header:header + 3]


@pytest.mark.parametrize("which", ["result", "organisation"])
def test_the_workbooks_words_write_dates_the_readable_way(dated, which):
    """The Summary sheet's line under its title says 'prepared 7 Dec 2026' as the pages do, not ISO text."""
    import openpyxl

    url = f"/r/{planned_token(dated)}/report.xlsx" if which == "result" else f"/orgs/{dated.org_b}/report.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(dated.b.client.get(url).data))["Summary"]
    words = [cell.value for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert not [w for w in words if re.search(rf"\b{ISO_DATE}\b", w)]
    assert any(re.search(rf"prepared {READABLE.pattern}", w) for w in words)


def test_the_benchmark_says_as_of_the_readable_way():
    """The pooled benchmark's sentence (the dashboard, the organisation's HTML and PDF reports) says
    'as of 7 Dec 2026'."""
    from app.reports.model import _benchmark

    found = {"basis": "organisation", "size_band": "51-200", "filter": "size", "shown": True, "size": 6,
             "as_of": "2026-12-07", "quarters": {}, "standing": {}, "overall": 3, "overall_standing": "third"}
    text = _benchmark(found, {"governance": "Governance"})["text"]
    assert "as of 7 Dec 2026." in text and not re.search(rf"\b{ISO_DATE}\b", text)
