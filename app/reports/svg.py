"""Vector charts for print, as SVG: no browser, no network. The radar is drawn by hand as a few plain elements
(WeasyPrint lays out each SVG element's style and each letter of its text on its own, so matplotlib's hundreds
of styled elements cost a third of a render); the roadmap's timeline, whose forty titles cost a fifth of a render
as SVG text, is an HTML table of bars; the trend and the room's answers are drawn with matplotlib, imported only
when one of them is drawn.

Each function takes the report model and returns an SVG document (the timeline: an HTML table) as text, with
its text kept as text (searchable, crisp in the PDF). Figures are built with the object API (``Figure``), never
pyplot, so nothing global is touched in a server process.
"""

from __future__ import annotations

import html
import io
import json
import math
import textwrap
import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from .matrix import matrix_svg

INK = "#1f2d3d"
MUTED = "#6c757d"
SCORE = "#1f4e8c"
TARGET = "#d97706"
GRID = "#d0d7de"
AREA_COLOURS = ["#1f4e8c", "#2a9d8f", "#e76f51", "#8e6c8a", "#e9c46a", "#264653"]
LEVEL_COLOURS = ["#c0392b", "#e67e22", "#f1c40f", "#7fb77e", "#2e8b57"]

RC = {
    "svg.fonttype": "none",  # keep text as text
    "svg.hashsalt": "pmo-advisor",  # the same chart gives the same SVG
    "text.parse_math": False,  # a typed "$x$" is text, not mathtext
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
}


