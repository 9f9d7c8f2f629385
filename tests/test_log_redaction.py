"""Private links and workshop codes never reach a log line; `make run` names no versions (issue 12).

Our own lines (the incident line, storage faults), the access log of `make run`'s development
server and gunicorn's access log with the shipped gunicorn.conf.py are all checked with real
requests carrying real tokens.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app import PROJECT_ROOT, store
from app.logs import REDACTED, redact
from bench.common import free_port
from tests.storage_faults import write_lock

TOKEN = "Zk3vQ9pL0aXbYc7dEeFgHhIiJjKkLlMm"  # shaped like a private link token


@pytest.mark.parametrize("line, expected", [
    (f"GET /r/{TOKEN} HTTP/1.1", f"GET /r/{REDACTED} HTTP/1.1"),
    (f"POST /r/{TOKEN}/answers", f"POST /r/{REDACTED}/answers"),
    ("GET /r/m12.0f1e2d3c4b5a69788796a5b4c3d2e1f0/result.json", f"GET /r/{REDACTED}/result.json"),
    ("GET /w/ABCD2345/d/tools?x=1", f"GET /w/{REDACTED}/d/tools?x=1"),
    ("GET /join/ABCD2345 HTTP/1.1", f"GET /join/{REDACTED} HTTP/1.1"),
    ("GET /join/ab%20cd-EF HTTP/1.1", f"GET /join/{REDACTED} HTTP/1.1"),
    (f"GET /login?next=%2Fr%2F{TOKEN}%2Fresult", f"GET /login?next=%2Fr%2F{REDACTED}%2Fresult"),
    (f'"http://pmo.example.org/r/{TOKEN}/d/tools" "Mozilla"', f'"http://pmo.example.org/r/{REDACTED}/d/tools" "Mozilla"'),
    (f"a /r/{TOKEN} and a /w/ABCD2345", f"a /r/{REDACTED} and a /w/{REDACTED}"),
    (f"GET /invite/{TOKEN} HTTP/1.1", f"GET /invite/{REDACTED} HTTP/1.1"),
    (f'POST /reset/{TOKEN} HTTP/1.1" 302 "https://pmo.example.org/reset/{TOKEN}"',
     f'POST /reset/{REDACTED} HTTP/1.1" 302 "https://pmo.example.org/reset/{REDACTED}"'),
    ("GET /join HTTP/1.1", "GET /join HTTP/1.1"),
    ("GET /admin/users/4/reset-link", "GET /admin/users/4/reset-link"),
    ("GET /orgs/3/workshops/4/projector", "GET /orgs/3/workshops/4/projector"),
    ("GET /vendor/plotly.min.js", "GET /vendor/plotly.min.js"),
    ("GET /static/js/autosave.js", "GET /static/js/autosave.js"),
])
def test_redact_replaces_tokens_and_codes_and_nothing_else(line, expected):
    assert redact(line) == expected


@pytest.fixture
def respondent(app):
    client = app.test_client()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    started = client.post("/start", data={"csrf_token": csrf})
    client.token = started.location.split("/r/")[1].split("?")[0]
    client.csrf = csrf
    return client


def test_the_incident_line_and_its_traceback_carry_no_token(app, respondent, monkeypatch, caplog):
    token = respondent.token

    def broken(*_args, **_kwargs):
        raise RuntimeError(f"failed while showing /r/{token}/review")

    monkeypatch.setattr(store, "load_answers", broken)
    with caplog.at_level(logging.INFO):
        page = respondent.get(f"/r/{token}/review")
    assert page.status_code == 500
    incident = [r for r in caplog.records if "incident" in r.getMessage()]
    assert incident, "no incident line was logged"
    assert token not in caplog.text
    assert f"/r/{REDACTED}/review" in incident[0].getMessage()
    assert f"failed while showing /r/{REDACTED}/review" in caplog.text  # the traceback, redacted too


def test_a_storage_fault_line_carries_no_token(make_app, tmp_path, caplog):
    db_path = tmp_path / "pmo.sqlite3"
    app = make_app(db_path, BUSY_TIMEOUT_MS=100)
    client = app.test_client()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    token = client.post("/start", data={"csrf_token": csrf}).location.split("/r/")[1].split("?")[0]
    with caplog.at_level(logging.INFO), write_lock(db_path):
        assert client.post(f"/r/{token}/answers", json={"answers": {}}, headers={"X-CSRFToken": csrf}).status_code == 503
    assert "storage locked" in caplog.text
    assert token not in caplog.text


def _wait_for(url: str, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped with status {proc.returncode}")
        try:
            requests.get(url + "/healthz", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def _stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _requests_with_secrets(url: str) -> list[requests.Response]:
    """A private link, a participant page and a join link, each with a private link as referrer."""
    referrer = {"Referer": f"{url}/r/{TOKEN}/d/tools"}
    return [requests.get(f"{url}{path}", headers=referrer, timeout=5, allow_redirects=False)
            for path in (f"/r/{TOKEN}", f"/r/{TOKEN}/d/governance", "/w/ABCD2345", "/join/ABCD2345",
                         f"/login?next=%2Fr%2F{TOKEN}")]


@pytest.mark.slow
def test_make_run_sends_no_version_banner_and_logs_no_token(tmp_path):
    env = {**os.environ, "FLASK_DATABASE": str(tmp_path / "run.sqlite3"), "FLASK_SECRET_KEY": "make-run",
           "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "make-run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(["make", "--no-print-directory", "run", "PORT=0"], cwd=PROJECT_ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 60
        while not (found := re.search(r"Running on (http://127\.0\.0\.1:\d+)", log_path.read_text())):
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("make run did not start:\n" + log_path.read_text()[-2000:])
            time.sleep(0.2)
        url = found.group(1)
        _wait_for(url, proc)
        home = requests.get(url + "/", timeout=5)
        responses = _requests_with_secrets(url)
        time.sleep(0.3)  # let the server write its access log lines
    finally:
        _stop(proc)
    assert home.status_code == 200
    for response in [home, *responses]:
        assert "Server" not in response.headers, response.headers.get("Server")
        assert "Werkzeug" not in str(response.headers) and "Python/" not in str(response.headers)
    output = re.sub(r"\x1b\[[0-9;]*m", "", log_path.read_text())  # without the terminal colours
    assert '"GET /r/[redacted] HTTP/1.1" 404' in output, output[-2000:]
    assert f"/join/{REDACTED}" in output and f"/w/{REDACTED}" in output
    assert TOKEN not in output and "ABCD2345" not in output


@pytest.mark.slow
def test_gunicorn_with_the_shipped_config_redacts_its_access_log(tmp_path):
    port = free_port()
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    env = {**os.environ, "FLASK_DATABASE": str(tmp_path / "gunicorn.sqlite3"), "FLASK_SECRET_KEY": "gunicorn"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "1", "-b", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--error-logfile", str(error_log), "app:create_app()"],
        cwd=PROJECT_ROOT, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, proc)
        responses = _requests_with_secrets(url)
        time.sleep(0.3)
    finally:
        _stop(proc)
    assert {r.headers["Server"] for r in responses} == {"gunicorn"}  # no version
    lines = access_log.read_text()
    assert lines.count(f'/r/{REDACTED}/d/tools"') == len(responses), lines  # every referrer
    assert f"/join/{REDACTED}" in lines and f"/w/{REDACTED}" in lines
    assert TOKEN not in lines and "ABCD2345" not in lines
    assert TOKEN not in error_log.read_text()
