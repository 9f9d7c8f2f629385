"""Assessments, responses, answers and frozen result snapshots."""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Mapping

from sqlite_utils import Database

from ..engine.history import summarise
from .db import AssessmentClosed, NotFound, StoreError, hash_token, new_token, now_iso, transaction


class AssessmentOpen(StoreError):
    """The assessment has not been submitted (closed) yet, so it has no result to work on."""

# --------------------------------------------------------------------------
# Self-assessments: one assessment with one response, reached by a private token
# --------------------------------------------------------------------------


class TooManyStarts(StoreError):
    """This address started as many stand-alone self-assessments as the limit allows in the window."""

    def __init__(self, wait: int):
        super().__init__(f"too many new self-assessments from this address; try again in {wait} seconds")
        self.wait = wait


def create_self_assessment(db: Database, questionnaire_id: str, questionnaire_version: str,
                           title: str = "", *, address: str | None = None, limit: int | None = None,
                           window: int = 3600, at: float | None = None) -> tuple[int, str]:
    """Create an assessment with one response; return (response id, private token).

    With an ``address`` and a ``limit``, raise TooManyStarts when the address started ``limit`` of
    them in the last ``window`` seconds (counted in the same write transaction, across workers).
    """
    token = new_token()
    now = now_iso()
    at = time.time() if at is None else at
    with transaction(db):
        if address is not None and limit is not None:
            found = db.execute("SELECT at FROM start_log WHERE address = ? AND at > ? ORDER BY at DESC LIMIT ?",
                               [address[:64], at - window, limit]).fetchall()
            if len(found) >= limit:
                raise TooManyStarts(int(found[-1][0] + window - at) + 1)
            db.execute("INSERT INTO start_log (address, at) VALUES (?, ?)", [address[:64], at])
            db.execute("DELETE FROM start_log WHERE at < ?", [at - 24 * 3600])
        assessment_id = db["assessments"].insert({
            "kind": "self",
            "title": title,
            "questionnaire_id": questionnaire_id,
            "questionnaire_version": questionnaire_version,
            "created_at": now,
        }).last_pk
        response_id = db["responses"].insert({
            "assessment_id": assessment_id,
            "token_hash": hash_token(token),
            "created_at": now,
            "updated_at": now,
        }).last_pk
    return response_id, token


def import_self_assessment(db: Database, questionnaire_id: str, questionnaire_version: str, *,
                           answers: Mapping[str, int | None], context: Mapping[str, Any],
                           notes: Mapping[str, str], target: Mapping[str, int] | None,
                           evidence: Mapping[str, Mapping[str, str]] | None = None,
                           plan: Mapping[str, Any] | None = None) -> tuple[int, str]:
    """Create a self-assessment that already holds imported answers, all in one transaction;
    return (response id, private token). The answers were validated before; nothing is half-stored."""
    token = new_token()
    now = now_iso()
    with transaction(db):
        assessment_id = db["assessments"].insert({
            "kind": "self", "title": "", "questionnaire_id": questionnaire_id,
            "questionnaire_version": questionnaire_version, "created_at": now,
            "target_json": json.dumps(dict(target)) if target else None,
            "plan_json": json.dumps(dict(plan)) if plan else None,
        }).last_pk
        response_id = db["responses"].insert({
            "assessment_id": assessment_id, "token_hash": hash_token(token), "created_at": now, "updated_at": now,
            "context_json": json.dumps(dict(context)), "step": "review",
        }).last_pk
        insert_answers(db, response_id, answers, evidence, now)
        db.conn.executemany("INSERT INTO notes (response_id, dimension, text, updated_at) VALUES (?, ?, ?, ?)",
                            [(response_id, dim, text.strip()[:2000], now) for dim, text in notes.items() if text.strip()])
    return response_id, token


_RESPONSE_COLUMNS = ("id", "assessment_id", "step", "context_json", "status", "created_at", "updated_at",
                     "submitted_at", "user_id", "questionnaire_id", "questionnaire_version", "title", "kind",
                     "assessment_status", "target_json", "snapshot_id", "org_id", "period", "assessed_on",
                     "plan_json")
_RESPONSE_SELECT = """
    SELECT r.id, r.assessment_id, r.step, r.context_json, r.status, r.created_at, r.updated_at,
           r.submitted_at, r.user_id, a.questionnaire_id, a.questionnaire_version, a.title, a.kind,
           a.status AS assessment_status, a.target_json, a.snapshot_id, a.org_id, a.period, a.assessed_on,
           a.plan_json
    FROM responses r JOIN assessments a ON a.id = r.assessment_id
"""


