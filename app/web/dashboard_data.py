"""What organisation dashboards show, kept per worker.

Dashboards read the small summaries frozen with each snapshot, never raw answers. Their
data and figures are cached in the worker, keyed by the database and a generation that
changes whenever anything they show changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Sequence

from flask import current_app

from .. import service, store
from ..db import get_db
from .cache import LRUCache
from .current import content
from .room_charts import scores_radar_svg, trend_svg

CACHE_SIZE = 256
_CACHE = LRUCache(CACHE_SIZE)


def cached(key: tuple, build: Callable[[], dict]) -> dict:
    """The value cached under ``key`` (with this database in the key), built on first use."""
    # Two apps in one process (tests, tools) never share entries.
    return _CACHE.get((current_app.config["DATABASE"], *key), build)


def clear_cache() -> None:
    _CACHE.clear()


def dashboard_for(org: dict, unit: dict | None) -> dict[str, Any]:
    """The organisation's (or one unit's) dashboard."""
    db = get_db()
    key = (org["id"], unit["id"] if unit else None, store.generation(db, org["id"]))
    return cached(key, lambda: with_drawings(service.dashboard(db, content(), org, unit)))


def with_drawings(data: dict) -> dict:
    """The dashboard's first-screen charts drawn on the server (no chart library needed to show them)."""
    labels, plots = data["labels"], data["plots"]
    data["drawings"] = {}
    if "trend" in plots:
        data["drawings"]["trend"] = trend_svg(plots["trend"], labels, "Scores per capability area and overall "
                                              "over time")
    if "radar" in plots:
        data["drawings"]["radar"] = scores_radar_svg(plots["radar"]["series"], labels, plots["radar"]["target"],
                                                     title="Radar of the latest scores against the target")
    return data


def progress_view(org_id: int, unit: dict | None, data: dict) -> dict[str, Any] | None:
    """Roadmap progress of the dashboard's latest result (None before the first)."""
    if "latest" not in data:
        return None
    db = get_db()
    unit_key = unit["id"] if unit else 0
    today = date.today()  # what is overdue changes at midnight
    key = (org_id, unit_key, "progress", today, store.generation(db, org_id))
    return cached(key, lambda: service.roadmap_progress(db, org_id, unit_key, data, today))


def units_progress_view(org_id: int, data: dict) -> dict[str, Any] | None:
    """The units' roadmap progress side by side, and combined (None without unit results)."""
    if not data.get("unit_latest"):
        return None
    today = date.today()
    key = (org_id, "units-progress", today, store.generation(get_db(), org_id))
    return cached(key, lambda: service.units_progress(get_db(), org_id, data, today))


def comparison_for(org_id: int, chosen: Sequence[dict], names: Sequence[str]) -> dict[str, Any]:
    """Chosen assessments overlaid against the target, with their deltas."""
    key = (org_id, "compare", tuple(r["id"] for r in chosen), store.generation(get_db(), org_id))
    return cached(key, lambda: compared_drawings(service.comparison(content(), chosen, names)))


def compared_drawings(data: dict) -> dict:
    """The comparison's radars drawn on the server: the overlay and one per assessment."""
    labels, target = data["labels"], data["target"]
    data["overlay_svg"] = scores_radar_svg(data["series"], labels, target, title="Radar overlay of "
                                           + ", ".join(name for name, _ in data["series"]) + " and the target")
    data["multiple_svgs"] = [scores_radar_svg([(name, scores)], labels, target, title=f"Radar of {name}", first=i)
                             for i, (name, scores) in enumerate(data["series"])]
    return data


def benchmark_stamp() -> tuple:
    """What the pooled benchmark as pages show it depends on: who takes part now, and the last refresh
    (made first when one is due)."""
    db, hours = get_db(), current_app.config["BENCHMARK_REFRESH_HOURS"]
    if store.benchmark_due(store.benchmark_taken_at(db), hours):
        store.pooled_benchmark(db, hours)
    return store.benchmark_generation(db), store.benchmark_taken_at(db)


def pooled_benchmark() -> dict[str, Any]:
    """The pooled benchmark's population as of its last refresh, read once per change (in this worker)."""
    db = get_db()
    return cached(("benchmark-population", *benchmark_stamp()),
                  lambda: store.pooled_benchmark(db, current_app.config["BENCHMARK_REFRESH_HOURS"]))


def benchmark_view(org_id: int, same_mix: bool) -> dict[str, Any] | None:
    """The pooled benchmark panel of the organisation (None when it is not pooled)."""
    return service.org_benchmark(content(), pooled_benchmark(), org_id, same_mix)
