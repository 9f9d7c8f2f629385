"""Signing in over HTTPS in Chromium, with the headers the app itself asks the browser to send.

Flask-WTF's strict HTTPS check (WTF_CSRF_SSL_STRICT, on by default) refuses any POST over
HTTPS without a same-site Referer. With Referrer-Policy: no-referrer every form failed over
TLS; the app sends same-origin, so Chromium sends its own address and nothing else leaves.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from app import store
from tests.browser.conftest import PAGE_TIMEOUT_MS, PageWatch
from tests.helpers import PASSWORD


@pytest.fixture
def https_server(live_app, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate for the HTTPS server")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = make_server("127.0.0.1", 0, live_app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_signing_in_works_over_https(browser, https_server, live_app):
    db = store.open_db(live_app.config["DATABASE"])
    store.create_user(db, "admin@example.org", PASSWORD, role="admin")
    db.close()
    context = browser.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.watch = PageWatch(page)
        posts = []
        page.on("request", lambda r: r.method == "POST" and posts.append(r.headers))
        page.goto(https_server + "/login")
        page.fill("#email", "admin@example.org")
        page.fill("#password", PASSWORD)
        page.locator("form [type=submit]").click()
        page.wait_for_load_state("load")
        assert posts, "the sign-in form was not posted"
        assert posts[0].get("referer", "").startswith(https_server + "/"), posts[0]
        assert page.url.endswith("/orgs"), f"{page.title()!r} (sent Origin: {posts[0].get('origin')})"
    finally:
        context.close()
