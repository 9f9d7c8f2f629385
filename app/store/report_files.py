"""Report files made from frozen results (the PDF), kept so that every worker serves one render, and
the claims that let concurrent requests share a render instead of each making its own."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .db import transaction

KEEP_FILES = 500  # the most recent renders kept (100-200 KB each); older ones are made again on demand


def report_file(db: Database, key: str) -> dict[str, Any] | None:
    """The file under ``key``: its state ('rendering' or 'done'), its bytes once done, and when it was claimed."""
    row = db.execute("SELECT state, data, claimed_at FROM report_files WHERE key = ?", [key]).fetchone()
    return None if row is None else {"state": row[0], "data": row[1], "claimed_at": row[2]}


def claim_report_file(db: Database, key: str, snapshot_id: int, client: str, now: float, stale_after: float,
                      at_once: int = 1_000_000) -> str:
    """Claim the render of ``key``: "claimed"; "taken" when it is done or another render of it is under
    way; "busy" when ``at_once`` renders (of any report) are under way already.

    A claim older than ``stale_after`` seconds is taken as lost (its worker died) and can be taken over.
    """
    with transaction(db):
        row = db.execute("SELECT state, claimed_at FROM report_files WHERE key = ?", [key]).fetchone()
        if row is not None and (row[0] == "done" or now - row[1] < stale_after):
            return "taken"
        running = db.execute("SELECT count(*) FROM report_files WHERE state = 'rendering' AND claimed_at > ?",
                             [now - stale_after]).fetchone()[0]
        if running >= at_once:
            return "busy"
        db.execute("INSERT OR REPLACE INTO report_files (key, snapshot_id, state, data, client, claimed_at) "
                   "VALUES (?, ?, 'rendering', NULL, ?, ?)", [key, snapshot_id, client, now])
    return "claimed"


def save_report_file(db: Database, key: str, data: bytes) -> None:
    """Keep the finished file of a claimed render (nothing when the claim, or its snapshot, has gone)."""
    with transaction(db):
        db.execute("UPDATE report_files SET state = 'done', data = ? WHERE key = ?", [data, key])
        db.execute("DELETE FROM report_files WHERE key IN (SELECT key FROM report_files ORDER BY claimed_at DESC "
                   "LIMIT -1 OFFSET ?)", [KEEP_FILES])


def drop_report_claim(db: Database, key: str) -> None:
    """Give up a claimed render that failed, so that the next request makes it."""
    with transaction(db):
        db.execute("DELETE FROM report_files WHERE key = ? AND state = 'rendering'", [key])


def client_renders(db: Database, client: str, since: float, stale_since: float) -> tuple[int, int]:
    """How many renders ``client`` claimed since ``since``, and how many of its claims are still under way."""
    row = db.execute("SELECT count(*), coalesce(sum(state = 'rendering' AND claimed_at >= ?), 0) FROM report_files "
                     "WHERE client = ? AND claimed_at >= ?", [stale_since, client, since]).fetchone()
    return row[0], row[1]


def renders_under_way(db: Database, since: float) -> int:
    """How many renders (of any report) were claimed since ``since`` and are not finished: a read, for
    requests waiting for a render slot to ask before they try to claim one."""
    return db.execute("SELECT count(*) FROM report_files WHERE state = 'rendering' AND claimed_at > ?",
                      [since]).fetchone()[0]
