"""Plotly figure builders. They take plain result dicts and return plotly JSON dicts; no Flask."""

from __future__ import annotations

import functools
import json
import math
from datetime import date

from typing import Any, Mapping

import plotly.graph_objects as go

from .engine.vocabulary import DIMENSIONS

PALETTE = ("#0b5cad", "#d9480f", "#2b8a3e", "#862e9c", "#cc6a00", "#0c8599", "#5c7cfa")
TARGET_COLOUR = "#495057"
# Series must differ by more than colour (WCAG 1.4.1): each also gets its own marker shape, line dash
# and, for bars, fill pattern, in the same order as the palette.
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross")
DASHES = ("solid", "dot", "dashdot", "longdash", "longdashdot", "solid", "dot")
PATTERNS = ("", "/", ".", "x", "\\", "-", "+")


def _closed(values: list) -> list:
    return values + values[:1]


def _titles(labels: Mapping[str, str] | None) -> list[str]:
    labels = labels or {}
    return [labels.get(d, d.title()) for d in DIMENSIONS]


# Average width of a character as a share of the font size, for sizing margins around labels.
CHAR_WIDTH = 0.62


def label_margins(titles: list[str], size: int) -> dict[str, int]:
    """Left and right margins wide enough for the radar's axis labels, so none is clipped.

    Labels sit just outside the circle at their axis' angle (clockwise from the top); a label near
    the left or right edge reaches out by nearly its whole width, one near the top or bottom by less.
    """
    left = right = 30.0
    for index, title in enumerate(titles):
        angle = math.radians(90 - 360 * index / len(titles))
        reach = len(title) * size * CHAR_WIDTH * min(1.0, abs(math.cos(angle)) + 0.25) + 14
        if math.cos(angle) < -0.1:
            left = max(left, reach)
        elif math.cos(angle) > 0.1:
            right = max(right, reach)
    return {"l": round(left), "r": round(right)}


def radar_figure(series: list[tuple[str, Mapping[str, float | None]]],
                 target: Mapping[str, int] | None = None,
                 labels: Mapping[str, str] | None = None,
                 title: str | None = None) -> dict[str, Any]:
    """Radar of one or more score series ({dimension: score}) and an optional target, as plotly JSON.

    Building a figure through plotly's validating objects costs tens of milliseconds, and a
    comparison draws seven radars: plotly builds each shape (labels, names, target or not) once,
    and every radar of that shape is a copy of it with its own values.
    """
    figure = json.loads(_radar_shape(tuple(_titles(labels)), tuple(name for name, _scores in series),
                                     bool(target), title))
    for trace, (_name, scores) in zip(figure["data"], series):
        trace["r"] = _closed([scores.get(d) if scores.get(d) is not None else 0 for d in DIMENSIONS])
    if target:
        figure["data"][-1]["r"] = _closed([target.get(d, 0) for d in DIMENSIONS])
    return figure


@functools.lru_cache(maxsize=512)
def _radar_shape(titles: tuple[str, ...], names: tuple[str, ...], with_target: bool, title: str | None) -> str:
    """A radar's plotly JSON (as text) with every value 0: the part that depends only on its shape."""
    theta = _closed(list(titles))
    zeros = _closed([0] * len(titles))
    fig = go.Figure()
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatterpolar(
            r=zeros, theta=theta, name=name, fill="toself" if len(names) == 1 else "none",
            mode="lines+markers", line={"color": colour, "width": 2, "dash": DASHES[i % len(DASHES)]},
            marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8}, opacity=0.9,
            hovertemplate="%{theta}: %{r:.2f}<extra>%{fullData.name}</extra>",
        ))
    if with_target:
        fig.add_trace(go.Scatterpolar(
            r=zeros, theta=theta, name="Target",
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 2}, fill="none",
            hovertemplate="%{theta}: target %{r}<extra></extra>",
        ))
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 90, "tickangle": 90},
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
        },
        showlegend=len(names) > 1 or with_target,
        legend={"orientation": "h", "y": -0.12},
        margin={**label_margins(list(titles), 13), "t": 50 if title else 30, "b": 30},
        title={"text": title} if title else None,
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        template="none",
        height=420,
    )
    return json.dumps(fig.to_plotly_json())


