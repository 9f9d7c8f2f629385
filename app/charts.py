"""Plotly figure builders. They take plain result dicts and return plotly JSON dicts; no Flask."""

from __future__ import annotations

from typing import Any, Mapping

import plotly.graph_objects as go

from .engine.vocabulary import DIMENSIONS

PALETTE = ("#0b5cad", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0c8599", "#5c7cfa")
TARGET_COLOUR = "#495057"


def _closed(values: list) -> list:
    return values + values[:1]


def _titles(labels: Mapping[str, str] | None) -> list[str]:
    labels = labels or {}
    return [labels.get(d, d.title()) for d in DIMENSIONS]


def radar_figure(series: list[tuple[str, Mapping[str, float | None]]],
                 target: Mapping[str, int] | None = None,
                 labels: Mapping[str, str] | None = None,
                 title: str | None = None) -> dict[str, Any]:
    """Radar of one or more score series ({dimension: score}) and an optional target, as plotly JSON."""
    theta = _closed(_titles(labels))
    fig = go.Figure()
    for i, (name, scores) in enumerate(series):
        values = [scores.get(d) if scores.get(d) is not None else 0 for d in DIMENSIONS]
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatterpolar(
            r=_closed(values), theta=theta, name=name, fill="toself" if len(series) == 1 else "none",
            line={"color": colour, "width": 2}, opacity=0.9,
            hovertemplate="%{theta}: %{r:.2f}<extra>%{fullData.name}</extra>",
        ))
    if target:
        values = [target.get(d, 0) for d in DIMENSIONS]
        fig.add_trace(go.Scatterpolar(
            r=_closed(values), theta=theta, name="Target",
            line={"color": TARGET_COLOUR, "dash": "dash", "width": 2}, fill="none",
            hovertemplate="%{theta}: target %{r}<extra></extra>",
        ))
    fig.update_layout(
        polar={
            "radialaxis": {"range": [0, 5], "tickvals": [1, 2, 3, 4, 5], "angle": 90, "tickangle": 90},
            "angularaxis": {"rotation": 90, "direction": "clockwise"},
        },
        showlegend=len(series) > 1 or bool(target),
        legend={"orientation": "h", "y": -0.12},
        margin={"l": 70, "r": 70, "t": 50 if title else 30, "b": 30},
        title={"text": title} if title else None,
        font={"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13},
        height=420,
    )
    return fig.to_plotly_json()


def result_radar(result: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The radar of one result: its dimension scores and, when set, its target."""
    scores = {d: result["scores"][d]["score"] for d in DIMENSIONS}
    target = result.get("roadmap", {}).get("target") or None
    return radar_figure([("Current maturity", scores)], target=target, labels=labels)