def _response_row(row) -> dict[str, Any]:
    if row is None:
        raise NotFound("no such response")
    response = dict(zip(_RESPONSE_COLUMNS, row))
    response["context"] = json.loads(response.pop("context_json"))
    target = response.pop("target_json")
    response["target"] = json.loads(target) if target else {}
    plan = response.pop("plan_json")
    response["plan"] = json.loads(plan) if plan else None
    return response


def response_by_token(db: Database, token: str) -> dict[str, Any]:
    """Return the response the private token opens, with its assessment's fields; raise NotFound."""
    if not token or len(token) > 200:
        raise NotFound("no such response")
    return _response_row(db.execute(_RESPONSE_SELECT + " WHERE r.token_hash = ? AND a.trash_id IS NULL", [hash_token(token)]).fetchone())


def response_by_id(db: Database, response_id: int) -> dict[str, Any]:
    """Return a response by id (for callers that checked access another way); raise NotFound."""
    return _response_row(db.execute(_RESPONSE_SELECT + " WHERE r.id = ? AND a.trash_id IS NULL", [response_id]).fetchone())


def create_org_assessment(db: Database, org_id: int, user_id: int, questionnaire_id: str,
                          questionnaire_version: str, title: str = "", *, period: str | None = None,
                          assessed_on: str | None = None, unit_id: int | None = None,
                          answers: Mapping[str, int | None] | None = None, context: Mapping[str, Any] | None = None,
                          notes: Mapping[str, str] | None = None, target: Mapping[str, int] | None = None,
                          plan: Mapping[str, Any] | None = None,
                          evidence: Mapping[str, Mapping[str, str]] | None = None) -> int:
    """Start an assessment of an organisation answered by one member; return the response id.

    Answers, profile, notes, target and plan given here (validated before) are stored in the
    same transaction: the assessment exists with all of them or not at all.
    """
    with transaction(db):
        _assessment_id, response_id = insert_org_assessment(
            db, org_id, user_id, questionnaire_id, questionnaire_version, title=title, period=period,
            assessed_on=assessed_on, unit_id=unit_id, context=context,
            target_json=json.dumps(dict(target)) if target else None,
            plan_json=json.dumps(dict(plan)) if plan else None)
        now = now_iso()
        insert_answers(db, response_id, answers or {}, evidence, now)
        db.conn.executemany("INSERT INTO notes (response_id, dimension, text, updated_at) VALUES (?, ?, ?, ?)",
                            [(response_id, dim, text.strip()[:2000], now)
                             for dim, text in (notes or {}).items() if text.strip()])
        return response_id


