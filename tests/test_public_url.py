"""Links people copy or scan use the configured public address, never a forged Host header (issue 12).

Resume links and workshop join links (text and QR code) start with PUBLIC_URL when it is set,
otherwise with the request's host, which must be one of TRUSTED_HOSTS (by default PUBLIC_URL's
host and the loopback names). Any other Host gets 400 and nothing is stored.
"""

from __future__ import annotations

import io
import re
import sqlite3

import pytest
import segno

from tests.helpers import open_workshop
from tests.helpers import PASSWORD, page_csrf, signed_in_client

PUBLIC = "https://pmo.example.org"


@pytest.fixture
def make(make_app, tmp_path):
    return lambda **config: make_app(tmp_path / "pmo.sqlite3", **config)


def count_responses(app) -> int:
    conn = sqlite3.connect(app.config["DATABASE"])
    try:
        return conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    finally:
        conn.close()


def resume_link(app, host: str) -> str:
    client = app.test_client()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/", headers={"Host": host}).text).group(1)
    started = client.post("/start", data={"csrf_token": csrf}, headers={"Host": host})
    assert started.status_code == 302
    page = client.get(started.location, headers={"Host": host})
    return re.search(r'id="resume-link"[^>]*value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("host", ["evil.example", "pmo.example.org.evil.example", "localhost.evil.example"])
def test_an_unknown_host_gets_400_and_nothing_is_stored(make, host):
    app = make(PUBLIC_URL=PUBLIC)
    client = app.test_client()
    csrf = page_csrf(client)
    refused = client.post("/start", data={"csrf_token": csrf}, headers={"Host": host})
    assert refused.status_code == 400
    assert "does not answer to that host name" in refused.text
    assert host not in refused.text
    assert client.get("/", headers={"Host": host}).status_code == 400
    assert count_responses(app) == 0


def test_without_a_public_url_loopback_hosts_work_and_links_use_them(make):
    app = make()
    assert app.config["TRUSTED_HOSTS"] == ["localhost", "127.0.0.1"]
    assert re.fullmatch(r"http://127\.0\.0\.1:5000/r/[\w-]{30,}", resume_link(app, "127.0.0.1:5000"))
    assert re.fullmatch(r"http://localhost/r/[\w-]{30,}", resume_link(app, "localhost"))
    assert app.test_client().get("/", headers={"Host": "pmo.example.org"}).status_code == 400


def test_with_a_public_url_the_resume_link_uses_it_whatever_host_was_asked(make):
    app = make(PUBLIC_URL=PUBLIC)
    assert app.config["TRUSTED_HOSTS"] == ["pmo.example.org", "localhost", "127.0.0.1"]
    for host in ("localhost", "127.0.0.1:8000", "pmo.example.org"):
        assert re.fullmatch(r"https://pmo\.example\.org/r/[\w-]{30,}", resume_link(app, host)), host


def test_with_a_public_url_the_workshop_join_link_and_qr_code_use_it(make, questionnaire):
    app = make(PUBLIC_URL=PUBLIC, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    org, workshop, code = open_workshop(app, password=PASSWORD)
    fay = signed_in_client(app, "fay@example.org")
    base = f"/orgs/{org}/workshops/{workshop}"
    detail = fay.get(base).text
    projector = fay.get(base + "/projector").text
    assert f"{PUBLIC}/join/{code}" in detail
    assert f"{PUBLIC}/join" in projector and f"{PUBLIC}/join" in detail
    assert "http://localhost" not in detail + projector
    qr = fay.get(base + "/qr.svg").data

    def svg_of(url: str) -> bytes:  # rendered the way the QR view renders it
        out = io.BytesIO()
        segno.make(url, error="m").save(out, kind="svg", scale=10, border=2, dark="#111", light="#fff")
        return out.getvalue()

    assert qr == svg_of(f"{PUBLIC}/join/{code}")
    assert qr != svg_of(f"http://localhost/join/{code}")


def test_configured_trusted_hosts_replace_the_defaults(make):
    app = make(TRUSTED_HOSTS=["pmo.internal", ".pmo.example.org"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "pmo.internal"}).status_code == 200
    assert client.get("/", headers={"Host": "eu.pmo.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert re.fullmatch(r"http://pmo\.internal/r/[\w-]{30,}", resume_link(app, "pmo.internal"))


def test_public_url_and_trusted_hosts_come_from_the_environment(make, monkeypatch):
    monkeypatch.setenv("FLASK_PUBLIC_URL", PUBLIC)
    monkeypatch.setenv("FLASK_TRUSTED_HOSTS", '["pmo.example.org", "10.0.0.5"]')
    app = make()
    assert app.config["TRUSTED_HOSTS"] == ["pmo.example.org", "10.0.0.5"]
    assert resume_link(app, "10.0.0.5:8000").startswith(f"{PUBLIC}/r/")


@pytest.mark.parametrize("url", ["pmo.example.org", "ftp://pmo.example.org", "https://pmo.example.org/pmo",
                                 "https://pmo.example.org/?x=1", "https://"])
def test_a_public_url_that_is_not_a_scheme_and_host_is_refused_at_start(make, url):
    with pytest.raises(ValueError, match="PUBLIC_URL must be a scheme and host"):
        make(PUBLIC_URL=url)
