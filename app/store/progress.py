"""Roadmap progress: where each improvement stands, recorded per organisation (or unit) and
carried forward from one assessment to the next.

Progress is saved a phase (or a whole sheet) at a time: every change is checked first and
then all are written in one transaction, so a bad row leaves nothing half saved.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from sqlite_utils import Database

from ..engine.progress import PROGRESS_STATUSES
from .db import InvalidName, StoreError, safe_text, transaction
from .history import InvalidDate, check_date

MAX_OWNER = 80
MAX_NOTE = 200
FIELDS = ("status", "due_on", "done_on", "owner", "note")


class ProgressRefused(StoreError):
    """One change of a progress save cannot be kept; ``item_id`` names the improvement."""

    def __init__(self, message: str, item_id: str = "", field: str = ""):
        super().__init__(message)
        self.item_id = item_id
        self.field = field  # which of the change's fields was refused (status, due_on, done_on, owner, note)


class UnknownStatus(ProgressRefused):
    """A roadmap progress status is not one of PROGRESS_STATUSES."""


class ReasonNeeded(ProgressRefused):
    """An improvement was dropped without a reason in its note."""


class InvalidProgressDate(ProgressRefused, InvalidDate):
    """A due or done date is not an ISO date."""


class NoteTooLong(ProgressRefused):
    """A note (or an owner's name) is longer than the one line it is meant to be."""


class UnsafeProgressText(ProgressRefused):
    """An owner's name or a note holds a character engine.names.check_name refuses."""


def progress(db: Database, org_id: int, unit_key: int = 0) -> dict[str, dict[str, Any]]:
    """What was recorded per improvement id, for the organisation (unit_key 0) or one unit."""
    rows = db.execute("SELECT item_id, status, due_on, done_on, owner, note, updated_at FROM roadmap_progress "
                      "WHERE org_id = ? AND unit_key = ?", [org_id, unit_key]).fetchall()
    return {r[0]: {"status": r[1], "due_on": r[2], "done_on": r[3], "owner": r[4], "note": r[5], "updated_at": r[6]}
            for r in rows}


def clean_change(change: Mapping[str, Any]) -> dict[str, Any]:
    """One change checked and tidied (status, dates, a one-line owner and note); raise a ProgressRefused."""
    item_id = str(change.get("item_id") or "")[:80]
    status = change.get("status") or ""
    if status not in PROGRESS_STATUSES:
        raise UnknownStatus(f"status must be one of {', '.join(PROGRESS_STATUSES)}", item_id, "status")
    clean = {"item_id": item_id, "status": status}
    for key in ("due_on", "done_on"):
        value = str(change.get(key) or "").strip()
        if value:
            try:
                check_date(value)
            except InvalidDate:
                raise InvalidProgressDate(f"the {'due' if key == 'due_on' else 'done'} date must look like "
                                          "2026-11-25", item_id, key) from None
        clean[key] = value or None
    for key, limit in (("owner", MAX_OWNER), ("note", MAX_NOTE)):
        text = " ".join(str(change.get(key) or "").split())
        if len(text) > limit:
            raise NoteTooLong(f"the {key} can have at most {limit} characters", item_id, key)
        try:
            clean[key] = safe_text(text, f"the {key}", limit)
        except InvalidName as err:
            raise UnsafeProgressText(str(err), item_id, key) from None
    if status == "dropped" and not clean["note"]:
        raise ReasonNeeded("an improvement that is dropped needs the reason in its note", item_id, "note")
    return clean


def save_progress(db: Database, org_id: int, changes: Sequence[Mapping[str, Any]], *, user_id: int | None,
                  unit_key: int = 0, written_out: list | None = None) -> int:
    """Record many improvements' progress at once: all or nothing; return how many changed.

    Changes that repeat what is recorded are not written again, so "updated by" stays true.
    ``written_out``, when given, receives the changes that were written (for the audit log).
    """
    cleaned = [clean_change(change) for change in changes]
    # Microseconds: two saves in one second must still change the dashboard's cache key.
    now = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    written = 0
    with transaction(db):
        recorded = progress(db, org_id, unit_key)
        for change in cleaned:
            before = recorded.get(change["item_id"])
            if before is None and change["status"] == "planned" and not any(change[k] for k in FIELDS[1:]):
                continue  # nothing recorded and nothing to record
            if before is not None and all((before[k] or None) == (change[k] or None) for k in FIELDS):
                continue
            db.execute(
                """INSERT INTO roadmap_progress (org_id, unit_key, item_id, status, due_on, done_on, owner, note,
                                                 updated_at, updated_by)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (org_id, unit_key, item_id) DO UPDATE SET status = excluded.status,
                   due_on = excluded.due_on, done_on = excluded.done_on, owner = excluded.owner,
                   note = excluded.note, updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
                [org_id, unit_key, change["item_id"], change["status"], change["due_on"], change["done_on"],
                 change["owner"], change["note"], now, user_id],
            )
            written += 1
            if written_out is not None:
                written_out.append(change)
    return written


def set_progress(db: Database, org_id: int, item_id: str, status: str, *, due_on: str | None = None,
                 done_on: str | None = None, owner: str = "", note: str = "", user_id: int | None,
                 unit_key: int = 0) -> None:
    """Record where one roadmap item stands; it carries forward to later assessments."""
    save_progress(db, org_id, [{"item_id": item_id, "status": status, "due_on": due_on, "done_on": done_on,
                                "owner": owner, "note": note}], user_id=user_id, unit_key=unit_key)
