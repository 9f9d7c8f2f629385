"""An organisation's complete data as one JSON document, and that document read back into
another server. What is in the trash is not exported: it was deleted.

The document carries its format name and version; an importer refuses any other, and an
import is one transaction, so nothing partial is ever written.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Mapping

from sqlite_utils import Database

from ..engine.history import summarise
from ..engine.evidence import clean_detail
from .audit import entries, record
from .db import NotFound, StoreError, hash_token, new_token, now_iso, transaction
from .history import MAX_UNIT_NAME
from .orgs import MAX_ORG_NAME, InvalidName, clean_name
from .responses import insert_answers, load_evidence
from .workshops import new_join_code

FORMAT = "pmo-advisor-organisation"
VERSION = 1


class UnreadableArchive(StoreError):
    """The document is not an organisation export this server can read (another format or version)."""


def _rows(db: Database, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _json(value: str | None) -> Any:
    return json.loads(value) if value else None


def export_org(db: Database, org_id: int) -> dict[str, Any]:
    """Everything of a live organisation: members, units, assessments with answers, notes and
    snapshots, workshops with consensus and second rounds (their votes too), roadmap progress and the audit log."""
    org = _rows(db, "SELECT id, name, created_at FROM organisations WHERE id = ? AND trash_id IS NULL", [org_id])
    if not org:
        raise NotFound("no such organisation")
    live = "a.org_id = ? AND a.trash_id IS NULL"
    assessments = _rows(db, f"""SELECT a.id, a.kind, a.title, a.questionnaire_id, a.questionnaire_version, a.status,
                                       a.period, a.assessed_on, a.unit_id, a.created_at, a.closed_at, a.target_json,
                                       a.plan_json, a.snapshot_id
                                FROM assessments a WHERE {live} ORDER BY a.id""", [org_id])
    for assessment in assessments:
        assessment["target"] = _json(assessment.pop("target_json"))
        assessment["plan"] = _json(assessment.pop("plan_json"))
        responses = _rows(db, """SELECT r.id, u.email AS user_email, r.step, r.context_json, r.status, r.created_at,
                                        r.updated_at, r.submitted_at, r.display_name, r.role, r.removed_at
                                 FROM responses r LEFT JOIN users u ON u.id = r.user_id AND u.deleted_at IS NULL
                                 WHERE r.assessment_id = ? ORDER BY r.id""", [assessment["id"]])
        for response in responses:
            response["context"] = _json(response.pop("context_json")) or {}
            response["answers"] = dict(db.execute("SELECT question_id, level FROM answers WHERE response_id = ?",
                                                  [response["id"]]).fetchall())
            response["evidence"] = load_evidence(db, response["id"])
            response["notes"] = dict(db.execute("SELECT dimension, text FROM notes WHERE response_id = ?",
                                                [response["id"]]).fetchall())
        assessment["responses"] = responses
        snapshots = _rows(db, """SELECT id, reason, questionnaire_version, content_hash, result_json, radar_json,
                                        timeline_json, summary_json, created_at
                                 FROM snapshots WHERE assessment_id = ? ORDER BY id""", [assessment["id"]])
        for snapshot in snapshots:
            for key in ("result", "radar", "timeline", "summary"):
                snapshot[key] = _json(snapshot.pop(f"{key}_json"))
        assessment["snapshots"] = snapshots
    workshops = _rows(db, """SELECT w.id, w.assessment_id, w.title, w.mode, w.roles_json, w.context_json, w.revealed,
                                    w.status, w.created_at, w.closed_at, w.answers_purged_at, w.started_at,
                                    w.cancelled_at, w.reopened_at, w.screen
                             FROM workshops w JOIN assessments a ON a.id = w.assessment_id
                             WHERE w.org_id = ? AND w.trash_id IS NULL AND a.trash_id IS NULL ORDER BY w.id""", [org_id])
    for workshop in workshops:
        workshop["roles"] = _json(workshop.pop("roles_json")) or []
        workshop["context"] = _json(workshop.pop("context_json")) or {}
        workshop["consensus"] = {q: {"level": level, "note": note, "evidence": evidence, "reference": reference}
                                 for q, level, note, evidence, reference in db.execute(
            "SELECT question_id, level, note, evidence, reference FROM consensus WHERE workshop_id = ?",
            [workshop["id"]])}
        workshop["rounds"] = _rows(db, """SELECT id, question_id, number, opened_at, closed_at FROM workshop_rounds
                                          WHERE workshop_id = ? ORDER BY id""", [workshop["id"]])
        for each in workshop["rounds"]:  # votes by the response ids of the assessment's "responses"
            each["votes"] = [{"response_id": r, "level": level, "updated_at": at} for r, level, at in db.execute(
                "SELECT response_id, level, updated_at FROM round_votes WHERE round_id = ? ORDER BY response_id",
                [each.pop("id")])]
    log = entries(db, org_id, limit=1_000_000)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now_iso(),
        "organisation": org[0],
        "members": _rows(db, """SELECT u.email, u.name, m.role, m.created_at FROM memberships m
                                JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY u.email""", [org_id]),
        "units": _rows(db, "SELECT id, name, created_at FROM units WHERE org_id = ? AND trash_id IS NULL ORDER BY id",
                       [org_id]),
        "assessments": assessments,
        "workshops": workshops,
        "roadmap_progress": _rows(db, """SELECT unit_key, item_id, status, due_on, done_on, owner, note, updated_at
                                         FROM roadmap_progress WHERE org_id = ? AND (unit_key = 0 OR unit_key IN
                                         (SELECT id FROM units WHERE org_id = ? AND trash_id IS NULL))
                                         ORDER BY unit_key, item_id""", [org_id, org_id]),
        "audit_log": [{k: e[k] for k in ("at", "actor", "action", "object_kind", "object_id", "label", "detail")}
                      for e in log],
    }


def check_archive(data: Any) -> None:
    """Raise UnreadableArchive unless this is an organisation export of a version this server reads."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise UnreadableArchive("this is not a PMO Advisor organisation export")
    if data.get("version") != VERSION:
        raise UnreadableArchive(f"the export is version {data.get('version')!r}; this server reads version {VERSION}")
    for key in ("organisation", "members", "units", "assessments", "workshops", "roadmap_progress"):
        if key not in data:
            raise UnreadableArchive(f"the export has no {key}")