def result_radar(result: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The radar of one result: its dimension scores and, when set, its target."""
    scores = {d: result["scores"][d]["score"] for d in DIMENSIONS}
    target = result.get("roadmap", {}).get("target") or None
    return radar_figure([("Current maturity", scores)], target=target, labels=labels)


DIMENSION_COLOURS = {"governance": "#0b5cad", "analytics": "#2b8a3e", "facilitation": "#cc6a00",
                     "tools": "#862e9c", "leadership": "#c92a2a"}
WEEKS_PER_MONTH = 52 / 12


def timeline_figure(roadmap: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Gantt-style timeline of the roadmap, coloured by capability area, with phase bands.

    On calendar dates when the roadmap has a start date, else in months from the start. Work
    beyond the planned phases ("later") is listed on the page, not drawn.
    """
    labels = labels or {}
    phases = [p for p in roadmap.get("phases", []) if p["id"] != "later"]
    items = [(phase, item) for phase in phases for item in phase["items"]]
    dated = bool(roadmap.get("start_date")) and all(item.get("start_date") for _p, item in items)
    fig = go.Figure()
    if not items:
        fig.update_layout(height=120, margin={"l": 20, "r": 20, "t": 20, "b": 20},
                          annotations=[{"text": "Nothing to plan", "showarrow": False, "x": 0.5, "y": 0.5,
                                        "xref": "paper", "yref": "paper"}],
                          xaxis={"visible": False}, yaxis={"visible": False})
        return fig.to_plotly_json()
    order = [f"{i + 1}. {item['title']}" for i, (_p, item) in enumerate(items)]
    # On a phone the full titles leave no room for the bars, and a title cut short says nothing:
    # the page's script swaps in each change's number, which the page prints before its title, and
    # phase marks, when the chart is narrower than NARROW_PX. The tooltip keeps the whole title.
    short = {name: name.split(".", 1)[0] for name in order}
    for dim in DIMENSIONS:
        rows = [(name, item) for name, (_p, item) in zip(order, items) if item["dimension"] == dim]
        if not rows:
            continue
        fig.add_trace(go.Bar(
            orientation="h",
            name=labels.get(dim, dim.title()),
            y=[name for name, _ in rows],
            meta={"narrow_y": [short[name] for name, _ in rows]},
            base=([item["start_date"] for _, item in rows] if dated else
                  [round(item["start_week"] / WEEKS_PER_MONTH, 2) for _, item in rows]),
            x=([item["duration_weeks"] * 7 * 86_400_000 for _, item in rows] if dated else
               [round(item["duration_weeks"] / WEEKS_PER_MONTH, 2) for _, item in rows]),
            marker={"color": DIMENSION_COLOURS[dim]},
            customdata=[[item["owner"], item["effort_weeks"], item.get("start_date") or "", item.get("end_date") or "",
                         name] for name, item in rows],
            hovertemplate=(("%{customdata[4]}<br>%{customdata[2]} to %{customdata[3]}" if dated else
                            "%{customdata[4]}<br>months %{base:.1f} to %{x:.1f} after start") +
                           "<br>owner %{customdata[0]}, %{customdata[1]} person-weeks<extra></extra>"),
        ))
    shapes, annotations, narrow_annotations = [], [], []
    for i, phase in enumerate(phases):
        x0, x1 = ((phase["start_date"], phase["end_date"]) if dated else (phase["start_month"], phase["end_month"]))
        if i % 2 == 0:
            shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                           "fillcolor": "#f1f3f5", "line": {"width": 0}, "layer": "below"})
        middle = ((phase["start_month"] + phase["end_month"]) / 2 if not dated else
                  _middle_date(phase["start_date"], phase["end_date"]))
        mark = {"x": middle, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
                "font": {"size": 11}}
        annotations.append({**mark, "text": phase["title"]})
        narrow_annotations.append({**mark, "text": f"{phase['start_month'] + 1}–{phase['end_month']}"})
    end = max(p["end_month"] for p in phases)
    height = max(260, 26 * len(items) + 150)
    fig.update_layout(
        barmode="overlay",
        height=height,
        margin={"l": 10, "r": 20, "t": 40, "b": 100},
        xaxis=({"type": "date", "range": [phases[0]["start_date"], phases[-1]["end_date"]], "zeroline": False}
               if dated else
               {"title": {"text": "months from start"}, "range": [0, end], "dtick": 3, "zeroline": False}),
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(order)), "automargin": True},
        # Under the axis at a fixed distance, whatever the chart's height.
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        shapes=shapes,
        annotations=annotations,
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
        template="none",
        meta={"narrow": {
            # Numbers as names of categories, not values: every change has its row and its label.
            "yaxis": {"type": "category", "categoryorder": "array",
                      "categoryarray": [short[name] for name in reversed(order)], "automargin": True},
            "annotations": narrow_annotations,
            # The legend stacks one area per line on a phone: give it its own room under the axis.
            "height": height + 60, "margin": {"l": 10, "r": 20, "t": 40, "b": 160},
            "legend": {"orientation": "h", "xref": "container", "x": 0, "yref": "container", "y": 0,
                       "yanchor": "bottom"},
            "xaxis": ({"type": "date", "range": [phases[0]["start_date"], phases[-1]["end_date"]], "dtick": "M6",
                       "tickformat": "%b<br>%Y", "zeroline": False} if dated else
                      {"title": {"text": "months"}, "range": [0, end], "dtick": 6, "zeroline": False}),
        }},
    )
    return fig.to_plotly_json()


