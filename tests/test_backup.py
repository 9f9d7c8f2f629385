"""`flask --app app db backup PATH` under a running write load, and a restore as the README says (issue 12).

The backup is a consistent snapshot: every answer acknowledged before it started is in it,
and no autosave batch is in it by halves. Restoring (stop, copy the file back, remove the
old -wal/-shm files, start) brings back every assessment the backup holds.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import visible_text



def start(client) -> str:
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    client.csrf = csrf
    return client.post("/start", data={"csrf_token": csrf}).location.split("/r/")[1].split("?")[0]


class WriteLoad:
    """Threads that start self-assessments and autosave whole capability areas until stopped."""

    def __init__(self, app, threads: int = 4):
        self.app = app
        self.stop = threading.Event()
        self.acknowledged: list[tuple[float, str, int]] = []  # (when, token, answers acknowledged so far)
        self.errors: list[str] = []
        questionnaire = app.extensions["pmo_content"].default_questionnaire
        self.areas = [[q.id for q in questionnaire.dimension(d).questions] for d in DIMENSIONS]
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def run(self) -> None:
        client = self.app.test_client()
        while not self.stop.is_set():
            token = start(client)
            done = 0
            for area in self.areas:
                saved = client.post(f"/r/{token}/answers", json={"answers": {q: 3 for q in area}},
                                    headers={"X-CSRFToken": client.csrf})
                if saved.status_code != 200:
                    self.errors.append(f"{saved.status_code}: {saved.text[:200]}")
                    return
                done += len(area)
                self.acknowledged.append((time.monotonic(), token, done))
                if self.stop.is_set():
                    return

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def answers_per_response(db_path: Path) -> dict[str, int]:
    """{token hash: answers stored} for every response in a database file."""
    conn = sqlite3.connect(db_path)
    try:
        return dict(conn.execute("SELECT r.token_hash, count(a.question_id) FROM responses r "
                                 "LEFT JOIN answers a ON a.response_id = r.id GROUP BY r.id"))
    finally:
        conn.close()


@pytest.fixture
def busy_app(make_app, tmp_path):
    (tmp_path / "live").mkdir()
    return make_app(tmp_path / "live" / "pmo.sqlite3")


def test_a_backup_taken_under_load_is_consistent_and_a_restore_brings_every_assessment_back(make_app, busy_app,
                                                                                             tmp_path):
    db_path = Path(busy_app.config["DATABASE"])
    backup_path = tmp_path / "backups" / "pmo-2026-11-25.sqlite3"
    backup_path.parent.mkdir()
    with WriteLoad(busy_app) as load:
        while len(load.acknowledged) < 40 and not load.errors:
            time.sleep(0.05)
        began = time.monotonic()
        result = busy_app.test_cli_runner().invoke(args=["db", "backup", str(backup_path)])
        ended = time.monotonic()
        while not [a for a in load.acknowledged if a[0] > ended] and not load.errors:
            time.sleep(0.05)  # the load went on after the backup
    assert not load.errors, load.errors[:3]
    assert result.exit_code == 0, result.output
    size = backup_path.stat().st_size
    assert re.fullmatch(rf"backed up to {re.escape(str(backup_path))}: \d+\.\d MB \({size} bytes\), integrity ok, "
                        r"(\d+) assessments, (\d+) responses\n", result.output), result.output

    backed_up = answers_per_response(backup_path)
    # Consistent: no autosave batch (one capability area) by halves; everything acknowledged before the
    # backup began is in it.
    questionnaire = busy_app.extensions["pmo_content"].default_questionnaire
    sizes = [len(questionnaire.dimension(d).questions) for d in DIMENSIONS]
    whole_batches = {sum(sizes[:n]) for n in range(len(sizes) + 1)}  # 0: started, nothing saved yet
    assert all(count in whole_batches for count in backed_up.values()), backed_up
    before = {}
    for when, token, count in load.acknowledged:
        if when < began:
            before[store.hash_token(token)] = max(before.get(store.hash_token(token), 0), count)
    assert before and all(backed_up.get(h, -1) >= count for h, count in before.items())
    # A snapshot, not the live file: the load wrote more afterwards.
    # (more answers or more responses: a later batch often lands in a response the backup already has)
    live = answers_per_response(db_path)
    assert sum(live.values()) + len(live) > sum(backed_up.values()) + len(backed_up)
    assert not Path(f"{backup_path}-wal").exists() and sorted(p.name for p in backup_path.parent.iterdir()) == [
        backup_path.name]

    # Restore, as the README says: stop the app, copy the backup back, remove -wal and -shm, start.
    del busy_app
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.write_bytes(backup_path.read_bytes())
    restored = make_app(db_path)
    assert answers_per_response(db_path) == backed_up
    client = restored.test_client()
    tokens = {store.hash_token(token): token for _, token, _ in load.acknowledged}
    opened = 0
    for token_hash, count in backed_up.items():
        if token_hash in tokens:
            page = client.get(f"/r/{tokens[token_hash]}")
            assert page.status_code == 200
            total = len(questionnaire.questions())
            assert f"{count} of {total} questions answered" in visible_text(page.text)
            opened += 1
    assert opened == len(backed_up)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # the app made it WAL again
    conn.close()


@pytest.mark.parametrize("where, message", [
    ("exists", "exists already; choose a new file name"),
    ("no-folder", "does not exist"),
    ("itself", "another file than the database itself"),
])
def test_a_backup_that_cannot_be_made_exits_2_and_writes_nothing(app, tmp_path, where, message):
    existing = tmp_path / "old-backup.sqlite3"
    existing.write_bytes(b"an earlier backup")
    path = {"exists": existing, "no-folder": tmp_path / "missing" / "b.sqlite3",
            "itself": Path(app.config["DATABASE"])}[where]
    listing = sorted(p.name for p in tmp_path.iterdir())
    result = app.test_cli_runner().invoke(args=["db", "backup", str(path)])
    assert result.exit_code == 2
    assert message in result.output and "Nothing was written." in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    assert existing.read_bytes() == b"an earlier backup"


def test_a_copy_that_fails_its_integrity_check_is_not_kept(app, tmp_path):
    """A damaged database gives a damaged copy: the check catches it and nothing is kept."""
    db_path = Path(app.config["DATABASE"])
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'responses_assessment'").fetchone()[0]
    conn.close()
    with open(db_path, "r+b") as f:  # scribble over an index's root page
        f.seek((root - 1) * page_size)
        f.write(b"\x07" * 64)  # no valid page type, nonsense cell counts
    result = app.test_cli_runner().invoke(args=["db", "backup", str(tmp_path / "b.sqlite3")])
    assert result.exit_code == 2
    assert "backup failed" in result.output
    assert not (tmp_path / "b.sqlite3").exists()
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]
