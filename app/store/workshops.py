"""Workshops: many participants answering one assessment, joined by a code, without accounts."""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from sqlite_utils import Database

from .db import (MAX_PERIOD, AssessmentClosed, NotFound, StoreError, hash_token, new_token, now_iso, safe_text,
                 storage_fault, transaction)
from .responses import insert_snapshot, response_by_token

# No 0/O, 1/I/L: a code read from a projector must not be misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
JOIN_FAILURE_LIMIT = 30
JOIN_FAILURE_WINDOW = 10 * 60
MAX_TITLE = 120
MODES = ("anonymous", "named")
_WORKSHOP_COLUMNS = ("id", "org_id", "assessment_id", "title", "mode", "roles_json", "join_code", "context_json",
                     "revealed", "status", "created_by", "created_at", "closed_at", "unit_id", "questionnaire_id",
                     "questionnaire_version", "snapshot_id", "period", "started_at", "screen", "cancelled_at",
                     "reopened_at", "revision", "expected_headcount", "plan_json")
# A closed workshop can be re-opened by its facilitator for this long after it closed.
REOPEN_SECONDS = 24 * 3600


class InvalidTitle(StoreError):
    """A workshop needs a title."""


class UnknownMode(StoreError):
    """A workshop is anonymous or named."""


class NothingToClose(StoreError):
    """Nobody has answered: closing would add an empty result to the history (cancel instead)."""


class WorkshopHasAnswers(StoreError):
    """People have answered: the workshop can be closed, not cancelled."""


class CannotReopen(StoreError):
    """Only a closed (not cancelled) workshop can be re-opened, within REOPEN_SECONDS of closing."""


class ParticipantRemoved(NotFound):
    """The facilitator removed this participant from the workshop."""


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What people type: any case, with spaces or a dash in the middle."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def _row(row) -> dict[str, Any]:
    if row is None:
        raise NotFound("no such workshop")
    workshop = dict(zip(_WORKSHOP_COLUMNS, row))
    workshop["roles"] = json.loads(workshop.pop("roles_json"))
    workshop["context"] = json.loads(workshop.pop("context_json"))
    plan_json = workshop.pop("plan_json")
    workshop["plan"] = json.loads(plan_json) if plan_json else {}
    workshop["revealed"] = bool(workshop["revealed"])
    workshop["cancelled"] = workshop["cancelled_at"] is not None
    workshop["started"] = workshop["started_at"] is not None
    return workshop


_SELECT = """SELECT w.id, w.org_id, w.assessment_id, w.title, w.mode, w.roles_json, w.join_code, w.context_json,
                    w.revealed, w.status, w.created_by, w.created_at, w.closed_at, a.unit_id, a.questionnaire_id,
                    a.questionnaire_version, a.snapshot_id, a.period, w.started_at, w.screen, w.cancelled_at,
                    w.reopened_at, w.revision, w.expected_headcount, a.plan_json
             FROM workshops w JOIN assessments a ON a.id = w.assessment_id"""
# A workshop of an organisation in the trash opens for nobody, participants included.
_LIVE_ORG = "NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = w.org_id AND o.trash_id IS NOT NULL)"


