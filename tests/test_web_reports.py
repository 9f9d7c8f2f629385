"""Report downloads on the web (self-assessment, workshop, organisation), the result page's
summary, and importing a filled answers template through the upload."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from app import store
from tests.helpers import FULL_CONTEXT, visible_text
from tests.reports_fixtures import answers_for
from tests.test_cli_reports import fill_template
from tests.workshop_helpers import Facilitator, Participant


def download(client, url: str, media: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == media, (url, response.mimetype)
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def test_result_page_offers_every_download_and_each_works(submitted):
    page = submitted.client.get(submitted.base + "/result").text
    links = {fmt: f"{submitted.base}/report.{fmt}" for fmt in ("html", "pdf", "xlsx", "pptx")}
    for url in links.values():
        assert f'href="{url}"' in page
    assert f'href="{submitted.base}/result.json"' in page
    csv_links = re.findall(rf'href="({re.escape(submitted.base)}/report\.csv\?table=\w+)"', page)
    assert len(csv_links) == 5
    assert download(submitted.client, links["pdf"], "application/pdf").data.startswith(b"%PDF-")
    book = load_workbook(io.BytesIO(download(submitted.client, links["xlsx"], XLSX).data))
    assert book.sheetnames[:5] == ["Summary", "Priority", "Answers", "Pitfalls", "Roadmap"]
    assert download(submitted.client, links["pptx"], PPTX).data.startswith(b"PK")
    for url in csv_links:
        text = download(submitted.client, url.replace("&amp;", "&"), "text/csv").data.decode("utf-8")
        assert text.startswith("\ufeff")
    report = submitted.client.get(links["html"])
    assert report.status_code == 200 and "Every answer" in report.text


def test_report_page_is_the_print_ready_report_with_its_own_toolbar(submitted):
    result = submitted.result()
    html = submitted.client.get(submitted.base + "/report.html?start=2027-01-04").text
    text = visible_text(html)
    assert result["recommendation"]["design"]["label"] in text and "prepared" in text
    assert 'class="toolbar"' in html and f'href="{submitted.base}/report.pdf?start=2027-01-04"' in html
    assert "<svg" in html  # the print charts are inline vector graphics, no script needed


def test_a_bad_start_date_or_table_is_refused(submitted):
    assert submitted.client.get(submitted.base + "/report.pdf?start=soon").status_code == 400
    assert submitted.client.get(submitted.base + "/report.csv?table=passwords").status_code == 404
    assert submitted.client.get(submitted.base + "/report.docx").status_code == 404


def test_reports_of_an_unsubmitted_assessment_do_not_exist(respondent):
    assert respondent.client.get(respondent.base + "/report.pdf").status_code == 404


def test_result_page_summary_matches_the_reports_first_page(submitted):
    result = submitted.result()
    page = submitted.client.get(submitted.base + "/result").text
    text = visible_text(page)
    for needle in ("Who was assessed", "The PMO that fits", "Pitfalls that matter most", "The first 90 days"):
        assert needle in text
    labels = result["questionnaire"]["context"]
    for key, value in result["context"].items():
        assert labels[key]["label"] in text
    pitfalls = result["summary"]["pitfalls"]
    for pitfall in pitfalls:  # linked to the one place each is described
        assert f'href="#pitfall-{pitfall["id"]}"' in page
        assert page.count(f'id="pitfall-{pitfall["id"]}"') == 1
    first_items = re.findall(r'<li><a href="#item-([\w.-]+)">', page)
    assert first_items
    for item_id in first_items:
        assert page.count(f'id="item-{item_id}"') == 1


def test_the_recommended_design_is_described_once(submitted):
    result = submitted.result()
    text = visible_text(submitted.client.get(submitted.base + "/result").text)
    assert text.count(result["summary"]["design"]["text"]) == 1


# --------------------------------------------------------------------------- workshops and organisations

@pytest.fixture
def room(make_app, tmp_path, questionnaire):
    """A closed workshop of an organisation: its report and the organisation's history exist."""
    app = make_app(tmp_path / "room.sqlite3")
    fay = Facilitator(app)
    org_id = fay.create_org("Client <b>Ltd</b>")
    workshop = fay.create_workshop(org_id, mode="named", roles="")
    for offset in range(3):
        person = Participant(app, workshop, name=f"P{offset}", role=None)
        person.answer_all(answers_for(questionnaire, offset))
        assert person.submit().status_code == 302
    assert fay.close(workshop).status_code == 302
    return app, fay, workshop


