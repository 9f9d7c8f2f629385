"""The result page's "Check first" reads as sentences: what would change after a question starts
with a capital letter, as a new sentence does."""

from __future__ import annotations

import re

from tests.helpers import Respondent, visible_text

LEVELS = {"tools.automation": 4, "analytics.portfolio_view": 1}


def test_what_would_change_after_the_question_starts_a_new_sentence(client, questionnaire):
    person = Respondent(client, questionnaire)
    assert person.fill_context().status_code == 302
    person.answer_all(lambda q: LEVELS.get(q.id, 3))
    assert person.submit().status_code == 302
    assert any(c["id"] == "tools-without-their-ground" for c in person.result()["check_first"])
    page = client.get(person.base + "/result").text
    section = visible_text(re.search(r"<ul class=\"mb-0\">(.*?)</ul>", page.split("Check first", 1)[1], re.S).group(1))
    assert "does it show? The tools and reports are treated as unproven" in section
    assert not re.search(r"[?.!] [a-z]", section), section
