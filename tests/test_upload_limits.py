"""Hostile uploads are refused before they are read: the answers import (no sign-in needed) and the
roadmap progress import answer 400 with a message that says what is wrong, store nothing, and read
the crafted 37 KB workbook of issue 23 within a small, fixed amount of memory."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from app import PROJECT_ROOT
from app.engine.progress import SHEET_COLUMNS
from app.reports.template import ANSWER_HEADINGS, write_template
from tests.helpers import csrf_token, query, visible_text
from tests.history_helpers import ALL_TWO, Member
from tests.xlsx_attacks import entity_sheet, huge_sheet, replace_sheet, rows_beyond_sheet, wide_row_sheet

PROGRESS_HEADINGS = [heading for _key, heading, _width in SHEET_COLUMNS]

# (attack, the sheet's XML given its headings, what the refusal says)
ATTACKS = [
    ("a million rows claiming A1:XFD1048576", huge_sheet, "the sheet reaches XFD1048576"),
    ("a million cells in one row", wide_row_sheet, "the sheet reaches column"),
    ("a small dimension over 3,000 filled rows", rows_beyond_sheet, "the sheet reaches row"),
    ("an undefined entity", lambda h: entity_sheet(h, "undefined entity"), "(undefined entity, line 1)"),
    ("a billion-laughs entity", lambda h: entity_sheet(h, "billion laughs"), "declares XML entities"),
    ("broken XML", lambda h: entity_sheet(h, "broken XML"), "is not well-formed XML"),
]


@pytest.fixture(scope="module")
def template(content) -> bytes:
    return write_template(content.default_questionnaire)


def upload_answers(client, data: bytes):
    return client.post("/import", data={"csrf_token": csrf_token(client), "answers": (io.BytesIO(data), "answers.xlsx")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("attack, sheet, message", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_hostile_answers_workbook_is_refused_and_nothing_is_stored(app, client, template, attack, sheet, message):
    response = upload_answers(client, replace_sheet(template, "Answers", sheet(ANSWER_HEADINGS)))
    assert response.status_code == 400
    assert message in visible_text(response.text)
    assert query(app, "SELECT count(*) FROM assessments") == [(0,)]


def test_a_sheet_larger_than_the_template_says_where_it_ends(client, template, questionnaire):
    response = upload_answers(client, replace_sheet(template, "Answers", huge_sheet(ANSWER_HEADINGS)))
    rows = 1 + sum(len(d.questions) for d in questionnaire.dimensions)
    last = "ABCDEFGHIJKLMNOP"[len(ANSWER_HEADINGS) + len(questionnaire.levels) - 1]
    assert (f"Answers: the sheet reaches XFD1048576, but the answers template's Answers sheet is A1:{last}{rows}"
            in visible_text(response.text))


def test_the_crafted_workbook_is_read_in_little_memory(template, tmp_path):
    """Issue 23's file: 37 KB, claiming A1:XFD1048576 over a million empty rows (5.8 GB before)."""
    crafted = tmp_path / "crafted.xlsx"
    crafted.write_bytes(replace_sheet(template, "Answers", huge_sheet(ANSWER_HEADINGS)))
    assert crafted.stat().st_size < 40_000
    # In a child process with 1.5 GB of address space, so a regression fails this test, not the machine.
    script = f"""
import json, resource, sys, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
sys.path.insert(0, {str(PROJECT_ROOT)!r})
from app import PROJECT_ROOT
from app.engine import load_content
from app.reports.template import TemplateProblem, read_template
content = load_content(PROJECT_ROOT)
data = open({str(crafted)!r}, "rb").read()
tracemalloc.start()
try:
    read_template(data, content, name="crafted.xlsx")
    outcome = "read"
except TemplateProblem as err:
    outcome = str(err)
print(json.dumps({{"outcome": outcome, "peak": tracemalloc.get_traced_memory()[1]}}))
"""
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    found = json.loads(child.stdout.splitlines()[-1])
    assert found["outcome"].startswith("Answers: the sheet reaches XFD1048576")
    assert found["peak"] < 100 * 2**20


# --------------------------------------------------------------------------- the progress sheet

