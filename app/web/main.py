"""Home page, a trivial health endpoint (the benchmarks' baseline) and vendored scripts."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Blueprint, render_template, send_file

bp = Blueprint("main", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@bp.get("/")
def home():
    return render_template("home.html")


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/vendor/plotly.min.js")
def plotly_js():
    """Serve plotly.js from the installed plotly package: no CDN, works offline."""
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=86400)
