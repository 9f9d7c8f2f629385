"""The limit on wrong workshop codes is exact under concurrency: 30 wrong answers, never 32 (issue 12).

Counting the address's recent failures, refusing, and recording a new failure happen in one
write transaction, so attempts racing in other threads or other workers queue behind it.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from app.store.workshops import JOIN_FAILURE_LIMIT
from tests.helpers import open_workshop

GUESSER = {"REMOTE_ADDR": "203.0.113.7"}
NEIGHBOUR = {"REMOTE_ADDR": "198.51.100.20"}
ALREADY_WRONG = JOIN_FAILURE_LIMIT - 4  # failures before the race: 4 more may be answered


@pytest.fixture
def workers(make_app, tmp_path):
    """Two app instances on one database file, as two gunicorn workers would be."""
    db_path = tmp_path / "pmo.sqlite3"
    return [make_app(db_path) for _ in range(2)]


def failures_of(db_path, address: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM join_failures WHERE address = ?", [address]).fetchone()[0]
    finally:
        conn.close()


def race(workers, paths: list[str], environ: dict) -> list[int]:
    """Request every path at the same moment, each from its own thread and client; return the statuses."""
    start = threading.Barrier(len(paths))
    statuses: list[int] = [0] * len(paths)

    def attempt(i: int) -> None:
        client = workers[i % len(workers)].test_client()
        start.wait()
        statuses[i] = client.get(paths[i], environ_base=environ).status_code

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def seed_failures(db_path, address: str, count: int) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        conn.executemany("INSERT INTO join_failures (address, at) VALUES (?, ?)", [(address, time.time())] * count)
    conn.close()


def test_concurrent_wrong_codes_get_exactly_the_remaining_answers(workers):
    db_path = workers[0].config["DATABASE"]
    seed_failures(db_path, GUESSER["REMOTE_ADDR"], ALREADY_WRONG)
    statuses = race(workers, [f"/join/WR{i:06d}" for i in range(24)], GUESSER)
    assert sorted(statuses) == [404] * (JOIN_FAILURE_LIMIT - ALREADY_WRONG) + [429] * (24 - 4), statuses
    assert failures_of(db_path, GUESSER["REMOTE_ADDR"]) == JOIN_FAILURE_LIMIT


def test_a_right_code_racing_wrong_ones_is_answered_only_while_under_the_limit(workers):
    """Once the limit is reached, a right code gets the same 429: a hit cannot be told from a miss."""
    db_path = workers[0].config["DATABASE"]
    _org, _workshop, code = open_workshop(workers[0])
    seed_failures(db_path, GUESSER["REMOTE_ADDR"], JOIN_FAILURE_LIMIT - 1)
    paths = [f"/join/WR{i:06d}" for i in range(12)] + [f"/join/{code}"] * 4
    statuses = race(workers, paths, GUESSER)
    answered = [s for s in statuses if s != 429]
    # One more wrong code may be answered (404); every right-code attempt before it gets its page
    # (200), every attempt after it 429. So at most one 404, and never a right code after it.
    assert statuses[:12].count(404) <= 1
    assert failures_of(db_path, GUESSER["REMOTE_ADDR"]) == JOIN_FAILURE_LIMIT
    assert len(answered) <= 1 + 4
    assert workers[1].test_client().get(f"/join/{code}", environ_base=GUESSER).status_code == 429
    assert workers[1].test_client().get(f"/join/{code}", environ_base=NEIGHBOUR).status_code == 200
