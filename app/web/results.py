"""The result of a submitted self-assessment: the page, the JSON at a stable URL, the target
form that re-plans the roadmap, and the roadmap as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from .. import store
from ..db import get_db
from ..engine import InvalidInput
from ..engine.assessment import replan
from ..engine.vocabulary import DIMENSIONS, LEVELS
from ..service import figures_for
from . import content, error_response, refuse

bp = Blueprint("results", __name__)


def _snapshot_for(token: str) -> tuple[dict, dict | None]:
    from .assess import load_response

    response, _questionnaire = load_response(token)
    if response["status"] != "submitted" or response["snapshot_id"] is None:
        return response, None
    return response, store.load_snapshot(get_db(), response["snapshot_id"])


def roadmap_titles(result: dict) -> dict[str, str]:
    return {item["id"]: item["title"] for phase in result["roadmap"].get("phases", []) for item in phase["items"]}


@bp.get("/r/<token>/result")
def result_page(token: str):
    response, snapshot = _snapshot_for(token)
    if snapshot is None:
        return redirect(url_for("assess.review", token=token))
    result: dict[str, Any] = snapshot["result"]
    attach_orgs = attachable_orgs(response)
    questionnaire = content().questionnaires.get(result["questionnaire"]["id"])
    return render_template(
        "results/result.html",
        token=token,
        result=result,
        snapshot=snapshot,
        questionnaire=questionnaire,
        links={"json": url_for("results.result_json", token=token),
               "target": url_for("results.change_target", token=token),
               "csv": url_for("results.roadmap_export", token=token)},
        roadmap_titles=roadmap_titles(result),
        catalogue_titles={i: it.title for i, it in (content().roadmap.items.items() if content().roadmap else [])},
        levels=LEVELS,
        dimensions=DIMENSIONS,
        today=date.today().isoformat(),
        response=response,
        attach_orgs=attach_orgs,
        org=store.get_org(get_db(), response["org_id"]) if response["org_id"] else None,
    )


def attachable_orgs(response: dict) -> list[dict]:
    """Organisations the signed-in user could give this stand-alone assessment to."""
    if g.get("user") is None or response["org_id"] is not None:
        return []
    return store.orgs_of_user(get_db(), g.user["id"])


@bp.get("/r/<token>/result.json")
def result_json(token: str):
    """The frozen result, exactly as stored."""
    _response, snapshot = _snapshot_for(token)
    if snapshot is None:
        return {"error": "this assessment has not been submitted yet", "status": 404}, 404
    return Response(snapshot["result_json"], mimetype="application/json")


def target_from_form(form) -> dict[str, int]:
    """The target of the result page's form; abort with 400 (nothing changed) on a bad level."""
    target = {}
    for dim in DIMENSIONS:
        raw = form.get(f"target-{dim}", "")
        if not raw.isdigit() or int(raw) not in LEVELS:
            refuse(400, "The target could not be changed",
                   f"The target for {dim} must be a level from 1 to 5, not {raw!r}. Nothing was changed.")
        target[dim] = int(raw)
    return target


def start_date_from(args) -> date:
    """The roadmap export's start date (today by default); abort with 400 when it is not a date."""
    raw = args.get("start") or date.today().isoformat()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        refuse(400, "Unknown start date", f"The start date must look like 2027-01-15, not {raw!r}.")


@bp.post("/r/<token>/target")
def change_target(token: str):
    """Re-plan the roadmap for a new target; scores and advice stay as they were."""
    response, snapshot = _snapshot_for(token)
    if snapshot is None:
        abort(404)
    target = target_from_form(request.form)
    c = content()
    try:
        result = replan(c, snapshot["result"], target)
    except InvalidInput as err:
        return error_response(400, "The target could not be changed", f"{err}. Nothing was changed.")
    store.replace_snapshot(get_db(), response["assessment_id"], result, figures_for(result), reason="target changed",
                           questionnaire_version=snapshot["questionnaire_version"], content_hash=c.hash,
                           target=target)
    flash("The roadmap was re-planned for the new target.", "success")
    return redirect(url_for("results.result_page", token=token) + "#roadmap-heading")


def _csv_safe(value: Any) -> Any:
    """Stop spreadsheet programs from reading a cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def roadmap_csv(result: dict, start: date) -> str:
    """One row per roadmap item, with dates counted from ``start``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["phase", "phase_months", "id", "title", "capability_area", "to_level", "start_date", "end_date",
                     "owner", "effort_person_weeks", "duration_weeks", "metric", "deliverables", "requires", "reason"])
    labels = result["questionnaire"].get("dimensions", {})
    for phase in result["roadmap"].get("phases", []):
        for item in phase["items"]:
            begin = start + timedelta(weeks=item["start_week"])
            end = begin + timedelta(weeks=item["duration_weeks"])
            writer.writerow([_csv_safe(v) for v in (
                phase["title"], f"{phase['start_month']}-{phase['end_month']}", item["id"], item["title"],
                labels.get(item["dimension"], item["dimension"]), item["to_level"], begin.isoformat(),
                end.isoformat(), item["owner"], item["effort_weeks"], item["duration_weeks"], item["metric"],
                "; ".join(item.get("deliverables", [])), " ".join(item["requires"]), item["reason"])])
    return out.getvalue()


@bp.get("/r/<token>/roadmap.csv")
def roadmap_export(token: str):
    _response, snapshot = _snapshot_for(token)
    if snapshot is None:
        abort(404)
    start = start_date_from(request.args)
    return Response(roadmap_csv(snapshot["result"], start), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="pmo-roadmap-{start.isoformat()}.csv"'})
