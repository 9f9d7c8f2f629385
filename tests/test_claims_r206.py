"""Sentences about the client that must be true of its answers (issue 22, round 206's causes).

Each row is a minimal answer set of our own: the answers that make a stock sentence false, and
the sentence that must not be said, beside the answers where it is true and is said.
"""

from __future__ import annotations

from tests.test_claims_r204 import pitfall

# A handful of projects and no PMO: the design is a part-time method owner, not a PMO.
HANDFUL = {"active_projects": 4, "existing_pmo": "none", "org_size": "small", "primary_pain": "resource_conflicts"}


def test_a_change_whose_practice_is_low_is_not_called_in_place(content, questionnaire):
    # The sponsor is there (3), nobody decides (1): naming the leader who settles clashes is not in place,
    # and a change for a PMO is no practice of an organisation told it needs none.
    found = pitfall(content, questionnaire, {"leadership.executive_sponsor": 3, "leadership.mandate": 2,
                                             "governance.decision_rights": 1}, HANDFUL, "no-mandate")
    note = found["plan_note"] or ""
    assert "already in place (executive sponsor level 3)" in note
    assert "project list" not in note and "introduces the PMO" not in note