def test_workshop_report_downloads_hold_the_rooms_distribution(room, questionnaire):
    _app, fay, workshop = room
    page = fay.client.get(workshop.base + "/report").text
    assert f'href="{workshop.base}/report.xlsx"' in page
    book = load_workbook(io.BytesIO(download(fay.client, workshop.base + "/report.xlsx", XLSX).data))
    rows = list(book["Workshop"].iter_rows(values_only=True))
    assert len(rows) == len(questionnaire.questions()) + 1
    first = dict(zip(rows[0], rows[1]))
    assert first["Answered"] == 3
    deck = download(fay.client, workshop.base + "/report.pptx", PPTX)
    from pptx import Presentation

    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(deck.data)).slides if s.shapes.title]
    assert "Where the room disagreed, and what it agreed" in titles


def test_organisation_report_has_the_history(room):
    _app, fay, workshop = room
    book = load_workbook(io.BytesIO(download(fay.client, f"/orgs/{workshop.org_id}/report.xlsx", XLSX).data))
    assert "History" in book.sheetnames
    html = fay.client.get(f"/orgs/{workshop.org_id}/report.html").text
    assert "Client &lt;b&gt;Ltd&lt;/b&gt;" in html and "Client <b>Ltd</b>" not in html


def test_reports_of_an_organisation_are_for_its_members_only(room):
    app, _fay, workshop = room
    stranger = Facilitator(app)
    for url in (f"/orgs/{workshop.org_id}/report.pdf", f"{workshop.base}/report.xlsx"):
        assert stranger.client.get(url).status_code == 404
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.location


# --------------------------------------------------------------------------- import

@pytest.fixture
def template(client):
    response = download(client, "/questionnaire/answers-template.xlsx", XLSX)
    return response.data


def assessment_count(app) -> int:
    db = store.open_db(app.config["DATABASE"])
    try:
        return db.execute("SELECT count(*) FROM assessments").fetchone()[0]
    finally:
        db.close()


