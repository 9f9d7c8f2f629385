"""Real-browser fixtures: the app on a loopback server, Playwright driving Debian's Chromium.

Never `playwright install`: the browser is /usr/bin/chromium. Without it the tests are
skipped with a visible reason, unless PMO_REQUIRE_BROWSER=1 (set by CI) makes that a failure.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app import store
from app.demo import create_demo
from tests.conftest import FAST_PASSWORD_METHOD
from tests.helpers import Respondent


CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
# How long a page may take to load or an element to appear. Generous: on a shared, loaded
# 2-core machine a page that takes a second alone can take half a minute. A waiting test
# passes as soon as the page is ready, so this costs nothing when the machine is idle.
PAGE_TIMEOUT_MS = 60_000
expect.set_options(timeout=PAGE_TIMEOUT_MS)  # expect() retries its assertion for as long


def wait_until(page, predicate: str, arg=None, timeout_ms: int = PAGE_TIMEOUT_MS, every_s: float = 0.1):
    """Poll a JavaScript function until it returns a truthy value, from Python.

    Playwright's wait_for_function polls with eval inside the page, which the app's CSP
    (script-src 'self') refuses as soon as the first check is false; page.evaluate is not eval.
    """
    import time
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(predicate, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_ms} ms: {predicate}")
        page.wait_for_timeout(every_s * 1000)


CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium); browser tests need it"
        if os.environ.get("PMO_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


@contextmanager
def served_result(make_app, questionnaire, folder: Path):
    """A self-assessment submitted on an app of its own (each answer 1 + its id's character codes modulo 4),
    served live: yields the address of its result page, for a module whose tests only read it."""
    app = make_app(folder / "browser.sqlite3", TESTING=False, SECRET_KEY="browser")
    respondent = Respondent(app.test_client(), questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 1 + sum(map(ord, q.id)) % 4)
    assert respondent.submit().status_code == 302
    live = LiveServer(app)
    try:
        yield f"{live.url}/r/{respondent.token}/result"
    finally:
        live.stop()


@pytest.fixture
def live_app(make_app, tmp_path):
    return make_app(tmp_path / "browser.sqlite3", TESTING=False, SECRET_KEY="browser")


@pytest.fixture
def server(live_app):
    live = LiveServer(live_app)
    yield live
    live.stop()


@pytest.fixture(scope="session")
def demo_template(make_app, tmp_path_factory):
    """The demo organisation (three quarters) and its benchmark peers, made once per run in a database of
    its own (about ten seconds of engine and writes); each test's `demo` gets a copy of it."""
    app = make_app(tmp_path_factory.mktemp("demo") / "demo.sqlite3", TESTING=False, SECRET_KEY="browser")
    with app.app_context():
        from app.db import get_db
        db = get_db()
        outcome = create_demo(db, app.extensions["pmo_content"], quarters=3, password_method=FAST_PASSWORD_METHOD)
        units = store.units(db, outcome["org_id"])
        rows = store.history(db, outcome["org_id"], units[0]["id"])
        every = store.history(db, outcome["org_id"], "all")
    return app.config["DATABASE"], {**outcome, "unit": units[0]["id"], "ids": [r["id"] for r in rows],
                                    "all_ids": [r["id"] for r in every]}


@pytest.fixture
def demo(live_app, server, demo_template):
    """The demo on the live server: a copy of the session's demo database, this test's own to change."""
    path, found = demo_template
    source, target = sqlite3.connect(path), sqlite3.connect(live_app.config["DATABASE"])
    try:
        source.backup(target)  # SQLite's online backup: the whole database, write-ahead log and all
    finally:
        source.close()
        target.close()
    return {**found, "base": server.url, "app": live_app}


def sign_in_as(page, app, base: str, email: str) -> None:
    """Sign the page's browser in as this user: a session started on the server as the sign-in form starts
    one, and its signed cookie given to the browser, without loading the sign-in page, posting it and
    loading the organisations it leads to (about a second of CPU each time). The form itself is walked in
    a browser by the accessibility site and the keyboard tests' live view."""
    with app.app_context():
        from app.db import get_db
        db = get_db()
        session_id = store.start_session(db, store.user_by_email(db, email)["id"])
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "url": base, "httpOnly": True,
                               "sameSite": "Lax",
                               "value": app.session_interface.get_signing_serializer(app).dumps({"sid": session_id})}])


def sign_in(page, demo):
    """Sign the page's browser in as the demo's owner (see sign_in_as)."""
    sign_in_as(page, demo["app"], demo["base"], demo["email"])


class PageWatch:
    """What a page did that a person would not see: console errors, failed or outside requests."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda msg: msg.type in ("error", "warning") and self.console_errors.append(
            f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests
                if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname != "127.0.0.1"]

    def errors(self) -> list[str]:
        return list(self.console_errors)


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    p = context.new_page()
    p.set_default_timeout(PAGE_TIMEOUT_MS)
    p.watch = PageWatch(p)
    return p


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              device_scale_factor=2)
    p = ctx.new_page()
    p.set_default_timeout(PAGE_TIMEOUT_MS)
    p.watch = PageWatch(p)
    yield p
    ctx.close()