def _figure(**kwargs) -> "Figure":
    """A matplotlib figure (imported on first use: a self-assessment's report draws no matplotlib chart)."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _rc():
    from matplotlib import rc_context

    return rc_context(RC)


def _svg(fig: "Figure") -> str:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    out = io.StringIO()
    FigureCanvasSVG(fig)
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog and doctype, to inline it in HTML


def _wrap(text: str, width: int, lines: int = 2) -> str:
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def radar_svg(report: Mapping[str, Any], width: float = 3.8, height: float = 2.8) -> str:
    """Scores per capability area against the target, on a 0–5 radar (plain SVG by hand, as the timeline)."""
    radar = report["radar"]
    labels = radar["labels"]
    count = len(labels)
    full_w, full_h = width * 72, height * 72
    cx, cy, radius = full_w / 2, full_h / 2, full_h * 0.4

    def point(index: float, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count  # the first area at the top, the others clockwise
        return cx + radius * value / 5 * math.cos(angle), cy + radius * value / 5 * math.sin(angle)

    def points(values) -> str:
        return " ".join("%.1f,%.1f" % point(i, v) for i, v in enumerate(values))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{full_w:.1f}pt" height="{full_h:.1f}pt" '
             f'viewBox="0 0 {full_w:.1f} {full_h:.1f}" font-family="DejaVu Sans, sans-serif" font-size="8.5" '
             f'fill="{INK}">']
    for level in range(1, 6):
        parts.append(f'<polygon points="{points([level] * count)}" fill="none" stroke="{GRID}" stroke-width="0.6"/>')
    for index in range(count):
        x, y = point(index, 5)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.6"/>')
    for level in range(1, 6):  # the scale, between the first two areas
        x, y = point(0.5, level)
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="7" fill="{MUTED}">{level}</text>')
    targets = radar["target"]
    for index in range(count):  # the target, where there is one (a gap where an area has none)
        here, there = targets[index], targets[(index + 1) % count]
        if here is not None and there is not None:
            (x1, y1), (x2, y2) = point(index, here), point(index + 1, there)
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{TARGET}" '
                         'stroke-width="1.4" stroke-dasharray="5 2"/>')
    # An area with no score (left out for too few answers) is left off the line, never drawn at 0.
    scored = [(i, s) for i, s in enumerate(radar["score"]) if s is not None]
    parts.append(f'<polygon points="{" ".join("%.1f,%.1f" % point(i, v) for i, v in scored)}" fill="{SCORE}" '
                 f'fill-opacity="0.18" stroke="{SCORE}" stroke-width="1.8" stroke-linejoin="round"/>')
    for index, label in enumerate(labels):
        x, y = point(index, 5.5)
        anchor = "middle" if abs(x - cx) < 2 else "start" if x > cx else "end"
        said = label if radar["score"][index] is not None else f"{label} (not scored)"
        parts.append(f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="{anchor}">{_attr(said)}</text>')
    legend = ([("Target", f'stroke="{TARGET}" stroke-width="1.4" stroke-dasharray="5 2"')]
              if any(t is not None for t in targets) else []) + [("Score", f'stroke="{SCORE}" stroke-width="1.8"')]
    for row, (name, stroke) in enumerate(legend):
        y = full_h - 8 - 11 * (len(legend) - 1 - row)
        parts.append(f'<line x1="4" y1="{y - 3:.1f}" x2="18" y2="{y - 3:.1f}" {stroke}/>'
                     f'<text x="22" y="{y:.1f}" font-size="8">{name}</text>')
    parts.append("</svg>")
    return "".join(parts)


def timeline_html(report: Mapping[str, Any], numbered: bool = False) -> str:
    """The roadmap as a Gantt chart: one bar per planned improvement, coloured by capability area.

    An HTML table, not SVG: WeasyPrint lays out and draws each letter of an SVG text on its own, and the
    titles of forty changes cost a fifth of a PDF; as table rows the titles are ordinary lines of text
    (searchable, wrapped, printed the same by browsers). Each bar is placed in months from the start.
    ``numbered``: each title after its change's number, as the result page numbers the changes it lists
    (a phone shows only the numbers).
    """
    items = report["roadmap"]["dated_items"]
    areas = list(dict.fromkeys(a["title"] for a in report["areas"]))
    colour = {a: AREA_COLOURS[i % len(AREA_COLOURS)] for i, a in enumerate(areas)}
    start = report["roadmap"]["start"]
    months = math.ceil(max([report["roadmap"]["months"]] + [(i["end"] - start).days / 30.44 for i in items] + [1]))
    step = 1 if months <= 12 else 2 if months <= 24 else 3
    ticks = list(range(0, months, step))
    grid = 100 * step / months  # one grid line per tick, as the track's repeated background
    legend = "".join(f'<span class="key"><span class="swatch" style="background:{colour[a]}"></span>{_attr(a)}</span>'
                     for a in areas)
    rows = []
    for item in items:
        begin = (item["start"] - start).days / 30.44
        end = begin + max((item["end"] - item["start"]).days / 30.44, 0.15)
        begin, end = max(begin, 0), min(end, months)  # within the axis
        bar = (f'<span class="bar" style="margin-left:{100 * begin / months:.2f}%;width:{100 * (end - begin) / months:.2f}%;'
               f'background:{colour.get(item["area"], SCORE)}"></span>') if end > begin else ""
        title = _attr(_wrap(item["title"], 52, 1))
        if numbered:
            title = f'<span class="n">{len(rows) + 1}.</span> <span class="t">{title}</span>'
        rows.append(f'<tr><th scope="row">{title}</th>'
                    f'<td class="track" style="background-size:{grid:.3f}% 100%">{bar}</td></tr>')
    axis = "".join(f'<td>{tick}</td>' for tick in ticks)
    return (f'<table class="gantt"><thead><tr><td></td><td class="legend">{legend}</td></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody><tfoot><tr><td></td><td class="axis"><table><tr>{axis}'
            f'</tr></table>Months from the start</td></tr></tfoot></table>')


def trend_svg(report: Mapping[str, Any], width: float = 7.0, height: float = 2.8) -> str:
    """The organisation's scores per capability area over its assessments."""
    history = report["history"]
    points = history["trend"]
    periods = [p["period"] or p["assessed_on"] for p in points]
    with _rc():
        fig = _figure(figsize=(width, height))
        ax = fig.add_subplot()
        for i, (dim, title) in enumerate(history["areas"].items()):
            values = [p["scores"].get(dim) if p["scores"].get(dim) is not None else math.nan for p in points]
            ax.plot(range(len(points)), values, marker="o", markersize=3, linewidth=1.4,
                    color=AREA_COLOURS[i % len(AREA_COLOURS)], label=title)
        overall = [p["overall"] if p["overall"] is not None else math.nan for p in points]
        ax.plot(range(len(points)), overall, color=INK, linewidth=2.2, label="Overall")
        ax.set_xticks(range(len(points)))
        ax.set_xticklabels(periods, fontsize=8)
        ax.set_ylim(1, 5)
        ax.set_ylabel("Score (1–5)", fontsize=8)
        ax.grid(axis="y", color=GRID, linewidth=0.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=7.5)
        fig.subplots_adjust(left=0.08, right=0.8, top=0.95, bottom=0.14)
        return _svg(fig)


