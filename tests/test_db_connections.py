"""Each thread keeps its database connection from request to request (app/db.py, store.KeptConnections):
what one request writes, the next request reads, on any thread; nothing a request opened (a transaction,
an unfinished SELECT) outlives it; a forked process opens its own."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import g

from app import store
from app.db import get_db
from tests.storage_faults import read_only

# Cursors a request left behind, as a cache or a half-read generator would keep them.
LEFT_OPEN: list = []


@pytest.fixture
def notes_app(make_app, db_path, migrated_database):
    """An app with a small table of notes and routes that read, add and fail."""
    shutil.copyfile(migrated_database, db_path)
    app = make_app(db_path, WTF_CSRF_ENABLED=False)  # the routes below are the test's own
    setup = store.open_db(db_path)
    setup.execute("CREATE TABLE kept_notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    setup.conn.executemany("INSERT INTO kept_notes (text) VALUES (?)", [("first",), ("second",)])
    setup.conn.commit()
    setup.close()

    @app.get("/t/notes")
    def count_notes():
        return {"count": get_db().execute("SELECT count(*) FROM kept_notes").fetchone()[0],
                "connection": id(get_db().conn)}

    @app.get("/t/notes/half-read")
    def half_read():
        cursor = get_db().execute("SELECT text FROM kept_notes ORDER BY id")
        LEFT_OPEN.append(cursor)  # one row of several read: the statement, and its snapshot, stay open
        return {"first": cursor.fetchone()[0]}

    @app.post("/t/notes")
    def add_note():
        with store.transaction(get_db()):
            get_db().execute("INSERT INTO kept_notes (text) VALUES ('added')")
        return {"added": True}

    @app.post("/t/notes/fail")
    def fail_inside_a_transaction():
        get_db().conn.execute("BEGIN IMMEDIATE")
        get_db().execute("INSERT INTO kept_notes (text) VALUES ('never kept')")
        raise RuntimeError("the request fails with its transaction open")

    @app.get("/t/connection")
    def connection():
        return {"connection": id(get_db().conn), "in_transaction": get_db().conn.in_transaction}

    yield app
    LEFT_OPEN.clear()


def _on_thread(pool: ThreadPoolExecutor, call):
    return pool.submit(call).result()


def test_a_thread_reuses_its_connection_and_threads_do_not_share_one(notes_app):
    client = notes_app.test_client()
    with ThreadPoolExecutor(1) as first, ThreadPoolExecutor(1) as second:
        a1 = _on_thread(first, lambda: client.get("/t/connection").get_json()["connection"])
        a2 = _on_thread(first, lambda: client.get("/t/connection").get_json()["connection"])
        b1 = _on_thread(second, lambda: client.get("/t/connection").get_json()["connection"])
    assert a1 == a2
    assert a1 != b1


def test_a_write_on_one_thread_is_read_by_the_next_request_on_another_threads_kept_connection(notes_app):
    client = notes_app.test_client()
    with ThreadPoolExecutor(1) as reader, ThreadPoolExecutor(1) as writer:
        before = _on_thread(reader, lambda: client.get("/t/notes").get_json())
        assert _on_thread(writer, lambda: client.post("/t/notes").status_code) == 200
        after = _on_thread(reader, lambda: client.get("/t/notes").get_json())
    assert after["connection"] == before["connection"]  # the same kept connection read both
    assert (before["count"], after["count"]) == (2, 3)


def test_a_select_left_unfinished_by_a_request_does_not_hold_an_old_snapshot_for_the_next(notes_app):
    client = notes_app.test_client()
    with ThreadPoolExecutor(1) as reader, ThreadPoolExecutor(1) as writer:
        assert _on_thread(reader, lambda: client.get("/t/notes/half-read").get_json()) == {"first": "first"}
        assert _on_thread(writer, lambda: client.post("/t/notes").status_code) == 200
        after = _on_thread(reader, lambda: client.get("/t/notes").get_json())
    assert after["count"] == 3


def test_a_request_that_fails_inside_a_transaction_leaves_no_transaction_and_no_lock(notes_app, db_path):
    client = notes_app.test_client()
    with ThreadPoolExecutor(1) as thread:
        failed = _on_thread(thread, lambda: client.post("/t/notes/fail"))
        assert failed.status_code == 500
        assert "Traceback" not in failed.get_data(as_text=True)
        assert _on_thread(thread, lambda: client.get("/t/connection").get_json())["in_transaction"] is False
    other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # the write lock is free at once
        assert other.execute("SELECT count(*) FROM kept_notes WHERE text = 'never kept'").fetchone()[0] == 0
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_concurrent_writing_requests_all_succeed(notes_app):
    """Threads each with a kept connection, all writing at once: every write is kept, none is refused."""
    client = notes_app.test_client()
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _i: client.post("/t/notes").status_code, range(80)))
    assert codes == [200] * 80
    assert client.get("/t/notes").get_json()["count"] == 82


def test_a_database_file_put_in_place_of_another_gets_a_new_connection(notes_app, db_path, migrated_database):
    client = notes_app.test_client()
    with ThreadPoolExecutor(1) as thread:
        assert _on_thread(thread, lambda: client.get("/t/notes").get_json())["count"] == 2
        replacement = db_path.with_name("replacement.sqlite3")
        shutil.copyfile(db_path, replacement)
        other = sqlite3.connect(replacement)
        other.execute("DELETE FROM kept_notes")
        other.commit()
        other.close()
        os.replace(replacement, db_path)
        assert _on_thread(thread, lambda: client.get("/t/notes").get_json())["count"] == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_opens_its_own_connection(notes_app):
    kept = store.KeptConnections()
    path = notes_app.config["DATABASE"]
    parent = kept.get(path)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether it got a connection of its own, and that it works
        try:
            mine = kept.get(path)
            ok = mine is not parent and mine.execute("SELECT count(*) FROM kept_notes").fetchone()[0] == 2
            os.write(write, b"own" if ok else b"shared")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as answer:
        assert answer.read() == b"own"
    assert kept.get(path) is parent  # the parent's is still open and its own
    assert parent.execute("SELECT count(*) FROM kept_notes").fetchone()[0] == 2
    kept.close_all()


def test_the_phones_reader_connection_is_reset_after_each_request(notes_app):
    """The workshop's polling reader (app/web/live.py) is kept too, and left with no open statement."""
    from app.web import live

    with notes_app.test_request_context("/"):
        db = live.reader()["db"]
        LEFT_OPEN.append(db.execute("SELECT text FROM kept_notes ORDER BY id"))
        LEFT_OPEN[-1].fetchone()
        assert g.live_reader is db
    writer = store.open_db(notes_app.config["DATABASE"])
    with store.transaction(writer):
        writer.execute("INSERT INTO kept_notes (text) VALUES ('added')")
    writer.close()
    with notes_app.test_request_context("/"):
        assert live.reader()["db"] is db
        assert db.execute("SELECT count(*) FROM kept_notes").fetchone()[0] == 3