# What every frozen result holds and every page reads; an archive whose results lack them is refused.
RESULT_KEYS = {"questionnaire": dict, "scores": dict, "recommendation": dict, "pitfalls": list, "roadmap": dict}


def import_org(db: Database, data: Mapping[str, Any], owner_id: int,
               questions: set[str] | None = None) -> dict[str, Any]:
    """Create a new organisation from an export, all or nothing; return {org_id, members, skipped_members}.

    The importing user becomes an owner. Members whose email has an account here keep their
    role (listed as added, so the operator sees who got access); the others are listed as
    skipped. Private links and join codes are new. Names are cleaned as the app cleans them;
    frozen results must have the shape this server's pages read (their summaries are made
    again here), and answers must name ``questions`` when it is given.
    """
    check_archive(data)
    now = now_iso()
    try:
        with transaction(db):
            org = data["organisation"]
            org_id = db["organisations"].insert({"name": clean_name(org["name"], MAX_ORG_NAME, "the organisation's name"),
                                                 "created_by": owner_id,
                                                 "created_at": org.get("created_at") or now}).last_pk
            added, skipped = _import_members(db, org_id, data["members"], owner_id, now)
            units = {u["id"]: db["units"].insert({"org_id": org_id,
                                                  "name": clean_name(u["name"], MAX_UNIT_NAME, "a unit name"),
                                                  "created_at": u.get("created_at") or now}).last_pk
                     for u in data["units"]}
            assessments, responses = {}, {}
            for a in data["assessments"]:
                assessments[a["id"]] = _import_assessment(db, org_id, a, units, responses, now, questions)
            for workshop in data["workshops"]:
                _import_workshop(db, org_id, workshop, assessments, responses, owner_id, now)
            for item in data["roadmap_progress"]:
                unit_key = units.get(item["unit_key"], 0) if item["unit_key"] else 0
                db["roadmap_progress"].insert({"org_id": org_id, "unit_key": unit_key, "item_id": item["item_id"],
                                               "status": item["status"], "due_on": item.get("due_on"),
                                               "done_on": item.get("done_on"), "owner": item.get("owner") or "",
                                               "note": item.get("note") or "", "updated_at": item["updated_at"],
                                               "updated_by": None})
            record(db, "imported", actor_id=owner_id, org_id=org_id, object_kind="organisation", object_id=org_id,
                   label=org["name"], detail=f"export of {data.get('exported_at', 'an unknown date')}")
    except InvalidName as err:
        raise UnreadableArchive(f"the export has a name this server refuses: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError) as err:
        raise UnreadableArchive(f"the export is incomplete or damaged ({type(err).__name__}: {err})") from None
    return {"org_id": org_id, "members": 1 + len(added), "added_members": added, "skipped_members": skipped}


def _import_members(db: Database, org_id: int, members: list, owner_id: int,
                    now: str) -> tuple[list[str], list[str]]:
    """The importing owner, then each member with an account here; return (["email as role"], [skipped email])."""
    db.execute("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)",
               [org_id, owner_id, now])
    added, skipped = [], []
    for member in members:
        row = db.execute("SELECT id FROM users WHERE email = ? AND deleted_at IS NULL", [member["email"]]).fetchone()
        if row is None:
            skipped.append(member["email"])
        elif row[0] != owner_id:
            db.execute("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                       [org_id, row[0], member["role"], member.get("created_at") or now])
            added.append(f"{member['email']} as {member['role']}")
    return added, skipped


def _import_assessment(db: Database, org_id: int, a: Mapping[str, Any], units: dict, responses: dict,
                       now: str, questions: set[str] | None) -> int:
    """Insert one assessment with its responses and snapshots; note each response's new id in ``responses``."""
    assessment_id = db["assessments"].insert({
        "kind": a["kind"], "title": a.get("title") or "", "questionnaire_id": a["questionnaire_id"],
        "questionnaire_version": a["questionnaire_version"], "status": a["status"], "period": a.get("period"),
        "assessed_on": a.get("assessed_on"), "unit_id": units.get(a["unit_id"]) if a.get("unit_id") else None,
        "created_at": a["created_at"], "closed_at": a.get("closed_at"), "org_id": org_id,
        "target_json": json.dumps(a["target"]) if a.get("target") else None,
        "plan_json": json.dumps(a["plan"]) if a.get("plan") else None,
    }).last_pk
    for r in a["responses"]:
        user = db.execute("SELECT id FROM users WHERE email = ? AND deleted_at IS NULL",
                          [r.get("user_email") or ""]).fetchone()
        response_id = db["responses"].insert({
            "assessment_id": assessment_id, "token_hash": hash_token(new_token()), "step": r["step"],
            "context_json": json.dumps(r.get("context") or {}), "status": r["status"], "created_at": r["created_at"],
            "updated_at": r["updated_at"], "submitted_at": r.get("submitted_at"), "user_id": user[0] if user else None,
            "display_name": r.get("display_name"), "role": r.get("role"), "removed_at": r.get("removed_at"),
        }).last_pk
        responses[r["id"]] = response_id
        unknown = sorted(set(r["answers"]) - questions) if questions is not None else []
        if unknown:
            raise ValueError(f"answers to questions this server does not know: {', '.join(map(str, unknown[:3]))}")
        evidence = {q: clean_detail(d, f"answers.{q}") for q, d in (r.get("evidence") or {}).items()
                    if q in r["answers"]}
        insert_answers(db, response_id, r["answers"], evidence, now)
        db.conn.executemany("INSERT INTO notes (response_id, dimension, text, updated_at) VALUES (?, ?, ?, ?)",
                            [(response_id, d, text, now) for d, text in r["notes"].items()])
    current = None
    for s in a["snapshots"]:
        _check_result(s["result"])
        snapshot_id = db["snapshots"].insert({
            "assessment_id": assessment_id, "reason": s["reason"], "questionnaire_version": s["questionnaire_version"],
            "content_hash": s["content_hash"], "result_json": json.dumps(s["result"], sort_keys=True),
            "radar_json": json.dumps(s.get("radar") or {}), "timeline_json": json.dumps(s.get("timeline") or {}),
            "summary_json": json.dumps(summarise(s["result"])), "created_at": s["created_at"],
        }).last_pk
        if s["id"] == a.get("snapshot_id"):
            current = snapshot_id
    if current is not None:
        db.execute("UPDATE assessments SET snapshot_id = ? WHERE id = ?", [current, assessment_id])
    return assessment_id


def _import_workshop(db: Database, org_id: int, w: Mapping[str, Any], assessments: dict, responses: dict,
                     owner_id: int, now: str) -> None:
    workshop_id = db["workshops"].insert({
        "org_id": org_id, "assessment_id": assessments[w["assessment_id"]], "title": w["title"], "mode": w["mode"],
        "roles_json": json.dumps(w.get("roles") or []), "join_code": _free_code(db),
        "context_json": json.dumps(w.get("context") or {}), "revealed": 1 if w.get("revealed") else 0,
        "status": w["status"], "created_by": owner_id, "created_at": w["created_at"], "closed_at": w.get("closed_at"),
        "answers_purged_at": w.get("answers_purged_at"), "started_at": w.get("started_at"),
        "cancelled_at": w.get("cancelled_at"), "reopened_at": w.get("reopened_at"), "screen": w.get("screen") or "radar",
    }).last_pk
    db.conn.executemany("INSERT INTO consensus (workshop_id, question_id, level, note, evidence, reference, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(workshop_id, q, c["level"], c.get("note") or "", str(c.get("evidence") or "")[:500],
                          str(c.get("reference") or "")[:300], now) for q, c in w["consensus"].items()])
    for each in w.get("rounds") or []:
        round_id = db["workshop_rounds"].insert({
            "workshop_id": workshop_id, "question_id": each["question_id"], "number": each["number"],
            "opened_at": each["opened_at"], "closed_at": each.get("closed_at")}).last_pk
        db.conn.executemany("INSERT INTO round_votes (round_id, response_id, level, updated_at) VALUES (?, ?, ?, ?)",
                            [(round_id, responses[v["response_id"]], v["level"], v["updated_at"]) for v in each["votes"]])


def _free_code(db: Database) -> str:
    while True:
        code = new_join_code()
        if db.execute("SELECT 1 FROM workshops WHERE join_code = ?", [code]).fetchone() is None:
            return code


def _check_result(result: Any) -> None:
    """Raise ValueError unless a frozen result has what the pages read."""
    if not isinstance(result, dict):
        raise ValueError("a frozen result is not an object")
    for key, kind in RESULT_KEYS.items():
        if not isinstance(result.get(key), kind):
            raise ValueError(f"a frozen result has no {key}")
