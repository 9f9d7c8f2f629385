"""Roadmap progress: where each improvement of the latest roadmap stands, carried forward.

Each improvement has its planned window (from the roadmap), and what the PMO recorded: a
status (planned, started, done, or dropped with a reason), a due date and a done date as
separate fields, a named owner and a one-line note. Pure functions: no Flask, no database.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from .workdays import snap_schedule

PROGRESS_STATUSES = ("planned", "started", "done", "dropped")
# Statuses that are finished with: never overdue.
CLOSED_STATUSES = ("done", "dropped")
# A dimension counts as regressed when its score fell at least this much between two assessments.
REGRESSION_DROP = 0.1
DAYS_PER_MONTH = 30.44


def item_dates(item: Mapping[str, Any], start: date) -> tuple[date, date]:
    """An improvement's planned start and end: its own dates when the roadmap was dated, else
    counted in weeks from ``start`` (the day the roadmap begins)."""
    if item.get("start_date") and item.get("end_date"):
        return date.fromisoformat(item["start_date"]), date.fromisoformat(item["end_date"])
    if item.get("start_week") is not None:
        begin = start + timedelta(weeks=item.get("start_week") or 0)
        return begin, begin + timedelta(weeks=item.get("duration_weeks") or 0)
    return start, start


def roadmap_start(result: Mapping[str, Any]) -> date | None:
    """The day a dated roadmap begins (None for a roadmap counted in weeks only)."""
    own = (result.get("roadmap") or {}).get("start_date")
    return date.fromisoformat(own[:10]) if own else None


def moved(result: Mapping[str, Any], start: date) -> Mapping[str, Any]:
    """The result with its dated roadmap (and the summary's first 90 days) beginning on ``start``.

    A report asked for from another start date moves every date by the same number of days, then
    moves each change onto working days as the roadmap's own scheduler does (none starts on a
    weekend or over the year-end break, each still after what it needs), so the phases, the changes
    and the summary never disagree; a roadmap that begins on ``start`` already, or is not dated,
    comes back as it is."""
    own = roadmap_start(result)
    if own is None or own == start:
        return result
    shift = start - own

    def later(iso: str | None) -> str | None:
        return (date.fromisoformat(iso[:10]) + shift).isoformat() if iso else iso

    def dated(entry: Mapping[str, Any]) -> dict[str, Any]:
        return {**entry, "start_date": later(entry.get("start_date")), "end_date": later(entry.get("end_date"))}

    roadmap = result["roadmap"]
    shifted = [dated(item) for phase in roadmap.get("phases", []) for item in phase.get("items", [])]
    snapped = {item_id: (begin.isoformat(), end.isoformat())
               for item_id, (begin, end) in snap_schedule(shifted).items()}

    def working(entry: Mapping[str, Any]) -> dict[str, Any]:
        out = dated(entry)
        if out["id"] in snapped:
            out["start_date"], out["end_date"] = snapped[out["id"]]
        return out

    phases = [{**dated(phase), "items": [working(item) for item in phase.get("items", [])]}
              for phase in roadmap.get("phases", [])]
    out = {**result, "roadmap": {**roadmap, "start_date": start.isoformat(), "phases": phases}}
    summary = result.get("summary")
    if isinstance(summary, Mapping) and summary.get("first_90_days"):
        from .summary import day  # the one wording of a date

        first = []
        for item in summary["first_90_days"]:
            moved_item = working(item) if item.get("id") else dated(item)
            first.append({**moved_item, "when": f"{day(moved_item['start_date'])} to {day(moved_item['end_date'])}"
                          if moved_item.get("start_date") else ""})
        landing = []
        for item in summary.get("landing_later") or []:
            moved_item = working(item)
            landing.append({**moved_item, "when": f"lands {day(moved_item['end_date'])}" if moved_item.get("end_date")
                          else ""})
        out["summary"] = {**summary, "first_90_days": first, "landing_later": landing}
    return out


def phase_dates(phase: Mapping[str, Any], start: date) -> tuple[date, date]:
    """A phase's planned start and end, counted in months from ``start`` unless the roadmap dated it."""
    if phase.get("start_date") and phase.get("end_date"):
        return date.fromisoformat(phase["start_date"]), date.fromisoformat(phase["end_date"])
    return (start + timedelta(days=round(phase["start_month"] * DAYS_PER_MONTH)),
            start + timedelta(days=round(phase["end_month"] * DAYS_PER_MONTH)))


def planned_window(item: Mapping[str, Any], phase: Mapping[str, Any] | None, start: date,
                   dated: bool = False) -> tuple[str | None, str | None]:
    """The planned start and end (ISO dates) of an improvement; its phase's window for a summary
    frozen before improvements carried their own weeks.

    In a ``dated`` roadmap an improvement without dates is not scheduled yet (it waits for the
    next assessment): (None, None).
    """
    if item.get("start_date") and item.get("end_date"):
        begin, end = item_dates(item, start)
    elif dated:
        return None, None
    elif item.get("start_week") is not None:
        begin, end = item_dates(item, start)
    elif phase is not None:
        begin, end = phase_dates(phase, start)
    else:
        begin = end = start
    return begin.isoformat(), end.isoformat()


def is_overdue(status: str, due_on: str | None, planned_end: str | None, today: date) -> bool:
    """Not finished and past its due date (the planned end when no due date was set)."""
    if status in CLOSED_STATUSES:
        return False
    deadline = due_on or planned_end
    return bool(deadline) and deadline < today.isoformat()


