"""A report's PDF made once and shared: by every worker (it is kept in the database), by concurrent
requests (one render per report at a time; the others wait for it), and before anyone asks (a
frozen result's PDF is made in the background as soon as it is submitted).

Nothing is lost when a background render is: its claim goes stale and the next request makes the
PDF itself. Renders cost seconds of CPU, so each client may start only a few (issue 23: a new
``?start=`` per request tied up every worker); waiting for a render someone else started, or
getting a file already made, is free. The server makes RENDERS_ON_SERVER at once: a request for
another report waits its turn, up to RENDER_WAITERS of them in each worker (its other threads stay
free for everything else) and for QUEUE_WAIT_SECONDS at most; only beyond that is it told to come
back (503 with Retry-After).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Hashable

from sqlite_utils import Database

from .. import store

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120  # a render not finished by then is taken as lost (its worker died) and made again
WAIT_STEP_SECONDS = 0.1
# Per client: renders started in the window, and at once. Enough for a person trying start dates;
# not enough to keep the workers busy.
RENDERS_PER_WINDOW = 6
WINDOW_SECONDS = 300
RENDERS_AT_ONCE = 1
# On the whole server (every worker): a render takes a core for seconds, and the workers must stay free
# for everything else, so a request that would start one more is told at once to come back.
RENDERS_ON_SERVER = 1
RETRY_BUSY_SECONDS = 10
# Requests of one worker that may wait for the server's render slot at once, and for how long.
RENDER_WAITERS = 4  # of its 8 threads (gunicorn.conf.py): the others stay free
QUEUE_WAIT_SECONDS = 45  # under a reverse proxy's usual 60 s read timeout
QUEUE_STEP_SECONDS = 0.25


class ComeBackLater(Exception):
    """The render cannot start now; ``retry_after`` seconds is when to try again."""

    reason = "the render cannot start now"

    def __init__(self, retry_after: int):
        super().__init__(f"{self.reason}; retry after {retry_after} s")
        self.retry_after = retry_after


class ServerBusy(ComeBackLater):
    reason = "the server is making as many reports as it makes at once"


class TooManyRenders(ComeBackLater):
    reason = "this client started as many renders as it may for now"


def file_key(key: tuple[Hashable, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()


def client_key(address: str) -> str:
    """Who asked, as a hash (the table keeps no addresses)."""
    return hashlib.sha256(f"client:{address}".encode()).hexdigest()[:32]


def shared_file(db: Database, key: tuple[Hashable, ...], snapshot_id: int, build: Callable[[], bytes],
                client: str | None, *, wait: bool = True) -> bytes | None:
    """The file under ``key``: kept, or being made by someone else (wait for it), or made here.

    ``client`` (a client_key) is held to the per-client limit when this call would start a render
    (raise TooManyRenders); None is the server's own background render. While the server makes as
    many renders as it may, a request waits its turn in the worker's waiting room, and is told to
    come back (ServerBusy) only when the room is full or its wait too long; the background render
    waits without a place in the room. With ``wait`` False, a render under way elsewhere is left to
    finish and None is returned.
    """
    name = file_key(key)
    started = time.monotonic()
    queued = busy = False  # a place in the waiting room; the server was found busy before
    try:
        while True:
            row = _read(db, name)
            if row is not None and row["state"] == "done":
                return row["data"]
            now = time.time()
            waited = time.monotonic() - started
            if row is None or now - row["claimed_at"] >= CLAIM_SECONDS:
                if client is not None:
                    try:
                        _check_limit(db, client, now)
                    except TooManyRenders:
                        # The render counted against this visitor may be this very file, claimed by another of
                        # their requests since the read above: then this one waits for it like any other.
                        again = _read(db, name)
                        if again is not None and again["state"] == "done":
                            return again["data"]
                        if again is None or time.time() - again["claimed_at"] >= CLAIM_SECONDS:
                            raise
                        time.sleep(WAIT_STEP_SECONDS)
                        continue
                claimed = "busy" if busy and _slots_taken(db, now) else _claim(db, name, snapshot_id, client or "", now)
                busy = claimed == "busy"
                if claimed is None:  # storage refuses writes: make it here, unshared
                    return build()
                if claimed == "claimed":
                    return _render(db, name, build)
                if busy and client is not None:
                    if not queued and not (queued := _enter_waiting_room()):
                        raise ServerBusy(RETRY_BUSY_SECONDS)
                    if waited > QUEUE_WAIT_SECONDS:
                        raise ServerBusy(RETRY_BUSY_SECONDS)
            elif not wait:
                return None
            if waited > CLAIM_SECONDS + 10:  # never wait for ever: a request makes it here, the background gives up
                return build() if client is not None else None
            time.sleep(QUEUE_STEP_SECONDS if busy else WAIT_STEP_SECONDS)
    finally:
        if queued:
            _leave_waiting_room()


_WAITING = 0  # this worker's requests waiting for the server's render slot


def _enter_waiting_room() -> bool:
    """Take a place among this worker's requests waiting for a render slot; False when they are all taken."""
    global _WAITING
    with _LOCK:
        if _WAITING >= RENDER_WAITERS:
            return False
        _WAITING += 1
        return True


def _leave_waiting_room() -> None:
    global _WAITING
    with _LOCK:
        _WAITING = max(0, _WAITING - 1)


def _slots_taken(db: Database, now: float) -> bool:
    """Whether the server still makes as many renders as it may (a read: a waiting request claims only
    when a slot looks free, instead of taking the write lock on every look)."""
    try:
        return store.renders_under_way(db, now - CLAIM_SECONDS) >= RENDERS_ON_SERVER
    except Exception as err:
        if store.storage_fault(err) is None:
            raise
        return False


