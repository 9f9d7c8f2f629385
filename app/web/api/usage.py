"""Each API token's requests, counted in the worker's memory and added to the database every few seconds.

Writing every request's count cost a committed write (an fsync) per API call, a 304 included. Here a
request only adds one to a counter; a token's first request in a worker, and the first request after
``API_USAGE_FLUSH_SECONDS``, add the worker's counts to the database in one transaction and read back
each token's total in its window,
so the rate limit still holds across workers, late by at most that many seconds of other workers'
requests. What is still in memory is written when the worker exits; a killed worker loses at most
those few seconds of counts (never an answer: answers are written by their own requests).
"""

from __future__ import annotations

import atexit
import logging
import math
import threading
import time
import weakref
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from sqlite_utils import Database

from ... import store

log = logging.getLogger(__name__)

FLUSH_SECONDS = 5.0


class UsageCounter:
    """One worker's uncounted requests per token and window, and each token's total as last read back."""

    def __init__(self, database: str, flush_seconds: float = FLUSH_SECONDS, clock: Callable[[], float] = time.time):
        self.database = database
        self.flush_seconds = flush_seconds
        self.clock = clock
        self.lock = threading.Lock()
        self.pending: dict[tuple[int, int], int] = {}  # (token id, window start) -> requests not yet written
        self.last_used: dict[int, str] = {}  # token id -> when it was last used, not yet written
        self.known: dict[int, tuple[int, int]] = {}  # token id -> (window start, requests stored at the last flush)
        self.flushed_at = clock()
        _COUNTERS.add(self)

    def count(self, db: Database, token_id: int, window: int) -> tuple[int, int]:
        """Count one request of the token; add the batch to the database when it is due.
        Return (requests in this window so far, as far as this worker knows; seconds until the window ends)."""
        now = self.clock()
        start = int(now // window * window)
        with self.lock:
            self.pending[(token_id, start)] = self.pending.get((token_id, start), 0) + 1
            self.last_used[token_id] = datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds")
            # A token this worker has not counted yet is written at once: its first use shows on the
            # account page, and the worker learns the token's total from the other workers' counts.
            due = now - self.flushed_at >= self.flush_seconds or token_id not in self.known
        if due:
            with store.best_effort(db):  # reading keeps working when storage refuses the bookkeeping write
                self.flush(db)
        with self.lock:
            known_start, known = self.known.get(token_id, (start, 0))
            total = (known if known_start == start else 0) + self.pending.get((token_id, start), 0)
        return total, max(1, math.ceil(start + window - now))

    def flush(self, db: Database) -> None:
        """Add the counts held in memory to the database and read back each token's total."""
        with self.lock:
            counts, last_used = self.pending, self.last_used
            self.pending, self.last_used = {}, {}
            self.flushed_at = self.clock()
        if not counts:
            return
        try:
            stored = store.add_token_usage(db, counts, last_used)
        except BaseException:
            with self.lock:  # not written: keep them for the next flush
                for key, requests in counts.items():
                    self.pending[key] = self.pending.get(key, 0) + requests
                for token_id, at in last_used.items():
                    self.last_used.setdefault(token_id, at)
            raise
        with self.lock:
            self.known.update(stored)

    def flush_at_exit(self) -> None:
        """Write what is left when the worker exits, on a connection of its own; never raise."""
        if not self.pending or not Path(self.database).exists():  # nothing to write, or nowhere (a test's database)
            return
        try:
            db = store.open_db(self.database)
            try:
                self.flush(db)
            finally:
                db.close()
        except Exception as err:  # the process is ending: say what was lost, nothing more
            log.warning("API token usage of the last few seconds not written: %s", err)


_COUNTERS: weakref.WeakSet[UsageCounter] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    for counter in list(_COUNTERS):
        counter.flush_at_exit()
