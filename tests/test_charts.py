"""Chart figures built on the server: the roadmap timeline and its narrow (phone) variant."""

from __future__ import annotations

import pytest

from app.charts import _shortened, timeline_figure


@pytest.mark.parametrize("text, limit, expected", [
    ("1. Map who works on what", 40, "1. Map who works on what"),
    ("1. Map who works on what in one staffing matrix", 24, "1. Map who works on…"),
    ("12. Set up decision gates, with owners", 24, "12. Set up decision…"),
    ("3. Supercalifragilisticexpialidocious words", 12, "3.…"),
])
def test_shortened_cuts_at_a_word_and_says_so(text, limit, expected):
    assert _shortened(text, limit) == expected
    assert len(_shortened(text, limit)) <= limit


def roadmap(titles, dated=True):
    items = [{"id": f"i{n}", "title": t, "dimension": "governance", "owner": "PMO lead", "effort_weeks": 2,
              "start_week": n, "duration_weeks": 4,
              "start_date": f"2027-01-{n + 1:02d}" if dated else None, "end_date": f"2027-02-{n + 1:02d}" if dated else None}
             for n, t in enumerate(titles)]
    phase = {"id": "p1", "title": "First 90 days", "start_month": 0, "end_month": 3,
             "start_date": "2027-01-01" if dated else None, "end_date": "2027-04-01" if dated else None, "items": items}
    return {"start_date": "2027-01-01" if dated else None, "phases": [phase]}


@pytest.mark.parametrize("dated", [True, False])
def test_timeline_carries_short_labels_for_phones_in_the_same_order(dated):
    titles = ["Name an executive sponsor who introduces the PMO and chairs its reviews", "Short one"]
    fig = timeline_figure(roadmap(titles, dated))
    narrow = fig["layout"]["meta"]["narrow"]
    full = list(reversed(fig["layout"]["yaxis"]["categoryarray"]))
    short = list(reversed(narrow["yaxis"]["categoryarray"]))
    assert full == ["1. " + titles[0], "2. Short one"]
    assert short == ["1. Name an executive…", "2. Short one"]
    # Every bar's short label is one of the short categories, in the trace's own order.
    for trace in fig["data"]:
        assert [short[full.index(y)] for y in trace["y"]] == trace["meta"]["narrow_y"]
    assert [a["text"] for a in narrow["annotations"]] == ["1–3"]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["First 90 days"]
    assert narrow["height"] > fig["layout"]["height"]
