"""The report as one self-contained HTML document (styles and vector charts inline).

The same document is printed by browsers, turned into the PDF by WeasyPrint, and served as
the report page; ``toolbar`` adds the on-screen links, hidden in print.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, Mapping

from jinja2 import Environment, PackageLoader, select_autoescape

from ..engine.summary import day as summary_day
from ..engine.whatif import NO_CHANGE, NO_CHANGE_CLOSE
from .levels import format_score
from .svg import report_charts


def day(value: date | str | None) -> str:
    """A date as people read it: '4 Jan 2027' (the engine's one wording, as the summary says it)."""
    return summary_day(value.isoformat() if isinstance(value, date) else value)


def day_short(value: date | str | None) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {day:%b}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("app.reports", "templates"),
                      autoescape=select_autoescape(["html"], default_for_string=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update({"day": day, "day_short": day_short, "score": format_score})
    env.globals["no_change"] = NO_CHANGE
    env.globals["no_change_close"] = NO_CHANGE_CLOSE
    return env


def render_html(report: Mapping[str, Any], *, charts: Mapping[str, str] | None = None,
                toolbar: Mapping[str, Any] | None = None) -> str:
    """The whole report as HTML; charts are drawn unless given."""
    charts = report_charts(report) if charts is None else charts
    # An organisation assessed unit by unit has a report of its own: the roll-up, no single result.
    template = "rollup.html" if report["kind"] == "rollup" else "report.html"
    return environment().get_template(template).render(report=report, charts=charts, toolbar=toolbar)