def upload(client, data: bytes, name: str = "answers.xlsx"):
    from tests.helpers import csrf_token

    return client.post("/import", data={"csrf_token": csrf_token(client), "answers": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_importing_a_filled_template_starts_an_assessment_ready_for_review(app, client, template, questionnaire):
    answers = answers_for(questionnaire)
    area = questionnaire.dimensions[0].id
    filled = fill_template(template, questionnaire, answers, FULL_CONTEXT, notes={area: "Board meets monthly."})
    response = upload(client, filled)
    assert response.status_code == 302 and response.location.endswith("/review?imported=1")
    token = response.location.split("/r/")[1].split("/")[0]
    db = store.open_db(app.config["DATABASE"])
    try:
        stored = store.response_by_token(db, token)
        assert store.load_answers(db, stored["id"]) == answers
        assert store.load_notes(db, stored["id"]) == {area: "Board meets monthly."}
        assert stored["context"] == FULL_CONTEXT and stored["status"] != "submitted"
    finally:
        db.close()
    submit = client.post(f"/r/{token}/submit", data={"csrf_token": re.search(
        r'name="csrf-token" content="([^"]+)"', client.get(f"/r/{token}/review").text).group(1)})
    assert submit.status_code == 302
    assert client.get(f"/r/{token}/result.json").get_json()["answers"] == answers


@pytest.mark.parametrize("case, payload, status, message", [
    ("level out of range", "level7", 400, 'Answers!C14: level must be 1–5 or "don\'t know", not 7'),
    ("not a spreadsheet", b"question,level\n", 400, "is not an XLSX spreadsheet"),
    ("oversized", b"PK\x03\x04" + b"\0" * (600 * 1024), 413, "Nothing was saved"),
])
def test_a_bad_upload_says_what_is_wrong_and_stores_nothing(app, client, template, questionnaire, case, payload,
                                                            status, message):
    if payload == "level7":
        def edit(book):
            book["Answers"]["C14"].value = 7
        payload = fill_template(template, questionnaire, answers_for(questionnaire), FULL_CONTEXT, edit=edit)
    before = assessment_count(app)
    response = upload(client, payload)
    assert response.status_code == status
    assert message in visible_text(response.text)
    assert assessment_count(app) == before


def test_an_upload_without_a_file_is_refused(app, client):
    from tests.helpers import csrf_token

    response = client.post("/import", data={"csrf_token": csrf_token(client)}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Choose the filled answers file" in visible_text(response.text)


# --------------------------------------------------------------------------- the result page, rendered once

def test_a_repeat_visit_to_a_frozen_result_is_a_304(submitted):
    first = submitted.client.get(submitted.base + "/result")
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = submitted.client.get(submitted.base + "/result", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_page_is_rendered_once_and_keeps_a_working_csrf_token(submitted, monkeypatch):
    from app import service

    calls = []
    real = service.self_report
    monkeypatch.setattr(service, "self_report", lambda *a, **k: calls.append(1) or real(*a, **k))
    pages = [submitted.client.get(submitted.base + "/result").text for _ in range(3)]
    assert len(calls) <= 1  # the first visit of this test may find it cached already
    token = re.search(r'name="csrf-token" content="([^"]+)"', pages[-1]).group(1)
    assert "\x00" not in pages[-1] and 'name="csrf_token" value="' + token in pages[-1]
    form = {"csrf_token": token, **{f"target-{d.id}": "4" for d in submitted.questionnaire.dimensions}}
    replanned = submitted.client.post(submitted.base + "/target", data=form)
    assert replanned.status_code == 302
    after = submitted.client.get(submitted.base + "/result")
    assert "The roadmap was re-planned" in after.text  # a flashed message is shown, once
    assert "The roadmap was re-planned" not in submitted.client.get(submitted.base + "/result").text


def test_a_browser_that_accepts_gzip_gets_the_page_compressed_with_its_own_working_token(submitted):
    import gzip

    plain = submitted.client.get(submitted.base + "/result", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in plain.headers["Vary"]
    packed = submitted.client.get(submitted.base + "/result", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.data) < len(plain.data) / 3
    page = gzip.decompress(packed.data).decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert page.count(token) == plain.text.count(re.search(r'name="csrf-token" content="([^"]+)"',
                                                            plain.text).group(1)) >= 2
    assert "\x00" not in page
    # The same page as the plain one, but for the token (signed with the time, so it may differ).
    assert re.sub(r'(csrf-token" content|csrf_token" value)="[^"]+"', "", page) == \
        re.sub(r'(csrf-token" content|csrf_token" value)="[^"]+"', "", plain.text)
    form = {"csrf_token": token, **{f"target-{d.id}": "4" for d in submitted.questionnaire.dimensions}}
    assert submitted.client.post(submitted.base + "/target", data=form).status_code == 302
    # The compressed bytes differ from the page's: a weak ETag, and a repeat visit still gets a 304.
    again = submitted.client.get(submitted.base + "/result", headers={"Accept-Encoding": "gzip"})  # the flash
    etag = submitted.client.get(submitted.base + "/result", headers={"Accept-Encoding": "gzip"}).headers["ETag"]
    assert etag.startswith('W/"') and again.status_code == 200
    repeat = submitted.client.get(submitted.base + "/result", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert repeat.status_code == 304 and repeat.data == b""


def test_another_browser_gets_its_own_etag_and_token(app, submitted):
    first = submitted.client.get(submitted.base + "/result")
    other = app.test_client().get(submitted.base + "/result")
    assert other.status_code == 200 and other.headers["ETag"] != first.headers["ETag"]
    mine = re.search(r'name="csrf-token" content="([^"]+)"', first.text).group(1)
    assert mine not in other.text
    stale = app.test_client().get(submitted.base + "/result", headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200


def test_a_new_snapshot_changes_the_etag(submitted):
    before = submitted.client.get(submitted.base + "/result").headers["ETag"]
    form = {f"target-{d.id}": "5" for d in submitted.questionnaire.dimensions}
    assert submitted.post("/target", form).status_code == 302
    submitted.client.get(submitted.base + "/result")  # shows the flash once
    after = submitted.client.get(submitted.base + "/result", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["ETag"] != before


def test_the_deck_uses_the_master_set_by_the_admin(tmp_path, questionnaire):
    from pptx import Presentation
    from pptx.util import Inches

    from app import create_app
    from tests.conftest import Respondent

    master = Presentation()
    master.slide_width, master.slide_height = Inches(10), Inches(7.5)
    master.save(tmp_path / "master.pptx")
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "t.sqlite3"), "SECRET_KEY": "x",
                      "PPTX_TEMPLATE": str(tmp_path / "master.pptx")})
    person = Respondent(app.test_client(), questionnaire)
    person.fill_context()
    person.answer_all()
    person.submit()
    deck = download(person.client, person.base + "/report.pptx", PPTX)
    assert Presentation(io.BytesIO(deck.data)).slide_width == Inches(10)
