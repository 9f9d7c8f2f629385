"""Client data's lifecycle: delete to the trash, restore, purge for good, and retention.

Deleting hides: the organisation, unit, assessment or workshop gets the id of a trash entry
(``trash_id``), and every listing reads only rows without one, so what was deleted vanishes
everywhere at once. A restore clears exactly the rows of its entry. A purge deletes the hidden
rows and every row that refers to them, found by walking the schema's foreign keys, so a
table added later is purged too as long as it declares its references.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database

from .audit import record, redact_org
from .db import NotFound, StoreError, checkpoint, now_iso, transaction

TRASH_DAYS = 30
KINDS = ("organisation", "unit", "assessment", "workshop")
# Retention settings, with their defaults (days) and bounds.
RETENTION = {
    "anonymous_days": {"default": 180, "label": "Anonymous self-assessments never attached to an organisation"},
    "workshop_answers_days": {"default": 90, "label": "Workshop participants' individual answers after the close"},
}
RETENTION_RANGE = (1, 3650)
# A stand-alone self-assessment nobody answered anything in is purged after this many days.
NEVER_ANSWERED_DAYS = 1


class InTrash(StoreError):
    """The thing to restore lives in something that is itself in the trash."""


class AnswersPurged(StoreError):
    """A workshop's individual answers were purged under retention: its result can no longer be recomputed."""


class InvalidRetention(StoreError):
    """A retention period is not a whole number of days within RETENTION_RANGE."""


# --------------------------------------------------------------------------
# What a deletion takes with it
# --------------------------------------------------------------------------


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def describe(counts: dict[str, int]) -> str:
    """What will go, as people read it: "2 units, 14 assessments, 3 workshops with 61 participants' answers"."""
    parts = []
    if counts.get("units"):
        parts.append(_plural(counts["units"], "unit"))
    parts.append(_plural(counts.get("assessments", 0), "assessment"))
    if counts.get("workshops"):
        parts.append(_plural(counts["workshops"], "workshop")
                     + f" with {_plural(counts.get('participants', 0), 'participant')}' answers"
                       .replace("participant' answers", "participant's answers"))
    if counts.get("progress"):
        parts.append(_plural(counts["progress"], "roadmap progress record"))
    return ", ".join(parts)


def _scope(kind: str) -> str:
    """Which live assessments a deletion of this kind takes (parameter: the object's id)."""
    return {
        "organisation": "a.org_id = ?",
        "unit": "a.unit_id = ?",
        "assessment": "a.id = ?",
        "workshop": "a.id = (SELECT assessment_id FROM workshops WHERE id = ?)",
    }[kind]


def contents(db: Database, org_id: int, kind: str, object_id: int) -> dict[str, int]:
    """Counts of what deleting this object takes: units, assessments, workshops, participants, progress."""
    where = f"{_scope(kind)} AND a.org_id = ? AND a.trash_id IS NULL"
    row = db.execute(
        f"""SELECT count(*) FILTER (WHERE a.kind = 'self'),
                   count(*) FILTER (WHERE a.kind = 'workshop'),
                   (SELECT count(*) FROM responses r JOIN assessments a ON a.id = r.assessment_id
                    WHERE {where} AND a.kind = 'workshop')
            FROM assessments a WHERE {where}""",
        [object_id, org_id, object_id, org_id],
    ).fetchone()
    counts = {"assessments": row[0], "workshops": row[1], "participants": row[2]}
    if kind == "organisation":
        counts["units"] = db.execute("SELECT count(*) FROM units WHERE org_id = ? AND trash_id IS NULL",
                                     [org_id]).fetchone()[0]
        counts["progress"] = db.execute("SELECT count(*) FROM roadmap_progress WHERE org_id = ?",
                                        [org_id]).fetchone()[0]
    elif kind == "unit":
        counts["units"] = 1
        counts["progress"] = db.execute("SELECT count(*) FROM roadmap_progress WHERE org_id = ? AND unit_key = ?",
                                        [org_id, object_id]).fetchone()[0]
    return counts


