"""The organisation dashboard, comparisons, roadmap progress, units and re-scoring.

Dashboards read the small summaries frozen with each snapshot, never raw answers, and
keep their computed data and figures per worker, keyed by a generation that changes
whenever anything they show changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from statistics import mean
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from .. import charts, store
from ..db import get_db
from ..engine import history as hist
from ..engine.vocabulary import DIMENSIONS
from . import content, unchanged
from ..service import compute_result, compute_workshop_result
from .orgs import member_view

bp = Blueprint("dashboard", __name__)

_CACHE: "OrderedDict[tuple, dict]" = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 256


def _cached(key: tuple, build) -> dict:
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = build()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def _database() -> str:
    """Part of every cache key: two apps in one process (tests, tools) never share entries."""
    return current_app.config["DATABASE"]


def _labels(rows: list[dict]) -> dict[str, str]:
    for row in reversed(rows):
        if row["summary"].get("dimensions"):
            return row["summary"]["dimensions"]
    return {d.id: d.title for d in content().default_questionnaire.dimensions}


def _period_rollup(rows: list[dict]) -> list[dict]:
    """Organisation-level points from unit assessments: the mean per dimension of each period."""
    by_period: "OrderedDict[str, list[dict]]" = OrderedDict()
    for row in sorted(rows, key=lambda r: (r["assessed_on"], r["id"])):
        by_period.setdefault(row["period"], []).append(row["summary"])
    points = []
    for period, summaries in by_period.items():
        scores = {}
        for d in DIMENSIONS:
            values = [s["scores"][d] for s in summaries if s["scores"][d] is not None]
            scores[d] = round(mean(values), 2) if values else None
        overall = [s["overall"] for s in summaries if s["overall"] is not None]
        points.append({"label": period,
                       "scores": scores, "overall": round(mean(overall), 2) if overall else None})
    return points


def build_dashboard(db, org: dict, unit: dict | None) -> dict[str, Any]:
    """Everything the dashboard shows for the organisation (unit None) or one unit."""
    rows_all = store.history(db, org["id"], "all")
    unit_list = store.units(db, org["id"])
    unit_names = {u["id"]: u["name"] for u in unit_list}
    rows = [r for r in rows_all if r["unit_id"] == (unit["id"] if unit else None)]
    labels = _labels(rows_all)
    data: dict[str, Any] = {"rows": rows, "all_rows": rows_all, "units": unit_list, "unit_names": unit_names,
                            "labels": labels, "figures": {}}
    if rows:
        summaries = [r["summary"] for r in rows]
        latest, previous = rows[-1], (rows[-2] if len(rows) > 1 else None)
        data.update({
            "latest": latest,
            "previous": previous,
            "deltas": hist.delta_table(previous["summary"] if previous else None, latest["summary"]),
            "to_target": hist.progress_to_target(latest["summary"]),
            "models": [{**m, "period": r["period"], "id": r["id"]}
                       for m, r in zip(hist.model_history(summaries), rows)],
            "pitfalls": [{**p, "period": r["period"], "previous_period": before["period"]}
                         for p, before, r in zip(hist.pitfall_history(summaries), rows, rows[1:])],
            "versions_differ": hist.versions_differ(summaries),
        })
        points = [{"label": r["period"], "scores": r["summary"]["scores"], "overall": r["summary"]["overall"]}
                  for r in rows]
        data["figures"]["trend"] = charts.trend_figure(points, labels)
        series = [(f"{r['period']}", r["summary"]["scores"]) for r in ([previous] if previous else []) + [latest]]
        data["figures"]["radar"] = charts.overlay_radar(series, latest["summary"]["target"], labels)
    elif unit is None and rows_all:
        points = _period_rollup(rows_all)
        data["figures"]["trend"] = charts.trend_figure(points, labels)
        data["rollup_trend"] = True
    if unit is None and unit_list:
        latest_by_unit = {}
        for row in rows_all:
            if row["unit_id"] is not None:
                latest_by_unit[row["unit_id"]] = row
        if latest_by_unit:
            summaries = {uid: r["summary"] for uid, r in latest_by_unit.items()}
            data["unit_latest"] = [(unit_names[uid], r) for uid, r in latest_by_unit.items()]
            data["rollup"] = hist.rollup(summaries)
            data["figures"]["units"] = charts.units_figure(
                [(unit_names[uid], s["scores"]) for uid, s in summaries.items()], data["rollup"], labels)
    return data


def dashboard_for(org: dict, unit: dict | None) -> dict[str, Any]:
    db = get_db()
    key = (_database(), org["id"], unit["id"] if unit else None, store.generation(db, org["id"]))
    return _cached(key, lambda: build_dashboard(db, org, unit))


def progress_view(db, org_id: int, unit: dict | None, data: dict) -> dict[str, Any] | None:
    if "latest" not in data:
        return None
    unit_key = unit["id"] if unit else 0
    key = (_database(), org_id, unit_key, "progress", store.generation(db, org_id))

    def build():
        view = hist.apply_progress(data["latest"]["summary"], store.progress(db, org_id, unit_key),
                                   data["previous"]["summary"] if data.get("previous") else None,
                                   latest_date=data["latest"]["assessed_on"])
        view["figure"] = charts.progress_figure(view["phases"]) if view["phases"] else None
        return view

    return _cached(key, build)


def scope_from_request(org_id: int) -> dict | None:
    raw = request.args.get("unit", "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404)
    try:
        return store.unit_of_org(get_db(), org_id, int(raw))
    except store.NotFound:
        abort(404)


@bp.get("/orgs/<int:org_id>/compare")
@member_view()
def compare(org_id: int):
    """Overlay 2 to 6 chosen assessments and the target; deltas; a note when versions differ."""
    db = get_db()
    wanted = list(dict.fromkeys(request.args.getlist("a")))  # an assessment given twice counts once
    if not 2 <= len(wanted) <= 6 or not all(w.isdigit() for w in wanted):
        abort(400, description="Choose between 2 and 6 assessments to compare.")
    by_id = {r["id"]: r for r in store.history(db, org_id, "all")}
    chosen_ids = [int(w) for w in wanted]
    if any(i not in by_id for i in chosen_ids):
        abort(404)
    chosen = sorted((by_id[i] for i in chosen_ids), key=lambda r: (r["assessed_on"], r["id"]))
    units = {u["id"]: u["name"] for u in store.units(db, org_id)}

    def name(row):
        unit = f" · {units[row['unit_id']]}" if row["unit_id"] in units else ""
        return f"{row['period']}{unit}"

    key = (_database(), org_id, "compare", tuple(chosen_ids), store.generation(db, org_id))

    def build():
        labels = _labels(chosen)
        target = chosen[-1]["summary"]["target"]
        return {
            "radar": charts.overlay_radar([(name(r), r["summary"]["scores"]) for r in chosen], target, labels),
            "deltas": [(name(before), name(after), hist.delta_table(before["summary"], after["summary"]))
                       for before, after in zip(chosen, chosen[1:])],
            # Only questions both results have (matching ids) are compared.
            "question_deltas": hist.question_deltas(chosen[0]["summary"], chosen[-1]["summary"]),
            "versions_differ": hist.versions_differ([r["summary"] for r in chosen]),
            "versions": sorted({r["summary"]["questionnaire"]["version"] for r in chosen}),
            "labels": labels,
            "target": target,
        }

    data = _cached(key, build)
    questionnaire = content().default_questionnaire
    return render_template("orgs/compare.html", org=g.org, chosen=chosen, names=[name(r) for r in chosen],
                           data=data, questionnaire=questionnaire)


@bp.post("/orgs/<int:org_id>/progress")
@member_view()
def update_progress(org_id: int):
    db = get_db()
    unit_raw = request.form.get("unit", "")
    unit = None
    if unit_raw:
        if not unit_raw.isdigit():
            abort(400, description="Unknown unit. Nothing was changed.")
        try:
            unit = store.unit_of_org(db, org_id, int(unit_raw))
        except store.NotFound:
            abort(404)
    item_id = request.form.get("item_id", "")
    data = dashboard_for(g.org, unit)
    planned = {i["id"] for i in data["latest"]["summary"]["roadmap"]} if "latest" in data else set()
    if item_id not in planned:
        abort(400, description="That improvement is not in the current roadmap. Nothing was changed.")
    try:
        store.set_progress(db, org_id, item_id, request.form.get("status", ""), on_date=request.form.get("on_date"),
                           owner=request.form.get("owner", ""), user_id=g.user["id"], unit_key=unit["id"] if unit else 0)
    except store.StoreError as err:
        unchanged(err)
    flash("Progress saved.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id, unit=unit["id"] if unit else None) + "#progress-heading")


@bp.post("/orgs/<int:org_id>/units")
@member_view(owner=True)
def add_unit(org_id: int):
    try:
        store.create_unit(get_db(), org_id, request.form.get("name", ""))
    except store.StoreError as err:
        unchanged(err)
    flash("The unit was added. Assessments can now be made for it.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#units-heading")


@bp.post("/orgs/<int:org_id>/assessments/<int:assessment_id>/details")
@member_view()
def assessment_details(org_id: int, assessment_id: int):
    unit_raw = request.form.get("unit", "")
    unit_id = int(unit_raw) if unit_raw.isdigit() else None
    if unit_raw and unit_id is None:
        abort(400, description="Unknown unit. Nothing was changed.")
    try:
        store.set_assessment_details(get_db(), org_id, assessment_id, period=request.form.get("period", ""),
                                     assessed_on=request.form.get("assessed_on", ""), unit_id=unit_id)
    except store.NotFound:
        abort(404)
    except store.StoreError as err:
        unchanged(err)
    flash("The assessment's period and unit were saved.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id) + "#assessments-heading")


@bp.post("/orgs/<int:org_id>/assessments/<int:assessment_id>/rescore")
@member_view()
def rescore(org_id: int, assessment_id: int):
    """Re-score a closed assessment under the current content: a new snapshot; the old one is kept."""
    db = get_db()
    row = db.execute("SELECT status FROM assessments WHERE id = ? AND org_id = ?", [assessment_id, org_id]).fetchone()
    if row is None:
        abort(404)
    if row[0] != "closed":
        abort(400, description="Only a submitted assessment can be re-scored. Nothing was changed.")
    inputs = store.assessment_inputs(db, assessment_id)
    c = content()
    questionnaire = c.questionnaire(inputs["questionnaire_id"]) if inputs["questionnaire_id"] in c.questionnaires \
        else c.default_questionnaire
    if inputs["kind"] == "workshop":
        workshop = {**inputs["workshop"], "questionnaire_id": questionnaire.id}
        result, figures = compute_workshop_result(c, workshop, inputs["responses"], inputs["consensus"],
                                                  inputs["target"])
    else:
        result, figures = compute_result(c, questionnaire.id, inputs["answers"], inputs["context"], inputs["target"],
                                         notes=inputs["notes"])
    store.replace_snapshot(db, assessment_id, result, figures, reason=f"re-scored under content {c.hash[:12]}",
                           questionnaire_version=questionnaire.version, content_hash=c.hash)
    flash("The assessment was re-scored under the current content. The earlier result is kept in its history.",
          "success")
    return redirect(url_for("orgs.open_assessment", org_id=org_id, assessment_id=assessment_id))


def start_defaults() -> dict[str, str]:
    today = date.today()
    return {"period": store.quarter_label(today), "assessed_on": today.isoformat()}
