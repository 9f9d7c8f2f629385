"""A chunked body over the size limit is refused with 413 by the real server, not cut short (issue 12)."""

from __future__ import annotations

import re
import threading

import pytest
import requests
from werkzeug.serving import make_server


LIMIT = 512 * 1024


@pytest.fixture(scope="module")
def server(make_app, tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("limits") / "pmo.sqlite3", TESTING=False, SECRET_KEY="limits")
    assert app.config["MAX_CONTENT_LENGTH"] == LIMIT
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=5)


def chunks(body: bytes, size: int = 16 * 1024):
    """A generator body: requests sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start:start + size]


@pytest.fixture
def session(server):
    s = requests.Session()
    s.csrf = re.search(r'name="csrf-token" content="([^"]+)"', s.get(server + "/").text).group(1)
    return s


def test_a_chunked_form_over_the_limit_is_413(server, session):
    body = f"csrf_token={session.csrf}&note=".encode() + b"a" * (LIMIT + 10)
    response = session.post(server + "/start", data=chunks(body),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code == 413
    assert "larger than this application accepts" in response.text


def test_a_chunked_json_body_over_the_limit_is_413_as_json(server, session):
    body = b'{"answers": {"x": "' + b"a" * (LIMIT + 10) + b'"}}'
    response = session.post(server + "/r/no-such-token/answers", data=chunks(body),
                            headers={"Content-Type": "application/json", "X-CSRFToken": session.csrf})
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_a_chunked_body_within_the_limit_arrives_whole(server, session):
    body = f"csrf_token={session.csrf}".encode()
    started = session.post(server + "/start", data=chunks(body, 7), allow_redirects=False,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert started.status_code == 302
    token = started.headers["Location"].split("/r/")[1].split("?")[0]
    saved = session.post(server + f"/r/{token}/answers", data=chunks(b'{"answers": {"tools.tool_fit": 3}}', 5),
                         headers={"Content-Type": "application/json", "X-CSRFToken": session.csrf})
    assert saved.status_code == 200, saved.text
    assert saved.json()["answered"] == 1
