"""Radars as small SVGs drawn on the server: text stays text, no chart library on the page.

The projector and the console show the room's band radar; result pages, the dashboard and the
comparison show scores against the target. Each scales with its box, and its labels are laid out
inside its view box (anchored away from the centre), so none is cut off at any size.
"""

from __future__ import annotations

import json
import math
from typing import Any, Mapping, Sequence

from markupsafe import Markup, escape

from ..engine.vocabulary import DIMENSIONS, LEVELS
from ..reports.levels import format_score

MEDIAN = "#0b5cad"
BAND = "rgba(11, 92, 173, 0.18)"
GRID = "#ced4da"
INK = "#212529"
MUTED = "#495057"
ROLE_COLOURS = ("#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0c8599")
ROLE_DASHES = ("10 6", "2 6", "14 5 3 5", "6 4", "1 4")
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def _point(cx: float, cy: float, radius: float, index: int, count: int, value: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    r = radius * max(0.0, min(5.0, value)) / 5
    return cx + r * math.cos(angle), cy + r * math.sin(angle)


def _polygon(cx: float, cy: float, radius: float, values: Sequence[float | None]) -> str:
    """The points of a radar's line; an area without a value (None) is left out, never drawn at 0."""
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (_point(cx, cy, radius, i, len(values), v)
                                                    for i, v in enumerate(values) if v is not None))


def _canvas(labels: Mapping[str, str], font: float, radius: float) -> tuple[float, float, float, float]:
    """The drawing's width and height, and its centre, with room for a label beside the circle."""
    longest = max(len(labels.get(d, d)) for d in DIMENSIONS)
    side = 0.62 * font * longest + font
    width = 2 * (radius + side)
    top = bottom = 2.6 * font
    return width, 2 * radius + top + bottom, width / 2, top + radius


def _frame(cx: float, cy: float, radius: float, font: float) -> list[str]:
    """The rings (one per level, numbered) and the spokes (one per capability area)."""
    count = len(DIMENSIONS)
    parts = []
    for level in LEVELS:
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, [level] * count)}" fill="none" stroke="{GRID}" '
                     f'stroke-width="{2 if level == 5 else 1}"/>')
        x, y = _point(cx, cy, radius, 0, count, level)
        parts.append(f'<text x="{x + font * 0.3:.1f}" y="{y + font * 0.35:.1f}" font-size="{font * 0.7:.0f}" '
                     f'fill="{MUTED}">{level}</text>')
    for i in range(count):
        x, y = _point(cx, cy, radius, i, count, 5)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
    return parts


