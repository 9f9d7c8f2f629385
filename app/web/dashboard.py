"""What the organisation dashboard links to: comparing chosen assessments, and recording roadmap progress."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for

from .. import service, store
from ..db import get_db
from ..engine.progress import SheetError, read_sheet, sheet_rows
from ..engine.summary import day
from ..reports.progress_sheet import read_progress_file, render_progress
from .access import member_view, unit_of_org, unit_scope
from .audit import audited_progress
from .current import content
from .dashboard_data import comparison_for, dashboard_for, progress_view
from .errors import unchanged
from .messages import refusal
from .orgs import dashboard_page
from .params import json_body, optional_id, parse_int
from .reports import download

bp = Blueprint("dashboard", __name__, url_prefix="/orgs/<int:org_id>")

MAX_COMPARED = 6
# A progress form's fields per improvement: <prefix>:<item id> holds the change's <field>.
FORM_FIELDS = (("due", "due_on"), ("done", "done_on"), ("owner", "owner"), ("note", "note"))


@bp.get("/compare")
@member_view()
def compare(org_id: int):
    """Overlay 2 to 6 chosen assessments and the target; deltas; a note when versions differ."""
    db = get_db()
    wanted = list(dict.fromkeys(request.args.getlist("a")))  # an assessment given twice counts once
    chosen_ids = [parse_int(w) for w in wanted]
    if not 2 <= len(wanted) <= MAX_COMPARED or None in chosen_ids:
        abort(400, description="Choose between 2 and 6 assessments to compare.")
    try:
        chosen = service.chosen_assessments(db, org_id, chosen_ids)
    except store.NotFound:
        abort(404)
    units = {u["id"]: u["name"] for u in store.units(db, org_id)}
    scopes = {row["unit_id"] for row in chosen}
    # One scope: name the columns by period alone (short enough for six), and the scope once.
    common = (units.get(next(iter(scopes))) or "") if len(scopes) == 1 else None
    names = [row["period"] + (f" · {units[row['unit_id']]}" if common is None and row["unit_id"] in units else "")
             for row in chosen]
    if len(set(names)) < len(names):  # two of one period: their dates tell them apart
        names = [f"{name} ({day(row['assessed_on'])})" for name, row in zip(names, chosen)]
    return render_template("orgs/compare.html", org=g.org, chosen=chosen, names=names, scope=common,
                           data=comparison_for(org_id, chosen, names),
                           questionnaire=content().default_questionnaire)


@bp.post("/progress")
@member_view()
def update_progress(org_id: int):
    """Save the progress of many improvements at once (a phase's form, or JSON from the page's script):
    every change is checked first, then all are kept in one transaction, or none."""
    body = json_body()
    source = body if isinstance(body, dict) else request.form
    unit_id = optional_id(str(source.get("unit") or ""), "Unknown unit. Nothing was changed.")
    unit = unit_of_org(org_id, unit_id) if unit_id is not None else None
    changes = _changes_from_json(body) if isinstance(body, dict) else _changes_from_form(request.form)
    data = dashboard_for(g.org, unit)
    titles = {i["id"]: i["title"] for i in data["latest"]["summary"]["roadmap"]} if "latest" in data else {}
    if not changes:
        unchanged("No improvement was sent.")
    unknown = [c["item_id"] for c in changes if c["item_id"] not in titles]
    if unknown:
        unchanged(f"{unknown[0] or 'An improvement'} is not in the current roadmap.")
    try:
        with audited_progress(org_id, unit, titles) as written:
            saved = store.save_progress(get_db(), org_id, changes, user_id=g.user["id"],
                                        unit_key=unit["id"] if unit else 0, written_out=written)
    except store.ProgressRefused as err:
        if isinstance(body, dict):
            unchanged(f"{titles.get(err.item_id, err.item_id)}: {refusal(err)}")
        # A form posted without the page's script: the dashboard again, everything typed kept, the
        # refusal said beside its field; nothing was saved.
        return dashboard_page(org_id, unit, open_phase=request.form.get("phase", ""), typed=changes,
                              refused={"item_id": err.item_id, "field": err.field or "status",
                                       "title": titles.get(err.item_id, err.item_id),
                                       "message": refusal(err)}, status=400)
    message = f"Progress saved: {saved} improvement{'s' if saved != 1 else ''} changed." if saved else \
        "Progress saved: nothing had changed."
    if isinstance(body, dict):
        return jsonify({"saved": saved, "message": message})
    flash(message, "success")
    phase = request.form.get("phase", "")
    anchor = f"#phase-{phase}" if phase in {p["id"] for p in data["latest"]["summary"]["phases"]} else "#progress-heading"
    return redirect(url_for("orgs.detail", org_id=org_id, unit=unit["id"] if unit else None,
                            open=phase or None) + anchor)


def _changes_from_form(form) -> list[dict[str, str]]:
    """A phase's form: status:<id>, due:<id>, done:<id>, owner:<id> and note:<id> per improvement."""
    changes = []
    for key in form:
        if key.startswith("status:"):
            item_id = key.split(":", 1)[1]
            changes.append({"item_id": item_id, "status": form[key],
                            **{field: form.get(f"{prefix}:{item_id}", "") for prefix, field in FORM_FIELDS}})
    return changes


