"""Chart figures built on the server: the roadmap timeline and its narrow (phone) variant."""

from __future__ import annotations

import pytest

from app.charts import timeline_figure


def roadmap(titles, dated=True):
    items = [{"id": f"i{n}", "title": t, "dimension": "governance", "owner": "PMO lead", "effort_weeks": 2,
              "start_week": n, "duration_weeks": 4,
              "start_date": f"2027-01-{n + 1:02d}" if dated else None, "end_date": f"2027-02-{n + 1:02d}" if dated else None}
             for n, t in enumerate(titles)]
    phase = {"id": "p1", "title": "First 90 days", "start_month": 0, "end_month": 3,
             "start_date": "2027-01-01" if dated else None, "end_date": "2027-04-01" if dated else None, "items": items}
    return {"start_date": "2027-01-01" if dated else None, "phases": [phase]}


@pytest.mark.parametrize("dated", [True, False])
def test_timeline_carries_whole_labels_for_phones_in_the_same_order(dated):
    """A phone's label is the change's number, never a title cut short; the tooltip keeps the whole title."""
    titles = ["Name an executive sponsor who backs the PMO and chairs its reviews", "Short one"]
    fig = timeline_figure(roadmap(titles, dated))
    narrow = fig["layout"]["meta"]["narrow"]
    full = list(reversed(fig["layout"]["yaxis"]["categoryarray"]))
    short = list(reversed(narrow["yaxis"]["categoryarray"]))
    assert full == ["1. " + titles[0], "2. Short one"]
    assert short == ["1", "2"]
    assert not any(label.endswith("…") for label in short)
    assert [row[4] for trace in fig["data"] for row in trace["customdata"]] == full
    # Every bar's short label is one of the short categories, in the trace's own order.
    for trace in fig["data"]:
        assert [short[full.index(y)] for y in trace["y"]] == trace["meta"]["narrow_y"]
    assert [a["text"] for a in narrow["annotations"]] == ["1–3"]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["First 90 days"]
    assert narrow["height"] > fig["layout"]["height"]
