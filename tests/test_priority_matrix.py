"""The priority matrix (issue 26 §2): importance against maturity, one point per area, on the result page,
on page 2 of the PDF, and as native charts in the PowerPoint and the Excel workbook."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from itertools import combinations
from xml.etree import ElementTree

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from app.engine import run_assessment
from app.engine.vocabulary import DIMENSIONS
from app.reports import render_file
from app.reports.matrix import BAND_Y, SPREAD, matrix_points, matrix_svg
from app.reports.model import build_report
from app.reports.questionnaire import questionnaire_as_dict
from tests.helpers import FULL_CONTEXT, visible_text
from tests.reports_fixtures import START

SVG = "{http://www.w3.org/2000/svg}"


def result_with(content, questionnaire, levels: dict[str, int], importance: dict[str, str] | None = None):
    answers = {q.id: levels[questionnaire.dimension_of(q.id)] for q in questionnaire.questions()}
    return run_assessment(content, answers, FULL_CONTEXT,
                          plan={"start_date": "2027-01-04", **({"importance": importance} if importance else {})})


# Every area in one band at one score: the hardest case for labels.
CROWDED = ({d: 2 for d in DIMENSIONS}, {d: "high" for d in DIMENSIONS})
SPREAD_OUT = ({"governance": 1, "analytics": 2, "facilitation": 3, "tools": 4, "leadership": 5},
              {"governance": "high", "tools": "low"})
EDGE = ({d: 5 for d in DIMENSIONS}, {"governance": "low", "analytics": "low"})


@pytest.mark.parametrize("levels, importance", [CROWDED, SPREAD_OUT, EDGE])
def test_one_point_per_area_each_in_its_own_lane_of_its_band(content, questionnaire, levels, importance):
    points = matrix_points(result_with(content, questionnaire, levels, importance))
    assert [p["area"] for p in points] == list(DIMENSIONS)
    for p in points:
        assert abs(p["y"] - BAND_Y[p["importance"]]) <= SPREAD + 1e-9
    assert len({p["y"] for p in points}) == len(points)  # no two points share a line


def test_an_area_without_a_score_is_left_out(content, questionnaire):
    result = result_with(content, questionnaire, {d: 3 for d in DIMENSIONS})
    result["scores"]["tools"] = {**result["scores"]["tools"], "score": None}
    assert "tools" not in [p["area"] for p in matrix_points(result)]


def boxes(svg: str) -> tuple[tuple[float, float, float, float], list[tuple[float, float, float, float, str]]]:
    """The view box and each label's box, estimated as the drawing estimates it (0.6 em per character
    is wider than the system sans fonts' average, so a real label is inside its estimate)."""
    root = ElementTree.fromstring(svg)
    view = tuple(float(v) for v in root.get("viewBox").split())
    out = []
    for text in root.iter(f"{SVG}text"):
        if text.get("data-label") is None:
            continue
        size, x, y = float(text.get("font-size")), float(text.get("x")), float(text.get("y"))
        width = 0.6 * size * len(text.text)
        left = x if text.get("text-anchor") == "start" else x - width
        out.append((left, y - 0.8 * size, left + width, y + 0.25 * size, text.get("data-label")))
    return view, out


@pytest.mark.parametrize("levels, importance", [CROWDED, SPREAD_OUT, EDGE])
def test_labels_never_overlap_nor_leave_the_drawing(content, questionnaire, levels, importance):
    svg = matrix_svg(matrix_points(result_with(content, questionnaire, levels, importance)))
    (vx, vy, vw, vh), labels = boxes(svg)
    assert len(labels) == 5
    for left, top, right, bottom, area in labels:
        assert vx <= left and right <= vx + vw and vy <= top and bottom <= vy + vh, area
    for a, b in combinations(labels, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (a[4], b[4])


def test_the_result_page_draws_the_matrix(submitted):
    page = submitted.client.get(submitted.base + "/result").text
    assert "Where to improve first" in visible_text(page)
    drawing = re.search(r'<svg class="priority-matrix".*?</svg>', page, re.S).group(0)
    assert drawing.count("<circle") == 5
    result = submitted.result()
    for dim in DIMENSIONS:
        level = result["importance"]["areas"][dim]["level"]
        assert f'data-area="{dim}" data-score="{result["scores"][dim]["score"]}" data-importance="{level}"' in drawing


@pytest.fixture(scope="module")
def report(content, questionnaire):
    levels = {"governance": 1, "analytics": 2, "facilitation": 2, "tools": 3, "leadership": 4}
    result = result_with(content, questionnaire, levels, {"tools": "high", "leadership": "low"})
    return build_report(result, questionnaire_as_dict(questionnaire), subject={"organisation": "Acme IT"}, start=START)


def test_the_pdf_shows_the_matrix_on_page_two(report, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(render_file(report, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")]
    assert "Where to improve first" in pages[1]
    for point in report["matrix"]:
        assert f"{point['title']} {point['score']:.2f}" in pages[1]


def test_the_deck_has_a_native_scatter_of_the_matrix(report):
    deck = Presentation(io.BytesIO(render_file(report, "pptx")))
    slide = next(s for s in deck.slides if s.shapes.title and s.shapes.title.text == "Where to improve first")
    chart = next(shape.chart for shape in slide.shapes if shape.has_chart)
    assert chart.chart_type == XL_CHART_TYPE.XY_SCATTER
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == [f"{p['title']} {p['score']:.2f}" for p in report["matrix"]]
    assert [(s.values[0]) for s in series] == [p["y"] for p in report["matrix"]]
    labels = [s.points[0].data_label.text_frame.text for s in series]
    assert labels == [s.name for s in series]


def test_the_workbook_has_a_native_scatter_of_the_matrix(report):
    data = render_file(report, "xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        charts = [book.read(name).decode() for name in book.namelist() if name.startswith("xl/charts/chart")]
    scatter = [c for c in charts if "<c:scatterChart>" in c]
    assert len(scatter) == 1
    assert scatter[0].count("<c:ser>") == len(report["matrix"]) == 5
    assert "Priority!$A$5" in scatter[0] and '<c:showSerName val="1"/>' in scatter[0]
