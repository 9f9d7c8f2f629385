"""The store's foundations: migrations on fresh and existing databases, WAL, immediate write
transactions under concurrency, rollback, hashed tokens. Each feature's functions have a file of
their own (test_store_accounts, _orgs, _responses, _history, _workshops)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from app import store


def test_fresh_database_gets_every_migration_and_wal(tmp_path):
    database = store.open_db(tmp_path / "fresh.sqlite3")
    applied = store.migrate(database)
    assert applied == [m.name for m in store.migrations._migrations]
    assert {"assessments", "responses", "answers", "snapshots"} <= set(database.table_names())
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.migrate(database) == []


def test_existing_database_keeps_its_data_through_later_migrations(tmp_path):
    names = [m.name for m in store.migrations._migrations]
    database = store.open_db(tmp_path / "old.sqlite3")
    # An installation that stopped after the first migration, with data in it.
    store.migrations.apply(database, stop_before=names[1:] or None)
    response_id, token = store.create_self_assessment(database, "pmo-maturity", "1.0")
    # Written as that installation's code wrote it (today's save_answers writes later columns too).
    database.execute("INSERT INTO answers (response_id, question_id, level, updated_at) "
                     "VALUES (?, 'governance.intake_criteria', 2, 'now')", [response_id])
    database.conn.commit()
    store.migrate(database)
    assert [m.name for m in store.migrations.applied(database)] == names
    assert store.load_answers(database, store.response_by_token(database, token)["id"]) == {
        "governance.intake_criteria": 2}


def test_tokens_are_stored_hashed(fresh_db):
    _response_id, token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0")
    stored = fresh_db.execute("SELECT token_hash FROM responses").fetchone()[0]
    assert token not in stored and stored == store.hash_token(token)
    with pytest.raises(store.NotFound):
        store.response_by_token(fresh_db, token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_failed_write_transaction_rolls_back(fresh_db):
    response_id, _token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0")
    with pytest.raises(RuntimeError):
        with store.transaction(fresh_db):
            fresh_db.execute("INSERT INTO answers (response_id, question_id, level, updated_at) "
                             "VALUES (?, 'tools.adoption', 2, 'now')", [response_id])
            raise RuntimeError("boom")
    assert store.load_answers(fresh_db, response_id) == {}


def _write_at_once(tmp_path, threads: int, transactions: int, write, busy_timeout_ms: int = store.BUSY_TIMEOUT_MS):
    """``threads`` threads, each with a connection of its own, each running ``transactions`` write transactions
    at once (``write(database, response_id, name)`` inside each); return the errors and the answers stored."""
    path = tmp_path / "busy.sqlite3"
    setup = store.open_db(path)
    store.migrate(setup)
    response_id, _token = store.create_self_assessment(setup, "pmo-maturity", "1.0")
    setup.close()
    errors, barrier = [], threading.Barrier(threads)

    def writer(n):
        database = store.open_db(path, busy_timeout_ms=busy_timeout_ms)
        barrier.wait()
        try:
            for i in range(transactions):
                with store.transaction(database):
                    write(database, response_id, f"tools.q{n}_{i}")
        except sqlite3.OperationalError as exc:  # "database is locked" would land here
            errors.append(exc)
        finally:
            database.close()

    running = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for t in running:
        t.start()
    for t in running:
        t.join()
    check = store.open_db(path)
    try:
        return errors, check.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        check.close()


def test_concurrent_read_then_write_transactions_do_not_fail_with_locked(tmp_path):
    def read_then_write(database, response_id, name):
        database.execute("SELECT count(*) FROM answers").fetchone()
        database.execute("INSERT INTO answers (response_id, question_id, level, updated_at) VALUES (?, ?, 3, 'now') "
                         "ON CONFLICT DO UPDATE SET level = 3", [response_id, name])

    assert _write_at_once(tmp_path, 6, 30, read_then_write) == ([], 180)


def test_many_threads_writing_at_once_each_get_their_turn_within_the_busy_timeout(tmp_path):
    """A room's worth of writers in one process: each transaction is short, so no writer has more than
    a fraction of the timeout's work ahead of it, and none may be refused as locked (SQLite's own
    polling let late sleepers lose to new arrivals past the timeout)."""
    def short_write(database, response_id, name):
        database.execute("INSERT INTO answers (response_id, question_id, level, updated_at) VALUES (?, ?, 3, 'now')",
                         [response_id, name])
        time.sleep(0.004)  # the write lock held as by a request's few statements

    assert _write_at_once(tmp_path, 16, 12, short_write, busy_timeout_ms=1500) == ([], 16 * 12)


def test_a_write_waiting_past_the_busy_timeout_is_refused_as_locked(tmp_path):
    path = tmp_path / "held.sqlite3"
    setup = store.open_db(path)
    store.migrate(setup)
    setup.close()
    holder, waiter = store.open_db(path), store.open_db(path, busy_timeout_ms=100)
    held, release = threading.Event(), threading.Event()

    def hold():
        with store.transaction(holder):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with pytest.raises(sqlite3.OperationalError) as refused:
            with store.transaction(waiter):
                pass
        assert store.storage_fault(refused.value) == "locked"
    finally:
        release.set()
        thread.join()
        holder.close()
        waiter.close()


def test_db_migrate_on_a_new_database_says_what_it_created(make_app, tmp_path):
    app = make_app(tmp_path / "new.sqlite3")
    first = app.test_cli_runner().invoke(args=["db", "migrate"])
    assert first.exit_code == 0
    count = len(store.migrations._migrations)
    assert f"created a new database at {tmp_path / 'new.sqlite3'}: applied all {count} migrations" in first.output
    assert "assessments" in first.output and "applied 0" not in first.output
    again = make_app(tmp_path / "new.sqlite3").test_cli_runner().invoke(args=["db", "migrate"])
    assert f"is up to date: {count} migrations applied" in again.output and "nothing to do" in again.output
