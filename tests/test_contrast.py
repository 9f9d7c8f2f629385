"""The theme's colour pairs reach WCAG 2.1 AA contrast, computed from the colours the stylesheet and
the chart module declare (the browser tests run axe-core on the rendered pages as well).

Text needs 4.5:1 (1.4.3); form control borders and chart lines, bars and markers need 3:1 against
white (1.4.11). Each colour is read from app/web/static/css/app.css or app/charts.py, so changing it
there to something too light fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import charts
from tests.contrast import contrast, over

CSS = re.sub(r"/\*.*?\*/", "", (Path(__file__).resolve().parent.parent / "app" / "web" / "static" / "css" /
                                  "app.css").read_text(), flags=re.S)
WHITE, LIGHT = "#ffffff", "#f8f9fa"  # page background; Bootstrap's light badges and table stripes


def declared(selector: str, prop: str) -> str:
    """The value of `prop` in the first rule whose selector list contains `selector`."""
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        if selector in [s.strip() for s in selectors.split(",")]:
            found = re.search(rf"(?:^|[;\s]){re.escape(prop)}\s*:\s*([^;]+?)\s*(?:!important)?\s*(?:;|$)", body)
            if found:
                return found.group(1).strip()
    raise AssertionError(f"{selector} {{ {prop} }} is not in app.css")


def rgb_var(selector: str, prop: str) -> str:
    """A Bootstrap '<r>, <g>, <b>' variable as #rrggbb."""
    r, g, b = (int(x) for x in re.findall(r"\d+", declared(selector, prop))[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def rgba(value: str) -> tuple[str, float]:
    parts = re.findall(r"[\d.]+", value)
    return "#" + "".join(f"{int(p):02x}" for p in parts[:3]), float(parts[3]) if len(parts) > 3 else 1.0


NAV_BG = rgb_var(".navbar.bg-primary", "--bs-primary-rgb")

TEXT_PAIRS = [
    # (what, foreground, background)
    ("navigation link", over(*rgba(declared(".navbar.bg-primary", "--bs-navbar-color")), NAV_BG), NAV_BG),
    ("active navigation link", declared(".navbar.bg-primary", "--bs-navbar-active-color"), NAV_BG),
    ("account link", over(*rgba(declared(".navbar.bg-primary", "--bs-navbar-color")), NAV_BG), NAV_BG),
    ("outline sign-in/out button (#f8f9fa)", LIGHT, NAV_BG),
    ("change marker up", declared(".delta.up", "color"), WHITE),
    ("change marker up, striped row", declared(".delta.up", "color"), LIGHT),
    ("change marker down", declared(".delta.down", "color"), WHITE),
    ("change marker unchanged", declared(".delta.same", "color"), WHITE),
    ("change marker unchanged, striped row", declared(".delta.same", "color"), LIGHT),
    ("reason badge on light", declared(".text-bg-light.text-danger", "color"), LIGHT),
    ("text-danger", rgb_var(":root", "--bs-danger-rgb"), WHITE),
    ("text-danger on light", rgb_var(":root", "--bs-danger-rgb"), LIGHT),
    ("text-success", rgb_var(":root", "--bs-success-rgb"), WHITE),
    ("white on badge text-bg-success", WHITE, rgb_var(":root", "--bs-success-rgb")),
    ("white on badge text-bg-danger", WHITE, rgb_var(":root", "--bs-danger-rgb")),
    ("link", declared(":root", "--bs-link-color"), WHITE),
    ("link on light", declared(":root", "--bs-link-color"), LIGHT),
    ("saved status", declared(".save-status.saved", "color"), WHITE),
    ("retrying status", declared(".save-status.retrying", "color"), WHITE),
    ("failed status", declared(".save-status.failed", "color"), WHITE),
    ("outline warning button", declared(".btn-outline-warning", "--bs-btn-color"), WHITE),
    *[(f"white on level {n} (workshop spread)", WHITE, declared(f".lv{n}", "background")) for n in range(1, 6)],
    ("white on don't know (workshop spread)", WHITE, declared(".spread-part.dk", "background")),
]


@pytest.mark.parametrize("what, foreground, background", TEXT_PAIRS, ids=[p[0] for p in TEXT_PAIRS])
def test_text_colours_reach_4_5_to_1(what, foreground, background):
    ratio = contrast(foreground, background)
    assert ratio >= 4.5, f"{what}: {foreground} on {background} is {ratio:.2f}:1"


NON_TEXT = [("form control border", declared(":root", "--pmo-control-border"))] + [
    (f"chart colour {c}", c) for c in dict.fromkeys((*charts.PALETTE, *charts.DIMENSION_COLOURS.values(),
                                                     charts.TARGET_COLOUR))]


@pytest.mark.parametrize("what, colour", NON_TEXT, ids=[p[0] for p in NON_TEXT])
def test_control_borders_and_chart_colours_reach_3_to_1(what, colour):
    ratio = contrast(colour, WHITE)
    assert ratio >= 3, f"{what}: {colour} on white is {ratio:.2f}:1"


def test_the_arithmetic_matches_known_ratios():
    assert contrast("#000", "#fff") == pytest.approx(21)
    assert contrast("#fff", "#fff") == pytest.approx(1)
    assert contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)  # the classic lightest AA grey
    assert contrast("#dee2e6", "#fff") == pytest.approx(1.30, abs=0.01)  # Bootstrap's border: the audit's finding
    assert over("#ffffff", 0.55, "#0d6efd") == "#92befe"  # the audit's navigation link colour


def test_series_differ_by_more_than_colour():
    """Each series of a chart has its own marker, dash or pattern as well as its own colour (WCAG 1.4.1)."""
    from app.engine.vocabulary import DIMENSIONS

    trend = charts.trend_figure([{"label": "Q1", "scores": dict.fromkeys(DIMENSIONS, 2.0), "overall": 2.0},
                                 {"label": "Q2", "scores": dict.fromkeys(DIMENSIONS, 3.0), "overall": 3.0}])
    looks = {(t["marker"].get("symbol"), t["line"].get("dash"), t["line"].get("width")) for t in trend["data"]}
    assert len(looks) == len(trend["data"])
    overlay = charts.overlay_radar([(f"2025-Q{i}", dict.fromkeys(DIMENSIONS, i)) for i in (1, 2, 3)],
                                   dict.fromkeys(DIMENSIONS, 4))
    looks = {(t.get("marker", {}).get("symbol"), t["line"].get("dash")) for t in overlay["data"]}
    assert len(looks) == len(overlay["data"])
    units = charts.units_figure([(name, dict.fromkeys(DIMENSIONS, 2.5)) for name in ("North", "South", "East")],
                                {d: {"mean": 2.5, "min": 2.5} for d in DIMENSIONS})
    bars = [t for t in units["data"] if t["type"] == "bar"]
    assert len({t["marker"]["pattern"]["shape"] for t in bars}) == len(bars)