def create_workshop(db: Database, org_id: int, user_id: int, *, title: str, mode: str, roles: list[str],
                    context: Mapping[str, Any], questionnaire_id: str, questionnaire_version: str,
                    unit_id: int | None = None, previous_id: int | None = None, period: str | None = None) -> int:
    """Create a workshop and the open assessment its participants answer; return its id.

    ``previous_id``: an earlier submitted assessment of the organisation to show beside the room.
    ``period``: the period its result is for (default: today's quarter).
    """
    title = safe_text(" ".join((title or "").split())[:MAX_TITLE], "the workshop's title", MAX_TITLE)
    if not title:
        raise InvalidTitle("give the workshop a title")
    if mode not in MODES:
        raise UnknownMode("mode must be anonymous or named")
    roles = list(dict.fromkeys(safe_text(" ".join(r.split())[:40], "a role", 40) for r in roles if r and r.strip()))[:8]
    today = date.today()
    with transaction(db):
        if unit_id is not None and db.execute("SELECT 1 FROM units WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                                              [unit_id, org_id]).fetchone() is None:
            raise NotFound("no such unit")
        if previous_id is not None and db.execute("SELECT 1 FROM assessments WHERE id = ? AND org_id = ? AND "
                                                  "status = 'closed' AND trash_id IS NULL", [previous_id, org_id]).fetchone() is None:
            raise NotFound("no such submitted assessment")
        assessment_id = db["assessments"].insert({
            "kind": "workshop", "previous_id": previous_id, "title": title, "questionnaire_id": questionnaire_id,
            "questionnaire_version": questionnaire_version, "created_at": now_iso(), "org_id": org_id,
            "unit_id": unit_id,
            "period": safe_text(" ".join((period or "").split())[:MAX_PERIOD], "the period", MAX_PERIOD)
            or f"{today.year}-Q{(today.month - 1) // 3 + 1}",
            "assessed_on": today.isoformat(),
        }).last_pk
        for _ in range(20):
            code = new_join_code()
            if db.execute("SELECT 1 FROM workshops WHERE join_code = ?", [code]).fetchone() is None:
                break
        return db["workshops"].insert({
            "org_id": org_id, "assessment_id": assessment_id, "title": title, "mode": mode,
            "roles_json": json.dumps(roles), "join_code": code, "context_json": json.dumps(dict(context)),
            "created_by": user_id, "created_at": now_iso(),
        }).last_pk


def get_workshop(db: Database, org_id: int, workshop_id: int) -> dict[str, Any]:
    return _row(db.execute(_SELECT + " WHERE w.id = ? AND w.org_id = ? AND w.trash_id IS NULL", [workshop_id, org_id]).fetchone())


def workshop_by_code(db: Database, code: str) -> dict[str, Any]:
    """The workshop a code opens; raise NotFound for unknown codes."""
    return _row(db.execute(_SELECT + " WHERE w.join_code = ? AND w.trash_id IS NULL AND " + _LIVE_ORG, [normalise_code(code)]).fetchone())


def phone_view(db: Database, code: str) -> dict[str, Any] | None:
    """What a participant's phone polls for, in one query: the workshop a code opens (id, assessment,
    questionnaire, revision), its status, whether the room's picture is shown and the round being voted
    on now (None when there is none). None for an unknown code."""
    row = db.execute(
        """SELECT w.id, w.assessment_id, a.questionnaire_id, w.revision, w.status, w.revealed,
                  (SELECT r.id FROM workshop_rounds r WHERE r.workshop_id = w.id AND r.closed_at IS NULL)
           FROM workshops w JOIN assessments a ON a.id = w.assessment_id
           WHERE w.join_code = ? AND w.trash_id IS NULL AND a.trash_id IS NULL AND """ + _LIVE_ORG,
        [normalise_code(code)]).fetchone()
    if row is None:
        return None
    keys = ("id", "assessment_id", "questionnaire_id", "revision", "status", "revealed", "round")
    return dict(zip(keys, row), revealed=bool(row[5]))


def workshops_of(db: Database, org_id: int) -> list[dict[str, Any]]:
    rows = db.execute(_SELECT + " WHERE w.org_id = ? AND w.trash_id IS NULL ORDER BY w.created_at DESC, w.id DESC", [org_id]).fetchall()
    return [_row(r) for r in rows]


def join_workshop(db: Database, workshop: Mapping[str, Any], display_name: str = "", role: str | None = None,
                  address: str | None = None, limit: int | None = None) -> str:
    """Add a participant; return the token that identifies them (kept in their cookie).

    With an ``address`` and a ``limit``, raise TooManyJoins when that many have joined this workshop
    from the address already (removed ones count too), checked and recorded in one write transaction.
    """
    token = new_token()
    now = now_iso()
    joined_from = hash_token(f"join-address:{address}") if address is not None else None
    with transaction(db):
        row = db.execute("SELECT status, reopened_at FROM workshops WHERE id = ?", [workshop["id"]]).fetchone()
        if row is None or row[0] != "open" or row[1] is not None:
            raise AssessmentClosed("this workshop is closed to new participants")
        if joined_from is not None and limit is not None and db.execute(
                "SELECT count(*) FROM responses WHERE assessment_id = ? AND join_address = ?",
                [workshop["assessment_id"], joined_from]).fetchone()[0] >= limit:
            raise TooManyJoins(f"{limit} people have joined this workshop from this address")
        db["responses"].insert({
            "assessment_id": workshop["assessment_id"], "token_hash": hash_token(token), "step": "governance",
            "created_at": now, "updated_at": now,
            "display_name": safe_text(" ".join((display_name or "").split())[:60], "the name", 60) or None,
            "role": role, "join_address": joined_from,
        })
    return token


def set_expected_headcount(db: Database, workshop: Mapping[str, Any], headcount: int | None) -> None:
    """How many people the facilitator expects in the room (None: not said)."""
    with transaction(db):
        require_open_workshop(db, workshop["id"])
        db.execute("UPDATE workshops SET expected_headcount = ? WHERE id = ?", [headcount, workshop["id"]])


def remove_batch(db: Database, workshop: Mapping[str, Any], minute: str) -> int:
    """Take everyone who joined in one minute (``minute``: YYYY-MM-DDTHH:MM, UTC) out of the workshop,
    as remove_participant does one; return how many. Raise AssessmentClosed once it is closed."""
    with transaction(db):
        require_open_workshop(db, workshop["id"])
        return db.execute("UPDATE responses SET removed_at = ? WHERE assessment_id = ? AND removed_at IS NULL "
                          "AND substr(created_at, 1, 16) = ?", [now_iso(), workshop["assessment_id"], minute]).rowcount


def participant(db: Database, workshop: Mapping[str, Any], token: str | None) -> dict[str, Any]:
    """The participant a cookie token identifies in this workshop; raise NotFound otherwise."""
    if not token:
        raise NotFound("not a participant")
    response = response_by_token(db, token)
    if response["assessment_id"] != workshop["assessment_id"]:
        raise NotFound("not a participant of this workshop")
    row = db.execute("SELECT display_name, role, removed_at FROM responses WHERE id = ?", [response["id"]]).fetchone()
    response["display_name"], response["role"], removed_at = row
    if removed_at is not None:
        raise ParticipantRemoved("the facilitator removed this participant")
    return response


def responses_with_answers(db: Database, assessment_id: int) -> list[dict[str, Any]]:
    """Every participant (not removed) with their answers, in one query."""
    people: dict[int, dict[str, Any]] = {}
    rows = db.execute(
        """SELECT r.id, r.display_name, r.role, r.status, a.question_id, a.level
           FROM responses r LEFT JOIN answers a ON a.response_id = r.id
           WHERE r.assessment_id = ? AND r.removed_at IS NULL ORDER BY r.id""",
        [assessment_id],
    ).fetchall()
    for response_id, name, role, status, question_id, level in rows:
        person = people.setdefault(response_id, {"id": response_id, "display_name": name, "role": role,
                                                 "status": status, "answers": {}})
        if question_id is not None:
            person["answers"][question_id] = level
    return list(people.values())


def participants(db: Database, assessment_id: int) -> list[dict[str, Any]]:
    """Every participant (not removed) with their status, how many questions they answered and when they
    joined and were last active (their latest answer or second-round vote), in the order they joined:
    the facilitator's list."""
    rows = db.execute(
        """SELECT r.id, r.display_name, r.role, r.status, r.created_at,
                  max(r.updated_at, COALESCE((SELECT max(a.updated_at) FROM answers a WHERE a.response_id = r.id),
                                             r.updated_at),
                      COALESCE((SELECT max(v.updated_at) FROM round_votes v WHERE v.response_id = r.id),
                               r.updated_at)),
                  (SELECT count(*) FROM answers a WHERE a.response_id = r.id)
           FROM responses r WHERE r.assessment_id = ? AND r.removed_at IS NULL ORDER BY r.id""",
        [assessment_id],
    ).fetchall()
    cols = ("id", "display_name", "role", "status", "joined_at", "active_at", "answered")
    return [dict(zip(cols, row), number=i + 1) for i, row in enumerate(rows)]


def remove_participant(db: Database, workshop: Mapping[str, Any], response_id: int) -> None:
    """Take a participant (a ghost, a test join) out of the workshop: their answers leave every figure.

    The row is kept, marked removed, so nothing is silently deleted. Raise NotFound for someone
    not in this workshop (or already removed), AssessmentClosed once the workshop is closed.
    """
    with transaction(db):
        require_open_workshop(db, workshop["id"])
        changed = db.execute("UPDATE responses SET removed_at = ? WHERE id = ? AND assessment_id = ? "
                             "AND removed_at IS NULL", [now_iso(), response_id, workshop["assessment_id"]]).rowcount
        if not changed:
            raise NotFound("no such participant in this workshop")


def require_open_workshop(db: Database, workshop_id: int) -> None:
    """Raise NotFound for no such workshop, AssessmentClosed for a closed one (call inside a transaction)."""
    row = db.execute("SELECT status FROM workshops WHERE id = ?", [workshop_id]).fetchone()
    if row is None:
        raise NotFound("no such workshop")
    if row[0] != "open":
        raise AssessmentClosed("this workshop is closed")


def answer_count(db: Database, assessment_id: int) -> int:
    """How many answers (levels or don't know) the workshop's participants gave, removed ones left out."""
    return db.execute("SELECT count(*) FROM answers a JOIN responses r ON r.id = a.response_id "
                      "WHERE r.assessment_id = ? AND r.removed_at IS NULL", [assessment_id]).fetchone()[0]


def submit_participant(db: Database, response_id: int) -> None:
    with transaction(db):
        row = db.execute("""SELECT w.status FROM responses r JOIN workshops w ON w.assessment_id = r.assessment_id
                            WHERE r.id = ?""", [response_id]).fetchone()
        if row is None:
            raise NotFound("no such participant")
        if row[0] != "open":
            raise AssessmentClosed("this workshop is closed")
        now = now_iso()
        db.execute("UPDATE responses SET status = 'submitted', submitted_at = COALESCE(submitted_at, ?), "
                   "updated_at = ?, step = 'review' WHERE id = ?", [now, now, response_id])


def set_revealed(db: Database, workshop_id: int, revealed: bool) -> None:
    with transaction(db):
        db.execute("UPDATE workshops SET revealed = ? WHERE id = ?", [1 if revealed else 0, workshop_id])


def start_workshop(db: Database, workshop_id: int) -> None:
    """The facilitator starts: the projector's join code moves to a corner (joining stays open)."""
    with transaction(db):
        require_open_workshop(db, workshop_id)
        db.execute("UPDATE workshops SET started_at = COALESCE(started_at, ?) WHERE id = ?", [now_iso(), workshop_id])


def set_screen(db: Database, workshop_id: int, screen: str) -> None:
    """Which results view the projector shows (the web checks the name)."""
    with transaction(db):
        db.execute("UPDATE workshops SET screen = ? WHERE id = ?", [screen[:120], workshop_id])


def set_workshop_importance(db: Database, workshop: Mapping[str, Any], areas: Mapping[str, str]) -> dict[str, str]:
    """Set how much each capability area matters ({area: low|normal|high}; an area left out is derived
    from the pain again), keeping importance set per practice; return the importance now planned with.

    Kept with the assessment's planning choices, so closing freezes it with the result.
    Raise AssessmentClosed when the workshop is closed.
    """
    with transaction(db):
        require_open_workshop(db, workshop["id"])
        (plan_json,) = db.execute("SELECT plan_json FROM assessments WHERE id = ?",
                                  [workshop["assessment_id"]]).fetchone()
        plan = json.loads(plan_json) if plan_json else {}
        practices = {k: v for k, v in (plan.get("importance") or {}).items() if "." in k}
        importance = {**dict(areas), **practices}
        if importance:
            plan["importance"] = importance
        else:
            plan.pop("importance", None)
        db.execute("UPDATE assessments SET plan_json = ? WHERE id = ?",
                   [json.dumps(plan) if plan else None, workshop["assessment_id"]])
    return importance


def consensus(db: Database, workshop_id: int) -> dict[str, dict[str, Any]]:
    rows = db.execute("SELECT question_id, level, note, evidence, reference FROM consensus WHERE workshop_id = ?",
                      [workshop_id])
    return {r[0]: {"level": r[1], "note": r[2], "evidence": r[3], "reference": r[4]} for r in rows}


def set_consensus(db: Database, workshop_id: int, question_id: str, level: int | None, note: str,
                  user_id: int | None, evidence: str | None = None, reference: str | None = None) -> None:
    """Record (or, with level None, remove) the level the room agreed on for one question, and (when given)
    the evidence the room agreed shows it; evidence None keeps what was recorded before."""
    with transaction(db):
        require_open_workshop(db, workshop_id)
        if level is None:
            db.execute("DELETE FROM consensus WHERE workshop_id = ? AND question_id = ?", [workshop_id, question_id])
            return
        db.execute(
            """INSERT INTO consensus (workshop_id, question_id, level, note, updated_at, updated_by)
               VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workshop_id, question_id) DO UPDATE SET
               level = excluded.level, note = excluded.note, updated_at = excluded.updated_at,
               updated_by = excluded.updated_by""",
            [workshop_id, question_id, level, " ".join((note or "").split())[:500], now_iso(), user_id],
        )
        if evidence is not None or reference is not None:
            db.execute("UPDATE consensus SET evidence = COALESCE(?, evidence), reference = COALESCE(?, reference) "
                       "WHERE workshop_id = ? AND question_id = ?",
                       [None if evidence is None else " ".join(evidence.split())[:500],
                        None if reference is None else " ".join(reference.split())[:300], workshop_id, question_id])


def close_workshop(db: Database, workshop: Mapping[str, Any],
                   compute: Callable[[list[dict[str, Any]], dict[str, dict[str, Any]]], tuple[dict, dict]], *,
                   questionnaire_version: str, content_hash: str) -> int:
    """Close once: freeze the workshop's result in its assessment; return the snapshot id.

    Raise NothingToClose when nobody answered. A workshop re-opened after closing gets a new
    snapshot that supersedes the earlier one, which is kept.
    """
    now = now_iso()
    with transaction(db):
        row = db.execute("SELECT w.status, a.snapshot_id, w.reopened_at, w.cancelled_at FROM workshops w "
                         "JOIN assessments a ON a.id = w.assessment_id WHERE w.id = ?", [workshop["id"]]).fetchone()
        if row is None:
            raise NotFound("no such workshop")
        status, snapshot_id, reopened_at, cancelled_at = row
        if status == "closed" and (snapshot_id is not None or cancelled_at is not None):
            if snapshot_id is None:
                raise AssessmentClosed("this workshop was cancelled")
            return snapshot_id
        if answer_count(db, workshop["assessment_id"]) == 0:
            raise NothingToClose("nobody has answered yet")
        result, figures = compute(responses_with_answers(db, workshop["assessment_id"]),
                                  consensus(db, workshop["id"]))
        reason = "workshop closed again after re-opening" if reopened_at else "workshop closed"
        snapshot_id = insert_snapshot(db, workshop["assessment_id"], result, figures, reason=reason,
                                      questionnaire_version=questionnaire_version, content_hash=content_hash)
        db.execute("UPDATE workshops SET status = 'closed', closed_at = ?, reopened_at = NULL WHERE id = ?",
                   [now, workshop["id"]])
        db.execute("UPDATE assessments SET status = 'closed', closed_at = ?, snapshot_id = ? WHERE id = ?",
                   [now, snapshot_id, workshop["assessment_id"]])
        db.execute("UPDATE responses SET status = 'submitted', submitted_at = COALESCE(submitted_at, ?) "
                   "WHERE assessment_id = ?", [now, workshop["assessment_id"]])
        db.execute("UPDATE workshop_rounds SET closed_at = ? WHERE workshop_id = ? AND closed_at IS NULL",
                   [now, workshop["id"]])
    return snapshot_id


def cancel_workshop(db: Database, workshop: Mapping[str, Any]) -> None:
    """End a workshop nobody answered, with no result: it never enters the organisation's history.

    Raise WorkshopHasAnswers when someone answered (close it instead), AssessmentClosed when
    it already ended.
    """
    now = now_iso()
    with transaction(db):
        require_open_workshop(db, workshop["id"])
        if db.execute("SELECT reopened_at FROM workshops WHERE id = ?", [workshop["id"]]).fetchone()[0]:
            raise WorkshopHasAnswers("a re-opened workshop has a result: close it again instead")
        if answer_count(db, workshop["assessment_id"]):
            raise WorkshopHasAnswers("people have answered: close the workshop instead")
        db.execute("UPDATE workshops SET status = 'closed', closed_at = ?, cancelled_at = ? WHERE id = ?",
                   [now, now, workshop["id"]])


def reopen_deadline(workshop: Mapping[str, Any]) -> datetime | None:
    """Until when a closed workshop can be re-opened, or None when it cannot be (open, cancelled)."""
    if workshop["status"] != "closed" or workshop.get("cancelled_at") or not workshop.get("closed_at"):
        return None
    return datetime.fromisoformat(workshop["closed_at"]) + timedelta(seconds=REOPEN_SECONDS)


def reopen_workshop(db: Database, workshop: Mapping[str, Any], now: datetime | None = None) -> None:
    """Open a closed workshop again, within REOPEN_SECONDS of closing, to change agreed levels or vote again.

    Its frozen result stays in the organisation's history until the workshop closes again, and is
    then superseded by a new snapshot, never deleted. Nobody new can join a re-opened workshop.
    """
    now = now or datetime.now(timezone.utc)
    with transaction(db):
        current = get_workshop(db, workshop["org_id"], workshop["id"])
        deadline = reopen_deadline(current)
        if deadline is None:
            raise CannotReopen("only a closed workshop with a result can be re-opened")
        if now > deadline:
            raise CannotReopen("a workshop can be re-opened only within 24 hours of closing")
        db.execute("UPDATE workshops SET status = 'open', reopened_at = ? WHERE id = ?",
                   [now.isoformat(timespec="seconds"), workshop["id"]])


class TooManyJoins(StoreError):
    """As many people as a room holds have joined this workshop from one address."""


class TooManyJoinAttempts(StoreError):
    """Too many wrong workshop codes from this address lately: no code is looked up for it now."""


def workshop_for_join(db: Database, code: str, address: str, now: float | None = None) -> dict[str, Any] | None:
    """The workshop a join code names (open or closed), or None for an unknown code, which counts against the address.

    The count of the address's recent wrong codes, the refusal (TooManyJoinAttempts) and the
    record of a new wrong code happen in one write transaction: attempts racing in other
    threads or workers wait for it, so exactly JOIN_FAILURE_LIMIT wrong codes are answered.
    The count is shared by every worker through the database.
    """
    now = time.time() if now is None else now
    try:
        with transaction(db):
            return _look_up_join_code(db, code, address, now)
    except sqlite3.OperationalError as err:
        if storage_fault(err) != "read-only":
            raise
        # The file cannot be written: a known code still shows its page (joining itself is then refused),
        # a wrong one is refused with the fault, since it cannot be counted against the address.
        found = _look_up_join_code(db, code, address, now, record=False)
        if found is None:
            raise
        return found


def _look_up_join_code(db: Database, code: str, address: str, now: float, record: bool = True) -> dict[str, Any] | None:
    count = db.execute("SELECT count(*) FROM join_failures WHERE address = ? AND at > ?",
                       [address[:64], now - JOIN_FAILURE_WINDOW]).fetchone()[0]
    if count >= JOIN_FAILURE_LIMIT:
        raise TooManyJoinAttempts(f"{count} wrong codes from this address in the last "
                                  f"{JOIN_FAILURE_WINDOW // 60} minutes")
    try:
        return workshop_by_code(db, code)
    except NotFound:
        if record:
            db.execute("INSERT INTO join_failures (address, at) VALUES (?, ?)", [address[:64], now])
            db.execute("DELETE FROM join_failures WHERE at < ?", [now - 24 * 3600])
        return None


def workshop_of_assessment(db: Database, org_id: int, assessment_id: int) -> int | None:
    """The id of the workshop an organisation's assessment was answered in, or None."""
    row = db.execute("SELECT id FROM workshops WHERE assessment_id = ? AND org_id = ? AND trash_id IS NULL",
                     [assessment_id, org_id]).fetchone()
    return row[0] if row else None
