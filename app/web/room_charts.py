"""The room's radar as a small SVG drawn on the server: text stays text, no chart library on the page.

The projector and the console show it; it scales with its box, and its labels are laid out
inside its view box (anchored away from the centre), so none is cut off at any size.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from markupsafe import Markup, escape

from ..engine.vocabulary import DIMENSIONS, LEVELS

MEDIAN = "#0b5cad"
BAND = "rgba(11, 92, 173, 0.18)"
GRID = "#ced4da"
INK = "#212529"
MUTED = "#495057"
ROLE_COLOURS = ("#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0c8599")
ROLE_DASHES = ("10 6", "2 6", "14 5 3 5", "6 4", "1 4")


def _point(cx: float, cy: float, radius: float, index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = radius * max(0.0, min(5.0, value)) / 5
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _polygon(cx: float, cy: float, radius: float, values: Sequence[float]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, radius, i, len(values), v)
                                                    for i, v in enumerate(values)))


def band_radar_svg(band: Mapping[str, Mapping[str, Any]], labels: Mapping[str, str],
                   roles: Mapping[str, Mapping[str, Any]] | None = None, *, font: int = 30,
                   radius: int = 300, title: str = "", baseline: Mapping[str, Any] | None = None) -> Markup:
    """The median per capability area with the band from the lowest to the highest participant.

    ``roles`` adds each role's medians as a dashed line (only roles the room may see);
    ``baseline`` (a period and its scores) the earlier result the workshop started from, dotted grey. The
    labels name the area and its median; ``font`` is in the drawing's units, which are CSS
    pixels when the drawing is shown at its natural size.
    """
    count = len(DIMENSIONS)
    longest = max(len(labels.get(d, d)) for d in DIMENSIONS)
    side = 0.62 * font * longest + font  # room for a label beside the circle
    width = 2 * (radius + side)
    top, bottom = 2.6 * font, 2.6 * font
    height = 2 * radius + top + bottom
    cx, cy = width / 2, top + radius

    def value(d: str, key: str) -> float:
        v = band[d].get(key)
        return 0.0 if v is None else float(v)

    parts = [f'<svg class="radar" viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
             f'role="img" aria-label="{escape(title or "Median per capability area with the range")}" '
             f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">']
    for level in LEVELS:  # the rings, one per level
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, [level] * count)}" fill="none" stroke="{GRID}" '
                     f'stroke-width="{2 if level == 5 else 1}"/>')
        x, y = _point(cx, cy, radius, 0, count, level)
        parts.append(f'<text x="{x + font * 0.3:.1f}" y="{y + font * 0.35:.1f}" font-size="{font * 0.7:.0f}" '
                     f'fill="{MUTED}">{level}</text>')
    for i in range(count):  # the spokes
        x, y = _point(cx, cy, radius, i, count, 5)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
    highs = [value(d, "max") for d in DIMENSIONS]
    lows = [value(d, "min") for d in DIMENSIONS]
    medians = [value(d, "median") for d in DIMENSIONS]
    if baseline:
        values = [float((baseline.get("scores") or {}).get(d) or 0) for d in DIMENSIONS]
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, values)}" fill="none" stroke="{MUTED}" '
                     f'stroke-width="4" stroke-dasharray="3 7" stroke-linecap="round" data-baseline>'
                     f'<title>Last result ({escape(baseline.get("period", ""))})</title></polygon>')
    if any(highs):
        outer = _polygon(cx, cy, radius, highs)
        inner = _polygon(cx, cy, radius, lows)
        parts.append(f'<path d="M{outer.replace(" ", " L")} Z M{inner.replace(" ", " L")} Z" fill="{BAND}" '
                     f'fill-rule="evenodd" stroke="none"><title>Range from the lowest to the highest participant'
                     f'</title></path>')
        for i, (name, data) in enumerate((roles or {}).items()):
            values = [float(data["medians"].get(d) or 0) for d in DIMENSIONS]
            parts.append(f'<polygon points="{_polygon(cx, cy, radius, values)}" fill="none" '
                         f'stroke="{ROLE_COLOURS[i % len(ROLE_COLOURS)]}" stroke-width="4" '
                         f'stroke-dasharray="{ROLE_DASHES[i % len(ROLE_DASHES)]}"><title>{escape(name)}</title>'
                         f'</polygon>')
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, medians)}" fill="none" stroke="{MEDIAN}" '
                     f'stroke-width="6" stroke-linejoin="round"/>')
        for i, v in enumerate(medians):
            x, y = _point(cx, cy, radius, i, count, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{font * 0.3:.1f}" fill="{MEDIAN}"/>')
    for i, d in enumerate(DIMENSIONS):  # the labels: the area and its median, anchored away from the centre
        angle = -math.pi / 2 + 2 * math.pi * i / count
        x = cx + (radius + font * 0.6) * math.cos(angle)
        y = cy + (radius + font * 0.6) * math.sin(angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.2 else ("start" if math.cos(angle) > 0 else "end")
        if math.sin(angle) < -0.5:  # the top label sits above the circle
            y -= 1.3 * font
        elif math.sin(angle) > 0.5:  # the bottom ones below it
            y += 0.9 * font
        else:
            y -= 0.1 * font
        median = band[d].get("median")
        said = "no answers" if median is None else f"median {median:.1f}"
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{font}" font-weight="600" '
                     f'fill="{INK}" data-area="{d}">{escape(labels.get(d, d))}'
                     f'<tspan x="{x:.1f}" dy="{font * 1.1:.1f}" font-size="{font * 0.85:.0f}" font-weight="400" '
                     f'fill="{MUTED}">{said}</tspan></text>')
    parts.append("</svg>")
    return Markup("".join(parts))
