"""Second rounds: after the room discusses a disputed question, everyone votes on it again.

Round one is the participants' answers; each later round of a question has its own votes,
kept beside them, so a report can show how the room moved. One round is open at a time.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlite_utils import Database

from .db import NotFound, StoreError, now_iso, transaction
from .workshops import require_open_workshop

_COLUMNS = ("id", "workshop_id", "question_id", "number", "opened_at", "closed_at")


class RoundOpen(StoreError):
    """Another question's round is still open: close it first."""


class RoundClosed(StoreError):
    """This round is closed: its votes can no longer change."""


def _round(row) -> dict[str, Any]:
    if row is None:
        raise NotFound("no such round")
    return dict(zip(_COLUMNS, row))


def open_round(db: Database, workshop_id: int, question_id: str) -> int:
    """Open the next round of voting on one question; return its id.

    Raise RoundOpen while another round is open, AssessmentClosed once the workshop is closed.
    """
    with transaction(db):
        require_open_workshop(db, workshop_id)
        current = db.execute("SELECT question_id FROM workshop_rounds WHERE workshop_id = ? AND closed_at IS NULL",
                             [workshop_id]).fetchone()
        if current is not None:
            raise RoundOpen(f"the round on {current[0]} is still open")
        number = db.execute("SELECT COALESCE(max(number), 1) + 1 FROM workshop_rounds WHERE workshop_id = ? "
                            "AND question_id = ?", [workshop_id, question_id]).fetchone()[0]
        return db.execute("INSERT INTO workshop_rounds (workshop_id, question_id, number, opened_at) "
                          "VALUES (?, ?, ?, ?)", [workshop_id, question_id, number, now_iso()]).lastrowid


def close_round(db: Database, workshop_id: int, round_id: int) -> None:
    """Stop the voting of a round (closing it twice changes nothing)."""
    with transaction(db):
        changed = db.execute("UPDATE workshop_rounds SET closed_at = ? WHERE id = ? AND workshop_id = ? "
                             "AND closed_at IS NULL", [now_iso(), round_id, workshop_id]).rowcount
        if not changed:
            get_round(db, workshop_id, round_id)  # NotFound for a round of another workshop


def get_round(db: Database, workshop_id: int, round_id: int) -> dict[str, Any]:
    return _round(db.execute(f"SELECT {', '.join(_COLUMNS)} FROM workshop_rounds WHERE id = ? AND workshop_id = ?",
                             [round_id, workshop_id]).fetchone())


def open_round_of(db: Database, workshop_id: int) -> dict[str, Any] | None:
    """The round being voted on now, or None."""
    row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM workshop_rounds WHERE workshop_id = ? AND closed_at IS NULL",
                     [workshop_id]).fetchone()
    return _round(row) if row else None


def rounds_with_votes(db: Database, workshop_id: int) -> list[dict[str, Any]]:
    """Every round of the workshop, oldest first, with its votes ({response id: level or None}).

    Votes of participants the facilitator removed are left out.
    """
    rounds = {row[0]: dict(_round(row), votes={}) for row in db.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM workshop_rounds WHERE workshop_id = ? ORDER BY id", [workshop_id])}
    for round_id, response_id, level in db.execute(
            """SELECT v.round_id, v.response_id, v.level FROM round_votes v
               JOIN workshop_rounds w ON w.id = v.round_id JOIN responses r ON r.id = v.response_id
               WHERE w.workshop_id = ? AND r.removed_at IS NULL""", [workshop_id]):
        rounds[round_id]["votes"][response_id] = level
    return list(rounds.values())


def save_vote(db: Database, workshop: Mapping[str, Any], round_id: int, response_id: int, level: int | None) -> None:
    """Record (or change) one participant's vote in an open round; a replayed vote changes nothing.

    Raise RoundClosed after the round closed, AssessmentClosed once the workshop is closed.
    """
    with transaction(db):
        require_open_workshop(db, workshop["id"])
        row = db.execute("SELECT closed_at FROM workshop_rounds WHERE id = ? AND workshop_id = ?",
                         [round_id, workshop["id"]]).fetchone()
        if row is None:
            raise NotFound("no such round")
        if row[0] is not None:
            raise RoundClosed("this round is closed")
        db.execute("""INSERT INTO round_votes (round_id, response_id, level, updated_at) VALUES (?, ?, ?, ?)
                      ON CONFLICT (round_id, response_id) DO UPDATE SET level = excluded.level,
                      updated_at = excluded.updated_at WHERE round_votes.level IS NOT excluded.level""",
                   [round_id, response_id, level, now_iso()])


def vote_of(db: Database, round_id: int, response_id: int) -> tuple[bool, int | None]:
    """(whether this participant voted in the round, their level or None for don't know)."""
    row = db.execute("SELECT level FROM round_votes WHERE round_id = ? AND response_id = ?",
                     [round_id, response_id]).fetchone()
    return (row is not None, row[0] if row else None)

