"""Connections, write transactions, tokens and the store's named failures."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import secrets
import sqlite3
import threading
import weakref
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


def open_db(path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *, kept: bool = False) -> Database:
    """Open the database file with a busy timeout, foreign keys and durable commits.

    ``kept``: the connection will serve one request after another (see KeptConnections), so it
    remembers its cursors, to close those a request left unfinished.
    """
    conn = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, check_same_thread=False,
                           factory=_TrackedConnection if kept else _Connection)
    conn.path, conn.wait_ms = os.path.realpath(path), int(busy_timeout_ms)
    db = Database(conn, execute_plugins=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    # FULL: an acknowledged answer survives even a power cut, not only a killed worker.
    conn.execute("PRAGMA synchronous = FULL")
    # Deleted rows are overwritten, not left in free pages: a purge leaves no bytes behind, in the
    # file or in a backup copied from it.
    conn.execute("PRAGMA secure_delete = ON")
    if not _writable(path):
        # SQLite would open the file read-only by itself, unless another connection of this process
        # (another thread's kept one) has it open for writing: then SQLite hands this connection that
        # descriptor, and writes to the log go through while the file is read-only and /healthz says so.
        conn.execute("PRAGMA query_only = ON")
    return db


def _writable(path: str | Path) -> bool:
    """Whether the file system lets this process write the file (a file not made yet counts as writable)."""
    return not os.path.exists(path) or os.access(path, os.W_OK)


class _Connection(sqlite3.Connection):
    """A connection that knows its file and how long a write waits for the lock (see transaction)."""

    path = ""
    wait_ms = BUSY_TIMEOUT_MS


class _TrackedConnection(_Connection):
    """A connection that remembers (weakly) every cursor it made since it was last reset.

    A SELECT whose rows were not all read keeps its read transaction open, even in autocommit
    mode, and every later read on the connection shares that transaction's old snapshot: a kept
    connection must close such cursors before it serves the next request.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cursors: list[weakref.ref] = []

    def cursor(self, factory=sqlite3.Cursor):
        made = super().cursor(factory)
        self.cursors.append(weakref.ref(made))
        return made

    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        return self.cursor().executemany(sql, parameters)

    def reset(self) -> None:
        """Close the cursors still open and roll back a transaction left open: afterwards the
        connection holds no lock and no snapshot, and its next read sees the latest commit."""
        cursors, self.cursors = self.cursors, []
        for ref in cursors:
            cursor = ref()
            if cursor is not None:
                cursor.close()
        if self.in_transaction:
            log.warning("a request ended inside a transaction: rolled back")
            self.rollback()


