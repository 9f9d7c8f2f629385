"""Organisation history: units, periods, closed assessments' summaries, roadmap progress."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from ..engine.history import scored_only, summarise
from .db import MAX_PERIOD, NotFound, StoreError, best_effort, now_iso, safe_text, transaction
from .orgs import clean_name
from .responses import load_answers, load_evidence, load_notes
from .rounds import rounds_with_votes
from .workshops import consensus, responses_with_answers

MAX_UNIT_NAME = 80


class DuplicateUnit(StoreError):
    """The organisation has a unit of this name already."""

    def __init__(self, name: str):
        super().__init__(f"the organisation has a unit called {name!r} already")
        self.name = name


class InvalidPeriod(StoreError):
    """The period label is empty."""


class InvalidDate(StoreError):
    """A date is not an ISO date (2026-11-25)."""


def check_date(value: str | None) -> None:
    """Raise InvalidDate unless the value is an ISO date."""
    try:
        date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidDate("the date must look like 2026-11-25") from None


def quarter_label(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def create_unit(db: Database, org_id: int, name: str) -> int:
    name = clean_name(name, MAX_UNIT_NAME, "a unit name")
    with transaction(db):
        if db.execute("SELECT 1 FROM units WHERE org_id = ? AND name = ?", [org_id, name]).fetchone():
            raise DuplicateUnit(name)
        return db["units"].insert({"org_id": org_id, "name": name, "created_at": now_iso()}).last_pk


def rename_unit(db: Database, org_id: int, unit_id: int, name: str) -> None:
    """Rename one of the organisation's units; raise NotFound for any other, DuplicateUnit for a taken name."""
    name = clean_name(name, MAX_UNIT_NAME, "a unit name")
    with transaction(db):
        unit_of_org(db, org_id, unit_id)
        if db.execute("SELECT 1 FROM units WHERE org_id = ? AND name = ? AND id != ?",
                      [org_id, name, unit_id]).fetchone():
            raise DuplicateUnit(name)
        db.execute("UPDATE units SET name = ? WHERE id = ?", [name, unit_id])


def units(db: Database, org_id: int) -> list[dict[str, Any]]:
    return [{"id": r[0], "name": r[1]} for r in
            db.execute("SELECT id, name FROM units WHERE org_id = ? AND trash_id IS NULL ORDER BY name COLLATE NOCASE", [org_id])]


def unit_of_org(db: Database, org_id: int, unit_id: int) -> dict[str, Any]:
    row = db.execute("SELECT id, name FROM units WHERE id = ? AND org_id = ? AND trash_id IS NULL", [unit_id, org_id]).fetchone()
    if row is None:
        raise NotFound("no such unit")
    return {"id": row[0], "name": row[1]}


