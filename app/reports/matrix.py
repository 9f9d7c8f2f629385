"""The priority matrix: importance against maturity, one point per capability area.

The chart consultants draw by hand after an ITScore-style assessment: what matters most and is
least mature (top left) is improved first. ``matrix_points`` lays it out once for every format;
each area gets its own lane inside its importance band, so no two labels ever share a line, and
the page (SVG), the PDF (the same SVG), the PowerPoint and the Excel charts all read its lanes.
"""

from __future__ import annotations

from typing import Any, Mapping

from markupsafe import escape

from ..engine.vocabulary import DIMENSIONS, IMPORTANCE_LEVELS
from .levels import format_score

# Importance on the vertical axis: low 1, normal 2, high 3; an area's lane moves it within ±SPREAD.
BAND_Y = {level: index + 1 for index, level in enumerate(IMPORTANCE_LEVELS)}
SPREAD = 0.3
CAPTION = ("Top left: matters most and is least mature. Priority weighs each area's gap to its target "
           "by its importance (low 1, normal 2, high 3).")


def matrix_points(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One point per scored area: its title, score, importance, priority and its y (importance with
    its lane's offset: the lowest score of a band at the bottom of the band). An area left out for too few
    answers has no point: its partial score would read as a result."""
    importance = result.get("importance") or {}
    areas = importance.get("areas") or {}
    titles = (result.get("questionnaire") or {}).get("dimensions") or {}
    points = []
    for dim in DIMENSIONS:
        entry = (result.get("scores") or {}).get(dim, {})
        score = None if entry.get("insufficient") else entry.get("score")
        if score is None or dim not in areas:
            continue
        entry = areas[dim]
        points.append({"area": dim, "title": titles.get(dim, dim), "score": score, "importance": entry["level"],
                       "source": entry.get("source"), "priority": entry.get("priority")})
    for level in IMPORTANCE_LEVELS:
        band = sorted((p for p in points if p["importance"] == level), key=lambda p: (p["score"], p["area"]))
        for lane, point in enumerate(band):
            offset = 0.0 if len(band) == 1 else (lane / (len(band) - 1) - 0.5) * 2 * SPREAD
            point["y"] = round(BAND_Y[level] + offset, 3)
    return points


def matrix_label(point: Mapping[str, Any]) -> str:
    return f"{point['title']} {format_score(point['score'])}"


INK = "#212529"
MUTED = "#495057"
GRID = "#ced4da"
FIRST = "rgba(201, 42, 42, 0.08)"
POINT = "#0b5cad"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def matrix_svg(points: list[Mapping[str, Any]], *, font: int = 14) -> str:
    """The matrix of ``matrix_points`` as an SVG that scales with its box: text stays text, every label
    inside the view box."""
    if not points:
        return ""
    band = 8.5 * font  # one importance level: room for five lanes of labels
    left, top = 6.8 * font, 1.2 * font
    width = left + 25 * font
    plot_w = width - left - 1.0 * font
    height = top + 3 * band + 3.4 * font
    bottom = top + 3 * band

    def x(score: float) -> float:
        return left + (score - 1) / 4 * plot_w

    def y(value: float) -> float:
        return bottom - (value - 0.5) * band

    said = "; ".join(f"{p['title']}: {p['importance']} importance, score {format_score(p['score'])}" for p in points)
    parts = [f'<svg class="priority-matrix" viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
             f'role="img" aria-label="Priority matrix, importance against maturity. {escape(said)}" '
             f'font-family="{FONT}">',
             # Improve first: high importance below the middle of the scale.
             f'<rect x="{left:.1f}" y="{top:.1f}" width="{x(3) - left:.1f}" height="{band:.1f}" fill="{FIRST}"/>']
    for level in (1, 2, 3, 4, 5):
        parts.append(f'<line x1="{x(level):.1f}" y1="{top:.1f}" x2="{x(level):.1f}" y2="{bottom:.1f}" '
                     f'stroke="{GRID}"/>')
        parts.append(f'<text x="{x(level):.1f}" y="{bottom + 1.2 * font:.1f}" text-anchor="middle" '
                     f'font-size="{font * 0.85:.0f}" fill="{MUTED}">{level}</text>')
    for name, value in BAND_Y.items():
        edge = y(value + 0.5)
        parts.append(f'<line x1="{left:.1f}" y1="{edge:.1f}" x2="{left + plot_w:.1f}" y2="{edge:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 0.5 * font:.1f}" y="{y(value) + 0.35 * font:.1f}" text-anchor="end" '
                     f'font-size="{font}" fill="{INK}" font-weight="600">{name.capitalize()}</text>')
    parts.append(f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{left + plot_w:.1f}" y2="{bottom:.1f}" stroke="{MUTED}"/>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{bottom + 2.6 * font:.1f}" text-anchor="middle" '
                 f'font-size="{font * 0.9:.0f}" fill="{MUTED}">Maturity score (1–5)</text>')
    parts.append(f'<text x="{0.9 * font:.1f}" y="{top + 1.5 * band:.1f}" text-anchor="middle" font-size="{font * 0.9:.0f}" '
                 f'fill="{MUTED}" transform="rotate(-90 {0.9 * font:.1f} {top + 1.5 * band:.1f})">Importance</text>')
    radius = 0.38 * font
    for p in points:
        px, py = x(p["score"]), y(p["y"])
        label = matrix_label(p)
        room = 0.6 * font * len(label)  # a generous estimate of the label's width
        if px + radius + 0.4 * font + room <= left + plot_w:
            lx, anchor = px + radius + 0.4 * font, "start"
        else:
            lx, anchor = px - radius - 0.4 * font, "end"
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{radius:.1f}" fill="{POINT}" data-area="{p["area"]}" '
                     f'data-score="{p["score"]}" data-importance="{p["importance"]}"><title>{escape(label)}, '
                     f'{p["importance"]} importance, priority {p["priority"]}</title></circle>')
        parts.append(f'<text x="{lx:.1f}" y="{py + 0.35 * font:.1f}" text-anchor="{anchor}" font-size="{font}" '
                     f'fill="{INK}" data-label="{p["area"]}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