def insert_org_assessment(db: Database, org_id: int, user_id: int, questionnaire_id: str, questionnaire_version: str,
                          *, title: str, period: str | None, assessed_on: str | None, unit_id: int | None,
                          context: Mapping[str, Any] | None = None, **columns: Any) -> tuple[int, int]:
    """Insert an organisation's assessment and its one member's response (call inside a transaction);
    return (assessment id, response id). ``columns`` are further assessment columns."""
    if unit_id is not None and db.execute("SELECT 1 FROM units WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                                          [unit_id, org_id]).fetchone() is None:
        raise NotFound("no such unit")
    now = now_iso()
    assessment_id = db["assessments"].insert({
        "kind": "self", "title": title, "questionnaire_id": questionnaire_id,
        "questionnaire_version": questionnaire_version, "created_at": now, "org_id": org_id,
        "period": period or None, "assessed_on": assessed_on or None, "unit_id": unit_id, **columns,
    }).last_pk
    response_id = db["responses"].insert({
        "assessment_id": assessment_id, "token_hash": hash_token(new_token()), "created_at": now,
        "updated_at": now, "user_id": user_id, "context_json": json.dumps(dict(context or {})),
    }).last_pk
    return assessment_id, response_id


def save_note(db: Database, response_id: int, dimension: str, text: str) -> None:
    """Keep (or clear) the respondent's free-text note on one capability area."""
    text = (text or "").strip()[:2000]
    with transaction(db):
        require_open(db, response_id)
        if text:
            db.execute("""INSERT INTO notes (response_id, dimension, text, updated_at) VALUES (?, ?, ?, ?)
                          ON CONFLICT (response_id, dimension) DO UPDATE SET text = excluded.text,
                          updated_at = excluded.updated_at""", [response_id, dimension, text, now_iso()])
        else:
            db.execute("DELETE FROM notes WHERE response_id = ? AND dimension = ?", [response_id, dimension])


def load_notes(db: Database, response_id: int) -> dict[str, str]:
    return dict(db.execute("SELECT dimension, text FROM notes WHERE response_id = ?", [response_id]).fetchall())


_DETAIL = ("evidence", "reference", "confidence")


def _detail(detail: Mapping[str, str] | None) -> tuple[str, str, str]:
    detail = detail or {}
    return (detail.get("evidence") or "", detail.get("reference") or "", detail.get("confidence") or "judgement")


def insert_answers(db: Database, response_id: int, answers: Mapping[str, int | None],
                   evidence: Mapping[str, Mapping[str, str]] | None, now: str) -> None:
    """Insert a new response's answers with their evidence and confidence (call inside a transaction)."""
    evidence = evidence or {}
    db.conn.executemany(
        "INSERT INTO answers (response_id, question_id, level, evidence, reference, confidence, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(response_id, qid, level, *_detail(evidence.get(qid)), now) for qid, level in answers.items()])


def load_evidence(db: Database, response_id: int) -> dict[str, dict[str, str]]:
    """Return {question_id: {evidence, reference, confidence}} for the answers that carry more than a level."""
    rows = db.execute("SELECT question_id, evidence, reference, confidence FROM answers WHERE response_id = ? "
                      "AND (evidence != '' OR reference != '' OR confidence != 'judgement')", [response_id])
    return {r[0]: dict(zip(_DETAIL, r[1:])) for r in rows.fetchall()}


def load_answers(db: Database, response_id: int) -> dict[str, int | None]:
    """Return {question_id: level or None (don't know)} for one response."""
    return {
        qid: level
        for qid, level in db.execute(
            "SELECT question_id, level FROM answers WHERE response_id = ?", [response_id]
        ).fetchall()
    }


def count_answers(db: Database, response_id: int) -> int:
    return db.execute("SELECT count(*) FROM answers WHERE response_id = ?", [response_id]).fetchone()[0]


def require_open(db: Database, response_id: int) -> None:
    row = db.execute("SELECT status FROM responses WHERE id = ?", [response_id]).fetchone()
    if row is None:
        raise NotFound("no such response")
    if row[0] == "submitted":
        raise AssessmentClosed("this assessment has been submitted; its answers can no longer change")


def save_answers(db: Database, response_id: int, answers: Mapping[str, int | None],
                 step: str | None = None, evidence: Mapping[str, Mapping[str, str]] | None = None) -> int:
    """Upsert answers of one response (and its current step); return how many rows were written.

    ``evidence`` replaces the evidence and confidence of the answers it names; the others keep theirs.
    """
    now = now_iso()
    evidence = evidence or {}
    with transaction(db):
        require_open(db, response_id)
        db.conn.executemany(
            """
            INSERT INTO answers (response_id, question_id, level, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (response_id, question_id) DO UPDATE
            SET level = excluded.level, updated_at = excluded.updated_at
            WHERE answers.level IS NOT excluded.level
            """,
            [(response_id, qid, level, now) for qid, level in answers.items() if qid not in evidence],
        )
        db.conn.executemany(
            """
            INSERT INTO answers (response_id, question_id, level, evidence, reference, confidence, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (response_id, question_id) DO UPDATE
            SET level = excluded.level, evidence = excluded.evidence, reference = excluded.reference,
                confidence = excluded.confidence, updated_at = excluded.updated_at
            WHERE answers.level IS NOT excluded.level OR answers.evidence != excluded.evidence
               OR answers.reference != excluded.reference OR answers.confidence != excluded.confidence
            """,
            [(response_id, qid, level, *_detail(evidence[qid]), now) for qid, level in answers.items()
             if qid in evidence],
        )
        _touch(db, response_id, step, now)
    return len(answers)


def save_context(db: Database, response_id: int, context: Mapping[str, Any], step: str | None = None) -> None:
    """Store the profile answers of one response, merged over what was there."""
    now = now_iso()
    with transaction(db):
        require_open(db, response_id)
        row = db.execute("SELECT context_json FROM responses WHERE id = ?", [response_id]).fetchone()
        merged = {**json.loads(row[0]), **context}
        db.execute("UPDATE responses SET context_json = ? WHERE id = ?", [json.dumps(merged), response_id])
        _touch(db, response_id, step, now)


def set_step(db: Database, response_id: int, step: str) -> None:
    """Remember where the respondent is, so the private link resumes there."""
    with transaction(db):
        _touch(db, response_id, step, now_iso())


def _touch(db: Database, response_id: int, step: str | None, now: str) -> None:
    if step is None:
        db.execute("UPDATE responses SET updated_at = ? WHERE id = ?", [now, response_id])
    else:
        db.execute("UPDATE responses SET updated_at = ?, step = ? WHERE id = ?", [now, step, response_id])


# compute(answers, context) -> (result, {"radar": figure, "timeline": figure})
Computation = Callable[[dict[str, int | None], dict[str, Any]], tuple[dict, dict]]


def submit_response(db: Database, response_id: int, compute: Computation, *,
                    questionnaire_version: str, content_hash: str) -> int:
    """Submit a self-assessment once: compute its result and freeze it; return the snapshot id.

    ``compute(answers, context)`` returns (result, figures). It runs inside the
    write transaction so the snapshot matches exactly the answers that were stored.
    A second submit (double click, replayed request) returns the first snapshot.
    """
    now = now_iso()
    with transaction(db):
        row = db.execute(
            """SELECT r.status, r.context_json, r.assessment_id, a.snapshot_id
               FROM responses r JOIN assessments a ON a.id = r.assessment_id WHERE r.id = ?""",
            [response_id],
        ).fetchone()
        if row is None:
            raise NotFound("no such response")
        status, context_json, assessment_id, snapshot_id = row
        if status == "submitted" and snapshot_id is not None:
            return snapshot_id
        result, figures = compute(load_answers(db, response_id), json.loads(context_json))
        snapshot_id = insert_snapshot(db, assessment_id, result, figures, reason="submitted",
                                      questionnaire_version=questionnaire_version, content_hash=content_hash)
        db.execute("UPDATE responses SET status = 'submitted', submitted_at = ?, updated_at = ?, step = 'result' "
                   "WHERE id = ?", [now, now, response_id])
        db.execute("UPDATE assessments SET status = 'closed', closed_at = ?, snapshot_id = ?, "
                   "assessed_on = COALESCE(assessed_on, ?), period = COALESCE(period, ?) WHERE id = ?",
                   [now, snapshot_id, now[:10], _quarter(now[:10]), assessment_id])
    return snapshot_id


def _quarter(day: str) -> str:
    year, month = int(day[:4]), int(day[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}"


def insert_snapshot(db: Database, assessment_id: int, result: dict, figures: Mapping[str, dict], *, reason: str,
                    questionnaire_version: str, content_hash: str) -> int:
    """Freeze a result and its figures (and the summary history reads); call inside a transaction."""
    return db["snapshots"].insert({
        "assessment_id": assessment_id,
        "reason": reason,
        "questionnaire_version": questionnaire_version,
        "content_hash": content_hash,
        "result_json": json.dumps(result, sort_keys=True),
        "radar_json": json.dumps(figures.get("radar") or {}),
        "timeline_json": json.dumps(figures.get("timeline") or {}),
        "summary_json": json.dumps(summarise(result)),
        "created_at": now_iso(),
    }).last_pk


def replace_snapshot(db: Database, assessment_id: int, result: dict, figures: Mapping[str, dict], *,
                     reason: str, questionnaire_version: str, content_hash: str,
                     target: Mapping[str, int] | None = None, plan: Mapping[str, Any] | None = None) -> int:
    """Add a new snapshot and make it the assessment's current one; the old one is kept.

    A target and planning choices the user set are kept with the assessment, so a later
    re-scoring plans for them too.
    """
    with transaction(db):
        snapshot_id = insert_snapshot(db, assessment_id, result, figures, reason=reason,
                                      questionnaire_version=questionnaire_version, content_hash=content_hash)
        db.execute("UPDATE assessments SET snapshot_id = ? WHERE id = ?", [snapshot_id, assessment_id])
        if target is not None:
            db.execute("UPDATE assessments SET target_json = ? WHERE id = ?", [json.dumps(dict(target)), assessment_id])
        if plan is not None:
            db.execute("UPDATE assessments SET plan_json = ? WHERE id = ?", [json.dumps(dict(plan)), assessment_id])
    return snapshot_id


def snapshot_stamp(db: Database, snapshot_id: int) -> dict[str, Any]:
    """What identifies a frozen snapshot's content, without reading the result: id, content hash, time."""
    row = db.execute("SELECT id, content_hash, created_at FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
    if row is None:
        raise NotFound("no such snapshot")
    return {"id": row[0], "content_hash": row[1], "created_at": row[2]}


def result_stamp(db: Database, org_id: int, assessment_id: int) -> dict[str, Any]:
    """An organisation's assessment's status and what identifies its current frozen result (snapshot id and
    content hash, None while open), in one query; raise NotFound for one not listed (another organisation's,
    in the trash, or a cancelled workshop's)."""
    row = db.execute(
        """SELECT a.status, s.id, s.content_hash FROM assessments a LEFT JOIN snapshots s ON s.id = a.snapshot_id
           WHERE a.id = ? AND a.org_id = ? AND a.trash_id IS NULL
             AND NOT EXISTS (SELECT 1 FROM workshops w WHERE w.assessment_id = a.id AND w.cancelled_at IS NOT NULL)""",
        [assessment_id, org_id]).fetchone()
    if row is None:
        raise NotFound("no such assessment")
    return {"status": row[0], "id": row[1], "content_hash": row[2]}


def snapshot_result_json(db: Database, snapshot_id: int) -> str:
    """A snapshot's frozen result as it was stored (JSON text, not parsed); raise NotFound."""
    row = db.execute("SELECT result_json FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
    if row is None:
        raise NotFound("no such snapshot")
    return row[0]


def load_snapshot(db: Database, snapshot_id: int) -> dict[str, Any]:
    """Return a snapshot with its result and radar figure parsed; raise NotFound."""
    row = db.execute(
        "SELECT id, assessment_id, reason, questionnaire_version, content_hash, result_json, radar_json, "
        "created_at, timeline_json FROM snapshots WHERE id = ?",
        [snapshot_id],
    ).fetchone()
    if row is None:
        raise NotFound("no such snapshot")
    return {
        "id": row[0],
        "assessment_id": row[1],
        "reason": row[2],
        "questionnaire_version": row[3],
        "content_hash": row[4],
        "result": json.loads(row[5]),
        "result_json": row[5],
        "radar": json.loads(row[6]),
        "radar_json": row[6],
        "created_at": row[7],
        "timeline_json": row[8] or "{}",
    }


def snapshot_parts(db: Database, snapshot_id: int, *keys: str) -> dict[str, Any]:
    """Some top-level parts of a snapshot's result ({key: value, None when absent}), without reading the whole
    result: SQLite picks them out of its JSON; raise NotFound."""
    for key in keys:
        if not key.isidentifier():  # a path SQLite would read further than one key
            raise ValueError(f"not a result key: {key!r}")
    row = db.execute(f"SELECT json_array({', '.join('json_extract(result_json, ?)' for _ in keys)}) "
                     "FROM snapshots WHERE id = ?", [*(f"$.{key}" for key in keys), snapshot_id]).fetchone()
    if row is None:
        raise NotFound("no such snapshot")
    return dict(zip(keys, json.loads(row[0])))


def assessment_status(db: Database, org_id: int, assessment_id: int) -> str:
    """An organisation's assessment's status (open or closed); raise NotFound."""
    row = db.execute("SELECT status FROM assessments WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                     [assessment_id, org_id]).fetchone()
    if row is None:
        raise NotFound("no such assessment")
    return row[0]


def current_snapshot_id(db: Database, org_id: int, assessment_id: int) -> int | None:
    """The id of an organisation's assessment's current frozen result (None while open); raise NotFound."""
    row = db.execute("SELECT snapshot_id FROM assessments WHERE id = ? AND org_id = ?", [assessment_id, org_id]).fetchone()
    if row is None:
        raise NotFound("no such assessment")
    return row[0]


def first_response(db: Database, org_id: int, assessment_id: int) -> dict[str, Any]:
    """The first response of an organisation's assessment: {id, status}; raise NotFound."""
    row = db.execute("SELECT r.id, r.status FROM responses r JOIN assessments a ON a.id = r.assessment_id "
                     "WHERE a.id = ? AND a.org_id = ? AND a.trash_id IS NULL ORDER BY r.id LIMIT 1", [assessment_id, org_id]).fetchone()
    if row is None:
        raise NotFound("no such assessment")
    return {"id": row[0], "status": row[1]}