def _middle_date(start: str, end: str) -> str:
    """The day halfway between two ISO dates."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return (first + (last - first) / 2).isoformat()


def _safe_label(text: str) -> str:
    """User text shown in a chart: plotly reads a few HTML tags in labels, so escape them."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def trend_figure(points: list[Mapping[str, Any]], labels: Mapping[str, str] | None = None,
                 targets: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Scores per dimension and overall over time; ``points`` are {label, scores, overall}, oldest first."""
    labels = labels or {}
    x = [_safe_label(p["label"]) for p in points]
    fig = go.Figure()
    for i, dim in enumerate(DIMENSIONS):
        fig.add_trace(go.Scatter(
            x=x, y=[p["scores"].get(dim) for p in points], name=labels.get(dim, dim.title()), mode="lines+markers",
            line={"color": DIMENSION_COLOURS[dim], "width": 2, "dash": DASHES[i % len(DASHES)]},
            marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 9}, connectgaps=False,
            hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>",
        ))
    fig.add_trace(go.Scatter(
        x=x, y=[p["overall"] for p in points], name="Overall", mode="lines+markers",
        line={"color": "#212529", "width": 4, "dash": "dot"}, marker={"symbol": "hexagon", "size": 11},
        hovertemplate="%{x}: %{y:.2f}<extra>Overall</extra>",
    ))
    fig.update_layout(
        height=360, margin={"l": 40, "r": 10, "t": 20, "b": 40}, template="none",
        yaxis={"range": [0.8, 5.2], "dtick": 1, "title": {"text": "score"}, "gridcolor": "#e9ecef"},
        xaxis={"type": "category", "gridcolor": "#f1f3f5"},
        legend={"orientation": "h", "y": -0.2},
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
    )
    return fig.to_plotly_json()


def overlay_radar(series: list[tuple[str, Mapping[str, float | None]]], target: Mapping[str, int] | None,
                  labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Radar overlay of several assessments (names escaped) and the target."""
    return radar_figure([(_safe_label(name), scores) for name, scores in series], target=target, labels=labels)


def small_radar(name: str, scores: Mapping[str, float | None], target: Mapping[str, int] | None,
                labels: Mapping[str, str] | None, index: int) -> dict[str, Any]:
    """One assessment's radar for a row of small multiples: same 0-5 scale as the overlay, its colour
    there, the target dashed, short labels and no legend."""
    fig = radar_figure([(_safe_label(name), scores)], target=target, labels=labels)
    fig["data"][0]["line"]["color"] = PALETTE[index % len(PALETTE)]
    fig["data"][0]["fillcolor"] = PALETTE[index % len(PALETTE)] + "33"
    fig["layout"].update({"height": 250, "showlegend": False,
                          "margin": {**label_margins(_titles(labels), 11), "t": 24, "b": 24},
                          "font": {**fig["layout"]["font"], "size": 11}})
    return fig


def units_figure(units: list[tuple[str, Mapping[str, float | None]]], rollup: Mapping[str, Mapping[str, Any]],
                 labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Units side by side per dimension, with the organisation's mean and minimum."""
    labels = labels or {}
    cats = [labels.get(d, d.title()) for d in DIMENSIONS]
    fig = go.Figure()
    for i, (name, scores) in enumerate(units):
        fig.add_trace(go.Bar(x=cats, y=[scores.get(d) for d in DIMENSIONS], name=_safe_label(name),
                             marker={"color": PALETTE[i % len(PALETTE)],
                                     "pattern": {"shape": PATTERNS[i % len(PATTERNS)], "fillmode": "overlay",
                                                 "fgcolor": "#fff", "size": 6, "solidity": 0.3}},
                             hovertemplate="%{x}: %{y:.2f}<extra>%{fullData.name}</extra>"))
    fig.add_trace(go.Scatter(x=cats, y=[rollup[d]["mean"] for d in DIMENSIONS], name="Mean", mode="markers",
                             marker={"symbol": "line-ew-open", "size": 28, "color": "#212529", "line": {"width": 3}}))
    fig.add_trace(go.Scatter(x=cats, y=[rollup[d]["min"] for d in DIMENSIONS], name="Minimum", mode="markers",
                             marker={"symbol": "triangle-down", "size": 10, "color": "#c92a2a"}))
    # automargin: on a phone the area names turn and need more room below than the 40 px set here;
    # the top margin holds the legend (two rows on a phone).
    fig.update_layout(barmode="group", height=380, margin={"l": 40, "r": 10, "t": 70, "b": 40}, template="none",
                      xaxis={"automargin": True},
                      yaxis={"range": [0, 5], "dtick": 1, "gridcolor": "#e9ecef"},
                      # The legend sits above the bars, so it never covers the turned area names.
                      legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
                      font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12})
    return fig.to_plotly_json()


