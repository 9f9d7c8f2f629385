"""The store's foundations: migrations on fresh and existing databases, WAL, immediate write
transactions under concurrency, rollback, hashed tokens. Each feature's functions have a file of
their own (test_store_accounts, _orgs, _responses, _history, _workshops)."""

from __future__ import annotations

import sqlite3
import threading

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


def test_concurrent_read_then_write_transactions_do_not_fail_with_locked(tmp_path):
    path = tmp_path / "busy.sqlite3"
    setup = store.open_db(path)
    store.migrate(setup)
    response_id, _token = store.create_self_assessment(setup, "pmo-maturity", "1.0")
    setup.close()
    errors = []

    def writer(n):
        database = store.open_db(path)
        try:
            for i in range(30):
                with store.transaction(database):
                    database.execute("SELECT count(*) FROM answers").fetchone()
                    database.execute(
                        "INSERT INTO answers (response_id, question_id, level, updated_at) VALUES (?, ?, 3, 'now') "
                        "ON CONFLICT DO UPDATE SET level = 3",
                        [response_id, f"tools.q{n}_{i}"])
        except sqlite3.OperationalError as exc:  # "database is locked" would land here
            errors.append(exc)
        finally:
            database.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    check = store.open_db(path)
    assert check.execute("SELECT count(*) FROM answers").fetchone()[0] == 180


def test_db_migrate_on_a_new_database_says_what_it_created(make_app, tmp_path):
    app = make_app(tmp_path / "new.sqlite3")
    first = app.test_cli_runner().invoke(args=["db", "migrate"])
    assert first.exit_code == 0
    count = len(store.migrations._migrations)
    assert f"created a new database at {tmp_path / 'new.sqlite3'}: applied all {count} migrations" in first.output
    assert "assessments" in first.output and "applied 0" not in first.output
    again = make_app(tmp_path / "new.sqlite3").test_cli_runner().invoke(args=["db", "migrate"])
    assert f"is up to date: {count} migrations applied" in again.output and "nothing to do" in again.output
