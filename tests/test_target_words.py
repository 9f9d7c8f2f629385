"""A target is never shown below today's score: an area the plan holds where it stands reads 'keep this
level' (a managed area's default, or one a pitfall holds), never 'target 2' beside 2.62."""

from __future__ import annotations

import re

import pytest

from app.reports.levels import target_words
from app.reports.markdown import render_markdown
from tests.helpers import visible_text


@pytest.mark.parametrize("score, target, long, short", [
    (2.62, 2, "keep this level", "keep"),      # a pitfall holds tools at its level
    (4.4, 4, "keep this level", "keep"),       # a managed area keeps its level by default
    (2.0, 2, "keep this level", "keep"),       # at its target exactly: nothing to raise
    (1.996, 2, "keep this level", "keep"),     # shown as 2.00: never 'target 2' beside it
    (1.99, 2, "target 2", "2"),
    (2.62, 3, "target 3", "3"),
    (None, 3, "target 3", "3"),                # no score (insufficient answers): the target as set
    (2.62, None, "", ""),                      # no target: nothing said
])
def test_a_target_reads_as_a_level_above_today_or_keep(score, target, long, short):
    assert target_words(score, target) == long
    assert target_words(score, target, short=True) == short


def test_keep_says_why_where_the_engine_gives_a_reason():
    why = "held by a pitfall, “Tooling ahead of the process it automates”"
    assert target_words(2.5, 2, why=why) == f"keep this level ({why})"
    assert target_words(2.5, 2, short=True, why=why) == f"keep ({why})"
    assert target_words(2.5, 3, why=why) == "target 3"  # a target above today needs no reason


# tools between 4 and 5 (a managed area: its default target is its level, 4); the rest at 2.
@pytest.fixture
def managed_tools(respondent):
    tools = [q.id for q in respondent.questionnaire.dimension("tools").questions]
    chosen = {qid: (5 if i == 0 else 4) for i, qid in enumerate(tools)}
    assert respondent.fill_context().status_code == 302
    respondent.answer_all(lambda q: chosen.get(q.id, 2))
    assert respondent.submit().status_code == 302
    result = respondent.result()
    tools_score = result["scores"]["tools"]["score"]
    assert 4 < tools_score < 5 and result["roadmap"]["target"]["tools"] == 4  # the engine holds it
    assert result["roadmap"]["target"]["governance"] == 3  # the others still aim one level up
    return respondent, result


def test_the_result_page_says_keep_beside_an_area_held_above_its_level(managed_tools):
    respondent, result = managed_tools
    page = respondent.client.get(respondent.base + "/result").text
    label = result["questionnaire"]["dimensions"]["tools"]
    row = visible_text(re.search(rf"<tr>\s*<th[^>]*>{label}</th>.*?</tr>", page, flags=re.S).group())
    assert "keep this level" in row and "target 4" not in row
    governance = result["questionnaire"]["dimensions"]["governance"]
    row = visible_text(re.search(rf"<tr>\s*<th[^>]*>{governance}</th>.*?</tr>", page, flags=re.S).group())
    assert "target 3" in row


def test_the_markdown_scores_table_says_keep_too(managed_tools):
    _respondent, result = managed_tools
    label = result["questionnaire"]["dimensions"]["tools"]
    line = next(line for line in render_markdown(result).splitlines() if line.startswith(f"| {label} |"))
    assert re.search(r"\| keep( \([^)]*\))? \|$", line.rstrip()), line  # with why, where a pitfall holds it