def _changes_from_json(body: dict) -> list[dict[str, str]]:
    """{"items": [{item_id, status, due_on, done_on, owner, note}, ...]}; 400 for anything else."""
    items = body.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        unchanged("Send the improvements as a list under \"items\".")
    fields = ("item_id", "status", "due_on", "done_on", "owner", "note")
    if any(not isinstance(i.get(f) or "", str) for i in items for f in fields):
        unchanged("Every field of an improvement is text.")
    return [{f: i.get(f) or "" for f in fields} for i in items]


@bp.get("/progress.<fmt>")
@member_view()
def export_progress(org_id: int, fmt: str):
    """The progress sheet of the latest roadmap (CSV or XLSX), to update in a meeting and import back."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    unit = unit_scope(org_id)
    view = progress_view(org_id, unit, dashboard_for(g.org, unit))
    if view is None:
        abort(404)
    stem = "roadmap-progress" + (f"-unit-{unit['id']}" if unit else "")
    return download(render_progress(view, fmt), fmt, stem)


@bp.post("/progress/import")
@member_view()
def import_progress(org_id: int):
    """Read a filled progress sheet back: every row is checked first, then all are kept, or none."""
    unit_id = optional_id(request.form.get("unit"), "Unknown unit. Nothing was changed.")
    unit = unit_of_org(org_id, unit_id) if unit_id is not None else None
    data = dashboard_for(g.org, unit)
    if "latest" not in data:
        unchanged("There is no roadmap to record progress on yet.")
    upload = request.files.get("sheet")
    if upload is None or not upload.filename:
        unchanged("Choose the filled progress sheet (.xlsx or .csv).")
    name = upload.filename.rsplit("/", 1)[-1][:80]
    titles = {i["id"]: i["title"] for i in data["latest"]["summary"]["roadmap"]}
    try:
        # The sheet may be as large as the one exported for this roadmap, and no larger.
        header, rows = read_progress_file(upload.read(), name, len(sheet_rows(progress_view(org_id, unit, data))))
        changes = read_sheet(header, rows, titles)
        with audited_progress(org_id, unit, titles, f"from the sheet {name}: ") as written:
            saved = store.save_progress(get_db(), org_id, changes, user_id=g.user["id"],
                                        unit_key=unit["id"] if unit else 0, written_out=written)
    except SheetError as err:
        unchanged(f"{str(err)[:1].upper()}{str(err)[1:]}.")
    except store.ProgressRefused as err:
        unchanged(f"{titles.get(err.item_id, err.item_id)}: {refusal(err)}")
    flash(f"The progress sheet was read: {saved} improvement{'s' if saved != 1 else ''} changed.", "success")
    return redirect(url_for("orgs.detail", org_id=org_id, unit=unit["id"] if unit else None) + "#progress-heading")
