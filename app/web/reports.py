"""Report downloads: the executive report as a print-ready page, PDF, XLSX, PPTX and CSV, for a
self-assessment (/r/<token>/report.*), a workshop (/orgs/<id>/workshops/<id>/report.*) and an
organisation's latest result with its history (/orgs/<id>/report.*); the answers template and
the upload that starts an assessment from a filled one.

Views only check access and parameters; ``service`` assembles the report, ``app.reports``
writes it. A frozen result never changes, so each file is made once per worker and kept
under its snapshot, content hash and options; the PDF, which takes seconds, is made once for all
workers, shared by concurrent requests, limited per client, and made ahead of time (``renders``).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping

from flask import (Blueprint, Response, abort, current_app, g, make_response, redirect, render_template, request,
                   url_for)
from werkzeug.exceptions import RequestEntityTooLarge

from .. import service, store
from ..db import get_db
from ..engine.inputs import BadDocument
from ..reports import MEDIA_TYPES, render_file
from ..reports.csv_export import render_csv
from ..reports.html import render_html
from ..reports.template import TemplateProblem, read_template, write_template
from . import renders
from .access import client_address, load_snapshot, member_view, unit_scope
from .cache import LRUCache
from .current import content
from .dashboard_data import benchmark_stamp
from .errors import error_response
from .params import start_date_from

bp = Blueprint("reports", __name__)

FILE_FORMATS = ("pdf", "xlsx", "pptx")
_FILES = LRUCache(48)  # made files are 20–150 KB each


@bp.before_app_request
def count_request_in() -> None:
    """Count the requests this worker is serving: a render made ahead waits for them (renders.render_later)."""
    renders.request_started()
    g.counted_request = True


@bp.teardown_app_request
def count_request_out(_error=None) -> None:
    if g.pop("counted_request", False):
        renders.request_finished()


def download(data: bytes | str, fmt: str, stem: str) -> Response:
    return Response(data, mimetype=MEDIA_TYPES[fmt].split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"',
                             "Content-Type": MEDIA_TYPES[fmt]})


def _send(fmt: str, key: tuple, build_report: Callable[[], dict], stem: str, toolbar: Mapping[str, Any],
          snapshot_id: int):
    """One format of a report, made once per worker under ``key`` (the PDF once for all workers)."""
    start = start_date_from(request.args)  # None: the roadmap's own dates, as on the result page
    stem = f"{stem}-{(start or date.today()).isoformat()}"
    if fmt == "html":
        html = _FILES.get((current_app.config["DATABASE"], *key, "html", start),
                          lambda: render_html(build_report(start), toolbar=toolbar))
        return Response(html, mimetype="text/html")
    if fmt == "csv":
        table = request.args.get("table", "roadmap")
        report = build_report(start)
        try:
            return download(render_csv(report, table), "csv", f"{stem}-{table}")
        except KeyError:
            abort(404)
    if fmt not in FILE_FORMATS:
        abort(404)
    template = current_app.config.get("PPTX_TEMPLATE") or None  # a consultancy's own master, set by the admin
    if fmt == "pdf":
        try:
            data = _FILES.get((current_app.config["DATABASE"], *key, fmt, start), lambda: renders.shared_file(
                get_db(), pdf_key(key, start), snapshot_id, lambda: render_file(build_report(start), "pdf"),
                renders.client_key(client_address())))
        except renders.TooManyRenders as err:
            return _later(429, "Too many reports at once", "Reports are made one at a time for each visitor, and a "
                          f"few in five minutes. Try again in {err.retry_after} seconds.", err.retry_after)
        except renders.ServerBusy as err:
            return _later(503, "Other reports are being made", "The server makes one report at a time and others "
                          f"are waiting. Try again in {err.retry_after} seconds.", err.retry_after)
        return download(data, fmt, stem)
    data = _FILES.get((current_app.config["DATABASE"], *key, fmt, start, template),
                      lambda: render_file(build_report(start), fmt, template=template))
    return download(data, fmt, stem)


def _later(status: int, title: str, message: str, retry_after: int) -> Response:
    response = make_response(error_response(status, title, message))
    response.headers["Retry-After"] = str(retry_after)
    return response


def _layout_stamp() -> str:
    """A digest of the report writers' code, templates and print style: a PDF kept in the database from
    before a release that changed its layout is made again, not served with the old one."""
    root = Path(__file__).resolve().parent.parent / "reports"
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".html", ".css")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


LAYOUT = _layout_stamp()


def pdf_key(key: tuple, start: date | None) -> tuple:
    """What a report's PDF is kept under, for every worker (and every release of its layout)."""
    return (*key, "pdf", start, LAYOUT)


def _toolbar(back: str, endpoint: str, **values) -> dict[str, Any]:
    query = {"start": request.args["start"]} if request.args.get("start") else {}
    return {"back": back, "print": True, "script": url_for("static", filename="js/print.js"),
            "icon": url_for("static", filename="favicon.svg"),
            "downloads": [(label, url_for(endpoint, fmt=fmt, **values, **query))
                          for label, fmt in (("PDF", "pdf"), ("Excel", "xlsx"), ("PowerPoint", "pptx"))]}


# --------------------------------------------------------------------------
# A self-assessment's result
# --------------------------------------------------------------------------