def _area_labels(cx: float, cy: float, radius: float, font: float, labels: Mapping[str, str],
                 notes: Mapping[str, str]) -> list[str]:
    """Each area's name and a note under it, anchored away from the centre so none leaves the view box."""
    count = len(DIMENSIONS)
    parts = []
    for i, d in enumerate(DIMENSIONS):
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
        note = notes.get(d, "")
        parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{font}" font-weight="600" '
                     f'fill="{INK}" data-area="{d}">{escape(labels.get(d, d))}'
                     + (f'<tspan x="{x:.1f}" dy="{font * 1.1:.1f}" font-size="{font * 0.85:.0f}" font-weight="400" '
                        f'fill="{MUTED}">{escape(note)}</tspan>' if note else "") + "</text>")
    return parts


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
    width, height, cx, cy = _canvas(labels, font, radius)

    def value(d: str, key: str) -> float | None:
        v = band[d].get(key)  # None: nobody answered in this area yet, so it is left off the lines
        return None if v is None else float(v)

    parts = [f'<svg class="radar" viewBox="0 0 {width:.0f} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
             f'role="img" aria-label="{escape(title or "Median per capability area with the range")}" '
             f'font-family="{FONT}">', *_frame(cx, cy, radius, font)]
    highs = [value(d, "max") for d in DIMENSIONS]
    lows = [value(d, "min") for d in DIMENSIONS]
    medians = [value(d, "median") for d in DIMENSIONS]
    if baseline:
        values = [(baseline.get("scores") or {}).get(d) for d in DIMENSIONS]
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, values)}" fill="none" stroke="{MUTED}" '
                     f'stroke-width="4" stroke-dasharray="3 7" stroke-linecap="round" data-baseline>'
                     f'<title>Last result ({escape(baseline.get("period", ""))})</title></polygon>')
    if any(v is not None for v in highs):
        outer = _polygon(cx, cy, radius, highs)
        inner = _polygon(cx, cy, radius, lows)
        parts.append(f'<path d="M{outer.replace(" ", " L")} Z M{inner.replace(" ", " L")} Z" fill="{BAND}" '
                     f'fill-rule="evenodd" stroke="none"><title>Range from the lowest to the highest participant'
                     f'</title></path>')
        for i, (name, data) in enumerate((roles or {}).items()):
            values = [data["medians"].get(d) for d in DIMENSIONS]
            parts.append(f'<polygon points="{_polygon(cx, cy, radius, values)}" fill="none" '
                         f'stroke="{ROLE_COLOURS[i % len(ROLE_COLOURS)]}" stroke-width="4" '
                         f'stroke-dasharray="{ROLE_DASHES[i % len(ROLE_DASHES)]}"><title>{escape(name)}</title>'
                         f'</polygon>')
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, medians)}" fill="none" stroke="{MEDIAN}" '
                     f'stroke-width="6" stroke-linejoin="round" data-medians/>')
        for i, v in enumerate(medians):
            if v is None:
                continue
            x, y = _point(cx, cy, radius, i, count, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{font * 0.3:.1f}" fill="{MEDIAN}"/>')
    notes = {d: "no answers" if band[d].get("median") is None else f"median {band[d]['median']:.1f}"
             for d in DIMENSIONS}
    parts.extend(_area_labels(cx, cy, radius, font, labels, notes))
    parts.append("</svg>")
    return Markup("".join(parts))


# Advance widths in em of DejaVu Sans, about the widest sans-serif a browser falls back to, so a label
# measured with them fits in any other font too (bold is about a tenth wider).
_NARROW, _SEMI, _WIDE = set("iljI.,:;'|! ·()"), set("trf-"), set("mwMW")


def _text_width(text: str, size: float, bold: bool = False) -> float:
    """About how wide a line of text is drawn, from its characters' classes."""
    em = sum(0.32 if c in _NARROW else 0.46 if c in _SEMI else 0.92 if c in _WIDE else 0.78 if c.isupper()
             else 0.64 for c in text)
    return em * size * (1.1 if bold else 1.0)


def _scores_layout(labels: Mapping[str, str], notes: Mapping[str, str], font: float, radius: float
                   ) -> tuple[float, float, float, float, list[str]]:
    """A scores radar's size, centre and area labels: the circle takes the width, each label outside it.

    The top label sits above its point and the bottom two under theirs; the two side points are near the
    edges, so their labels sit above them against the edge, high enough to clear the circle's upper sides.
    That leaves the circle most of a phone's width instead of the half a label beside each point leaves.
    """
    note_size, step, gap = font * 0.85, font * 0.85 * 1.2, font * 0.45
    pad = font * 2  # room beyond a side point for its marker
    slope = (1 - math.sin(math.radians(18))) / math.cos(math.radians(18))  # the circle's upper side
    blocks = []
    for i, d in enumerate(DIMENSIONS):
        lines = [labels.get(d, d)] + ([notes[d]] if notes.get(d) else [])
        width = max([_text_width(lines[0], font, True), *(_text_width(n, note_size) for n in lines[1:])])
        blocks.append((d, lines, width, font + step * (len(lines) - 1)))
    half = max(math.cos(math.radians(18)) * radius + pad,
               *(math.cos(math.radians(54)) * radius + w / 2 + 2 for _d, _l, w, _h in blocks[2:4]),
               blocks[0][2] / 2 + 2)
    placed = []  # (d, lines, anchor, x, top) around a centre at (0, 0)
    for i, (d, lines, width, height) in enumerate(blocks):
        angle = -math.pi / 2 + 2 * math.pi * i / len(DIMENSIONS)
        vx, vy = radius * math.cos(angle), radius * math.sin(angle)
        if i == 0:
            placed.append((d, lines, "middle", 0.0, vy - gap - height))
        elif math.sin(angle) > 0.5:
            x = max(-half + width / 2 + 2, min(half - width / 2 - 2, vx))
            placed.append((d, lines, "middle", x, vy + gap))
        else:
            edge = half - 2
            clear = max(0.0, width - (edge - abs(vx))) * slope
            top = vy - gap - clear - height
            placed.append((d, lines, "end" if vx > 0 else "start", edge if vx > 0 else -edge, top))
    top = min(min(t for *_r, t in placed), -radius) - 4
    bottom = max(max(t + h for (_d, _l, _w, h), (*_r, t) in zip(blocks, placed)), radius) + 4
    cx, cy = half, -top
    parts = []
    for d, lines, anchor, x, block_top in placed:
        baseline = cy + block_top + font * 0.8
        parts.append(f'<text x="{cx + x:.1f}" y="{baseline:.1f}" text-anchor="{anchor}" font-size="{font}" '
                     f'font-weight="600" fill="{INK}" data-area="{d}">{escape(lines[0])}'
                     + "".join(f'<tspan x="{cx + x:.1f}" dy="{step:.1f}" font-size="{note_size:.1f}" '
                               f'font-weight="400" fill="{MUTED}">{escape(n)}</tspan>' for n in lines[1:])
                     + "</text>")
    return 2 * half, bottom - top, cx, cy, parts


# Series differ by more than colour (WCAG 1.4.1): each has its own dash and marker too, in the
# order of the plotly charts' palette, so a radar here and a chart there agree.
SERIES_COLOURS = ("#0b5cad", "#d9480f", "#2b8a3e", "#862e9c", "#cc6a00", "#0c8599", "#5c7cfa")
SERIES_DASHES = ("", "3 4", "10 4 2 4", "9 5", "12 3 2 3 2 3", "1 3", "6 3")
TARGET_COLOUR = "#495057"


def _marker(index: int, x: float, y: float, size: float, colour: str, label: str) -> str:
    """A point of series ``index``: circle, square, diamond or triangle, with its value as a tooltip."""
    shape = index % 4
    title = f"<title>{escape(label)}</title>"
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size:.1f}" fill="{colour}">{title}</circle>'
    if shape == 1:
        return (f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size:.1f}" height="{2 * size:.1f}" '
                f'fill="{colour}">{title}</rect>')
    s = size * 1.3
    points = ([(x, y - s), (x + s, y), (x, y + s), (x - s, y)] if shape == 2
              else [(x, y - s), (x + s, y + s * 0.8), (x - s, y + s * 0.8)])
    return (f'<polygon points="{" ".join(f"{px:.1f},{py:.1f}" for px, py in points)}" fill="{colour}">'
            f'{title}</polygon>')


