"""What the result page and a workshop's report share: the page's context and the roadmap CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, Callable, Mapping

from flask import Response
from markupsafe import Markup

from .. import service
from ..db import get_db
from ..engine import InvalidInput
from ..engine.progress import item_dates, moved, roadmap_start
from ..engine.summary import capacity_text, reader_reasons, summary_of
from ..engine.vocabulary import DIMENSIONS, LEVELS
from ..reports.guard import guard_formula
from ..reports.matrix import CAPTION as MATRIX_CAPTION, matrix_points, matrix_svg
from ..engine.rules import close_call_outside_design
from ..reports.reasons import model_rows
from .audit import levels_text
from .current import content
from .params import read_plan_form
from .room_charts import result_radar_svg


def roadmap_titles(result: Mapping[str, Any]) -> dict[str, str]:
    return {item["id"]: item["title"] for phase in result["roadmap"].get("phases", []) for item in phase["items"]}


def result_context(snapshot: Mapping[str, Any], links: Mapping[str, str],
                   plan_form: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The template values every page showing a frozen result needs (``plan_form``: the plan form
    as typed and its errors, when it comes back refused)."""
    result = snapshot["result"]
    catalogue = content().roadmap
    labels = result["questionnaire"].get("dimensions", {})
    pain = (result["roadmap"].get("pain") or {}).get("label")
    return {
        "result": result,
        "summary": summary_of(result),
        # Every reason a change is planned, in people's words, under the change itself (none elsewhere).
        "why_now": lambda item: reader_reasons(item, pain),
        "model_rows": model_rows(result),
        # A close call the design does not already combine (hub and spoke is one between two models).
        "close_call": close_call_outside_design(result.get("recommendation") or {}),
        "capacity_text": capacity_text(result["roadmap"].get("capacity")),
        "snapshot": snapshot,
        "questionnaire": content().questionnaires.get(result["questionnaire"]["id"]),
        "links": dict(links),
        "roadmap_titles": roadmap_titles(result),
        "catalogue_titles": {i: it.title for i, it in catalogue.items.items()} if catalogue else {},
        "levels": LEVELS,
        "dimensions": DIMENSIONS,
        "today": date.today().isoformat(),
        # Drawn on the server: the first screen needs no chart library.
        "radar_svg": result_radar_svg(result, labels),
        "plan_form": plan_form or {"typed": {}, "errors": {}},
        "matrix_svg": Markup(matrix_svg(matrix_points(result))),
        "matrix_points": matrix_points(result),
        "matrix_caption": MATRIX_CAPTION,
    }


def _plan_fields(target: Mapping[str, int], plan: Mapping[str, Any]) -> tuple:
    return (dict(target), plan.get("start_date"), plan.get("pmo_people"), dict(plan.get("owners") or {}))


def replan_from_form(form: Mapping[str, str], snapshot: Mapping[str, Any], assessment_id: int,
                     audit: Callable[[str], Any]) -> dict[str, Any] | None:
    """Re-plan a result from its plan form: the fields that are valid are kept even when others are not.

    Return None when all was kept, else the form as typed and the errors by field, for the page to show.
    ``audit(detail)`` gives the audit block the change runs in.
    """
    result = snapshot["result"]
    target, plan, errors = read_plan_form(form, result)
    current = _plan_fields(result["roadmap"].get("target") or {}, result.get("plan") or {})
    if not errors or _plan_fields(target, plan) != current:
        try:
            with audit(levels_text(target)):
                service.change_target(get_db(), content(), assessment_id, snapshot, target, plan)
        except InvalidInput as err:
            errors[""] = f"{err}."
    if not errors:
        return None
    return {"typed": {key: form.get(key, "") for key in form if key != "csrf_token"}, "errors": errors}


def roadmap_csv(result: Mapping[str, Any], start: date) -> str:
    """One row per roadmap item, with dates counted from ``start`` (a dated roadmap's own days moved there)."""
    result = moved(result, start)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["phase", "phase_months", "id", "title", "capability_area", "to_level", "start_date", "end_date",
                     "owner", "effort_person_weeks", "duration_weeks", "metric", "deliverables", "requires", "reason"])
    labels = result["questionnaire"].get("dimensions", {})
    for phase in result["roadmap"].get("phases", []):
        planned = phase["id"] != "later"  # what is not planned yet has no dates
        for item in phase["items"]:
            begin, end = item_dates(item, start)
            writer.writerow([guard_formula(v) for v in (
                phase["title"], f"{phase['start_month']}-{phase['end_month']}" if planned else "", item["id"],
                item["title"], labels.get(item["dimension"], item["dimension"]), item["to_level"],
                begin.isoformat() if planned else "", end.isoformat() if planned else "", item["owner"], item["effort_weeks"], item["duration_weeks"], item["metric"],
                "; ".join(item.get("deliverables", [])), " ".join(item["requires"]), item["reason"])])
    return out.getvalue()


def roadmap_csv_response(result: Mapping[str, Any], start: date | None, stem: str) -> Response:
    """The roadmap as a CSV download, from ``start`` (None: the roadmap's own start, else today)."""
    start = start or roadmap_start(result) or date.today()
    filename = f"{stem}-{start.isoformat()}.csv"
    return Response(roadmap_csv(result, start), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def report_downloads(endpoint: str, report: Mapping[str, Any], **values: Any) -> dict[str, Any]:
    """Where to download this result's report in each format, and each of its tables as CSV."""
    from flask import url_for

    from ..reports.tables import report_tables

    links = {fmt: url_for(endpoint, fmt=fmt, **values) for fmt in ("html", "pdf", "xlsx", "pptx")}
    links["csv"] = [(name, f"{table.title} (CSV)", url_for(endpoint, fmt="csv", table=name, **values))
                    for name, table in report_tables(report).items()]
    return links
