"""The report's print charts are drawn once per distinct data: a report asked for again, or for
another start date (issue 23: a new ?start= redid everything), reuses every chart it can."""

from __future__ import annotations

import copy
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
    assert drawn == ["radar", "timeline"]
    later = svg.report_charts(report_for(content, result, START + timedelta(days=45)))
    assert later == first
    assert drawn == ["radar", "timeline"]


def test_a_chart_is_drawn_again_when_its_data_differs(content, drawn):
    result = self_result(content)
    svg.report_charts(report_for(content, result, START))
    changed = copy.deepcopy(result)
    first_area = next(iter(changed["scores"]))
    changed["scores"][first_area]["score"] = 4.75
    charts = svg.report_charts(report_for(content, changed, START))
    assert drawn == ["radar", "timeline", "radar"]  # the timeline's data did not change
    assert charts["radar"] != svg.report_charts(report_for(content, result, START))["radar"]


def test_every_chart_of_a_full_report_is_kept(content, drawn):
    _result, report = workshop_report(content)
    first = svg.report_charts(report)
    assert set(first) == {"radar", "timeline", "trend", "disagreement"}
    assert svg.report_charts(report) == first
    assert sorted(drawn) == sorted(first)
