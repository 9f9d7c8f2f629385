"""The server-drawn radars say each score as the tables print it (two decimals: 2.75, never 2.8), and an
area a result left out for too few answers reads "not scored" instead of its partial score."""

from __future__ import annotations

import re

import pytest

from app.engine.vocabulary import DIMENSIONS
from app.web.room_charts import result_radar_svg, scores_radar_svg

LABELS = {d: d.title() for d in DIMENSIONS}
SCORES = {"governance": 2.48, "analytics": 3.0, "facilitation": 1.75, "tools": 2.75, "leadership": 1.96}


def label_texts(svg: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", svg).split())


@pytest.mark.parametrize("dimension, said", [("governance", "2.48"), ("analytics", "3.00"), ("tools", "2.75"),
                                             ("leadership", "1.96")])
def test_a_single_radar_says_each_score_with_two_decimals(dimension, said):
    svg = str(scores_radar_svg([("Now", SCORES)], LABELS, {d: 3 for d in DIMENSIONS}, title="Radar"))
    assert f"{said} · target 3" in label_texts(svg)


def test_a_results_radar_reads_as_its_table_and_leaves_out_an_area_with_too_few_answers():
    result = {"scores": {d: {"score": s, "insufficient": d == "facilitation"} for d, s in SCORES.items()},
              "roadmap": {"target": {d: 3 for d in DIMENSIONS}}}
    svg = str(result_radar_svg(result, LABELS))
    text = label_texts(svg)
    assert "2.75 · target 3" in text and "2.48 · target 3" in text and "2.8 " not in text
    assert "not scored · target 3" in text and "1.75" not in svg
    assert "Tools 2.75" in svg and "Facilitation not scored" in svg  # the text alternative