def _values_text(values: Sequence[float | None]) -> str:
    """The values a series draws, exactly (for tests and tools reading the drawing)."""
    return " ".join("" if v is None else str(int(v)) if float(v).is_integer() else repr(v) for v in values)


def scores_radar_svg(series: Sequence[tuple[str, Mapping[str, float | None]]], labels: Mapping[str, str],
                     target: Mapping[str, int] | None = None, *, title: str = "", font: int = 16,
                     radius: int = 170, first: int = 0) -> Markup:
    """One or more score series ({area: score}) and the target on a 0–5 radar, with a legend.

    Drawn on the server as the room's radar is, so a page that shows it needs no chart library.
    One series is filled and its labels give each area's score (and target); several are told
    apart by colour, dash and marker, named in the legend under the drawing. ``first``: the style
    the first series takes (a small multiple keeps its colour in the overlay).
    """
    count = len(DIMENSIONS)
    notes: dict[str, str] = {}
    if len(series) == 1:
        scores = series[0][1]
        for d in DIMENSIONS:
            said = "not scored" if scores.get(d) is None else format_score(scores[d])
            notes[d] = said + (f" · target {target[d]}" if target and target.get(d) else "")
    width, height, cx, cy, area_labels = _scores_layout(labels, notes, font, radius)
    parts = [f'<svg class="radar scores-radar" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" font-family="{FONT}">',
             *_frame(cx, cy, radius, font)]
    if target:
        values = [target.get(d) for d in DIMENSIONS]
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, values)}" fill="none" '
                     f'stroke="{TARGET_COLOUR}" stroke-width="2" stroke-dasharray="7 5" data-series="Target" '
                     f'data-values="{_values_text(values)}"><title>Target</title></polygon>')
    for index, (name, scores) in enumerate(series, start=first):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        values = [scores.get(d) for d in DIMENSIONS]
        fill = f'fill="{colour}" fill-opacity="0.15"' if len(series) == 1 else 'fill="none"'
        dash = SERIES_DASHES[index % len(SERIES_DASHES)]
        parts.append(f'<polygon points="{_polygon(cx, cy, radius, values)}" {fill} '
                     f'stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"'
                     + (f' stroke-dasharray="{dash}"' if dash else "")
                     + f' data-series="{escape(name)}" data-values="{_values_text(values)}"/>')
        for i, (d, v) in enumerate(zip(DIMENSIONS, values)):
            if v is not None:
                x, y = _point(cx, cy, radius, i, count, v)
                parts.append(_marker(index, x, y, font * 0.28, colour,
                                     f"{name}: {labels.get(d, d)} {v:.2f}"))
    parts.extend(area_labels)
    parts.append("</svg>")
    legend = []
    if len(series) > 1 or target:
        for index, (name, _scores) in enumerate(series, start=first):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            dash = SERIES_DASHES[index % len(SERIES_DASHES)]
            legend.append(_legend_item(name, colour, dash, _marker(index, 14, 6, 3.5, colour, name)))
        if target:
            legend.append(_legend_item("Target", TARGET_COLOUR, "7 5", ""))
    return Markup('<div class="svg-chart">' + "".join(parts)
                  + (f'<ul class="chart-legend" aria-hidden="true">{"".join(legend)}</ul>' if legend else "")
                  + "</div>")


