"""Connections, write transactions, tokens and the store's named failures."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """Base class of the store's named failures."""


class NotFound(StoreError):
    """The row asked for does not exist (or is not visible to the caller)."""


class AssessmentClosed(StoreError):
    """The assessment was submitted or closed; its answers can no longer change."""


# --------------------------------------------------------------------------
# Connections and transactions
# --------------------------------------------------------------------------


def open_db(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Open the database file with a busy timeout, foreign keys and durable commits."""
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: an acknowledged answer survives even a power cut, not only a killed worker.
    conn.execute("PRAGMA synchronous = FULL")
    return db


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a write transaction opened with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes fails with "database is locked"
    when another writer got there first; taking the write lock up front makes
    concurrent writers wait (up to the busy timeout) instead.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    """Tokens are stored hashed: the database alone does not open anyone's response."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


