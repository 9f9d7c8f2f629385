"""The result of a submitted self-assessment: the page, the JSON at a stable URL, the target
form that re-plans the roadmap, and the roadmap as CSV."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf

from .. import service, store
from ..db import get_db
from .access import attachable_orgs, load_response, load_snapshot
from .audit import audited
from .current import content
from .page_cache import frozen_page, page_key_for_user
from .reports import prerender_self_report
from .params import start_date_from
from .result_pages import replan_from_form, report_downloads, result_context, roadmap_csv_response

bp = Blueprint("results", __name__)


@bp.get("/r/<token>/result")
def result_page(token: str):
    """The result page: rendered once per snapshot and day, 304 on a repeat visit."""
    response, _questionnaire = load_response(token)
    if response["status"] != "submitted" or response["snapshot_id"] is None:
        return redirect(url_for("assess.review", token=token))
    db = get_db()
    stamp = store.snapshot_stamp(db, response["snapshot_id"])
    attach = attachable_orgs(response)
    org = store.get_org(db, response["org_id"]) if response["org_id"] else None
    key = ("result", token, stamp["id"], stamp["content_hash"], date.today(), page_key_for_user(),
           tuple((o["id"], o["name"]) for o in attach), (org["id"], org["name"]) if org else None,
           response["period"], response["assessed_on"])

    def render(csrf_token) -> str:
        return _render_result(token, response, store.load_snapshot(db, stamp["id"]), attach, org, csrf_token)

    return frozen_page(key, stamp["created_at"], render)


def _render_result(token: str, response: dict, snapshot: dict, attach: list, org: dict | None, csrf_token,
                   plan_form: dict | None = None) -> str:
    db = get_db()
    links = {"json": url_for("results.result_json", token=token),
             "target": url_for("results.change_target", token=token),
             "csv": url_for("results.roadmap_export", token=token)}
    report = service.self_report(db, content(), response, snapshot, date.today())
    # Made at submit already, unless submitted elsewhere (the API, an import) or on another day: below the
    # requests' priority.
    prerender_self_report(response, snapshot, soon=False)
    return render_template(
        "results/result.html",
        token=token,
        **result_context(snapshot, links, plan_form),
        report=report,
        downloads=report_downloads("reports.result_report", report, token=token),
        response=response,
        attach_orgs=attach,
        org=org,
        csrf_token=csrf_token,
    )


@bp.get("/r/<token>/result.json")
def result_json(token: str):
    """The frozen result, exactly as stored."""
    _response, snapshot = load_snapshot(token)
    if snapshot is None:
        return {"error": "this assessment has not been submitted yet", "status": 404}, 404
    return Response(snapshot["result_json"], mimetype="application/json")


@bp.post("/r/<token>/target")
def change_target(token: str):
    """Re-plan the roadmap for a new target; scores and advice stay as they were."""
    response, snapshot = load_snapshot(token)
    if snapshot is None:
        abort(404)
    plan_form = replan_from_form(request.form, snapshot, response["assessment_id"],
                                 lambda text: audited("target_changed", response["org_id"], "assessment",
                                                      response["assessment_id"], response["title"], text))
    if plan_form:  # what was typed comes back with what was wrong; the valid fields were kept
        response, snapshot = load_snapshot(token)
        org = store.get_org(get_db(), response["org_id"]) if response["org_id"] else None
        page = _render_result(token, response, snapshot, attachable_orgs(response), org, generate_csrf, plan_form)
        return page, 400
    flash("The roadmap was re-planned.", "success")
    return redirect(url_for("results.result_page", token=token) + "#roadmap-heading")


@bp.get("/r/<token>/roadmap.csv")
def roadmap_export(token: str):
    _response, snapshot = load_snapshot(token)
    if snapshot is None:
        abort(404)
    return roadmap_csv_response(snapshot["result"], start_date_from(request.args), "pmo-roadmap")