@pytest.fixture(scope="module")
def planned(make_app, tmp_path_factory):
    """A member and an organisation with a submitted assessment, so it has a roadmap to record progress on."""
    app = make_app(tmp_path_factory.mktemp("upload-limits") / "db.sqlite3")
    person = Member(app, "sheets@example.org")
    org = person.create_org("Acme IT")
    assessed = person.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    items = [i["id"] for phase in assessed.result["roadmap"]["phases"] for i in phase["items"]]
    return person, org, items


def upload_progress(person: Member, org: int, data: bytes, name: str):
    return person.post(f"/orgs/{org}/progress/import", {"sheet": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def exported(person: Member, org: int, fmt: str) -> bytes:
    response = person.get(f"/orgs/{org}/progress.{fmt}")
    assert response.status_code == 200
    return response.data


@pytest.mark.parametrize("attack, sheet, message", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_a_hostile_progress_workbook_is_refused_and_nothing_is_stored(planned, attack, sheet, message):
    person, org, _items = planned
    crafted = replace_sheet(exported(person, org, "xlsx"), "Progress", sheet(PROGRESS_HEADINGS))
    before = query(person.app, "SELECT * FROM roadmap_progress")
    response = upload_progress(person, org, crafted, "progress.xlsx")
    assert response.status_code == 400
    assert message in visible_text(response.text)
    assert query(person.app, "SELECT * FROM roadmap_progress") == before


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@pytest.mark.parametrize("case, message", [
    ("a field over 128 KB", "a field is longer than 128 KB"),
    ("3,000 rows", "delete the rows after it"),
    ("a column too many", "delete the columns after it"),
])
def test_a_hostile_progress_csv_is_refused_and_nothing_is_stored(planned, case, message):
    person, org, items = planned
    header = [key for key, _heading, _width in SHEET_COLUMNS]
    good = [items[0]] + [""] * (len(header) - 1)
    if case == "a field over 128 KB":
        rows = [header, good[:-1] + ["x" * (129 * 1024)], [items[1]] + [""] * (len(header) - 1)]
    elif case == "3,000 rows":
        rows = [header] + [[f"{items[0]}-{n}"] + [""] * (len(header) - 1) for n in range(3000)]
    else:
        rows = [header, good + ["extra"]]
    before = query(person.app, "SELECT * FROM roadmap_progress")
    response = upload_progress(person, org, csv_bytes(rows), "progress.csv")
    assert response.status_code == 400
    assert message in visible_text(response.text)
    assert query(person.app, "SELECT * FROM roadmap_progress") == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_exported_progress_sheet_itself_is_within_the_bounds(planned, fmt):
    person, org, _items = planned
    response = upload_progress(person, org, exported(person, org, fmt), f"progress.{fmt}")
    assert response.status_code == 302, visible_text(response.text)


# --------------------------------------------------------------------------- JSON bodies

DEEP = ("[" * 100_000 + "]" * 100_000).encode()


def test_json_nested_100000_deep_on_answers_is_refused_and_nothing_is_stored(app, respondent):
    response = respondent.client.post(respondent.base + "/answers", data=b'{"answers": ' + DEEP + b"}",
                                      content_type="application/json", headers={"X-CSRFToken": respondent.csrf})
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["error"]
    assert query(app, "SELECT count(*) FROM answers") == [(0,)]


def test_json_nested_100000_deep_on_progress_is_refused_and_nothing_is_stored(planned):
    person, org, _items = planned
    before = query(person.app, "SELECT * FROM roadmap_progress")
    response = person.client.post(f"/orgs/{org}/progress", data=b'{"items": ' + DEEP + b"}",
                                  content_type="application/json", headers={"X-CSRFToken": person.csrf})
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["error"]
    assert query(person.app, "SELECT * FROM roadmap_progress") == before


def test_json_nested_100000_deep_on_the_api_says_why(app):
    from tests.api_helpers import ApiClient, error_of, make_token
    from tests.helpers import add_user

    api = ApiClient(app, make_token(app, add_user(app, "deep@example.org", role="facilitator")))
    response = api.client.post("/api/v1/assess", data=DEEP, content_type="application/json", headers=api.headers())
    assert response.status_code == 400
    assert "nested too deeply" in error_of(response)["message"]
