"""Organisations, their members, and the assessments that belong to them."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .accounts import UnknownRole
from .db import InvalidName, NotFound, StoreError, now_iso, safe_text, transaction

ORG_ROLES = ("owner", "member")
MAX_ORG_NAME = 120


class LastOwner(StoreError):
    """An organisation must keep at least one owner."""


class AlreadyAttached(StoreError):
    """The assessment belongs to an organisation already; it cannot move on."""


def clean_name(name: str | None, limit: int, what: str) -> str:
    """A name with its whitespace collapsed; raise InvalidName when it is empty, too long or unsafe
    (engine.names.check_name: non-characters, controls, bidirectional overrides, nothing visible)."""
    name = " ".join((name or "").split())
    if not name or len(name) > limit:
        raise InvalidName(f"{what} needs 1 to {limit} characters", limit)
    return safe_text(name, what, limit)



def create_org(db: Database, name: str, creator_id: int) -> int:
    """Create an organisation; its creator becomes its owner."""
    name = clean_name(name, MAX_ORG_NAME, "the organisation's name")
    now = now_iso()
    with transaction(db):
        org_id = db["organisations"].insert({"name": name, "created_by": creator_id, "created_at": now}).last_pk
        db.execute("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)",
                   [org_id, creator_id, now])
    return org_id


def membership(db: Database, org_id: int, user_id: int | None) -> str | None:
    """The user's role in the organisation, or None when they are not a member."""
    if user_id is None:
        return None
    row = db.execute("SELECT m.role FROM memberships m JOIN organisations o ON o.id = m.org_id "
                     "WHERE m.org_id = ? AND m.user_id = ? AND o.trash_id IS NULL", [org_id, user_id]).fetchone()
    return row[0] if row else None


def get_org(db: Database, org_id: int) -> dict[str, Any]:
    row = db.execute("SELECT id, name, created_by, created_at FROM organisations WHERE id = ? AND trash_id IS NULL", [org_id]).fetchone()
    if row is None:
        raise NotFound("no such organisation")
    return dict(zip(("id", "name", "created_by", "created_at"), row))


def orgs_of_user(db: Database, user_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        """SELECT o.id, o.name, m.role,
                  (SELECT count(*) FROM assessments a WHERE a.org_id = o.id AND a.trash_id IS NULL) AS assessments
           FROM organisations o JOIN memberships m ON m.org_id = o.id
           WHERE m.user_id = ? AND o.trash_id IS NULL ORDER BY o.name COLLATE NOCASE""",
        [user_id],
    ).fetchall()
    return [dict(zip(("id", "name", "role", "assessments"), r)) for r in rows]


def rename_org(db: Database, org_id: int, name: str) -> None:
    name = clean_name(name, MAX_ORG_NAME, "the organisation's name")
    with transaction(db):
        db.execute("UPDATE organisations SET name = ? WHERE id = ?", [name, org_id])


def answer_viewers(db: Database, org_id: int, facilitator_roles: tuple[str, ...]) -> dict[str, list[str]]:
    """Who can see a named workshop participant's answers: the organisation's members whose accounts run
    workshops (``facilitator_roles``: on the console) and its owners (in the organisation's data export),
    by name (an account without one: its email), active accounts only."""
    rows = db.execute(
        """SELECT COALESCE(NULLIF(u.name, ''), u.email), u.role, m.role FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.org_id = ? AND u.active = 1 AND u.deleted_at IS NULL ORDER BY 1""", [org_id]).fetchall()
    return {"console": [name for name, role, _ in rows if role in facilitator_roles],
            "export": [name for name, _, membership in rows if membership == "owner"]}


def members(db: Database, org_id: int) -> list[dict[str, Any]]:
    rows = db.execute(
        """SELECT u.id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
           WHERE m.org_id = ? ORDER BY m.role DESC, u.email""",
        [org_id],
    ).fetchall()
    return [dict(zip(("id", "email", "name", "role", "since"), r)) for r in rows]


def set_member(db: Database, org_id: int, user_id: int, role: str) -> None:
    """Add a member or change their role; the last owner cannot be demoted."""
    if role not in ORG_ROLES:
        raise UnknownRole(f"role must be one of {', '.join(ORG_ROLES)}")
    with transaction(db):
        current = membership(db, org_id, user_id)
        if current == "owner" and role != "owner" and _owners(db, org_id) == 1:
            raise LastOwner("an organisation needs at least one owner")
        db.execute(
            """INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role""",
            [org_id, user_id, role, now_iso()],
        )


def remove_member(db: Database, org_id: int, user_id: int) -> None:
    with transaction(db):
        current = membership(db, org_id, user_id)
        if current is None:
            raise NotFound("not a member")
        if current == "owner" and _owners(db, org_id) == 1:
            raise LastOwner("an organisation needs at least one owner")
        db.execute("DELETE FROM memberships WHERE org_id = ? AND user_id = ?", [org_id, user_id])


def _owners(db: Database, org_id: int) -> int:
    return db.execute("SELECT count(*) FROM memberships WHERE org_id = ? AND role = 'owner'", [org_id]).fetchone()[0]


def attach_assessment(db: Database, assessment_id: int, org_id: int, title: str = "") -> None:
    """Give a stand-alone assessment to an organisation (once; it cannot move on afterwards)."""
    with transaction(db):
        row = db.execute("SELECT org_id FROM assessments WHERE id = ?", [assessment_id]).fetchone()
        if row is None:
            raise NotFound("no such assessment")
        if row[0] is not None:
            raise AlreadyAttached("this assessment already belongs to an organisation")
        db.execute("UPDATE assessments SET org_id = ?, title = CASE WHEN ? != '' THEN ? ELSE title END WHERE id = ?",
                   [org_id, title, title, assessment_id])


def org_assessments(db: Database, org_id: int) -> list[dict[str, Any]]:
    cols = ("id", "title", "kind", "status", "created_at", "closed_at", "questionnaire_version", "period",
            "assessed_on", "unit_id", "unit_name", "snapshots")
    rows = db.execute(
        """SELECT a.id, a.title, a.kind, a.status, a.created_at, a.closed_at,
                  COALESCE(cs.questionnaire_version, a.questionnaire_version), a.period, a.assessed_on, a.unit_id,
                  u.name, (SELECT count(*) FROM snapshots s WHERE s.assessment_id = a.id)
           FROM assessments a LEFT JOIN units u ON u.id = a.unit_id
           LEFT JOIN snapshots cs ON cs.id = a.snapshot_id
           WHERE a.org_id = ? AND a.trash_id IS NULL
             AND NOT EXISTS (SELECT 1 FROM workshops w WHERE w.assessment_id = a.id AND w.cancelled_at IS NOT NULL)
           ORDER BY COALESCE(a.assessed_on, a.created_at) DESC, a.id DESC""",
        [org_id],
    ).fetchall()
    return [dict(zip(cols, r)) for r in rows]
