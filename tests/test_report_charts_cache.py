"""The report's print charts are drawn once per distinct data: a report asked for again, or for
another start date (issue 23: a new ?start= redid everything), reuses every chart it can."""

from __future__ import annotations

import copy
import html
import re
from datetime import timedelta

import pytest

from app.reports import svg
from app.reports.model import build_report
from app.reports.questionnaire import questionnaire_as_dict
from tests.reports_fixtures import START, self_result, workshop_report


@pytest.fixture
def drawn(monkeypatch):
    """The names of the charts actually drawn (not taken from the cache), in order."""
    names: list[str] = []
    monkeypatch.setattr(svg, "_DRAWN", svg.OrderedDict())
    for name, (view, draw) in list(svg.CHARTS.items()):
        def counted(data, _draw=draw, _name=name):
            names.append(_name)
            return _draw(data)
        monkeypatch.setitem(svg.CHARTS, name, (view, counted))
    return names


def report_for(content, result, start):
    return build_report(result, questionnaire_as_dict(content.default_questionnaire), start=start,
                        subject={"kind": "self", "assessed_on": "2026-11-20"})


def test_a_report_for_another_start_date_draws_no_chart_again(content, drawn):
    result = self_result(content)
    first = svg.report_charts(report_for(content, result, START))
    assert drawn == ["radar", "timeline", "matrix"]
    later = svg.report_charts(report_for(content, result, START + timedelta(days=45)))
    assert later == first
    assert drawn == ["radar", "timeline", "matrix"]


def test_a_chart_is_drawn_again_when_its_data_differs(content, drawn):
    result = self_result(content)
    svg.report_charts(report_for(content, result, START))
    changed = copy.deepcopy(result)
    first_area = next(iter(changed["scores"]))
    changed["scores"][first_area]["score"] = 4.75
    charts = svg.report_charts(report_for(content, changed, START))
    assert drawn == ["radar", "timeline", "matrix", "radar", "matrix"]  # the timeline's data did not change
    assert charts["radar"] != svg.report_charts(report_for(content, result, START))["radar"]


def test_every_chart_of_a_full_report_is_kept(content, drawn):
    _result, report = workshop_report(content)
    first = svg.report_charts(report)
    assert set(first) == {"radar", "timeline", "trend", "disagreement", "matrix"}
    assert svg.report_charts(report) == first
    assert sorted(drawn) == sorted(first)


def bar_lefts(drawing: str) -> list[float]:
    """Where each change's bar begins, as a share of the months axis (%)."""
    return [float(x) for x in re.findall(r'<span class="bar" style="margin-left:([\d.]+)%;', drawing)]


def test_the_timeline_draws_one_bar_per_dated_change_within_its_axis_and_its_titles_as_text(content):
    report = report_for(content, self_result(content), START)
    items = report["roadmap"]["dated_items"]
    assert items
    drawing = svg.timeline_html(svg._timeline_view(report))
    bars = bar_lefts(drawing)
    assert len(bars) == len(items)
    assert min(bars) == pytest.approx(0, abs=0.01)  # the first change starts on the start date: at the axis
    # The title is a line of text in its row (searchable, laid out once, not letter by letter).
    assert f'<th scope="row">{html.escape(svg._wrap(items[0]["title"], 52, 1))}</th>' in drawing
    assert "<svg" not in drawing and "<text" not in drawing
    # A change begun before the start (a plan re-dated later) is cut at the axis, never drawn over the titles.
    early = copy.deepcopy(svg._timeline_view(report))
    early["roadmap"]["dated_items"][0]["start"] -= timedelta(days=60)
    assert min(bar_lefts(svg.timeline_html(early))) >= 0


def test_the_radar_draws_the_scores_and_the_target_with_each_area_named_as_text(content):
    report = report_for(content, self_result(content), START)
    radar = report["radar"]
    drawing = svg.radar_svg(svg._radar_view(report))
    scores = re.search(r'<polygon points="([^"]+)" fill="#1f4e8c"', drawing).group(1).split()
    assert len(scores) == len(radar["labels"])
    # The first area stands at the top: its point's height above the centre is its score, 5 at the outer ring.
    top = float(scores[0].split(",")[1])
    assert 2.8 * 72 / 2 - top == pytest.approx(2.8 * 72 * 0.4 * radar["score"][0] / 5, abs=0.2)
    for label in radar["labels"]:
        assert f">{html.escape(label)}</text>" in drawing  # text, searchable in the PDF
    target = radar["target"]
    segments = sum(1 for i, t in enumerate(target) if t is not None and target[(i + 1) % len(target)] is not None)
    assert segments and drawing.count('stroke-dasharray="5 2"') == segments + 1  # and the legend's line
