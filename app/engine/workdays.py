"""Working days for the roadmap's dates: no change starts on a weekend or over the year-end break.

A change starts on a working day, and its length in weeks is counted in working days (five a
week), so one that runs over the break ends that much later. Pure: dates in, dates out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Mapping

# The year-end break: 24 December to 1 January, when little starts and nobody signs anything off.
BREAK_FROM = (12, 24)
BREAK_TO = (1, 1)
DAYS_PER_WEEK = 5


def is_working_day(day: date) -> bool:
    """Monday to Friday, outside the year-end break."""
    if day.weekday() >= 5:
        return False
    return not ((day.month, day.day) >= BREAK_FROM or (day.month, day.day) <= BREAK_TO)


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def end_after(start: date, weeks: float) -> date:
    """When work of this many weeks that starts on ``start`` is done: its working days counted (five a
    week) from the first working day on or after ``start``, then the next working day.

    Without a weekend or break in the way this is ``start`` plus the weeks, as a calendar would say.
    """
    left = round(weeks * DAYS_PER_WEEK)
    day = next_working_day(start)
    while left > 0:
        left -= 1
        day = next_working_day(day + timedelta(days=1))
    return day


def snap_schedule(items: Iterable[Mapping[str, Any]]) -> dict[str, tuple[date, date]]:
    """Each dated item's (start, end) moved onto working days, in the order they start, so that each
    still starts after what it requires ends and no earlier than what shapes it starts.

    Items carry ``id``, ``start_date`` (ISO), ``duration_weeks``, ``requires`` and ``shapes``; an item
    without a start date is left out.
    """
    dated = sorted((i for i in items if i.get("start_date")), key=lambda i: (i["start_date"], i["id"]))
    shaped_by: dict[str, list[str]] = {}
    for item in dated:
        for other in item.get("shapes") or ():
            shaped_by.setdefault(other, []).append(item["id"])
    out: dict[str, tuple[date, date]] = {}
    pending = list(dated)
    while pending:
        # The first whose prerequisites and shapers are placed (a prerequisite ends before its item starts).
        unplaced = {i["id"] for i in pending}
        for item in pending:
            if not any(r in unplaced for r in item.get("requires") or ()) \
                    and not any(s in unplaced for s in shaped_by.get(item["id"], ())):
                break
        else:  # pragma: no cover - a roadmap's prerequisites never form a cycle
            item = pending[0]
        pending.remove(item)
        start = date.fromisoformat(item["start_date"][:10])
        start = max([start] + [out[r][1] for r in item.get("requires") or () if r in out]
                    + [out[s][0] for s in shaped_by.get(item["id"], ()) if s in out])
        start = next_working_day(start)
        out[item["id"]] = (start, end_after(start, item.get("duration_weeks") or 0))
    return out