def _legend_item(name: str, colour: str, dash: str, marker: str) -> str:
    line = (f'<line x1="1" y1="6" x2="27" y2="6" stroke="{colour}" stroke-width="2.5"'
            + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
    return (f'<li><svg width="28" height="12" viewBox="0 0 28 12" aria-hidden="true">{line}{marker}</svg>'
            f'{escape(name)}</li>')


def result_radar_svg(result: Mapping[str, Any], labels: Mapping[str, str]) -> Markup:
    """A frozen result's scores against its target; its text alternative reads every score."""
    # An area left out for too few answers is not scored here either; scores read as the tables print them.
    scores = {d: None if result["scores"][d].get("insufficient") else result["scores"][d]["score"]
              for d in DIMENSIONS if d in result["scores"]}
    target = result.get("roadmap", {}).get("target") or None
    said = ", ".join(f"{labels.get(d, d)} {'not scored' if scores.get(d) is None else format_score(scores[d])}"
                     for d in DIMENSIONS)
    return scores_radar_svg([("Current maturity", scores)], labels, target,
                            title=f"Radar chart of maturity scores: {said}")


# The trend's lines, in the plotly charts' colours and dashes (charts.DIMENSION_COLOURS, DASHES).
AREA_COLOURS = {"governance": "#0b5cad", "analytics": "#2b8a3e", "facilitation": "#cc6a00", "tools": "#862e9c",
                "leadership": "#c92a2a"}
OVERALL_COLOUR = "#212529"


def _trend_drawing(points: Sequence[Mapping[str, Any]], lines: Sequence[tuple[str, str, str, str, float]],
                   width: int, font: int, title: str) -> str:
    """One drawing of the trend, ``width`` units wide (text at ``font``)."""
    height = round(width * 0.42) + 2 * font
    left, right, top, bottom = font * 2.2, width - font * 0.8, font * 0.8, height - font * 2.2
    count = len(points)
    step = (right - left) / max(count, 1)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return bottom - (v - 0.8) / 4.4 * (bottom - top)

    periods = json.dumps([p["label"] for p in points])
    parts = [f'<svg class="trend-chart" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
             f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="{font}" '
             f'data-categories="{escape(periods)}">']
    for level in LEVELS:
        parts.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
                     f'stroke="{GRID}" stroke-width="{1.5 if level == 1 else 0.8}"/>'
                     f'<text x="{left - font * 0.5:.1f}" y="{y(level) + font * 0.35:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{level}</text>')
    every = max(1, math.ceil(count / max(1, int((right - left) / (font * 5.5)))))  # labels that fit side by side
    for i, p in enumerate(points):
        if i % every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{bottom + font * 1.4:.1f}" text-anchor="middle" '
                         f'fill="{INK}">{escape(p["label"])}</text>')
    for index, (name, key, colour, dash, stroke) in enumerate(lines):
        values = [(p["overall"] if key == "overall" else p["scores"].get(key)) for p in points]
        runs, run = [], []
        for i, v in enumerate(values):  # a gap where an area has no score
            if v is None:
                runs, run = (runs + [run] if run else runs), []
            else:
                run.append(f"{x(i):.1f},{y(v):.1f}")
        runs += [run] if run else []
        parts.append(f'<g data-series="{escape(name)}" data-values="{_values_text(values)}">')
        for run in runs:
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="{stroke}"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + ' stroke-linejoin="round"/>')
        for i, v in enumerate(values):
            if v is not None:
                parts.append(_marker(index, x(i), y(v), font * 0.3, colour,
                                     f"{name}, {points[i]['label']}: {v:.2f}"))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(points: Sequence[Mapping[str, Any]], labels: Mapping[str, str], title: str) -> Markup:
    """Scores per capability area and overall over time (``points``: {label, scores, overall}, oldest first),
    drawn twice: for a wide box and, with fewer period labels, for a phone (CSS shows the one that fits)."""
    lines = [(labels.get(d, d.title()), d, AREA_COLOURS.get(d, SERIES_COLOURS[i % len(SERIES_COLOURS)]),
              SERIES_DASHES[i % len(SERIES_DASHES)], 2.0) for i, d in enumerate(DIMENSIONS)]
    lines.append(("Overall", "overall", OVERALL_COLOUR, "2 5", 3.5))
    legend = "".join(_legend_item(name, colour, dash, _marker(i, 14, 6, 3.5, colour, name))
                     for i, (name, _key, colour, dash, _stroke) in enumerate(lines))
    return Markup(f'<div class="svg-chart trend"><div class="svg-wide">{_trend_drawing(points, lines, 760, 15, title)}'
                  f'</div><div class="svg-narrow">{_trend_drawing(points, lines, 380, 14, title)}</div>'
                  f'<ul class="chart-legend" aria-hidden="true">{legend}</ul></div>')
