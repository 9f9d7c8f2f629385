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
    # The pages of one context share one renderer process per site, as they did before site isolation: a
    # page opened in a context that already ran plotly.js (4.8 MB) finds it compiled in that process, where
    # a process of its own parsed and compiled it again (see SharedContext).
    "--process-per-site",
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


KEEPER_PATH = "/__shared-context-keeper__"


class LiveServer:
    """The app on a loopback port, in a thread. `app` may be changed while it serves: each request goes to the
    app set when it arrives."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, self.dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def dispatch(self, environ, start_response):
        if environ.get("PATH_INFO") == KEEPER_PATH:  # the shared contexts' page kept open, never the app's
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [b"<!doctype html><title>Between tests</title>"]
        return self.app(environ, start_response)

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


def between_tests(environ, start_response):
    """What the worker's shared server answers while no test has given it an app."""
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"no test is running on this server"]


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


@pytest.fixture(scope="session")
def shared_server():
    """One loopback server per worker, which each test points at its own app (see `server`)."""
    live = LiveServer(between_tests)
    yield live
    live.stop()


@pytest.fixture
def server(live_app, shared_server):
    """This test's `live_app`, served at the worker's one address for the test's length. One address for the
    whole run lets the shared contexts' renderer reuse what it compiled of plotly.js (see `context`): a URL
    of a new port each test was a new script to it."""
    shared_server.app = live_app
    yield shared_server
    shared_server.app = between_tests


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


class SharedContext:
    """A browser context kept for a worker's whole run, each test's pages new pages in it (`fresh`).

    A context of its own per test started a renderer process per test, which parsed, compiled and ran
    plotly.js (4.8 MB) again: about 3 s of CPU per test that shows a chart. Here the context's pages share one
    renderer process (--process-per-site), kept alive between tests by a page that stays open on the worker's
    server, so plotly.js is compiled once per worker."""

    def __init__(self, browser, base: str, options: dict):
        self.context = browser.new_context(**options)
        self.keeper = self.context.new_page()
        self.keeper.goto(base + KEEPER_PATH)
        self.cdp = self.context.new_cdp_session(self.keeper)

    @contextmanager
    def fresh(self):
        """The context for one test, left afterwards as a new context would be: its pages closed, and no
        cookies, permissions or HTTP cache. A test that changes anything else about a context (routes, headers,
        init scripts, offline) makes one of its own with browser.new_context."""
        try:
            yield self.context
        finally:
            for open_page in self.context.pages:
                if open_page is not self.keeper:
                    open_page.close()
            self.context.clear_cookies()
            self.context.clear_permissions()
            self.cdp.send("Network.clearBrowserCache")


LAPTOP_CONTEXT = {"viewport": {"width": 1280, "height": 900}}
PHONE_CONTEXT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                 "device_scale_factor": 2}


@pytest.fixture(scope="session")
def shared_contexts(browser, shared_server):
    """The worker's laptop and phone contexts (SharedContext), for `page` and `phone`."""
    made = {"laptop": SharedContext(browser, shared_server.url, LAPTOP_CONTEXT),
            "phone": SharedContext(browser, shared_server.url, PHONE_CONTEXT)}
    yield made
    for shared in made.values():
        shared.context.close()


def watched_page(ctx):
    p = ctx.new_page()
    p.set_default_timeout(PAGE_TIMEOUT_MS)
    p.watch = PageWatch(p)
    return p


@pytest.fixture
def context(shared_contexts):
    with shared_contexts["laptop"].fresh() as ctx:
        yield ctx


@pytest.fixture
def page(context):
    return watched_page(context)


@pytest.fixture
def phone(shared_contexts):
    with shared_contexts["phone"].fresh() as ctx:
        yield watched_page(ctx)