def set_assessment_details(db: Database, org_id: int, assessment_id: int, *, period: str, assessed_on: str,
                           unit_id: int | None, title: str | None = None) -> None:
    """Label an organisation's assessment with its period, date and unit."""
    period = safe_text(" ".join((period or "").split())[:MAX_PERIOD], "the period", MAX_PERIOD)
    if not period:
        raise InvalidPeriod("give the period a label, such as 2026-Q4")
    check_date(assessed_on)
    with transaction(db):
        if db.execute("SELECT 1 FROM assessments WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                      [assessment_id, org_id]).fetchone() is None:
            raise NotFound("no such assessment")
        if unit_id is not None:
            unit_of_org(db, org_id, unit_id)
        db.execute("UPDATE assessments SET period = ?, assessed_on = ?, unit_id = ?, "
                   "title = COALESCE(?, title) WHERE id = ?", [period, assessed_on, unit_id, title, assessment_id])


def history(db: Database, org_id: int, unit_id: int | None | str = "all") -> list[dict[str, Any]]:
    """Closed assessments of an organisation, oldest first, each with its snapshot's summary.

    ``unit_id``: "all" for every assessment, None for the organisation-level ones only, or a unit id.
    """
    where, params = "a.org_id = ? AND a.status = 'closed' AND a.snapshot_id IS NOT NULL AND a.trash_id IS NULL", [org_id]
    if unit_id is None:
        where += " AND a.unit_id IS NULL"
    elif unit_id != "all":
        where += " AND a.unit_id = ?"
        params.append(unit_id)
    rows = db.execute(
        f"""SELECT a.id, a.title, a.period, COALESCE(a.assessed_on, substr(a.closed_at, 1, 10)), a.unit_id,
                   a.kind, s.id, s.summary_json, s.questionnaire_version, s.content_hash, s.created_at
            FROM assessments a JOIN snapshots s ON s.id = a.snapshot_id
            WHERE {where}
            ORDER BY COALESCE(a.assessed_on, a.closed_at), a.id""",
        params,
    ).fetchall()
    out = []
    for (assessment_id, title, period, assessed_on, unit, kind, snapshot_id, summary_json, version,
         content_hash, scored_at) in rows:
        summary = _summary(db, snapshot_id, summary_json)
        out.append({"id": assessment_id, "title": title, "period": period or assessed_on[:7],
                    "assessed_on": assessed_on, "unit_id": unit, "kind": kind, "snapshot_id": snapshot_id,
                    "questionnaire_version": version, "content_hash": content_hash, "scored_at": scored_at,
                    "summary": summary})
    return out


def _summary(db: Database, snapshot_id: int, summary_json: str | None) -> dict[str, Any]:
    summary = json.loads(summary_json) if summary_json else None
    if summary is None or "evidence_shares" not in summary or "design" not in summary:
        summary = _backfill_summary(db, snapshot_id)
    return scored_only(summary)


def _backfill_summary(db: Database, snapshot_id: int) -> dict[str, Any]:
    """Snapshots frozen before summaries existed (or before they kept the evidence share per area, or the
    design's label) get one the first time they are read. While the file cannot be written the summary is
    still made and shown, and kept on a later read."""
    result = json.loads(db.execute("SELECT result_json FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()[0])
    summary = summarise(result)
    with best_effort(db), transaction(db):
        db.execute("UPDATE snapshots SET summary_json = ? WHERE id = ?", [json.dumps(summary), snapshot_id])
    return summary


def snapshot_summary(db: Database, snapshot_id: int) -> dict[str, Any]:
    """The small summary frozen with a snapshot (what history reads); raise NotFound."""
    row = db.execute("SELECT summary_json FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()
    if row is None:
        raise NotFound("no such snapshot")
    return _summary(db, snapshot_id, row[0])


def snapshots_of(db: Database, assessment_id: int) -> list[dict[str, Any]]:
    cols = ("id", "reason", "questionnaire_version", "content_hash", "created_at")
    return [dict(zip(cols, r)) for r in db.execute(
        f"SELECT {', '.join(cols)} FROM snapshots WHERE assessment_id = ? ORDER BY id", [assessment_id])]


def generation(db: Database, org_id: int) -> tuple:
    """Changes whenever anything a dashboard shows changes: the key of its cache."""
    return tuple(db.execute(
        """SELECT (SELECT count(*) || ':' || COALESCE(max(snapshot_id), 0) || ':' ||
                          COALESCE(group_concat(id || '|' || COALESCE(period, '') || '|' || COALESCE(unit_id, '') ||
                                                '|' || COALESCE(assessed_on, '') || '|' || snapshot_id, ';'), '')
                   FROM assessments WHERE org_id = ? AND status = 'closed' AND trash_id IS NULL),
                  (SELECT count(*) || ':' || COALESCE(max(updated_at), '') FROM roadmap_progress WHERE org_id = ?),
                  (SELECT count(*) || ':' || COALESCE(group_concat(id || '|' || name, ';'), '')
                   FROM units WHERE org_id = ? AND trash_id IS NULL),
                  (SELECT name FROM organisations WHERE id = ?)""",
        [org_id, org_id, org_id, org_id],
    ).fetchone())


def latest_context(db: Database, org_id: int) -> dict[str, Any]:
    """The organisation profile of the latest closed assessment ({} before the first)."""
    row = db.execute(
        """SELECT s.result_json FROM assessments a JOIN snapshots s ON s.id = a.snapshot_id
           WHERE a.org_id = ? AND a.status = 'closed' AND a.trash_id IS NULL
           ORDER BY COALESCE(a.assessed_on, a.closed_at) DESC, a.id DESC LIMIT 1""",
        [org_id],
    ).fetchone()
    return json.loads(row[0]).get("context", {}) if row else {}


def assessment_inputs(db: Database, assessment_id: int) -> dict[str, Any]:
    """What an assessment's result is computed from: answers, context, target and notes."""
    row = db.execute("SELECT questionnaire_id, target_json, kind, plan_json FROM assessments WHERE id = ?",
                     [assessment_id]).fetchone()
    if row is None:
        raise NotFound("no such assessment")
    questionnaire_id, target_json, kind, plan_json = row
    target = json.loads(target_json) if target_json else None
    plan = json.loads(plan_json) if plan_json else None
    if kind == "workshop":
        workshop = db.execute("SELECT id, context_json, mode, roles_json, title, answers_purged_at FROM workshops "
                              "WHERE assessment_id = ?", [assessment_id]).fetchone()
        return {
            "kind": "workshop",
            "questionnaire_id": questionnaire_id,
            "workshop": {"id": workshop[0], "context": json.loads(workshop[1]), "mode": workshop[2],
                         "roles": json.loads(workshop[3]), "title": workshop[4], "questionnaire_id": questionnaire_id},
            "responses": responses_with_answers(db, assessment_id),
            "consensus": consensus(db, workshop[0]),
            "rounds": rounds_with_votes(db, workshop[0]),
            "answers_purged": workshop[5] is not None,
            "target": target,
            "plan": plan,
        }
    response = db.execute("SELECT id, context_json FROM responses WHERE assessment_id = ? ORDER BY id LIMIT 1",
                          [assessment_id]).fetchone()
    if response is None:
        raise NotFound("the assessment has no response")
    return {
        "kind": "self",
        "questionnaire_id": questionnaire_id,
        "answers": load_answers(db, response[0]),
        "context": json.loads(response[1]),
        "target": target,
        "plan": plan,
        "notes": load_notes(db, response[0]),
        "evidence": load_evidence(db, response[0]),
    }
