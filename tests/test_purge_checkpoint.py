"""Purged text is in neither the database file nor its write-ahead log when a purge returns, while
other connections (the app's workers) keep the database open (issue 23: it lingered in the log
until the next checkpoint)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import store
from tests.lifecycle_helpers import MARKER, build_client

SECRETS = (MARKER, "Pat of " + MARKER, "agreed at " + MARKER)


def stored_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, byte for byte, as they are on disk."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture
def trashed(tmp_path, content, questionnaire):
    """A client organisation in the trash, and a second connection reading, as a gunicorn worker would."""
    path = tmp_path / "pmo.sqlite3"
    db = store.open_db(path)
    store.migrate(db)
    client = build_client(db, content, questionnaire)
    trash_id = store.delete(db, client.org, "organisation", client.org, client.owner)
    worker = store.open_db(path)
    worker.execute("SELECT count(*) FROM organisations").fetchone()  # it has read: its connection stays open
    assert all(secret.encode() in stored_bytes(path) for secret in SECRETS)  # the search finds what is there
    yield path, db, client, trash_id
    worker.close()
    db.close()


def test_a_purge_now_leaves_no_purged_text_in_the_file_or_the_log(trashed):
    path, db, client, trash_id = trashed
    store.purge(db, trash_id, client.owner)
    data = stored_bytes(path)
    assert [secret for secret in SECRETS if secret.encode() in data] == []


def test_the_purge_command_leaves_no_purged_text_when_it_returns(trashed, make_app):
    path, db, _client, _trash_id = trashed
    long_ago = (datetime.now(timezone.utc) - timedelta(days=store.TRASH_DAYS + 1)).isoformat(timespec="seconds")
    with store.transaction(db):
        db.execute("UPDATE trash SET deleted_at = ?", [long_ago])
    result = make_app(path).test_cli_runner().invoke(args=["data", "purge"])
    assert result.exit_code == 0 and "purged 1 trash entry" in result.output
    data = stored_bytes(path)
    assert [secret for secret in SECRETS if secret.encode() in data] == []