def apply_progress(summary: Mapping[str, Any], progress: Mapping[str, Mapping[str, Any]],
                   previous: Mapping[str, Any] | None, latest_date: str | None = None,
                   today: date | None = None) -> dict[str, Any]:
    """The current roadmap with recorded progress carried forward, each improvement with its
    planned window and whether it is overdue on ``today``.

    An item marked done before the latest assessment stays done, unless its dimension
    regressed since the previous assessment: then it is planned again and flagged, because
    what was built is not holding. An item marked done after the latest assessment is done.
    The roadmap starts on the latest assessment's date (``latest_date``) unless it was dated.
    """
    start = date.fromisoformat(latest_date) if latest_date else (today or date.today())
    phases_by_id = {p["id"]: p for p in summary["phases"]}
    dated = any(p.get("start_date") for p in summary["phases"])
    items = []
    for item in summary["roadmap"]:
        record = progress.get(item["id"]) or {}
        status = record.get("status") or "planned"
        regression = None
        done_when = record.get("done_on") or (record.get("updated_at") or "")[:10]
        if status == "done" and previous is not None and (latest_date is None or done_when <= latest_date):
            now, before = summary["scores"][item["dimension"]], previous["scores"].get(item["dimension"])
            if now is not None and before is not None and round(before - now, 2) >= REGRESSION_DROP:
                regression = {"from": before, "to": now}
                status = "planned"
        planned_start, planned_end = planned_window(item, phases_by_id.get(item["phase"]), start, dated)
        due_on = record.get("due_on")
        items.append({**item, "status": status, "due_on": due_on, "done_on": record.get("done_on"),
                      "owner_name": record.get("owner") or "", "note": record.get("note") or "",
                      "planned_start": planned_start, "planned_end": planned_end, "regression": regression,
                      "overdue": today is not None and is_overdue(status, due_on, planned_end, today)})
    phases = []
    for phase in summary["phases"]:
        in_phase = [i for i in items if i["phase"] == phase["id"]]
        counts = {s: sum(1 for i in in_phase if i["status"] == s) for s in PROGRESS_STATUSES}
        total = len(in_phase)
        begin, end = (None, None) if dated and not phase.get("start_date") else phase_dates(phase, start)
        phases.append({**phase, "items": in_phase, "counts": counts, "total": total,
                       "planned_start": begin and begin.isoformat(), "planned_end": end and end.isoformat(),
                       "overdue": sum(1 for i in in_phase if i["overdue"]),
                       "percent_done": round(100 * counts["done"] / total) if total else None})
    return {"items": items, "phases": phases,
            "regressions": [i for i in items if i["regression"]],
            "overdue": [i for i in items if i["overdue"]],
            "done": sum(1 for i in items if i["status"] == "done"),
            "dropped": sum(1 for i in items if i["status"] == "dropped"), "total": len(items)}


# --------------------------------------------------------------------------
# The progress sheet: exported for a spreadsheet meeting and read back
# --------------------------------------------------------------------------

# (key, heading, width): what the sheet holds, in its order. The first column is how a row is
# matched on import; the columns marked editable are what an import may change.
SHEET_COLUMNS = (
    ("id", "Improvement id", 26), ("title", "Improvement", 46), ("phase", "Phase", 28),
    ("planned_start", "Planned start", 12), ("planned_end", "Planned end", 12),
    ("status", "Status", 10), ("due_on", "Due date", 12), ("done_on", "Done date", 12),
    ("owner", "Owner", 22), ("note", "Note (the reason, when dropped)", 50),
)
EDITABLE = ("status", "due_on", "done_on", "owner", "note")


def sheet_rows(view: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The progress view as the sheet's rows, one per improvement, in roadmap order."""
    return [{"id": i["id"], "title": i["title"], "phase": i["phase_title"], "planned_start": i["planned_start"],
             "planned_end": i["planned_end"], "status": i["status"], "due_on": i["due_on"] or "",
             "done_on": i["done_on"] or "", "owner": i["owner_name"], "note": i["note"]}
            for phase in view["phases"] for i in phase["items"]]


class SheetError(ValueError):
    """A progress sheet that cannot be read back; the message names the row and column."""


def read_sheet(header: list[Any], rows: Iterable[list[Any]], planned: Iterable[str]) -> list[dict[str, Any]]:
    """The changes a filled progress sheet asks for: one per row, matched by improvement id.

    Columns are found by their heading (or key), so reordered columns still read; a row whose
    id is not in the current roadmap (``planned``) is refused naming its row, so a sheet from
    another quarter is never applied by halves. Values are checked by the store.
    """
    names = {str(h).strip().lower(): n for n, h in enumerate(header) if h is not None}
    where: dict[str, int] = {}
    for key, heading, _width in SHEET_COLUMNS:
        for name in (heading.lower(), key):
            if name in names:
                where[key] = names[name]
                break
    missing = [heading for key, heading, _w in SHEET_COLUMNS if (key == "id" or key in EDITABLE) and key not in where]
    if missing:
        raise SheetError(f"the sheet has no column {missing[0]!r}; export the progress sheet and fill that in")
    planned_ids = set(planned)
    changes, seen = [], set()
    for number, row in enumerate(rows, start=2):
        cells = list(row) + [None] * len(header)
        item_id = _cell(cells[where["id"]])
        if not item_id and not any(_cell(c) for c in cells):
            continue  # a blank row
        if item_id not in planned_ids:
            raise SheetError(f"row {number}: {item_id!r} is not an improvement of the current roadmap")
        if item_id in seen:
            raise SheetError(f"row {number}: {item_id!r} is given twice")
        seen.add(item_id)
        change = {"item_id": item_id}
        for key in EDITABLE:
            change[key] = _cell(cells[where[key]])
        change["status"] = change["status"].lower() or "planned"
        changes.append(change)
    return changes


def _cell(value: Any) -> str:
    """A cell as text: dates as ISO dates, numbers as typed, blanks as ""."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text  # the formula guard's quote comes off on the way back
