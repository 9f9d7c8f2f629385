"""Slow headers (issue 23): clients that send one header line every 2 seconds must not take every
worker. gunicorn runs with the shipped gunicorn.conf.py (threaded workers) on a free loopback port,
and /healthz still answers while 8 such clients hold their connections."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from app import PROJECT_ROOT
from bench.common import free_port

SLOW_CLIENTS = 8
HEADER_EVERY_SECONDS = 2
ANSWER_WITHIN_SECONDS = 10  # a bound, so a server whose workers are all held fails the test instead of hanging it


def slow_client(port: int, stop: threading.Event) -> None:
    """Open a connection and send a request's header lines one every 2 s, never finishing them."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        number = 0
        while not stop.wait(HEADER_EVERY_SECONDS):
            number += 1
            try:
                connection.sendall(f"X-Slow-{number}: {'a' * 10}\r\n".encode())
            except OSError:  # the server gave up on us: that is allowed
                return


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _accepting(pid: int) -> bool:
    """Whether this gunicorn worker has loaded the app and accepts connections: its serving loop has told the
    arbiter it is alive, which sets its heartbeat file's modification time to a clock reading (monotonic) far
    from the file's change time (the worker-tmp file, open and deleted, read through /proc)."""
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if "wgunicorn-" in os.readlink(f"/proc/{pid}/fd/{fd}"):
                found = os.stat(f"/proc/{pid}/fd/{fd}")
                return abs(found.st_mtime - found.st_ctime) > 1
    except OSError:
        pass
    return False


@pytest.mark.slow
def test_healthz_answers_while_8_slow_clients_hold_connections(tmp_path):
    port = free_port()
    env = {**os.environ, "FLASK_DATABASE": str(tmp_path / "slow.sqlite3"), "FLASK_SECRET_KEY": "slow-headers"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "app:create_app()"],
                              cwd=PROJECT_ROOT, env=env, start_new_session=True)
    stop = threading.Event()
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        deadline = time.monotonic() + 60
        while True:  # every worker has started once each has answered; give them the time to
            assert server.poll() is None, "gunicorn stopped"
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        # The first answer comes from the first worker up; until the others have loaded the app, that one
        # worker would take every slow client (and then the probe) alone. Wait for all four to accept.
        while not ((workers := _children(server.pid)) and len(workers) == 4 and all(map(_accepting, workers))):
            assert time.monotonic() < deadline, "gunicorn did not start its four workers"
            time.sleep(0.1)
        clients = [threading.Thread(target=slow_client, args=(port, stop), daemon=True) for _ in range(SLOW_CLIENTS)]
        for client in clients:
            client.start()
        stop.wait(HEADER_EVERY_SECONDS + 1)  # every slow client is connected and has sent a header line
        for _ in range(3):
            response = requests.get(url, timeout=ANSWER_WITHIN_SECONDS)
            assert response.status_code == 200 and response.json()["status"] == "ok"
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