def _read(db: Database, name: str) -> dict | None:
    try:
        return store.report_file(db, name)
    except Exception as err:  # an unreadable cache is no reason to refuse the report
        if store.storage_fault(err) is None:
            raise
        return None


def _claim(db: Database, name: str, snapshot_id: int, client: str, now: float) -> str | None:
    try:
        return store.claim_report_file(db, name, snapshot_id, client, now, CLAIM_SECONDS, RENDERS_ON_SERVER)
    except Exception as err:
        if store.storage_fault(err) is None:
            raise
        return None


def _render(db: Database, name: str, build: Callable[[], bytes]) -> bytes:
    try:
        data = build()
    except BaseException:
        try:
            store.drop_report_claim(db, name)
        except Exception:  # the claim goes stale instead; the first error is the one to report
            log.exception("could not drop a failed render's claim")
        raise
    try:
        store.save_report_file(db, name, data)
    except Exception as err:
        if store.storage_fault(err) is None:
            raise
        log.info("a rendered report was not kept: storage %s", store.storage_fault(err))
    return data


def _check_limit(db: Database, client: str, now: float) -> None:
    recent, running = store.client_renders(db, client, now - WINDOW_SECONDS, now - CLAIM_SECONDS)
    if running >= RENDERS_AT_ONCE:
        raise TooManyRenders(5)
    if recent >= RENDERS_PER_WINDOW:
        raise TooManyRenders(60)


# --------------------------------------------------------------------------
# Background renders: two threads per worker process.
# --------------------------------------------------------------------------
# A render made at submit runs at the requests' priority: somebody is about to click it (at a lower
# priority a busy machine starved it, and the click after submit waited 8 s). One made when an older
# result's page is shown can wait, so its thread runs at a lower priority than requests. The server
# makes only RENDERS_ON_SERVER at once either way, so renders never take more than that many cores.

_EXECUTORS: dict[bool, ThreadPoolExecutor] = {}
_EXECUTOR_PID: int | None = None
_LOCK = threading.Lock()


def _executor(soon: bool = True) -> ThreadPoolExecutor:
    """The render thread for renders wanted soon (at the requests' priority), or the one for the others."""
    global _EXECUTOR_PID
    with _LOCK:
        if _EXECUTOR_PID != os.getpid():  # a forked worker needs its own threads
            _EXECUTORS.clear()
            _EXECUTOR_PID = os.getpid()
        if soon not in _EXECUTORS:
            _EXECUTORS[soon] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-render",
                                                  initializer=None if soon else _lower_priority)
        return _EXECUTORS[soon]


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)  # this thread only (Linux)
    except (AttributeError, OSError):
        pass


def _warm() -> None:
    """Load WeasyPrint and the fonts (about a second of CPU, once per process)."""
    from weasyprint import HTML

    HTML(string="<p>PMO Advisor</p>").write_pdf()


_WARMED_PID: int | None = None


def prepare_now() -> None:
    """Load the PDF renderer in this process now, unless it is loaded (a server worker, before its first request)."""
    global _WARMED_PID
    with _LOCK:
        if _WARMED_PID == os.getpid():
            return
        _WARMED_PID = os.getpid()
    _warm()


def warm_up() -> None:
    """Prepare this worker to make PDFs, once, in its render thread: someone answering a questionnaire
    submits it within minutes, and the first PDF then does not pay for loading the libraries."""
    global _WARMED_PID
    with _LOCK:
        if _WARMED_PID == os.getpid():
            return
        _WARMED_PID = os.getpid()

    def job() -> None:
        _wait_for_quiet()  # the page that asked for it first
        try:
            _warm()
        except Exception:  # the first render pays for it instead
            log.exception("preparing the PDF renderer failed")

    _executor().submit(job)


# A render in the background shares this process's interpreter with the requests' threads: started while
# the result page is being made, it would slow that page. It waits until the worker has been quiet for a
# moment (the page and its assets sent), or for QUIET_AT_MOST seconds, and starts then.
QUIET_SECONDS = 0.3
QUIET_AT_MOST = 3.0
_IN_FLIGHT = 0
_LAST_DONE = 0.0


def request_started() -> None:
    global _IN_FLIGHT
    with _LOCK:
        _IN_FLIGHT += 1


def request_finished() -> None:
    global _IN_FLIGHT, _LAST_DONE
    with _LOCK:
        _IN_FLIGHT = max(0, _IN_FLIGHT - 1)
        _LAST_DONE = time.monotonic()


def _wait_for_quiet() -> None:
    deadline = time.monotonic() + QUIET_AT_MOST
    while time.monotonic() < deadline:
        with _LOCK:
            if _IN_FLIGHT == 0 and time.monotonic() - _LAST_DONE >= QUIET_SECONDS:
                return
        time.sleep(0.05)


def render_later(database: str, key: tuple[Hashable, ...], snapshot_id: int,
                 build: Callable[[Database], bytes], soon: bool = True) -> None:
    """Make the file under ``key`` in the background, unless it is kept or under way already, once this
    worker is quiet (its requests served); ``soon`` False: at a lower priority than requests."""
    def job() -> None:
        _wait_for_quiet()
        db = store.open_db(database)
        try:
            shared_file(db, key, snapshot_id, lambda: build(db), None, wait=False)
        except Exception:  # a request will make it instead
            log.exception("background report render failed")
        finally:
            db.close()

    _executor(soon).submit(job)
