"""Home page, the health endpoint (also the benchmarks' baseline) and vendored scripts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import plotly
from flask import Blueprint, current_app, render_template, send_file

from .. import store

bp = Blueprint("main", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    """Liveness, and whether the database takes writes: 200 ok, or 503 degraded with the reason."""
    found = storage_health()
    headers = {"Cache-Control": "no-store"}
    if found is None:
        return {"status": "ok"}, 200, headers
    fault, detail = found
    return {"status": "degraded", "reason": fault, "detail": detail}, 503, headers


# The last probe per database file, in this process: (monotonic time, fault or None).
_probes: dict[str, tuple[float, tuple[str, str] | None]] = {}
_probe_lock = threading.Lock()


def storage_health() -> tuple[str, str] | None:
    """The storage fault, if any, from a write probe at most HEALTH_CACHE_SECONDS old."""
    path = current_app.config["DATABASE"]
    now = time.monotonic()
    cached = _probes.get(path)
    if cached is not None and now - cached[0] < current_app.config["HEALTH_CACHE_SECONDS"]:
        return cached[1]
    with _probe_lock:  # one probe at a time; the others use its answer
        cached = _probes.get(path)
        if cached is not None and cached[0] >= now:
            return cached[1]
        found = store.probe_storage(path, current_app.config["HEALTH_BUSY_TIMEOUT_MS"])
        _probes[path] = (time.monotonic(), found)
        return found


def note_storage_fault(fault: str, detail: str) -> None:
    """A request just met a storage fault: health says so at once, without waiting for its next probe."""
    _probes[current_app.config["DATABASE"]] = (time.monotonic(), (fault, detail))


@bp.get("/vendor/plotly.min.js")
def plotly_js():
    """Serve plotly.js from the installed plotly package: no CDN, works offline."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86400)
