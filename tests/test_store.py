"""Store: migrations on fresh and existing databases, WAL, upserts, immediate transactions."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from app import store


@pytest.fixture
def db(tmp_path):
    database = store.open_db(tmp_path / "store.sqlite3")
    store.migrate(database)
    yield database
    database.close()


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
    store.save_answers(database, response_id, {"governance.intake_criteria": 2})
    store.migrate(database)
    assert [m.name for m in store.migrations.applied(database)] == names
    assert store.load_answers(database, store.response_by_token(database, token)["id"]) == {
        "governance.intake_criteria": 2}


def test_answers_are_upserted_one_row_per_question(db):
    response_id, _token = store.create_self_assessment(db, "pmo-maturity", "1.0")
    store.save_answers(db, response_id, {"tools.adoption": 2, "tools.integration": None})
    store.save_answers(db, response_id, {"tools.adoption": 4})
    store.save_answers(db, response_id, {"tools.adoption": 4})
    assert store.load_answers(db, response_id) == {"tools.adoption": 4, "tools.integration": None}
    assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 2


def test_database_rejects_a_level_outside_one_to_five(db):
    response_id, _token = store.create_self_assessment(db, "pmo-maturity", "1.0")
    with pytest.raises(sqlite3.IntegrityError):
        store.save_answers(db, response_id, {"tools.adoption": 7})
    assert store.load_answers(db, response_id) == {}


def test_tokens_are_stored_hashed(db):
    _response_id, token = store.create_self_assessment(db, "pmo-maturity", "1.0")
    stored = db.execute("SELECT token_hash FROM responses").fetchone()[0]
    assert token not in stored and stored == store.hash_token(token)
    with pytest.raises(store.NotFound):
        store.response_by_token(db, token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_submit_freezes_once_and_blocks_later_changes(db, content):
    from app.engine import run_assessment

    response_id, _token = store.create_self_assessment(db, "pmo-maturity", "1.0")
    store.save_answers(db, response_id, {"tools.adoption": 3})
    calls = []

    def compute(answers, context):
        calls.append(answers)
        return run_assessment(content, answers, context), {"radar": {"data": []}}

    first = store.submit_response(db, response_id, compute, questionnaire_version="1.0", content_hash="h")
    second = store.submit_response(db, response_id, compute, questionnaire_version="1.0", content_hash="h")
    assert first == second and len(calls) == 1
    assert store.load_snapshot(db, first)["result"]["answers"] == {"tools.adoption": 3}
    with pytest.raises(store.AssessmentClosed):
        store.save_answers(db, response_id, {"tools.adoption": 5})
    assert store.load_answers(db, response_id) == {"tools.adoption": 3}


def test_failed_write_transaction_rolls_back(db):
    response_id, _token = store.create_self_assessment(db, "pmo-maturity", "1.0")
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            db.execute("INSERT INTO answers VALUES (?, 'tools.adoption', 2, 'now')", [response_id])
            raise RuntimeError("boom")
    assert store.load_answers(db, response_id) == {}


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
                        "INSERT INTO answers VALUES (?, ?, 3, 'now') ON CONFLICT DO UPDATE SET level = 3",
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
