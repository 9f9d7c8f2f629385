"""Re-assessments: a new assessment that starts from an earlier one's profile and answers.

The earlier answers are copied in, and last time's level of every question is kept beside them
(``prefills``) with whether the person has confirmed it since, so the questionnaire can say
"last time: level 3 (2026-Q3)" and the person confirms or changes each answer.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from sqlite_utils import Database

from .db import NotFound, now_iso, transaction
from .responses import insert_answers, insert_org_assessment, require_open


def create_reassessment(db: Database, org_id: int, user_id: int, questionnaire_id: str, questionnaire_version: str,
                        *, previous_id: int, answers: Mapping[str, int | None], context: Mapping[str, Any],
                        period: str | None, assessed_on: str | None, unit_id: int | None, title: str = "",
                        target: Mapping[str, int] | None = None,
                        plan: Mapping[str, Any] | None = None,
                        evidence: Mapping[str, Mapping[str, str]] | None = None) -> int:
    """Start an assessment prefilled from ``previous_id`` (of the same organisation); return the response id.

    The answers are stored unconfirmed and kept as last time's levels; all in one transaction.
    """
    with transaction(db):
        row = db.execute("SELECT status FROM assessments WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                         [previous_id, org_id]).fetchone()
        if row is None or row[0] != "closed":
            raise NotFound("no such submitted assessment in this organisation")
        _assessment_id, response_id = insert_org_assessment(
            db, org_id, user_id, questionnaire_id, questionnaire_version, title=title, period=period,
            assessed_on=assessed_on, unit_id=unit_id, context=context, previous_id=previous_id,
            target_json=json.dumps(dict(target)) if target else None, plan_json=json.dumps(dict(plan)) if plan else None)
        now = now_iso()
        insert_answers(db, response_id, answers, evidence, now)
        db.conn.executemany("INSERT INTO prefills (response_id, question_id, level) VALUES (?, ?, ?)",
                            [(response_id, q, level) for q, level in answers.items()])
    return response_id


def prefill_of(db: Database, response_id: int) -> dict[str, Any] | None:
    """What a re-assessment started from: the earlier assessment and last time's level per question.

    None for a response that was not prefilled (a blank start, a workshop participant).
    """
    row = db.execute(
        """SELECT p.id, p.period, COALESCE(p.assessed_on, substr(p.closed_at, 1, 10)), p.snapshot_id
           FROM responses r JOIN assessments a ON a.id = r.assessment_id JOIN assessments p ON p.id = a.previous_id
           WHERE r.id = ?""", [response_id]).fetchone()
    if row is None:
        return None
    levels = dict(db.execute("SELECT question_id, level FROM prefills WHERE response_id = ?", [response_id]).fetchall())
    if not levels:
        return None
    return {"assessment_id": row[0], "period": row[1] or (row[2] or "")[:7], "assessed_on": row[2],
            "snapshot_id": row[3], "levels": levels}


def unconfirmed_answers(db: Database, response_id: int) -> set[str]:
    """The question ids of prefilled answers the person has not confirmed (changed ones may be among them)."""
    return {r[0] for r in db.execute("SELECT question_id FROM prefills WHERE response_id = ? AND confirmed = 0",
                                     [response_id])}


def confirm_answers(db: Database, response_id: int, confirmed: Mapping[str, bool]) -> None:
    """Mark prefilled answers confirmed (True) or not yet confirmed (False); others are left alone."""
    with transaction(db):
        require_open(db, response_id)
        db.conn.executemany("UPDATE prefills SET confirmed = ? WHERE response_id = ? AND question_id = ?",
                            [(1 if ok else 0, response_id, qid) for qid, ok in confirmed.items()])


def previous_assessment(db: Database, assessment_id: int) -> dict[str, Any] | None:
    """The earlier assessment this one started from ({id, period, assessed_on, snapshot_id}), if any."""
    row = db.execute(
        """SELECT p.id, p.period, COALESCE(p.assessed_on, substr(p.closed_at, 1, 10)), p.snapshot_id
           FROM assessments a JOIN assessments p ON p.id = a.previous_id
           WHERE a.id = ? AND p.status = 'closed' AND p.snapshot_id IS NOT NULL AND p.trash_id IS NULL""", [assessment_id]).fetchone()
    if row is None:
        return None
    return {"id": row[0], "period": row[1] or (row[2] or "")[:7], "assessed_on": row[2], "snapshot_id": row[3]}



def planning_choices(db: Database, assessment_id: int) -> tuple[dict[str, int] | None, dict[str, Any] | None]:
    """The target and planning choices (start date, PMO people, owner names) set on an assessment."""
    row = db.execute("SELECT target_json, plan_json FROM assessments WHERE id = ?", [assessment_id]).fetchone()
    if row is None:
        raise NotFound("no such assessment")
    return (json.loads(row[0]) if row[0] else None), (json.loads(row[1]) if row[1] else None)
