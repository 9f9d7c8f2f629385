"""A report's PDF is made once and shared (issue 23: uncached PDFs tied up every worker; issue 25:
the first PDF took seconds): kept for every worker, one render per report at a time, made in the
background as soon as the result is submitted, limited per client, and never lost with a render."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest

from app import store
from app.web import renders
from app.web import reports as report_views

KEY = ("self", 1, "hash", "", None, None, None, "pdf", date(2027, 1, 4))


@pytest.fixture
def snapshot_id(app, submitted):
    with app.app_context():
        from app.db import get_db
        return get_db().execute("SELECT id FROM snapshots").fetchone()[0]


def counting_build(calls: list, data: bytes = b"%PDF-made", seconds: float = 0.0):
    def build():
        calls.append(threading.get_ident())
        time.sleep(seconds)
        return data
    return build


def test_concurrent_requests_from_several_workers_share_one_render(app, snapshot_id):
    calls: list = []
    results: list = []

    def request_it():  # each with its own connection, as gunicorn's workers have
        db = store.open_db(app.config["DATABASE"])
        try:
            results.append(renders.shared_file(db, KEY, snapshot_id, counting_build(calls, seconds=0.5), None))
        finally:
            db.close()

    threads = [threading.Thread(target=request_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert results == [b"%PDF-made"] * 4


def test_a_lost_render_is_made_by_the_next_request(app, snapshot_id):
    db = store.open_db(app.config["DATABASE"])
    name = renders.file_key(KEY)
    # A worker claimed it and died: its claim is older than a render may take.
    assert store.claim_report_file(db, name, snapshot_id, "", time.time() - renders.CLAIM_SECONDS - 1, 1e9)
    calls: list = []
    assert renders.shared_file(db, KEY, snapshot_id, counting_build(calls), None) == b"%PDF-made"
    assert len(calls) == 1
    assert renders.shared_file(db, KEY, snapshot_id, counting_build(calls), None) == b"%PDF-made"
    assert len(calls) == 1  # kept: made once


def test_a_failed_render_leaves_no_claim_behind(app, snapshot_id):
    db = store.open_db(app.config["DATABASE"])

    def broken():
        raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError):
        renders.shared_file(db, KEY, snapshot_id, broken, None)
    calls: list = []
    assert renders.shared_file(db, KEY, snapshot_id, counting_build(calls), None) == b"%PDF-made"
    assert len(calls) == 1


def fake_pdf(monkeypatch, calls: list):
    monkeypatch.setattr(report_views, "render_file", lambda report, fmt, **kw: calls.append(fmt) or b"%PDF-fake")


def test_a_client_may_start_only_a_few_renders_and_is_told_when_to_retry(submitted, monkeypatch):
    calls: list = []
    fake_pdf(monkeypatch, calls)
    first = date(2027, 1, 4)
    for day in range(renders.RENDERS_PER_WINDOW):
        url = f"{submitted.base}/report.pdf?start={first + timedelta(days=day)}"
        assert submitted.client.get(url).status_code == 200
    refused = submitted.client.get(f"{submitted.base}/report.pdf?start={first + timedelta(days=30)}")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Try again in" in refused.text
    assert len(calls) == renders.RENDERS_PER_WINDOW
    # A PDF already made is still given, at no cost.
    assert submitted.client.get(f"{submitted.base}/report.pdf?start={first}").status_code == 200


def test_a_client_with_a_render_under_way_waits_for_it_before_starting_another(app, submitted, snapshot_id,
                                                                              monkeypatch):
    calls: list = []
    fake_pdf(monkeypatch, calls)
    db = store.open_db(app.config["DATABASE"])
    store.claim_report_file(db, "someone's render", snapshot_id, renders.client_key("127.0.0.1"), time.time(), 1e9)
    refused = submitted.client.get(f"{submitted.base}/report.pdf?start=2027-02-01")
    assert refused.status_code == 429 and calls == []


def test_the_pdf_is_made_in_the_background_as_soon_as_the_result_is_submitted(make_app, db_path, questionnaire,
                                                                              monkeypatch):
    from tests.helpers import Respondent

    app = make_app(db_path, REPORT_PRERENDER=True)
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 3)
    assert respondent.submit().status_code == 302  # the result page is not asked for: the render starts here
    renders._executor().submit(lambda: None).result(timeout=300)  # one render thread: this waits for it
    db = store.open_db(app.config["DATABASE"])
    assert db.execute("SELECT state FROM report_files").fetchall() == [("done",)]
    calls: list = []
    fake_pdf(monkeypatch, calls)  # a render now would give the fake
    report_views._FILES.clear()  # as a worker that did not make it
    pdf = respondent.client.get(respondent.base + "/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-1") and calls == []


def test_a_kept_pdf_goes_with_its_assessment(app, submitted, snapshot_id):
    db = store.open_db(app.config["DATABASE"])
    assert renders.shared_file(db, KEY, snapshot_id, counting_build([]), None)
    assessment = db.execute("SELECT assessment_id FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()[0]
    store.purge_standalone(db, assessment)
    assert db.execute("SELECT count(*) FROM report_files").fetchone()[0] == 0


def slow_fake_pdf(monkeypatch, calls: list, seconds: float):
    def render(report, fmt, **kw):
        calls.append(fmt)
        time.sleep(seconds)
        return b"%PDF-fake"
    monkeypatch.setattr(report_views, "render_file", render)


def test_concurrent_requests_for_the_same_pdf_wait_for_one_render(submitted, monkeypatch):
    calls: list = []
    slow_fake_pdf(monkeypatch, calls, 0.5)
    url = f"{submitted.base}/report.pdf?start=2027-02-01"
    threads = [threading.Thread(target=lambda: codes.append(submitted.client.get(url).status_code))
               for _ in range(4)]
    codes: list = []
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 4
    assert calls == ["pdf"]


def _another_render_under_way(app, snapshot_id) -> str:
    db = store.open_db(app.config["DATABASE"])
    store.claim_report_file(db, "another visitor's render", snapshot_id, renders.client_key("198.51.100.7"),
                            time.time(), 1e9)
    db.close()
    return "another visitor's render"


def test_while_the_server_makes_another_report_a_new_render_waits_its_turn(app, submitted, snapshot_id,
                                                                         monkeypatch):
    calls: list = []
    fake_pdf(monkeypatch, calls)
    other = _another_render_under_way(app, snapshot_id)

    def finish_the_other():
        time.sleep(0.8)
        db = store.open_db(app.config["DATABASE"])
        store.drop_report_claim(db, other)
        db.close()

    finisher = threading.Thread(target=finish_the_other)
    finisher.start()
    waited = submitted.client.get(f"{submitted.base}/report.pdf?start=2027-02-01")
    finisher.join()
    assert waited.status_code == 200 and waited.data == b"%PDF-fake"
    assert calls == ["pdf"]
    assert renders._WAITING == 0  # its place in the waiting room given back


@pytest.mark.parametrize("limit", ["waiting room full", "waited too long"])
def test_a_new_render_is_asked_to_come_back_only_when_it_cannot_wait(app, submitted, snapshot_id, monkeypatch, limit):
    calls: list = []
    fake_pdf(monkeypatch, calls)
    other = _another_render_under_way(app, snapshot_id)
    if limit == "waiting room full":
        monkeypatch.setattr(renders, "RENDER_WAITERS", 0)
    else:
        monkeypatch.setattr(renders, "QUEUE_WAIT_SECONDS", 0.3)
    busy = submitted.client.get(f"{submitted.base}/report.pdf?start=2027-02-01")
    assert busy.status_code == 503 and int(busy.headers["Retry-After"]) > 0 and calls == []
    assert "Try again in" in busy.text
    assert renders._WAITING == 0
    db = store.open_db(app.config["DATABASE"])
    store.drop_report_claim(db, other)
    db.close()
    assert submitted.client.get(f"{submitted.base}/report.pdf?start=2027-02-01").status_code == 200
    assert calls == ["pdf"]


def test_a_worker_is_prepared_to_make_pdfs_while_someone_answers():
    import subprocess
    import sys

    from app import PROJECT_ROOT

    # A fresh process, as a gunicorn worker is: the first questionnaire page loads the renderer in the
    # render thread, before anything is submitted.
    code = ("import sys, tempfile; from app import create_app; from app.web import renders; "
            "app = create_app({'DATABASE': tempfile.mktemp(suffix='.sqlite3'), 'SECRET_KEY': 't', "
            "'WTF_CSRF_ENABLED': False}); client = app.test_client(); "
            "page = client.get(client.post('/start').location); "
            "renders._executor().submit(lambda: None).result(timeout=300); "
            "print(page.status_code, 'weasyprint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["200", "True"], done.stderr[-2000:]


def test_a_render_made_ahead_waits_until_the_worker_has_served_its_requests(app, snapshot_id, monkeypatch):
    monkeypatch.setattr(renders, "QUIET_AT_MOST", 60.0)
    calls: list = []
    renders.request_started()  # the result page, being made
    try:
        renders.render_later(app.config["DATABASE"], KEY, snapshot_id, lambda db: counting_build(calls)())
        time.sleep(0.5)
        assert calls == []
    finally:
        renders.request_finished()
    renders._executor().submit(lambda: None).result(timeout=60)
    assert len(calls) == 1


def test_a_render_wanted_soon_runs_at_the_requests_priority_and_one_that_can_wait_below_it():
    import os

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    own = niceness()
    assert renders._executor(soon=True).submit(niceness).result(timeout=60) == own  # made at submit
    assert renders._executor(soon=False).submit(niceness).result(timeout=60) > min(own, 18)  # an older result's


def test_a_pdf_kept_from_an_earlier_layout_is_made_again(submitted, monkeypatch):
    """A kept PDF is tied to the report writers' code and templates: after a release that changes the layout
    (the organisation report's blank page one, issue 24 D) the next request makes it again."""
    calls: list = []
    fake_pdf(monkeypatch, calls)
    monkeypatch.setattr(report_views, "LAYOUT", "the earlier release")
    url = f"{submitted.base}/report.pdf?start=2027-03-01"
    assert submitted.client.get(url).data == b"%PDF-fake" and calls == ["pdf"]
    report_views._FILES.clear()  # another worker, or this one restarted with the new release
    assert submitted.client.get(url).status_code == 200 and calls == ["pdf"]  # kept: same layout
    monkeypatch.setattr(report_views, "LAYOUT", "this release")
    report_views._FILES.clear()
    assert submitted.client.get(url).status_code == 200 and calls == ["pdf", "pdf"]


def test_the_layout_stamp_follows_the_report_templates():
    assert report_views.LAYOUT == report_views._layout_stamp() and len(report_views.LAYOUT) == 16