def target(db: Database, org_id: int, kind: str, object_id: int) -> dict[str, Any]:
    """A live object of the organisation to delete: {kind, id, label}; raise NotFound."""
    if kind == "organisation":
        row = db.execute("SELECT id, name FROM organisations WHERE id = ? AND id = ? AND trash_id IS NULL",
                         [object_id, org_id]).fetchone()
    elif kind == "unit":
        row = db.execute("SELECT id, name FROM units WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                         [object_id, org_id]).fetchone()
    elif kind == "workshop":
        row = db.execute("SELECT id, title FROM workshops WHERE id = ? AND org_id = ? AND trash_id IS NULL",
                         [object_id, org_id]).fetchone()
    elif kind == "assessment":
        row = db.execute(
            """SELECT id, COALESCE(NULLIF(title, ''), 'Assessment of ' || COALESCE(assessed_on, substr(created_at, 1, 10)))
               FROM assessments WHERE id = ? AND org_id = ? AND trash_id IS NULL""",
            [object_id, org_id]).fetchone()
    else:
        raise NotFound(f"unknown kind {kind}")
    if row is None:
        raise NotFound(f"no such {kind}")
    return {"kind": kind, "id": row[0], "label": row[1]}


# --------------------------------------------------------------------------
# Delete and restore
# --------------------------------------------------------------------------


def delete(db: Database, org_id: int, kind: str, object_id: int, user_id: int | None) -> int:
    """Move an organisation, unit, assessment or workshop (with what it holds) to the trash; return the entry's id.

    An assessment answered in a workshop goes with its workshop.
    """
    with transaction(db):
        if kind == "assessment":
            workshop = db.execute("SELECT id FROM workshops WHERE assessment_id = ? AND org_id = ?",
                                  [object_id, org_id]).fetchone()
            if workshop is not None:
                kind, object_id = "workshop", workshop[0]
        thing = target(db, org_id, kind, object_id)
        counts = contents(db, org_id, kind, object_id)
        trash_id = db["trash"].insert({
            "org_id": org_id, "kind": kind, "object_id": object_id, "label": thing["label"],
            "contents": describe(counts), "deleted_at": now_iso(), "deleted_by": user_id,
        }).last_pk
        if kind == "organisation":
            db.execute("UPDATE organisations SET trash_id = ? WHERE id = ?", [trash_id, org_id])
        else:
            if kind == "unit":
                db.execute("UPDATE units SET trash_id = ? WHERE id = ?", [trash_id, object_id])
            db.execute(f"UPDATE assessments AS a SET trash_id = ? WHERE {_scope(kind)} AND a.org_id = ? "
                       "AND a.trash_id IS NULL", [trash_id, object_id, org_id])
            db.execute("UPDATE workshops SET trash_id = ? WHERE trash_id IS NULL AND assessment_id IN "
                       "(SELECT id FROM assessments WHERE trash_id = ?)", [trash_id, trash_id])
        record(db, "deleted", actor_id=user_id, org_id=org_id, object_kind=kind, object_id=object_id,
                     label=thing["label"], detail=describe(counts))
    return trash_id


_TRASH_COLUMNS = ("id", "org_id", "kind", "object_id", "label", "contents", "deleted_at", "deleted_by",
                  "deleted_by_email", "org_name")


def _trash_rows(db: Database, where: str, params: list) -> list[dict[str, Any]]:
    rows = db.execute(
        f"""SELECT t.id, t.org_id, t.kind, t.object_id, t.label, t.contents, t.deleted_at, t.deleted_by,
                   CASE WHEN u.deleted_at IS NULL THEN u.email ELSE 'former user' END, o.name
            FROM trash t JOIN organisations o ON o.id = t.org_id LEFT JOIN users u ON u.id = t.deleted_by
            WHERE {where} ORDER BY t.deleted_at DESC, t.id DESC""", params).fetchall()
    out = []
    for row in rows:
        entry = dict(zip(_TRASH_COLUMNS, row))
        entry["purge_on"] = (datetime.fromisoformat(entry["deleted_at"]) + timedelta(days=TRASH_DAYS)).date().isoformat()
        out.append(entry)
    return out


def trash_of(db: Database, org_id: int) -> list[dict[str, Any]]:
    """What of a (live) organisation is in its trash, newest first."""
    return _trash_rows(db, "t.org_id = ? AND t.kind != 'organisation'", [org_id])


def deleted_orgs(db: Database, user_id: int) -> list[dict[str, Any]]:
    """Organisations in the trash that this user owns (and so may restore or purge)."""
    return _trash_rows(db, "t.kind = 'organisation' AND o.trash_id = t.id AND EXISTS (SELECT 1 FROM memberships m "
                           "WHERE m.org_id = t.org_id AND m.user_id = ? AND m.role = 'owner')", [user_id])


def trash_entry(db: Database, trash_id: int) -> dict[str, Any]:
    rows = _trash_rows(db, "t.id = ?", [trash_id])
    if not rows:
        raise NotFound("no such item in the trash")
    return rows[0]


def restore(db: Database, trash_id: int, user_id: int | None) -> dict[str, Any]:
    """Bring back exactly what one trash entry hid; return the entry. Raise InTrash when it lived
    in a unit or organisation that is itself in the trash."""
    with transaction(db):
        entry = trash_entry(db, trash_id)
        if entry["kind"] != "organisation":
            if db.execute("SELECT trash_id FROM organisations WHERE id = ?", [entry["org_id"]]).fetchone()[0]:
                raise InTrash("its organisation is in the trash; restore the organisation first")
            unit_gone = db.execute("""SELECT 1 FROM assessments a JOIN units u ON u.id = a.unit_id
                                      WHERE a.trash_id = ? AND u.trash_id IS NOT NULL AND u.trash_id != ?""",
                                   [trash_id, trash_id]).fetchone()
            if unit_gone:
                raise InTrash("its unit is in the trash; restore the unit first")
        for table in ("organisations", "units", "assessments", "workshops"):
            db.execute(f"UPDATE {table} SET trash_id = NULL WHERE trash_id = ?", [trash_id])
        db.execute("DELETE FROM trash WHERE id = ?", [trash_id])
        record(db, "restored", actor_id=user_id, org_id=entry["org_id"], object_kind=entry["kind"],
                     object_id=entry["object_id"], label=entry["label"], detail=entry["contents"])
    return entry


# --------------------------------------------------------------------------
# Purge: delete rows and every row that refers to them, by the schema's foreign keys
# --------------------------------------------------------------------------


def _references(db: Database) -> dict[str, list[tuple[str, str, str]]]:
    """{parent table: [(child table, child column, parent column)]} from every table's foreign keys."""
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'")]
    refs: dict[str, list[tuple[str, str, str]]] = {}
    for table in tables:
        for fk in db.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
            parent, child_column, parent_column = fk[2], fk[3], fk[4] or "id"
            refs.setdefault(parent, []).append((table, child_column, parent_column))
    return refs


def _has_rowid(db: Database, table: str) -> bool:
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()[0]
    return "WITHOUT ROWID" not in sql.upper()


def _cascade(db: Database, table: str, where: str, params: list) -> dict[str, int]:
    """Delete the rows of ``table`` matching ``where`` and, first, every row that refers to them,
    transitively; return how many rows went per table. Call inside a transaction.

    The rows to go are collected first (by rowid, in temporary tables), then deleted, so
    references in circles (an organisation and its trash entry) end.
    """
    refs = _references(db)
    doomed: dict[str, str] = {}  # table -> temp table of the rowids to delete
    leaf_conditions: dict[str, list[tuple[str, str]]] = {}  # WITHOUT ROWID tables: (column, parent subquery)
    detach: list[tuple[str, str, str]] = []  # (table, column, parent subquery): set to NULL, not followed

    def temp_for(name: str) -> str:
        if name not in doomed:
            doomed[name] = f"temp.purge_{len(doomed)}"
            db.execute(f"CREATE TEMP TABLE {doomed[name].split('.')[1]} (rid INTEGER PRIMARY KEY)")
        return doomed[name]

    pending = [(table, f"SELECT rowid FROM \"{table}\" WHERE {where}", params)]
    while pending:
        name, select, args = pending.pop()
        temp = temp_for(name)
        added = db.execute(f"INSERT OR IGNORE INTO {temp} (rid) {select}", args).rowcount
        if not added:
            continue
        for child, column, parent_column in refs.get(name, []):
            parents = f"SELECT \"{parent_column}\" FROM \"{name}\" WHERE rowid IN (SELECT rid FROM {temp})"
            if child == name:  # a link between rows of one table (a re-assessment's previous one): cleared
                detach.append((child, column, parents))
            elif _has_rowid(db, child):
                pending.append((child, f"SELECT rowid FROM \"{child}\" WHERE \"{column}\" IN ({parents})", []))
            else:
                leaf_conditions.setdefault(child, []).append((column, parents))
    removed: dict[str, int] = {}
    db.execute("PRAGMA defer_foreign_keys = ON")
    for child, column, parents in detach:
        db.execute(f"UPDATE \"{child}\" SET \"{column}\" = NULL WHERE \"{column}\" IN ({parents})")
    for child, conditions in leaf_conditions.items():
        for column, parents in conditions:
            removed[child] = removed.get(child, 0) + db.execute(
                f"DELETE FROM \"{child}\" WHERE \"{column}\" IN ({parents})").rowcount
    for name, temp in doomed.items():
        removed[name] = removed.get(name, 0) + db.execute(
            f"DELETE FROM \"{name}\" WHERE rowid IN (SELECT rid FROM {temp})").rowcount
    for temp in doomed.values():
        db.execute(f"DROP TABLE {temp}")
    return {t: n for t, n in removed.items() if n}


def purge(db: Database, trash_id: int, user_id: int | None) -> dict[str, int]:
    """Delete for good what one trash entry holds, with every row referring to it; return rows removed per table.
    When it returns, neither the database file nor its log holds what was purged."""
    removed = _purge_entry(db, trash_id, user_id)
    checkpoint(db)
    return removed


def _purge_entry(db: Database, trash_id: int, user_id: int | None) -> dict[str, int]:
    with transaction(db):
        entry = trash_entry(db, trash_id)
        if entry["kind"] == "organisation":
            return _purge_org(db, entry["org_id"], user_id)
        units = [r[0] for r in db.execute("SELECT id FROM units WHERE trash_id = ?", [trash_id])]
        removed = _cascade(db, "trash", "id = ?", [trash_id])
        if units:
            progress = db.execute("DELETE FROM roadmap_progress WHERE org_id = ? AND unit_key IN "
                                  "(SELECT value FROM json_each(?))", [entry["org_id"], json.dumps(units)]).rowcount
            if progress:
                removed["roadmap_progress"] = removed.get("roadmap_progress", 0) + progress
        record(db, "purged", actor_id=user_id, org_id=entry["org_id"], object_kind=entry["kind"],
                     object_id=entry["object_id"], label=entry["label"], detail=entry["contents"])
    return removed


def purge_org(db: Database, org_id: int, user_id: int | None) -> dict[str, int]:
    """Delete an organisation and everything of it for good; its audit entries stay, redacted. When it
    returns, neither the database file nor its log holds what was purged."""
    removed = _purge_org(db, org_id, user_id)
    checkpoint(db)
    return removed


def _purge_org(db: Database, org_id: int, user_id: int | None) -> dict[str, int]:
    with transaction(db):
        if db.execute("SELECT 1 FROM organisations WHERE id = ?", [org_id]).fetchone() is None:
            raise NotFound("no such organisation")
        removed = _cascade(db, "organisations", "id = ?", [org_id])
        progress = db.execute("DELETE FROM roadmap_progress WHERE org_id = ?", [org_id]).rowcount
        if progress:
            removed["roadmap_progress"] = removed.get("roadmap_progress", 0) + progress
        redact_org(db, org_id)
        record(db, "purged", actor_id=user_id, object_kind="organisation", object_id=org_id,
                     label=f"organisation #{org_id}", detail="everything of the organisation")
    return removed


def purge_standalone(db: Database, assessment_id: int) -> dict[str, int]:
    """Delete a stand-alone (never attached) self-assessment for good; raise NotFound for any other.
    When it returns, neither the database file nor its log holds what was purged."""
    with transaction(db):
        if db.execute("SELECT 1 FROM assessments WHERE id = ? AND org_id IS NULL AND kind = 'self'",
                      [assessment_id]).fetchone() is None:
            raise NotFound("no such stand-alone self-assessment")
        removed = _cascade(db, "assessments", "id = ?", [assessment_id])
    checkpoint(db)
    return removed


# --------------------------------------------------------------------------
# Retention: settings and the purge of what is due
# --------------------------------------------------------------------------


def retention(db: Database) -> dict[str, int]:
    """The retention periods in days, each its setting or its default."""
    stored = dict(db.execute("SELECT key, value FROM settings WHERE key IN (SELECT value FROM json_each(?))",
                             [json.dumps(list(RETENTION))]).fetchall())
    return {key: int(stored.get(key, spec["default"])) for key, spec in RETENTION.items()}


def set_retention(db: Database, values: dict[str, Any], user_id: int | None) -> dict[str, int]:
    """Change retention periods (days, whole numbers within RETENTION_RANGE); raise InvalidRetention."""
    low, high = RETENTION_RANGE
    clean = {}
    for key, raw in values.items():
        if key not in RETENTION:
            raise InvalidRetention(f"unknown setting {key}")
        text = str(raw).strip()
        if not (text.isascii() and text.isdigit()):  # int() would take "٣" and "1_0"
            raise InvalidRetention(f"give {RETENTION[key]['label'].lower()} as a whole number of days")
        days = int(text)
        if not low <= days <= high:
            raise InvalidRetention(f"a retention period is {low} to {high} days")
        clean[key] = days
    with transaction(db):
        for key, days in clean.items():
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                       "SET value = excluded.value", [key, str(days)])
        record(db, "retention_changed", actor_id=user_id,
                     detail=", ".join(f"{k} = {v} days" for k, v in clean.items()))
    return retention(db)


