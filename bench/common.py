"""Helpers shared by the benchmarks: generated inputs and a gunicorn server on loopback."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from app.engine.vocabulary import CONTEXT_KEYS


def random_context(rng: random.Random) -> dict:
    context = {}
    for key, spec in CONTEXT_KEYS.items():
        if spec["type"] == "choice":
            context[key] = rng.choice(spec["values"])
        elif spec["type"] == "boolean":
            context[key] = rng.random() < 0.4
        elif key == "active_projects":
            context[key] = rng.choice([3, 8, 15, 25, 40, 60, 90, 150, 300])
        else:
            context[key] = rng.choice([1, 1, 2, 3, 5, 8])
    return context


def random_answers(rng: random.Random, questionnaire, dont_know=0.06) -> dict:
    """Answers clustered around an organisation-wide level, as real ones are."""
    base = rng.uniform(1.0, 4.6)
    answers = {}
    for q in questionnaire.questions():
        if rng.random() < dont_know:
            answers[q.id] = None
        else:
            answers[q.id] = max(1, min(5, round(rng.gauss(base, 0.9))))
    return answers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database: str, workers: int = 2, extra_env: dict | None = None):
    """Start `gunicorn "app:create_app()"` on loopback; yield its base URL."""
    port = free_port()
    env = {**os.environ, "FLASK_DATABASE": database, "FLASK_SECRET_KEY": "bench", **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        # Workers importing the app on a loaded 2-core machine can take well over 30 s.
        deadline = time.time() + 180
        import requests

        while True:
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline or proc.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield url, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) spent so far by a process and its living descendants: what a
    server spent, which other load on a shared machine slows but does not add to (Linux; 0.0 elsewhere)."""
    total, pending = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    while pending:
        current = pending.pop()
        try:
            # The fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total
