"""Frozen results stay as they were when content changes; re-scoring adds a snapshot and keeps the old one."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest

from app import PROJECT_ROOT
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import query, visible_text
from tests.history_helpers import ALL_TWO, Assessment, Member, snapshot_id_of, without_csrf


# --------------------------------------------------------------------------
# Frozen snapshots and re-scoring
# --------------------------------------------------------------------------

REASON_BEFORE = "voluntary standards no longer give leaders a reliable, comparable picture"
REASON_AFTER = "voluntary standards no longer give leaders a comparable picture (edited)"
QUESTION_BEFORE = "How clearly are decision rights over the portfolio defined"
QUESTION_AFTER = "Edited: who decides over the portfolio"


def edited_content(tmp_path, *, reason: bool = True, question: bool = True):
    """A copy of the content files with a model rule's reason and, optionally, a question's text edited."""
    root = tmp_path / "content"
    for folder in ("questionnaires", "rules", "roadmaps"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    edits = []
    if reason:
        edits.append(("rules/pmo-models.yaml", REASON_BEFORE, REASON_AFTER))
    if question:
        edits.append(("questionnaires/pmo-maturity.yaml", QUESTION_BEFORE, QUESTION_AFTER))
    for name, before, after in edits:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(before) == 1, f"{name} no longer has {before!r}: choose another edit"
        path.write_text(text.replace(before, after), encoding="utf-8")
    return root


def signed_in_on_content(make_app, app, root, email: str) -> Member:
    """The same person, signed in on a second app that shares the database but reads other content files."""
    later = make_app(app.config["DATABASE"], CONTENT_ROOT=str(root))
    assert later.extensions["pmo_content"].hash != app.extensions["pmo_content"].hash
    return Member(later, email, create=False)


def result_views(person: Member, token: str) -> tuple[bytes, bytes]:
    return person.get(f"/r/{token}/result.json").data, without_csrf(person.get(f"/r/{token}/result").data)


def submitted_for_editing(person: Member) -> tuple[int, Assessment]:
    """A submitted assessment whose result uses the reason and the question that get edited."""
    org = person.create_org()
    a = person.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    result_text = json.dumps(a.result)
    assert REASON_BEFORE in result_text
    assert "answers.governance.decision_rights" in result_text
    person.get(f"/r/{a.token}/result")  # shows the flash message once
    return org, a


@pytest.fixture(scope="module")
def frozen(make_app, tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("frozen") / "db.sqlite3")
    person = Member(app, "frozen@example.org")
    org, a = submitted_for_editing(person)
    return SimpleNamespace(app=app, member=person, org=org, assessment=a)


def test_closed_result_json_is_unchanged_when_content_files_change(make_app, frozen, tmp_path):
    token = frozen.assessment.token
    json_before, _page = result_views(frozen.member, token)
    later = signed_in_on_content(make_app, frozen.app, edited_content(tmp_path), frozen.member.email)
    json_after, _page = result_views(later, token)
    assert json_after == json_before
    assert json.loads(json_after)["content"]["hash"] == frozen.app.extensions["pmo_content"].hash


def test_closed_result_page_is_unchanged_when_a_rule_reason_changes(make_app, frozen, tmp_path):
    token = frozen.assessment.token
    _json, page_before = result_views(frozen.member, token)
    later = signed_in_on_content(make_app, frozen.app, edited_content(tmp_path, question=False), frozen.member.email)
    _json, page_after = result_views(later, token)
    assert REASON_BEFORE.encode() in page_after
    assert page_after == page_before


def test_closed_result_page_is_unchanged_when_a_question_text_changes(make_app, frozen, tmp_path):
    token = frozen.assessment.token
    _json, page_before = result_views(frozen.member, token)
    later = signed_in_on_content(make_app, frozen.app, edited_content(tmp_path, reason=False), frozen.member.email)
    _json, page_after = result_views(later, token)
    assert QUESTION_AFTER.encode() not in page_after
    assert page_after == page_before


def test_rescore_creates_a_new_snapshot_under_new_content_and_keeps_the_old(make_app, app, member, tmp_path):
    org, a = submitted_for_editing(member)
    old_json = member.get(f"/r/{a.token}/result.json").data
    (old_id, old_hash, old_result), = query(
        app, "SELECT id, content_hash, result_json FROM snapshots WHERE assessment_id = ?", [a.id])
    later = signed_in_on_content(make_app, app, edited_content(tmp_path), member.email)

    response = later.post(f"/orgs/{org}/assessments/{a.id}/rescore")
    assert response.status_code == 302
    assert response.location.endswith(f"/orgs/{org}/assessments/{a.id}")
    new = later.get(f"/r/{a.token}/result.json").get_json()
    new_hash = later.app.extensions["pmo_content"].hash
    assert new["content"]["hash"] == new_hash != old_hash
    assert REASON_AFTER in json.dumps(new) and REASON_BEFORE not in json.dumps(new)
    assert new["scores"] == a.result["scores"] and new["answers"] == a.result["answers"]

    rows = query(app, "SELECT id, content_hash, result_json, reason FROM snapshots WHERE assessment_id = ? "
                      "ORDER BY id", [a.id])
    assert len(rows) == 2
    assert rows[0] == (old_id, old_hash, old_result, "submitted") and old_hash == app.extensions["pmo_content"].hash
    assert old_result.encode() == old_json
    assert rows[1][1] == new_hash and rows[1][3] == f"re-scored under content {new_hash[:12]}"
    assert snapshot_id_of(app, a.id) == rows[1][0]
    assert "2 scorings" in visible_text(later.get(f"/orgs/{org}").text)


def test_rescore_of_an_open_assessment_is_400(history_world):
    before = query(history_world.app, "SELECT count(*) FROM snapshots")
    assert history_world.member.post(f"/orgs/{history_world.started}/assessments/{history_world.open_id}/rescore").status_code == 400
    assert query(history_world.app, "SELECT count(*) FROM snapshots") == before


def test_rescore_of_another_organisations_assessment_is_404(history_world):
    before = query(history_world.app, "SELECT count(*) FROM snapshots")
    assert history_world.member.post(f"/orgs/{history_world.acme}/assessments/{history_world.other_closed.id}/rescore").status_code == 404
    assert query(history_world.app, "SELECT count(*) FROM snapshots") == before


def test_rescore_keeps_the_target_set_on_the_result_page(member):
    org = member.create_org()
    a = member.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    target = {f"target-{d}": "4" for d in DIMENSIONS}
    assert member.post(f"/r/{a.token}/target", target).status_code == 302
    assert member.get(f"/r/{a.token}/result.json").get_json()["roadmap"]["target"] == dict.fromkeys(DIMENSIONS, 4)
    assert member.post(f"/orgs/{org}/assessments/{a.id}/rescore").status_code == 302
    assert member.get(f"/r/{a.token}/result.json").get_json()["roadmap"]["target"] == dict.fromkeys(DIMENSIONS, 4)
