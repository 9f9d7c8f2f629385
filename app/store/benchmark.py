"""The pooled benchmark's population: which organisations count and with which result.

benchmark_population is the one place that chooses who is pooled: only organisations whose owner
opted in, each by the latest closed result of each of its scopes (the organisation as a whole and
each unit), which the engine's benchmark.picture turns into one picture per organisation. Anything
that must never be pooled is filtered here: nothing in the trash counts.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from ..engine.benchmark import picture
from .db import NotFound, transaction
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
    SELECT scopes.org_id, scopes.unit_id, s.id, json_extract(s.summary_json, '$.scores'),
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
    """One picture per opted-in organisation with a closed result ({org_id, basis, units, context,
    scores, overall}, see engine.benchmark.picture), by organisation id."""
    rows = db.execute(POPULATION_SQL).fetchall()
    by_org: dict[int, list[dict[str, Any]]] = {}
    for org_id, unit_id, snapshot_id, scores, overall, profile in rows:
        if scores is None:  # frozen before summaries existed: read (and keep) one
            summary = snapshot_summary(db, snapshot_id)
            scores, overall = json.dumps(summary["scores"]), summary["overall"]
        by_org.setdefault(org_id, []).append({"unit_id": unit_id, "scores": json.loads(scores), "overall": overall,
                                              "profile": json.loads(profile)})
    return [p for org_id, latest in by_org.items() if (p := picture(org_id, latest)) is not None]
