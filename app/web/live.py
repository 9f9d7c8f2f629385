"""The room's picture while a workshop runs: computed at most once a second per workshop, shared by requests.

The projector, the console and every phone ask for the same picture. It is computed from the
database and kept in this worker under the workshop's key; the workshop's ``revision`` (which
the database counts up on every answer, join, removal, agreed level and vote, whichever
worker wrote it) says whether it is still current. A newer revision is computed again, but
not more often than once per LIVE_MIN_AGE seconds (1 by default): in between, the picture is at most that old.
Threads of the worker asking at once wait for the one computing it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from flask import current_app, g

from .. import service, store
from ..db import get_db
from .cache import LRUCache
from .current import content

@dataclass
class Picture:
    """One computed picture of a workshop, with the fragments rendered from it."""

    revision: int
    computed_at: float
    summary: dict[str, Any]
    fragments: dict[Any, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fragment(self, key: Any, build: Callable[[], Any]) -> Any:
        """Something made from this picture (a page fragment, a payload), made once."""
        with self.lock:
            if key not in self.fragments:
                self.fragments[key] = build()
            return self.fragments[key]


_PICTURES: dict[tuple, Picture] = {}
_LOCKS = LRUCache(256)
_GUARD = threading.Lock()


def picture(workshop: Mapping[str, Any], load: Callable[[], Mapping[str, Any]] | None = None) -> Picture:
    """The workshop's current picture: cached while its revision stands, recomputed at most once a second.

    ``workshop`` needs only its id and revision when ``load`` is given: ``load()`` reads the whole
    workshop only when the picture must be computed."""
    key = (current_app.config["DATABASE"], workshop["id"])
    min_age = current_app.config["LIVE_MIN_AGE"]
    found = _fresh(key, workshop["revision"], min_age)
    if found is not None:
        return found
    lock = _LOCKS.get(key, threading.Lock)
    with lock:  # one thread computes, the others of this worker wait and share it
        found = _fresh(key, workshop["revision"], min_age)
        if found is not None:
            return found
        summary = service.room_summary(get_db(), content(), load() if load is not None else workshop)
        made = Picture(revision=workshop["revision"], computed_at=time.monotonic(), summary=summary)
        with _GUARD:
            _PICTURES[key] = made
            if len(_PICTURES) > 256:
                _PICTURES.pop(next(iter(_PICTURES)))
        return made


def _fresh(key: tuple, revision: int, min_age: float) -> Picture | None:
    with _GUARD:
        found = _PICTURES.get(key)
    if found is None:
        return None
    if found.revision == revision or time.monotonic() - found.computed_at < min_age:
        return found
    return None


def clear_pictures() -> None:
    with _GUARD:
        _PICTURES.clear()
    _SEATS.clear()


# A phone's participant, as checked at a revision of its workshop: (database, workshop, token hash) -> seat.
_SEATS = LRUCache(4096)
# Per thread: a connection kept open for the phones' polls (reads only; not the request's connection, whose
# own commits would not move its data version), and the views it read, with the data version they were read at.
_READERS = store.KeptConnections()
_VIEWS = threading.local()


def reader():
    """This thread's kept-open connection to the app's database, for what phones poll (reads only), and the
    views read on it; reset when the request ends (release_reader)."""
    db = _READERS.get(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT_MS"])
    g.live_reader = db
    held = getattr(_VIEWS, "held", None)
    if held is None or held["db"] is not db:
        held = _VIEWS.held = {"db": db, "views": {}}
    return held


def release_reader(_exc: BaseException | None = None) -> None:
    """End the request's use of the reader: no statement it began keeps an old snapshot for the next."""
    db = g.pop("live_reader", None)
    if db is not None:
        _READERS.release(db)


def phone_view(code: str) -> dict[str, Any] | None:
    """store.phone_view for a polling phone, without a query while nothing was written to the database.

    The kept-open connection's data version (one PRAGMA, no disk read) changes whenever any other
    connection, in any worker, commits: until it does, the view read last is still the database's.
    """
    held = reader()
    version = store.data_version(held["db"])  # before the read: a commit during it is seen next time
    code = store.normalise_code(code)
    found = held["views"].get(code)
    if found is not None and found[0] == version:
        return found[1]
    view = store.phone_view(held["db"], code)
    if len(held["views"]) > 256:
        held["views"].clear()
    held["views"][code] = (version, view)
    return view


def seat(view: Mapping[str, Any], token: str | None) -> dict[str, Any]:
    """The participant a phone's cookie names in the workshop of ``view`` (store.phone_view): {id, revision}.

    Checked in the database only when the workshop's revision moved since this worker last checked it:
    a removal, like every change to a participant or their answers, counts the revision up, so a phone
    polling a quiet room costs no query beyond the one that read ``view``. Raise store.NotFound for a
    cookie that names nobody here, store.ParticipantRemoved for someone the facilitator removed.
    """
    if not token:
        raise store.NotFound("not a participant")
    key = (current_app.config["DATABASE"], view["id"], store.hash_token(token))
    found = _SEATS.peek(key)
    if found is not None and found["revision"] == view["revision"]:
        return found
    response = store.participant(reader()["db"], view, token)
    checked = {"id": response["id"], "revision": view["revision"]}
    _SEATS.put(key, checked)
    return checked