class KeptConnections:
    """One open connection per thread and database file, reused request after request.

    Opening a connection (and setting its PRAGMAs, reading the schema, and checkpointing the log
    when the last one closes) cost more than a whole cached page. A kept connection is reset after
    each use (``release``): no transaction and no unfinished statement is left, so each request's
    first read starts a fresh read transaction and sees every commit made before it. A connection
    whose reset fails is closed and the next use opens a new one. When the file's inode changed
    (another file put in its place, made read-only, or written by a checkpoint) the next use opens
    a new connection, which meets the file as it is now, as a fresh connection always did. After a
    fork the child opens its own: a connection is never used by two processes.
    """

    def __init__(self):
        self._local = threading.local()
        self._inherited: list[Database] = []  # opened before a fork: kept from being closed by the child
        self._opened: weakref.WeakKeyDictionary[Database, int] = weakref.WeakKeyDictionary()  # -> its process
        self._generation = 0  # counted up by close_all: every thread then opens a new connection
        self._lock = threading.Lock()
        _KEPT.add(self)

    def get(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
        """This thread's connection to ``path`` (opened on first use)."""
        key = (os.getpid(), self._generation, str(path), busy_timeout_ms, _file_id(path))
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == key:
            return held[1]
        if held is not None:
            self._drop(held)
        db = open_db(path, busy_timeout_ms, kept=True)
        self._local.held = (key, db)
        with self._lock:
            self._opened[db] = os.getpid()
        return db

    def release(self, db: Database) -> None:
        """End a use of ``db``: reset it for the next one, or close it when that fails."""
        try:
            db.conn.reset()
        except sqlite3.Error:
            log.warning("a kept database connection could not be reset: closed", exc_info=True)
            held = getattr(self._local, "held", None)
            if held is not None and held[1] is db:
                self._local.held = None
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def close_all(self) -> None:
        """Close every connection this process kept (at exit, or in a test; no thread may be using one):
        the next use on any thread opens a new one."""
        with self._lock:
            self._generation += 1
            kept = [db for db, pid in self._opened.items() if pid == os.getpid()]
        for db in kept:
            with contextlib.suppress(sqlite3.Error):
                db.close()

    def _drop(self, held: tuple) -> None:
        key, db = held
        self._local.held = None
        if key[0] != os.getpid():
            self._inherited.append(db)  # closing it here could release the parent's locks
        else:
            with contextlib.suppress(sqlite3.Error):
                db.close()


_KEPT: weakref.WeakSet[KeptConnections] = weakref.WeakSet()


@atexit.register
def close_kept_connections() -> None:
    """Close the connections every KeptConnections of this process holds (a clean exit checkpoints the log)."""
    for kept in list(_KEPT):
        kept.close_all()


def _file_id(path: str | Path) -> tuple[int, int, int] | None:
    """The file at ``path`` and when its inode last changed: another file put in its place, or its
    permissions or attributes changed (made read-only), or written by a checkpoint."""
    try:
        stats = os.stat(path)
    except OSError:
        return None
    return stats.st_dev, stats.st_ino, stats.st_ctime_ns


def data_version(db: Database) -> int:
    """SQLite's count of commits other connections made to the file since this one opened (PRAGMA
    data_version): unchanged means nothing was written, so what this connection read is still current."""
    return db.execute("PRAGMA data_version").fetchall()[0][0]


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """Run a write transaction opened with BEGIN IMMEDIATE.

    A deferred transaction that reads and then writes fails with "database is locked"
    when another writer got there first; taking the write lock up front makes
    concurrent writers wait (up to the busy timeout) instead. Within a process, the threads
    wanting to write queue for their turn first (see _writers_turn), so SQLite's lock is asked
    for by one thread per process.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    with _writers_turn(db.conn):
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.conn.execute("COMMIT")  # a full disk can refuse the commit itself: then nothing is kept
        except BaseException:
            if db.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the first error is the one to report
                    db.conn.execute("ROLLBACK")
            raise


# Per database file, the lock this process's writing threads queue on.
_WRITERS: dict[str, threading.RLock] = {}
_WRITERS_GUARD = threading.Lock()


@contextlib.contextmanager
def _writers_turn(conn: sqlite3.Connection) -> Iterator[None]:
    """Wait (up to the connection's busy timeout) until no other thread of this process is writing to the file.

    SQLite's busy handler polls for the write lock, sleeping up to 100 ms between tries: with dozens
    of threads polling, a waiter that sleeps long loses to those that just arrived, and a room of 300
    saw writes wait past the 10 s timeout (503 "database is locked") while others went through in
    milliseconds. Threads waiting here are woken in turn when the lock is released, and only one
    thread per process polls SQLite's lock, against the few other processes.
    """
    path = getattr(conn, "path", "")
    if not path:  # a connection not opened by open_db
        yield
        return
    with _WRITERS_GUARD:
        lock = _WRITERS.setdefault(path, threading.RLock())
    if not lock.acquire(timeout=conn.wait_ms / 1000):
        raise _locked(f"another thread of this process held the write lock for {conn.wait_ms} ms")
    try:
        yield
    finally:
        lock.release()


def _locked(detail: str) -> sqlite3.OperationalError:
    """The error SQLite raises when the write lock stays held past the busy timeout."""
    err = sqlite3.OperationalError(f"database is locked ({detail})")
    err.sqlite_errorcode, err.sqlite_errorname = sqlite3.SQLITE_BUSY, "SQLITE_BUSY"
    return err


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
    queued = getattr(db.conn, "wait_ms", None)
    if queued is not None:  # the same wait for this process's other writers (see transaction)
        db.conn.wait_ms = wait_ms
    try:
        yield
    except sqlite3.OperationalError as err:
        fault = storage_fault(err)
        if fault is None:
            raise
        log.info("bookkeeping write skipped: storage %s (%s)", fault, err)
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {int(previous)}")
        if queued is not None:
            db.conn.wait_ms = queued


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
    # Asked of the file system, not of SQLite: while this process keeps other connections to the file
    # open, SQLite may hand the probe a descriptor opened for writing before the file was made read-only.
    if not _writable(path):
        return "read-only", f"{path} cannot be written"
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