def test_kept_connections_are_closed_at_exit(notes_app):
    kept = store.KeptConnections()
    threads = [threading.Thread(target=kept.get, args=(notes_app.config["DATABASE"],)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    opened = [kept.get(notes_app.config["DATABASE"])]
    kept.close_all()
    with pytest.raises(sqlite3.ProgrammingError):
        opened[0].execute("SELECT 1")


@pytest.mark.parametrize("writer_first", [True, False], ids=["writer-served-before", "writer-new"])
def test_a_write_is_refused_while_the_file_is_read_only_though_other_threads_keep_connections(
        notes_app, db_path, writer_first):
    """Another thread's kept connection holds a descriptor opened for writing, which SQLite hands to
    a connection opened on the same file later: the fault must still refuse the write (503), keep
    nothing of it, and let reads and, once it clears, writes go on."""
    client = notes_app.test_client()
    with ThreadPoolExecutor(1) as writer, ThreadPoolExecutor(1) as other:
        assert _on_thread(other, lambda: client.get("/t/notes").get_json())["count"] == 2
        if writer_first:
            assert _on_thread(writer, lambda: client.get("/t/notes").get_json())["count"] == 2
        with read_only(db_path):
            refused = _on_thread(writer, lambda: client.post("/t/notes"))
            assert refused.status_code == 503, refused.text
            assert refused.headers["Retry-After"] == "60"
            assert _on_thread(other, lambda: client.get("/t/notes").get_json())["count"] == 2
        assert _on_thread(writer, lambda: client.post("/t/notes").status_code) == 200
        assert _on_thread(other, lambda: client.get("/t/notes").get_json())["count"] == 3