def _cutoff(days: int, now: datetime | None) -> str:
    return ((now or datetime.now(timezone.utc)) - timedelta(days=days)).isoformat(timespec="seconds")


BATCH = 50


def purge_due(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Purge what is due: trash older than 30 days, never-attached anonymous self-assessments past their
    retention (never-answered ones after NEVER_ANSWERED_DAYS) and closed workshops' individual answers past
    their retention. Return counts by what went.

    Each batch is its own short write transaction, so requests go on meanwhile; running it
    again finds nothing more to do. When it returns, neither the database file nor its log holds
    what was purged.
    """
    periods = retention(db)
    done = {"trash_entries": 0, "anonymous_self_assessments": 0, "never_answered": 0, "workshops_answers": 0}
    while True:
        due = [r[0] for r in db.execute("SELECT id FROM trash WHERE deleted_at < ? ORDER BY id LIMIT ?",
                                        [_cutoff(TRASH_DAYS, now), BATCH])]
        if not due:
            break
        for trash_id in due:
            try:
                _purge_entry(db, trash_id, None)
            except NotFound:  # purged meanwhile (by its organisation, or another run)
                continue
            done["trash_entries"] += 1
    while True:
        with transaction(db):
            due = [r[0] for r in db.execute(
                "SELECT id FROM assessments WHERE org_id IS NULL AND kind = 'self' AND created_at < ? LIMIT ?",
                [_cutoff(periods["anonymous_days"], now), BATCH])]
            for assessment_id in due:
                _cascade(db, "assessments", "id = ?", [assessment_id])
        if not due:
            break
        done["anonymous_self_assessments"] += len(due)
    # Stand-alone self-assessments nobody answered anything in (no answer, no profile, no note) go after a day.
    while True:
        with transaction(db):
            due = [r[0] for r in db.execute(
                """SELECT a.id FROM assessments a WHERE a.org_id IS NULL AND a.kind = 'self' AND a.created_at < ?
                   AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.assessment_id = a.id
                                   AND (r.context_json NOT IN ('', '{}')
                                        OR EXISTS (SELECT 1 FROM answers x WHERE x.response_id = r.id)
                                        OR EXISTS (SELECT 1 FROM notes n WHERE n.response_id = r.id)))
                   LIMIT ?""", [_cutoff(NEVER_ANSWERED_DAYS, now), BATCH])]
            for assessment_id in due:
                _cascade(db, "assessments", "id = ?", [assessment_id])
        if not due:
            break
        done["never_answered"] += len(due)
    with transaction(db):
        workshops = db.execute(
            "SELECT id, org_id, assessment_id, title FROM workshops WHERE status = 'closed' AND closed_at < ? "
            "AND answers_purged_at IS NULL", [_cutoff(periods["workshop_answers_days"], now)]).fetchall()
        for workshop_id, org_id, assessment_id, title in workshops:
            purge_workshop_answers(db, workshop_id, assessment_id)
            record(db, "retention_purged", org_id=org_id, object_kind="workshop", object_id=workshop_id,
                         label=title, detail="participants' individual answers; the result stays")
        done["workshops_answers"] = len(workshops)
    if done["never_answered"]:
        record(db, "retention_purged", object_kind="self-assessment",
               detail=f"{done['never_answered']} stand-alone self-assessments never answered, after "
                      f"{NEVER_ANSWERED_DAYS} day")
    if done["anonymous_self_assessments"]:
        record(db, "retention_purged", object_kind="self-assessment",
                     detail=f"{done['anonymous_self_assessments']} anonymous self-assessments never attached")
    checkpoint(db)  # when the command returns, neither the database file nor its log holds what went
    return done


def purge_workshop_answers(db: Database, workshop_id: int, assessment_id: int) -> None:
    """Forget each participant's answers (second-round votes too), name and role; the frozen aggregate result stays."""
    with transaction(db):
        db.execute("DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE assessment_id = ?)",
                   [assessment_id])
        db.execute("DELETE FROM notes WHERE response_id IN (SELECT id FROM responses WHERE assessment_id = ?)",
                   [assessment_id])
        db.execute("DELETE FROM round_votes WHERE response_id IN (SELECT id FROM responses WHERE assessment_id = ?)",
                   [assessment_id])  # a second round's votes are individual answers too; the rounds stay
        db.execute("UPDATE responses SET display_name = NULL, role = NULL, context_json = '{}' "
                   "WHERE assessment_id = ?", [assessment_id])
        db.execute("UPDATE workshops SET answers_purged_at = ? WHERE id = ?", [now_iso(), workshop_id])