@bp.get("/r/<token>/report.<fmt>")
def result_report(token: str, fmt: str):
    response, snapshot = load_snapshot(token)
    if snapshot is None:
        abort(404)
    db, c = get_db(), content()

    def build(start):
        return service.self_report(db, c, response, snapshot, start)

    back = url_for("results.result_page", token=token)
    return _send(fmt, self_report_key(db, response, snapshot), build, "pmo-report",
                 _toolbar(back, "reports.result_report", token=token), snapshot["id"])


def self_report_key(db, response: Mapping[str, Any], snapshot: Mapping[str, Any]) -> tuple:
    """What a self-assessment's report depends on besides the start date: its snapshot, and the names it prints."""
    org = store.get_org(db, response["org_id"])["name"] if response.get("org_id") else None
    return ("self", snapshot["id"], snapshot["content_hash"], response.get("title") or "", org,
            response.get("assessed_on"), response.get("submitted_at"))


def prerender_self_report(response: Mapping[str, Any], snapshot: Mapping[str, Any], soon: bool = True) -> None:
    """Make the PDF of a self-assessment's report (from today) in the background, before anyone asks;
    ``soon`` (just submitted) at the requests' priority, else below it."""
    if not current_app.config.get("REPORT_PRERENDER"):
        return
    database, c, start = current_app.config["DATABASE"], content(), None
    key = pdf_key(self_report_key(get_db(), response, snapshot), start)
    renders.render_later(database, key, snapshot["id"], lambda db: render_file(
        service.self_report(db, c, response, snapshot, start), "pdf"), soon)


# --------------------------------------------------------------------------
# A workshop's result
# --------------------------------------------------------------------------

@bp.get("/orgs/<int:org_id>/workshops/<int:workshop_id>/report.<fmt>")
@member_view()
def workshop_report(org_id: int, workshop_id: int, fmt: str):
    try:
        workshop = store.get_workshop(get_db(), org_id, workshop_id)
    except store.NotFound:
        abort(404)
    if workshop["snapshot_id"] is None:  # open (a re-opened one keeps its result until it closes again)
        abort(404)
    db, c = get_db(), content()
    snapshot = store.load_snapshot(db, workshop["snapshot_id"])

    def build(start):
        return service.workshop_report(db, c, g.org, workshop, snapshot, start)

    back = url_for("workshops.report", org_id=org_id, workshop_id=workshop_id)
    return _send(fmt, ("workshop", snapshot["id"], snapshot["content_hash"], g.org["name"]), build,
                 "workshop-report", _toolbar(back, "reports.workshop_report", org_id=org_id, workshop_id=workshop_id),
                 snapshot["id"])


# --------------------------------------------------------------------------
# An organisation's latest result, with its history
# --------------------------------------------------------------------------

@bp.get("/orgs/<int:org_id>/report.<fmt>")
@member_view()
def org_report(org_id: int, fmt: str):
    db, c = get_db(), content()
    unit = unit_scope(org_id)
    # The whole organisation's report has the pooled benchmark, which changes with other organisations.
    generation = (store.generation(db, org_id), None if unit else benchmark_stamp())
    rows = service.report_history(db, org_id, unit)
    if not rows:
        abort(404)

    def build(start):
        report = service.org_report(db, c, g.org, unit, start, current_app.config["BENCHMARK_REFRESH_HOURS"])
        if report is None:
            abort(404)
        return report

    back = url_for("orgs.detail", org_id=org_id, **({"unit": unit["id"]} if unit else {}))
    values = {"org_id": org_id, **({"unit": unit["id"]} if unit else {})}
    return _send(fmt, ("org", org_id, unit["id"] if unit else None, generation, c.hash), build, "organisation-report",
                 _toolbar(back, "reports.org_report", **values), rows[-1]["snapshot_id"])


# --------------------------------------------------------------------------
# The offline answers template, and starting an assessment from a filled one
# --------------------------------------------------------------------------

@bp.get("/questionnaire/answers-template.xlsx")
def answers_template():
    questionnaire = content().default_questionnaire
    data = _FILES.get(("template", questionnaire.id, questionnaire.version, content().hash),
                      lambda: write_template(questionnaire))
    return download(data, "xlsx", f"{questionnaire.id}-answers-template")


@bp.route("/import", methods=["GET", "POST"])
def import_answers():
    """Upload a filled answers template: a new assessment with those answers, ready for review."""
    if request.method == "GET":
        return render_template("reports/import.html", problem=None)
    try:
        upload = request.files.get("answers")
    except RequestEntityTooLarge:
        return render_template("reports/import.html", problem=(
            f"The file is larger than {current_app.config['MAX_CONTENT_LENGTH'] // 1024} KB, the most an answers "
            "file may be. Nothing was stored.")), 413
    if upload is None or not upload.filename:
        return render_template("reports/import.html", problem="Choose the filled answers file (.xlsx) to upload. "
                               "Nothing was stored."), 400
    name = upload.filename.rsplit("/", 1)[-1][:80]
    try:
        data = read_template(upload.read(), content(), name=name)
    except TemplateProblem as err:
        return render_template("reports/import.html", problem=f"{err}. Nothing was stored."), 400
    try:
        _response_id, token = service.import_answers(get_db(), content(), data)
    except BadDocument as err:
        return render_template("reports/import.html", problem=f"{err}. Nothing was stored."), 400
    return redirect(url_for("assess.review", token=token, imported=1))