def progress_figure(phases: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Roadmap items per phase: done, started and planned."""
    names = [_safe_label(p["title"]) for p in phases]
    fig = go.Figure()
    for status, colour, pattern in (("done", "#2b8a3e", ""), ("started", "#cc6a00", "/"), ("planned", "#ced4da", ".")):
        fig.add_trace(go.Bar(y=names, x=[p["counts"][status] for p in phases], name=status.title(), orientation="h",
                             marker={"color": colour, "pattern": {"shape": pattern, "fillmode": "overlay",
                                                                  "fgcolor": "#fff", "size": 6, "solidity": 0.3}}, hovertemplate="%{y}: %{x} " + status + "<extra></extra>"))
    fig.update_layout(barmode="stack", height=80 + 40 * max(1, len(phases)), template="none",
                      margin={"l": 10, "r": 10, "t": 10, "b": 30},
                      yaxis={"autorange": "reversed", "automargin": True}, xaxis={"dtick": 1, "title": {"text": "items"}},
                      legend={"orientation": "h", "y": -0.35},
                      font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12})
    return fig.to_plotly_json()


def band_radar(band: Mapping[str, Mapping[str, Any]], target: Mapping[str, int] | None = None,
               labels: Mapping[str, str] | None = None, roles: Mapping[str, Mapping[str, Any]] | None = None,
               baseline: tuple[str, Mapping[str, float | None]] | None = None) -> dict[str, Any]:
    """The room's picture: median per dimension with the band from the lowest to the highest respondent,
    and (``baseline``: a period and its scores) the earlier result the workshop started from."""
    theta = _closed(_titles(labels))

    def series(key: str) -> list:
        return _closed([band[d][key] if band[d][key] is not None else 0 for d in DIMENSIONS])

    fig = go.Figure()
    fig.add_trace(go.Scatterpolar(r=series("max"), theta=theta, name="Highest", mode="lines",
                                  line={"color": "rgba(11,92,173,0.25)", "width": 1}, hoverinfo="skip",
                                  showlegend=False, meta={"column": "Highest"}))
    fig.add_trace(go.Scatterpolar(r=series("min"), theta=theta, name="Range (lowest to highest)", mode="lines",
                                  fill="tonext", fillcolor="rgba(11,92,173,0.15)",
                                  line={"color": "rgba(11,92,173,0.25)", "width": 1}, meta={"column": "Lowest"},
                                  hovertemplate="%{theta}: lowest %{r:.2f}<extra></extra>"))
    fig.add_trace(go.Scatterpolar(r=series("median"), theta=theta, name="Median", mode="lines+markers",
                                  line={"color": PALETTE[0], "width": 3}, marker={"symbol": SYMBOLS[0], "size": 8},
                                  hovertemplate="%{theta}: median %{r:.2f}<extra></extra>"))
    for i, (role, data) in enumerate((roles or {}).items()):
        medians = data["medians"]
        fig.add_trace(go.Scatterpolar(r=_closed([medians[d] or 0 for d in DIMENSIONS]), theta=theta,
                                      name=_safe_label(f"{role} ({data['respondents']})"), mode="lines+markers",
                                      line={"color": PALETTE[(i + 1) % len(PALETTE)], "width": 2,
                                            "dash": DASHES[(i + 1) % len(DASHES)]},
                                      marker={"symbol": SYMBOLS[(i + 1) % len(SYMBOLS)], "size": 8}))
    if baseline:
        period, scores = baseline
        fig.add_trace(go.Scatterpolar(r=_closed([scores.get(d) or 0 for d in DIMENSIONS]), theta=theta,
                                      name=_safe_label(f"Last result ({period})"), mode="lines+markers",
                                      line={"color": "#868e96", "width": 2, "dash": "dot"},
                                      hovertemplate="%{theta}: %{r:.2f}<extra>%{fullData.name}</extra>"))
    if target:
        fig.add_trace(go.Scatterpolar(r=_closed([target.get(d, 0) for d in DIMENSIONS]), theta=theta, name="Target",
                                      line={"color": TARGET_COLOUR, "dash": "dash", "width": 2}))
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 90, "tickangle": 90},
               "angularaxis": {"rotation": 90, "direction": "clockwise"}},
        legend={"orientation": "h", "y": -0.12}, margin={**label_margins(_titles(labels), 13), "t": 30, "b": 30},
        height=420,
        template="none", font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
    )
    return fig.to_plotly_json()


def distribution_figure(stats: Mapping[str, Mapping[str, Any]], questions: list[tuple[str, str]]) -> dict[str, Any]:
    """How the room answered each question: a heat map of counts per level (and don't know)."""
    columns = ["1", "2", "3", "4", "5", "?"]
    z = [[stats[qid]["counts"][lvl] for lvl in (1, 2, 3, 4, 5)] + [stats[qid]["dont_know"]] for qid, _ in questions]
    names = [_safe_label(label) for _, label in questions]
    fig = go.Figure(go.Heatmap(z=z, x=columns, y=names, colorscale="Blues", showscale=False,
                               text=z, texttemplate="%{text}",
                               hovertemplate="%{y}<br>level %{x}: %{z} people<extra></extra>"))
    fig.update_layout(height=max(300, 20 * len(questions) + 110), margin={"l": 10, "r": 10, "t": 70, "b": 20},
                      yaxis={"autorange": "reversed", "automargin": True, "tickfont": {"size": 11}},
                      xaxis={"side": "top", "type": "category", "title": {"text": "level (? = don't know)"}},
                      template="none",
                      font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12})
    return fig.to_plotly_json()



def warm_up() -> None:
    """Build one small figure of each kind, so plotly loads its validators (about 0.4 s of CPU, once per
    process) now rather than during the first page that draws one."""
    scores = {d: 3.0 for d in DIMENSIONS}
    trend_figure([{"label": "Q1", "scores": scores, "overall": 3.0}, {"label": "Q2", "scores": scores, "overall": 3.0}])
    units_figure([("Unit", scores)], {d: {"mean": 3.0, "min": 3.0} for d in DIMENSIONS})
    progress_figure([{"title": "Phase", "counts": {"done": 1, "started": 1, "planned": 1}}])
    band_radar({d: {"min": 2.0, "median": 3.0, "max": 4.0} for d in DIMENSIONS}, target={d: 4 for d in DIMENSIONS})
    distribution_figure({"q": {"counts": {level: 1 for level in range(1, 6)}, "dont_know": 0}}, [("q", "Question")])

# --------------------------------------------------------------------------
# Text alternatives: every chart's numbers as a table
# --------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _unique_categories(values: list) -> list:
    """A closed radar repeats its first category at the end: each category once, in order."""
    return list(dict.fromkeys(values))


def figure_table(fig: Mapping[str, Any] | None, category: str = "Capability area") -> dict[str, Any] | None:
    """The numbers a figure draws, as a table for people who cannot see the chart.

    Returns {"columns": [header, ...], "rows": [[row header, cell, ...], ...]}: one row per category
    (capability area, period, question or phase) and one column per series, or None when the figure
    draws no categorical data (a timeline is described by the list beside it). Cells are text, so the
    table shows the same numbers the chart does, rounded to two decimals.
    """
    traces = list((fig or {}).get("data") or [])
    if not traces:
        return None
    if traces[0].get("type") == "heatmap":
        heat = traces[0]
        return {"columns": ["Question", *[f"Level {x}" if x != "?" else "Don't know" for x in heat["x"]]],
                "rows": [[str(name), *[_cell(v) for v in row]] for name, row in zip(heat["y"], heat["z"])]}
    series: list[tuple[str, dict]] = []
    categories: list = []
    for trace in traces:
        kind = trace.get("type")
        if kind == "scatterpolar":
            keys, values = trace.get("theta") or [], trace.get("r") or []
        elif kind == "bar" and trace.get("orientation") == "h":
            if trace.get("base") is not None:  # a timeline: bars from a start to an end, listed on the page
                return None
            keys, values = trace.get("y") or [], trace.get("x") or []
        elif kind in ("bar", "scatter"):
            keys, values = trace.get("x") or [], trace.get("y") or []
        else:
            continue
        by_key = dict(zip(keys, values))
        categories.extend(k for k in _unique_categories(list(keys)) if k not in categories)
        series.append((str((trace.get("meta") or {}).get("column") or trace.get("name") or ""), by_key))
    if not series:
        return None
    return {"columns": [category, *[name for name, _ in series]],
            "rows": [[str(key), *[_cell(values.get(key)) for _, values in series]] for key in categories]}