def disagreement_svg(report: Mapping[str, Any], width: float = 7.0, limit: int = 8) -> str:
    """How the room answered the most disputed questions: answers per level, stacked."""
    rows = report["workshop"]["disputed"][:limit]
    height = 0.8 + 0.42 * max(len(rows), 1)
    with _rc():
        fig = _figure(figsize=(width, height))
        ax = fig.add_subplot()
        lefts = [0] * len(rows)
        for index, key in enumerate(("1", "2", "3", "4", "5")):
            values = [r["counts"][key] for r in rows]
            ax.barh(range(len(rows)), values, left=lefts, height=0.6, color=LEVEL_COLOURS[index],
                    label=f"Level {key}")
            lefts = [a + b for a, b in zip(lefts, values)]
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([_wrap(r["text"], 48) for r in rows], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("Participants", fontsize=8)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.3, 1.0), ncol=5, frameon=False, fontsize=7.5,
                  handlelength=1)
        fig.subplots_adjust(left=0.45, right=0.98, top=1 - 0.4 / height, bottom=0.45 / height)
        return _svg(fig)


# What each chart reads of the report, and nothing more: a chart is drawn once per distinct view
# (its data) and kept, so a report asked for again, or for another start date, reuses its charts.
# A chart that read anything else would fail loudly here rather than be served stale.
EPOCH = date(2000, 1, 3)


def _radar_view(report: Mapping[str, Any]) -> dict[str, Any]:
    return {"radar": report["radar"]}


def _timeline_view(report: Mapping[str, Any]) -> dict[str, Any]:
    roadmap = report["roadmap"]
    start = roadmap["start"]  # dates move with the start; the chart counts months from it
    return {"areas": [{"title": a["title"]} for a in report["areas"]],
            "roadmap": {"start": EPOCH, "months": roadmap["months"],
                        # Only planned phases and changes are drawn: what is not planned yet has no dates.
                        "phases": [{"start_month": p["start_month"], "start": EPOCH} for p in roadmap["phases"]
                                   if p["start"]],
                        "dated_items": [{"title": i["title"], "area": i["area"], "start": EPOCH + (i["start"] - start),
                                         "end": EPOCH + (i["end"] - start)} for i in roadmap["dated_items"]]}}


def _trend_view(report: Mapping[str, Any]) -> dict[str, Any]:
    history = report["history"]
    return {"history": {"areas": history["areas"], "trend": [
        {"period": p["period"], "assessed_on": p["assessed_on"], "scores": p["scores"], "overall": p["overall"]}
        for p in history["trend"]]}}


def _disagreement_view(report: Mapping[str, Any]) -> dict[str, Any]:
    return {"workshop": {"disputed": [{"text": r["text"], "counts": {k: r["counts"][k] for k in "12345"}}
                                      for r in report["workshop"]["disputed"][:8]]}}


CHARTS = {"radar": (_radar_view, radar_svg), "timeline": (_timeline_view, timeline_html),
          "numbered_timeline": (_timeline_view, lambda view: timeline_html(view, numbered=True)),
          "trend": (_trend_view, trend_svg), "disagreement": (_disagreement_view, disagreement_svg),
          "matrix": (lambda report: report["matrix"], matrix_svg)}
_DRAWN: "OrderedDict[str, str]" = OrderedDict()
_DRAWN_SIZE = 256  # charts are 10–60 KB of SVG text each
_LOCK = threading.Lock()


def _drawn(name: str, report: Mapping[str, Any]) -> str:
    """Chart ``name`` of the report, drawn once per distinct view of its data."""
    view_of, draw = CHARTS[name]
    view = view_of(report)
    key = name + json.dumps(view, sort_keys=True, default=str)
    with _LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    svg = draw(view)
    with _LOCK:
        _DRAWN[key] = svg
        while len(_DRAWN) > _DRAWN_SIZE:
            _DRAWN.popitem(last=False)
    return svg


def report_charts(report: Mapping[str, Any]) -> dict[str, str]:
    """Every chart the report shows, as SVG text by name."""
    if report["kind"] == "rollup":
        return {}  # tables side by side: a unit's scores mixed into one trend would mislead
    charts = {"radar": _drawn("radar", report)}
    if report["roadmap"]["items"]:
        charts["timeline"] = _drawn("timeline", report)
    if report.get("history") and len(report["history"]["trend"]) > 1:
        charts["trend"] = _drawn("trend", report)
    if report.get("workshop") and report["workshop"]["disputed"]:
        charts["disagreement"] = _drawn("disagreement", report)
    if report.get("matrix"):
        charts["matrix"] = _drawn("matrix", report)
    return charts


def screen_timeline(report: Mapping[str, Any]) -> str:
    """The report's timeline for a page: its changes numbered as the page lists them ("" when none is planned)."""
    return _drawn("numbered_timeline", report) if report["roadmap"]["dated_items"] else ""
