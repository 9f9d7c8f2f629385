"""Autosave meets a database locked by another process: it says it is retrying, and loses nothing (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import store
from tests.browser.conftest import PAGE_TIMEOUT_MS, LiveServer
from tests.storage_faults import write_lock


@pytest.fixture
def short_timeout_server(make_app, tmp_path):
    app = make_app(tmp_path / "browser.sqlite3", TESTING=False, SECRET_KEY="browser", BUSY_TIMEOUT_MS=300)
    live = LiveServer(app)
    yield live
    live.stop()


def stored_answers(server, token: str) -> dict:
    db = store.open_db(server.app.config["DATABASE"])
    try:
        return store.load_answers(db, store.response_by_token(db, token)["id"])
    finally:
        db.close()


def test_autosave_retries_while_the_database_is_locked_and_then_saves(browser, short_timeout_server):
    server = short_timeout_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page.goto(server.url + "/")
        page.get_by_role("button", name="Start the assessment").click()
        link = page.input_value("#resume-link")
        token = link.rsplit("/r/", 1)[1]
        page.goto(link + "/d/tools")
        questions = page.locator("fieldset.question")
        question_ids = [name.removeprefix("q-") for name in
                        questions.evaluate_all("els => els.map(f => f.querySelector('input').name)")]

        with write_lock(Path(server.app.config["DATABASE"])):
            questions.nth(0).locator("input[value='4']").check()
            page.wait_for_selector("#save-status.retrying")
            status = page.inner_text("#save-status")
            assert "cannot save right now" in status and "retrying in" in status
            assert "safe" in status
            # A second answer while retrying is kept and sent with the retry (on a phone, one
            # question per screen: Next shows the second).
            page.locator("button[name=action][value=next]").click()
            questions.nth(1).locator("input[value='2']").check()
            # The message fits a phone screen.
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
            assert stored_answers(server, token) == {}

        page.wait_for_selector("#save-status.saved", timeout=20_000)
        assert stored_answers(server, token) == {question_ids[0]: 4, question_ids[1]: 2}
        total = len(server.app.extensions["pmo_content"].default_questionnaire.questions())
        assert re.search(rf"\b2 of {total} answered", page.inner_text("#progress-text"))
        page.reload()
        assert questions.nth(0).locator("input[value='4']").is_checked()
        assert questions.nth(1).locator("input[value='2']").is_checked()
    finally:
        context.close()
