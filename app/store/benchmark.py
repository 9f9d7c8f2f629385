"""The pooled benchmark's population: which organisations count and with which result.

benchmark_population is the one place that chooses who is pooled: only organisations whose owner
opted in, each by the latest closed result of each of its scopes (the organisation as a whole and
each unit), which the engine's benchmark.picture turns into one picture per organisation, with its
owners. Anything that must never be pooled is filtered here: nothing in the trash counts.

Pages and reports read the population as it was at its last refresh (pooled_benchmark): a stored
snapshot with its date, refreshed nightly (`flask benchmark refresh`, or on the first read after
it is a day old), so that an owner moving organisations around a peer learns nothing per submit.
An organisation that stops taking part (or goes to the trash) leaves it at once.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database

from ..engine.benchmark import picture
from .db import NotFound, best_effort, transaction
from .history import snapshot_summary


# Every scope of every opted-in organisation (the organisation as a whole, each unit), and each
# scope's newest closed assessment; nothing in the trash (an organisation, a unit or an assessment)
# counts. Searched through indexes (organisations_benchmark, units_org, assessments_org_closed),
# never a scan of all assessments.
POPULATION_SQL = """WITH scopes AS (
        SELECT o.id AS org_id, NULL AS unit_id FROM organisations o WHERE o.benchmark_opt_in = 1 AND o.trash_id IS NULL
        UNION ALL
        SELECT o.id, u.id FROM organisations o JOIN units u ON u.org_id = o.id
        WHERE o.benchmark_opt_in = 1 AND o.trash_id IS NULL AND u.trash_id IS NULL)
    SELECT scopes.org_id, scopes.unit_id, s.id,
           (SELECT json_group_array(m.user_id) FROM memberships m WHERE m.org_id = scopes.org_id AND m.role = 'owner'), json_extract(s.summary_json, '$.scores'),
           json_extract(s.summary_json, '$.overall'),
           COALESCE(json_extract(s.summary_json, '$.profile'),
                    json_object('org_size', json_extract(s.result_json, '$.context.org_size'),
                                'delivery_mix', json_extract(s.result_json, '$.context.delivery_mix')))
    FROM scopes
    JOIN assessments a ON a.id = (
        SELECT b.id FROM assessments b
        WHERE b.org_id = scopes.org_id AND b.status = 'closed' AND b.snapshot_id IS NOT NULL AND b.trash_id IS NULL
          AND b.unit_id IS scopes.unit_id
        ORDER BY COALESCE(b.assessed_on, b.closed_at) DESC, b.id DESC LIMIT 1)
    JOIN snapshots s ON s.id = a.snapshot_id
    ORDER BY scopes.org_id, COALESCE(a.assessed_on, a.closed_at), a.id"""


def set_benchmark_opt_in(db: Database, org_id: int, on: bool) -> None:
    with transaction(db):
        if db.execute("UPDATE organisations SET benchmark_opt_in = ? WHERE id = ?",
                      [1 if on else 0, org_id]).rowcount == 0:
            raise NotFound("no such organisation")


def benchmark_opt_in(db: Database, org_id: int) -> bool:
    row = db.execute("SELECT benchmark_opt_in FROM organisations WHERE id = ?", [org_id]).fetchone()
    if row is None:
        raise NotFound("no such organisation")
    return bool(row[0])


def benchmark_generation(db: Database) -> int:
    """Changes whenever the pooled population may have changed (triggers on organisations, units and
    assessments raise it): the key of its cache."""
    return db.execute("SELECT generation FROM benchmark_generation WHERE id = 1").fetchone()[0]


def benchmark_population(db: Database) -> list[dict[str, Any]]:
    """One picture per opted-in organisation with a closed result ({org_id, owners, basis, units, context,
    scores, overall}, see engine.benchmark.picture), by organisation id, as it is now."""
    rows = db.execute(POPULATION_SQL).fetchall()
    by_org: dict[int, list[dict[str, Any]]] = {}
    owners_of: dict[int, list[int]] = {}
    for org_id, unit_id, snapshot_id, owners, scores, overall, profile in rows:
        owners_of[org_id] = json.loads(owners)
        if scores is None:  # frozen before summaries existed: read (and keep) one
            summary = snapshot_summary(db, snapshot_id)
            scores, overall = json.dumps(summary["scores"]), summary["overall"]
        by_org.setdefault(org_id, []).append({"unit_id": unit_id, "scores": json.loads(scores), "overall": overall,
                                              "profile": json.loads(profile)})
    return [p for org_id, latest in by_org.items() if (p := picture(org_id, latest, owners_of[org_id])) is not None]


def _now() -> str:
    # To the microsecond: the date is also the key of caches, and two refreshes may fall in one second.
    return datetime.now(timezone.utc).isoformat()


def refresh_benchmark(db: Database) -> dict[str, Any]:
    """Store the pooled population as it is now, with its date; return it ({taken_at, population})."""
    found = {"taken_at": _now(), "population": benchmark_population(db)}
    _keep(db, found)
    return found


def _keep(db: Database, found: dict[str, Any]) -> None:
    with transaction(db):
        db.execute("INSERT INTO benchmark_snapshot (id, taken_at, population_json) VALUES (1, ?, ?) "
                   "ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at, population_json = excluded.population_json",
                   [found["taken_at"], json.dumps(found["population"])])


def benchmark_taken_at(db: Database) -> str | None:
    """When the pooled population was last refreshed (None: never)."""
    row = db.execute("SELECT taken_at FROM benchmark_snapshot WHERE id = 1").fetchone()
    return row[0] if row else None


def benchmark_due(taken_at: str | None, max_age_hours: float) -> bool:
    """The stored population is missing or older than ``max_age_hours``."""
    return taken_at is None or (datetime.now(timezone.utc) - datetime.fromisoformat(taken_at)
                                >= timedelta(hours=max_age_hours))


def pooled_benchmark(db: Database, max_age_hours: float = 24) -> dict[str, Any]:
    """The pooled population as of its last refresh ({taken_at, population}), refreshed first when it
    is missing or older than ``max_age_hours`` (kept only if storage takes the write). Organisations
    that no longer take part, or are in the trash, are left out at once."""
    row = db.execute("SELECT taken_at, population_json FROM benchmark_snapshot WHERE id = 1").fetchone()
    if row is None or benchmark_due(row[0], max_age_hours):
        found = {"taken_at": _now(), "population": benchmark_population(db)}
        with best_effort(db):
            _keep(db, found)
    else:
        found = {"taken_at": row[0], "population": json.loads(row[1])}
    pooled = {r[0] for r in db.execute(
        "SELECT id FROM organisations WHERE benchmark_opt_in = 1 AND trash_id IS NULL").fetchall()}
    return {"taken_at": found["taken_at"], "population": [p for p in found["population"] if p["org_id"] in pooled]}
