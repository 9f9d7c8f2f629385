"""Connections, write transactions, tokens and the store's named failures."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from ..engine.names import UnsafeName, check_name

BUSY_TIMEOUT_MS = 10_000
# How long a bookkeeping write (see best_effort) waits for the write lock before it is skipped.
BEST_EFFORT_WAIT_MS = 250

log = logging.getLogger("pmo_advisor")

# A period label (2026-Q4) is short: it heads a column of the dashboard.
MAX_PERIOD = 20


class StoreError(Exception):
    """Base class of the store's named failures."""


class InvalidName(StoreError):
    """A name is empty, longer than ``limit`` characters, or unsafe (``unsafe`` says why)."""

    def __init__(self, message: str, limit: int, unsafe: str | None = None):
        super().__init__(message)
        self.limit = limit
        self.unsafe = unsafe


class NotFound(StoreError):
    """The row asked for does not exist (or is not visible to the caller)."""


class AssessmentClosed(StoreError):
    """The assessment was submitted or closed; its answers can no longer change."""


# SQLite's primary result codes that mean the storage cannot take a write right now, by the
# name we give the fault. Extended codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE, ...)
# count as their primary code. Corruption is not among them: that needs an administrator.
STORAGE_FAULTS = {
    "SQLITE_FULL": "full",
    "SQLITE_READONLY": "read-only",
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_IOERR": "I/O error",
    "SQLITE_CANTOPEN": "cannot open",
}


def storage_fault(err: BaseException) -> str | None:
    """Name the storage fault behind a database error ("full", "read-only", "locked", ...), or None."""
    if not isinstance(err, sqlite3.OperationalError):
        return None
    name = getattr(err, "sqlite_errorname", None) or ""
    primary = "_".join(name.split("_")[:2])
    return STORAGE_FAULTS.get(primary)


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
    # Deleted rows are overwritten, not left in free pages: a purge leaves no bytes behind, in the
    # file or in a backup copied from it.
    conn.execute("PRAGMA secure_delete = ON")
    return db


def data_version(db: Database) -> int:
    """SQLite's count of commits other connections made to the file since this one opened (PRAGMA
    data_version): unchanged means nothing was written, so what this connection read is still current."""
    return db.execute("PRAGMA data_version").fetchall()[0][0]


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
        db.conn.execute("COMMIT")  # a full disk can refuse the commit itself: then nothing is kept
    except BaseException:
        if db.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # the first error is the one to report
                db.conn.execute("ROLLBACK")
        raise


def checkpoint(db: Database) -> None:
    """Copy the write-ahead log into the database file and empty it (TRUNCATE).

    After a purge, the log still holds earlier copies of the purged pages until the next
    checkpoint; secure_delete has zeroed them in the database file, so afterwards neither file
    holds purged text. Inside a transaction it does nothing: the outermost purge checkpoints.
    """
    if not db.conn.in_transaction:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


@contextlib.contextmanager
def best_effort(db: Database, wait_ms: int = BEST_EFFORT_WAIT_MS) -> Iterator[None]:
    """Run bookkeeping writes (where someone is, when a session was last seen) only if storage takes them.

    A page that only shows something must render even when the database cannot be written
    (full, read-only, or locked by another process): such writes wait briefly for the lock,
    and are skipped when storage refuses them. Any other error is raised as usual.
    """
    previous = db.conn.execute("PRAGMA busy_timeout").fetchone()[0]
    db.conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        yield
    except sqlite3.OperationalError as err:
        fault = storage_fault(err)
        if fault is None:
            raise
        log.info("bookkeeping write skipped: storage %s (%s)", fault, err)
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {int(previous)}")


# Less free space than this on the database's file system counts as full: SQLite needs room
# for its write-ahead log before anything can be committed.
MIN_FREE_BYTES = 1024 * 1024


def probe_storage(path: str | Path, busy_timeout_ms: int = 1000,
                  min_free_bytes: int = MIN_FREE_BYTES) -> tuple[str, str] | None:
    """Check that the database takes a write now; return (fault, detail) when it does not.

    The probe is a real committed write to the one-row health_probe table in its own
    connection, so it meets what any request would meet: a full disk, a read-only file, a
    lock held past `busy_timeout_ms`. The free space of the file system is checked first.
    """
    try:
        stats = os.statvfs(Path(path).parent)
    except OSError as err:
        return "cannot open", str(err)
    free = stats.f_bavail * stats.f_frsize
    if free < min_free_bytes:
        return "full", f"{free} bytes free on the database's file system"
    db = None
    try:
        db = open_db(path, busy_timeout_ms)
        with transaction(db):
            db.execute("INSERT INTO health_probe (id, probed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE "
                       "SET probed_at = excluded.probed_at, probes = probes + 1", [now_iso()])
    except sqlite3.OperationalError as err:
        fault = storage_fault(err)
        if fault is None:
            raise
        return fault, str(err)
    finally:
        if db is not None:
            db.close()
    return None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hash_token(token: str) -> str:
    """Tokens are stored hashed: the database alone does not open anyone's response."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def safe_text(text: str, what: str, limit: int) -> str:
    """``text`` as it is, or InvalidName (with the reason) when engine.names.check_name refuses it.
    Empty text passes: whether it is needed is the caller's rule."""
    if text:
        try:
            check_name(text, what)
        except UnsafeName as err:
            raise InvalidName(str(err), limit, unsafe=str(err)) from None
    return text
