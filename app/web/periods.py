"""The period a new assessment or workshop is for: the next one by default, and a warning when
the chosen scope already has a result for it (two results of one period are only added on purpose)."""

from __future__ import annotations

from datetime import date

from .. import store
from ..engine.reassessment import next_period
from ..engine.summary import day

SAME_PERIOD_LABEL = "Add a second result for this period (the later one stands for it on the dashboard)"


def next_free_period(db, org_id: int, unit_id: int | None = None) -> str:
    """The period every form offers for a new assessment or workshop of one scope (a unit, or the whole
    organisation when ``unit_id`` is None): the quarter after that scope's latest result, never before
    today's, and never one the scope already has a result for; today's quarter for a scope with none."""
    rows = [r for r in store.history(db, org_id, "all") if r["unit_id"] == unit_id]
    taken = {r["period"] for r in rows}
    period = next_period(rows[-1]["period"] if rows else None, date.today())
    while period in taken:
        period = next_period(period, date.today())
    return period


def period_problem(db, org_id: int, unit_id: int | None, units: list[dict], period: str,
                   same_anyway: bool) -> str | None:
    """Why the period cannot be used as it is: too long, or this scope already has a result for it
    (unless the person chose to add a second result for it)."""
    if len(period) > store.MAX_PERIOD:
        return f"The period is a short label of at most {store.MAX_PERIOD} characters, such as 2027-Q1."
    taken = [a for a in store.org_assessments(db, org_id)
             if a["period"] == period and a["unit_id"] == unit_id and a["status"] == "closed"]
    if taken and not same_anyway:
        scope = next((u["name"] for u in units if u["id"] == unit_id), "The whole organisation")
        when = f" (assessed on {day(taken[0]['assessed_on'])})" if taken[0]["assessed_on"] else ""
        return (f"{scope} already has an assessment for {period}{when}. "
                "Choose the next period, or tick “Add a second result for this period” below.")
    return None
