"""Evidence and confidence per answer: checked, stored with the answers, frozen in the snapshot, echoed."""

from __future__ import annotations

import json

import pytest
import yaml

from app import store
from app.engine import run_assessment
from app.engine.evidence import InvalidEvidence, clean_detail, evidence_coverage, split_answer
from app.engine.inputs import BadDocument, parse_document
from app.service import compute_result
from tests.api_helpers import ApiClient, make_token
from tests.helpers import FULL_CONTEXT, add_user

BLANK = {"evidence": "", "reference": "", "confidence": "judgement"}


# --------------------------------------------------------------------------
# The engine: one answer's evidence, and the share shown by evidence
# --------------------------------------------------------------------------


@pytest.mark.parametrize("given, expected", [
    ({}, BLANK),
    ({"level": 3}, BLANK),
    ({"confidence": "guess"}, {**BLANK, "confidence": "guess"}),
    ({"evidence": "  steering\n minutes ", "confidence": "evidence"},
     {**BLANK, "evidence": "steering minutes", "confidence": "evidence"}),
    ({"reference": "https://intranet/pmo/minutes", "evidence": None, "confidence": None},
     {**BLANK, "reference": "https://intranet/pmo/minutes"}),
])
def test_an_answers_evidence_is_cleaned_and_defaults_to_our_judgement(given, expected):
    assert clean_detail(given, "answers.q") == expected


@pytest.mark.parametrize("given, field, words", [
    ({"confidence": "maybe"}, "answers.q.confidence", "expected one of evidence, judgement, guess"),
    ({"confidence": "Evidence"}, "answers.q.confidence", "'Evidence'"),
    ({"colour": "red"}, "answers.q.colour", "unknown key 'colour'"),
    ({"evidence": 3}, "answers.q.evidence", "must be text"),
    ({"evidence": "x" * 501}, "answers.q.evidence", "at most 500"),
    ({"reference": "x" * 301}, "answers.q.reference", "at most 300"),
    ("steering minutes", "answers.q", "must be a mapping"),
])
def test_bad_evidence_is_refused_naming_the_field(given, field, words):
    with pytest.raises(InvalidEvidence) as caught:
        clean_detail(given, "answers.q")
    assert caught.value.field == field and words in str(caught.value)


@pytest.mark.parametrize("value, level, detail", [
    (3, 3, None),
    (None, None, None),
    ({"level": 2, "confidence": "guess"}, 2, {**BLANK, "confidence": "guess"}),
    ({"level": None, "evidence": "nobody knows"}, None, {**BLANK, "evidence": "nobody knows"}),
])
def test_an_answer_is_a_level_or_a_mapping_with_its_level(value, level, detail):
    assert split_answer(value) == (level, detail)


def test_an_answer_mapping_without_a_level_says_so():
    with pytest.raises(InvalidEvidence) as caught:
        split_answer({"evidence": "minutes"}, "answers.q")
    assert caught.value.field == "answers.q.level"


def test_coverage_counts_answers_shown_by_evidence_per_area_leaving_out_dont_know(questionnaire):
    governance = [q.id for q in questionnaire.dimension("governance").questions]
    answers = {qid: 3 for qid in governance[:4]} | {governance[4]: None}
    evidence = {governance[0]: {"confidence": "evidence"}, governance[1]: {"confidence": "guess"},
                governance[4]: {"confidence": "evidence"}}
    coverage = evidence_coverage(questionnaire, answers, evidence)
    assert coverage["areas"]["governance"] == {"answered": 4, "shown": 1, "guesses": 1, "share": 0.25}
    assert coverage["areas"]["tools"] == {"answered": 0, "shown": 0, "guesses": 0, "share": None}
    assert coverage["overall"] == {"answered": 4, "shown": 1, "guesses": 1, "share": 0.25}


def test_the_result_echoes_each_answers_evidence_under_its_question_id(content, questionnaire):
    first, second = (q.id for q in questionnaire.questions()[:2])
    answers = {q.id: 3 for q in questionnaire.questions()}
    result = run_assessment(content, answers, FULL_CONTEXT, evidence={
        first: {"evidence": "steering minutes", "reference": "SharePoint/PMO/minutes", "confidence": "evidence"}})
    assert result["evidence"][first] == {"evidence": "steering minutes", "reference": "SharePoint/PMO/minutes",
                                         "confidence": "evidence"}
    assert result["evidence"][second] == BLANK
    assert set(result["evidence"]) == set(answers)
    assert result["evidence_coverage"]["overall"]["shown"] == 1


def test_evidence_changes_no_score_and_no_advice(content, questionnaire):
    answers = {q.id: 2 for q in questionnaire.questions()}
    plain = run_assessment(content, answers, FULL_CONTEXT, plan={"start_date": "2027-01-04"})
    guessed = run_assessment(content, answers, FULL_CONTEXT, plan={"start_date": "2027-01-04"},
                             evidence={qid: {"confidence": "evidence"} for qid in answers})
    for key in ("scores", "overall", "recommendation", "pitfalls", "roadmap"):
        assert plain[key] == guessed[key]


def test_evidence_for_an_unknown_question_is_refused(content):
    with pytest.raises(InvalidEvidence):
        run_assessment(content, {}, FULL_CONTEXT, evidence={"governance.nothing": {"confidence": "guess"}})


# --------------------------------------------------------------------------
# The answers document (CLI and API)
# --------------------------------------------------------------------------


def test_a_document_answer_may_carry_evidence_and_confidence(content, questionnaire):
    qid = questionnaire.questions()[0].id
    parsed = parse_document(content, {"answers": {qid: {"level": 3, "evidence": "steering minutes",
                                                        "reference": "SharePoint/PMO/minutes", "confidence": "guess"}}})
    assert parsed["answers"] == {qid: 3}
    assert parsed["evidence"] == {qid: {"evidence": "steering minutes", "reference": "SharePoint/PMO/minutes",
                                        "confidence": "guess"}}


@pytest.mark.parametrize("answer, field", [
    ({"level": 3, "confidence": "maybe"}, "confidence"),
    ({"level": 3, "colour": "red"}, "colour"),
    ({"level": 7}, None),
    ({"evidence": "x"}, "level"),
])
def test_a_bad_answer_mapping_names_where_it_is_wrong(content, questionnaire, answer, field):
    qid = questionnaire.questions()[0].id
    with pytest.raises(BadDocument) as caught:
        parse_document(content, {"answers": {qid: answer}})
    assert caught.value.field == (f"answers.{qid}.{field}" if field else f"answers.{qid}")


def test_the_cli_echoes_evidence_per_answer_in_json(runner, tmp_path, questionnaire):
    qid = questionnaire.questions()[0].id
    path = tmp_path / "answers.yaml"
    path.write_text(f"""answers:
  {qid}: {{level: 3, evidence: "steering minutes", reference: "SharePoint/PMO/minutes", confidence: guess}}
context: {json.dumps(FULL_CONTEXT)}
""")
    result = runner.invoke(args=["assess", "--answers", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["evidence"][qid] == {
        "evidence": "steering minutes", "reference": "SharePoint/PMO/minutes", "confidence": "guess"}


def test_the_cli_refuses_a_bad_confidence_with_one_line(runner, tmp_path, questionnaire):
    qid = questionnaire.questions()[0].id
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump({"answers": {qid: {"level": 3, "confidence": "sure"}}}))
    result = runner.invoke(args=["assess", "--answers", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert f"answers.{qid}.confidence is 'sure'; expected one of evidence, judgement, guess" in result.stderr


def test_the_api_stores_evidence_with_a_new_assessment_and_freezes_it(app, questionnaire):
    user = add_user(app, "ev@example.org", role="facilitator")
    api = ApiClient(app, make_token(app, user))
    org = api.post("/api/v1/orgs", json={"name": "Evidence Ltd"}).get_json()
    qid = questionnaire.questions()[0].id
    answers = {q.id: 3 for q in questionnaire.questions()} | {
        qid: {"level": 4, "evidence": "portfolio board minutes", "confidence": "evidence"}}
    created = api.post(f"/api/v1/orgs/{org['id']}/assessments", json={"answers": answers, "context": FULL_CONTEXT})
    assert created.status_code == 201, created.get_json()
    submitted = api.post(f"/api/v1/orgs/{org['id']}/assessments/{created.get_json()['id']}/submit")
    assert submitted.status_code in (200, 201), submitted.get_json()
    result = api.get(f"/api/v1/orgs/{org['id']}/assessments/{created.get_json()['id']}/result").get_json()
    assert result["answers"][qid] == 4
    assert result["evidence"][qid] == {"evidence": "portfolio board minutes", "reference": "",
                                       "confidence": "evidence"}


# --------------------------------------------------------------------------
# The store: kept with the answers, frozen in the snapshot, gone with them
# --------------------------------------------------------------------------


def test_evidence_is_stored_with_answers_and_frozen_at_submit(fresh_db, content, questionnaire):
    response_id, _token = store.create_self_assessment(fresh_db, questionnaire.id, questionnaire.version)
    first, second = (q.id for q in questionnaire.questions()[:2])
    store.save_answers(fresh_db, response_id, {first: 3, second: 2},
                       evidence={first: {"evidence": "minutes", "reference": "", "confidence": "evidence"}})
    store.save_answers(fresh_db, response_id, {first: 4})  # a level alone keeps the evidence
    assert store.load_evidence(fresh_db, response_id) == {
        first: {"evidence": "minutes", "reference": "", "confidence": "evidence"}}
    store.save_answers(fresh_db, response_id, {first: 4}, evidence={first: {"confidence": "guess"}})
    assert store.load_evidence(fresh_db, response_id) == {first: {**BLANK, "confidence": "guess"}}
    store.save_context(fresh_db, response_id, FULL_CONTEXT)

    def compute(answers, context):
        return compute_result(content, questionnaire.id, answers, context, None,
                              evidence=store.load_evidence(fresh_db, response_id))

    snapshot_id = store.submit_response(fresh_db, response_id, compute, questionnaire_version="1", content_hash="h")
    frozen = store.load_snapshot(fresh_db, snapshot_id)["result"]
    assert frozen["evidence"][first] == {**BLANK, "confidence": "guess"}
    assert frozen["evidence"][second] == BLANK


def test_the_database_refuses_a_confidence_it_does_not_know(fresh_db, questionnaire):
    import sqlite3
    response_id, _token = store.create_self_assessment(fresh_db, questionnaire.id, questionnaire.version)
    with pytest.raises(sqlite3.IntegrityError):
        store.save_answers(fresh_db, response_id, {questionnaire.questions()[0].id: 3},
                           evidence={questionnaire.questions()[0].id: {"confidence": "certain"}})


# --------------------------------------------------------------------------
# The XLSX answers template carries evidence and confidence
# --------------------------------------------------------------------------


def _filled_template(questionnaire, rows: dict, headings=None) -> bytes:
    """The answers template with {question id: (level, confidence, evidence, reference)} typed in."""
    import io

    from openpyxl import load_workbook

    from app.reports.template import write_template

    book = load_workbook(io.BytesIO(write_template(questionnaire)))
    sheet = book["Answers"]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in rows:
            for cell, value in zip(row[2:6], rows[row[0].value]):
                cell.value = value
    if headings is not None:  # a template made before answers carried evidence
        sheet.delete_cols(4, 3)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_carries_evidence_and_confidence_into_the_answers_document(content, questionnaire):
    from app.reports.template import read_template

    first, second, third = (q.id for q in questionnaire.questions()[:3])
    data = read_template(_filled_template(questionnaire, {
        first: (3, "shown by evidence", "steering minutes", "SharePoint/PMO/minutes"),
        second: (2, "a guess", None, None),
        third: (4, None, None, None)}), content)
    parsed = parse_document(content, data)
    assert parsed["answers"] == {first: 3, second: 2, third: 4}
    assert parsed["evidence"] == {
        first: {"evidence": "steering minutes", "reference": "SharePoint/PMO/minutes", "confidence": "evidence"},
        second: {**BLANK, "confidence": "guess"}}


def test_a_template_made_before_evidence_still_reads(content, questionnaire):
    from app.reports.template import read_template

    first = questionnaire.questions()[0].id
    data = read_template(_filled_template(questionnaire, {first: (3,)}, headings="earlier"), content)
    assert parse_document(content, data)["answers"] == {first: 3}


def test_a_bad_confidence_cell_is_named(content, questionnaire):
    from app.reports.template import TemplateProblem, read_template

    first = questionnaire.questions()[0].id
    with pytest.raises(TemplateProblem, match=r"Answers!D2: confidence must be one of: shown by evidence; "
                                              r"our judgement; a guess; not certain"):
        read_template(_filled_template(questionnaire, {first: (3, "certain", None, None)}), content)


# --------------------------------------------------------------------------
# The questionnaire's pages: one tap below the level, autosaved like it
# --------------------------------------------------------------------------


def test_the_questionnaire_keeps_evidence_posted_with_the_level_and_shows_it_collapsed(respondent, questionnaire):
    from tests.helpers import visible_text

    first, second = (q.id for q in questionnaire.dimension("governance").questions[:2])
    posted = respondent.post("/d/governance", {f"q-{first}": "3", f"c-{first}": "evidence",
                                               f"e-{first}": "steering minutes", f"r-{first}": "SharePoint/PMO",
                                               f"q-{second}": "2", f"c-{second}": "judgement", f"e-{second}": "",
                                               f"r-{second}": "", "action": "back"})
    assert posted.status_code == 302, posted.text
    page = respondent.client.get(respondent.base + "/d/governance").text
    box = page.split(f'data-evidence="{first}"')[1].split("</details>")[0]
    assert "<details" in page.split(f'data-evidence="{first}"')[0][-80:] and " open" not in page.split(
        f'data-evidence="{first}"')[0][-80:]  # collapsed by default
    assert "shown by evidence, noted" in visible_text(box)
    assert 'value="steering minutes"' in box and 'value="SharePoint/PMO"' in box
    assert respondent.fill_context().status_code == 302
    respondent.answer_all()  # levels alone, as a page without the boxes posts them: the evidence stays
    assert respondent.submit().status_code == 302
    assert respondent.result()["evidence"][first] == {
        "evidence": "steering minutes", "reference": "SharePoint/PMO", "confidence": "evidence"}


def test_evidence_without_an_answer_is_refused_and_nothing_is_saved(respondent, questionnaire):
    first, second = (q.id for q in questionnaire.dimension("governance").questions[:2])
    refused = respondent.post("/d/governance", {f"q-{first}": "3", f"c-{second}": "guess", "action": "next"})
    assert refused.status_code == 400
    assert "question 2 has evidence but no answer" in refused.text
    from tests.helpers import checked_answers
    assert checked_answers(respondent.client.get(respondent.base + "/d/governance").text) == {}


def test_autosave_keeps_evidence_with_the_level(respondent, questionnaire):
    first, second = (q.id for q in questionnaire.questions()[:2])
    headers = {"X-CSRFToken": respondent.csrf}
    saved = respondent.client.post(respondent.base + "/answers", headers=headers, json={
        "answers": {first: 4}, "evidence": {first: {"confidence": "guess", "evidence": "", "reference": ""}}})
    assert saved.status_code == 200, saved.text
    refused = respondent.client.post(respondent.base + "/answers", headers=headers, json={
        "answers": {first: 4}, "evidence": {second: {"confidence": "guess"}}})
    assert refused.status_code == 400 and "comes with its answer's level" in refused.get_json()["error"]
    bad = respondent.client.post(respondent.base + "/answers", headers=headers, json={
        "answers": {first: 4}, "evidence": {first: {"confidence": "sure"}}})
    assert bad.status_code == 400 and "'sure'" in bad.get_json()["error"]
    page = respondent.client.get(respondent.base + "/d/governance").text
    box = page.split(f'data-evidence="{first}"')[1].split("</details>")[0]
    assert f'id="c-{first.replace(".", "-")}-guess" checked' in box


@pytest.fixture
def carried(app):
    """A re-assessment started from a result whose first governance answer was shown by evidence
    ('board minutes'): the member, the new respondent and that question's id."""
    from tests.history_helpers import Member, OrgRespondent

    member = Member(app, "evidence-again@example.org")
    org = member.create_org()
    last = member.start(org, "2026-Q3", "2026-08-14")
    assert last.fill_context(FULL_CONTEXT).status_code == 302
    last.answer_all(lambda q: 3)
    first = member.questionnaire.dimension("governance").questions[0].id
    assert last.post("/d/governance", {f"q-{first}": "3", f"c-{first}": "evidence", f"e-{first}": "board minutes",
                                       f"r-{first}": "", "action": "back"}).status_code == 302
    assert last.submit().status_code == 302
    started = member.post(f"/orgs/{org}/assessments", {"period": "2026-Q4", "assessed_on": "2026-11-14", "unit": "",
                                                       "start_from": "previous"})
    token = started.location.split("/r/")[1].split("?")[0]
    return member, OrgRespondent(member.client, member.questionnaire, token, member.csrf), first


def test_a_reassessment_carries_evidence_marked_from_last_time_until_confirmed(carried):
    from tests.helpers import visible_text

    member, again, first = carried

    def box() -> str:
        page = member.get(again.base + "/d/governance").text
        return page.split(f'data-evidence="{first}"')[1].split("</details>")[0]

    assert "from last time (2026-Q3)" in visible_text(box()) and 'value="board minutes"' in box()
    confirmed = member.client.post(again.base + "/answers", json={"confirm": {first: True}},
                                   headers={"X-CSRFToken": member.csrf})
    assert confirmed.status_code == 200
    assert "from last time" not in visible_text(box()) and 'value="board minutes"' in box()


def test_a_reassessments_pages_read_only_last_times_evidence_once_never_the_whole_result(carried, monkeypatch):
    from tests.helpers import visible_text

    member, again, first = carried
    reads = []
    parts = store.snapshot_parts

    def counted(db, snapshot_id, *keys):
        reads.append(keys)
        return parts(db, snapshot_id, *keys)

    def whole(*_args, **_kwargs):
        raise AssertionError("a re-assessment's page read last time's whole result")

    monkeypatch.setattr(store, "snapshot_parts", counted)
    monkeypatch.setattr(store, "load_snapshot", whole)
    page = member.get(again.base + "/d/governance")
    assert page.status_code == 200 and reads == [("evidence",)]
    assert "from last time (2026-Q3)" in visible_text(page.text.split(f'data-evidence="{first}"')[1].split("</details>")[0])
    reads.clear()
    assert member.get(again.base).status_code == 200 and reads == [("evidence",)]
    reads.clear()
    assert member.get(again.base + "/review").status_code == 200 and reads == [("evidence", "context")]


def evidenced_assessment(db, questionnaire, name: str, evidence: str) -> tuple[int, int, int, str, dict]:
    """An organisation (its owner made here) with an open assessment whose first answer, level 3, is shown by
    ``evidence``: (owner, organisation, response id, question id, the answer's evidence)."""
    from tests.helpers import new_user

    owner = new_user(db, f"{name.split()[0].lower()}-owner@example.org")
    org = store.create_org(db, name, owner)
    first = questionnaire.questions()[0].id
    detail = {"evidence": evidence, "reference": "SharePoint/PMO", "confidence": "evidence"}
    response_id = store.create_org_assessment(db, org, owner, questionnaire.id, questionnaire.version,
                                              answers={first: 3}, context=FULL_CONTEXT, evidence={first: detail})
    return owner, org, response_id, first, detail


def test_snapshot_parts_reads_named_parts_of_a_frozen_result(fresh_db, content, questionnaire):
    from app import service
    from app.store.db import NotFound

    _owner, _org, response_id, first, detail = evidenced_assessment(fresh_db, questionnaire, "Parts Ltd", "minutes")
    snapshot_id = service.submit_response(fresh_db, content, response_id, questionnaire)
    whole = store.load_snapshot(fresh_db, snapshot_id)["result"]
    assert store.snapshot_parts(fresh_db, snapshot_id, "evidence", "context", "overall", "nothing_here") == {
        "evidence": whole["evidence"], "context": whole["context"], "overall": whole["overall"], "nothing_here": None}
    assert whole["evidence"][first] == detail
    with pytest.raises(ValueError):
        store.snapshot_parts(fresh_db, snapshot_id, "evidence.x")
    with pytest.raises(NotFound):
        store.snapshot_parts(fresh_db, snapshot_id + 99, "evidence")


# --------------------------------------------------------------------------
# Check first: the advice resting on a guess
# --------------------------------------------------------------------------


def _high_pitfall_answer(content, questionnaire, answers):
    result = run_assessment(content, answers, FULL_CONTEXT)
    high = [p for p in result["pitfalls"] if p["severity"] == "high"]
    return next(name.removeprefix("answers.") for p in high for name in p["evidence"] if name.startswith("answers."))


@pytest.mark.parametrize("confidence, listed", [("guess", True), ("judgement", False), ("evidence", False)])
def test_a_guess_that_drives_a_high_pitfall_appears_under_check_first(content, questionnaire, confidence, listed):
    answers = {q.id: 2 for q in questionnaire.questions()}
    driver = _high_pitfall_answer(content, questionnaire, answers)
    result = run_assessment(content, answers, FULL_CONTEXT, evidence={driver: {"confidence": confidence}})
    checks = [c for c in result["check_first"] if c["id"] == "guessed-answers"]
    assert bool(checks) is listed
    if listed:
        assert checks[0]["evidence"] == {f"answers.{driver}": 2}
        assert questionnaire.question(driver).short_name in checks[0]["text"]
        assert any(questionnaire.question(driver).short_name in c["text"] for c in result["summary"]["check_first"])


def test_a_guess_the_advice_does_not_rest_on_is_not_listed(content, questionnaire):
    from app.engine.evidence import advice_answers

    answers = {q.id: 2 for q in questionnaire.questions()}
    plain = run_assessment(content, answers, FULL_CONTEXT)
    cited = set(advice_answers(plain["recommendation"], plain["pitfalls"]))
    uncited = next(q.id for q in questionnaire.questions() if q.id not in cited)
    result = run_assessment(content, answers, FULL_CONTEXT, evidence={uncited: {"confidence": "guess"}})
    assert [c for c in result["check_first"] if c["id"] == "guessed-answers"] == []


# --------------------------------------------------------------------------
# Results and reports: the share shown by evidence, and each answer's evidence in the appendix
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def evidenced_report(content):
    from datetime import date

    from app.reports.model import build_report
    from app.reports.questionnaire import questionnaire_as_dict

    questionnaire = content.default_questionnaire
    first, second, third = (q.id for q in questionnaire.dimension("governance").questions[:3])
    result = run_assessment(content, {q.id: 3 for q in questionnaire.questions()}, FULL_CONTEXT, evidence={
        first: {"evidence": "steering minutes", "reference": "https://intranet.example/pmo", "confidence": "evidence"},
        second: {"evidence": "", "reference": "javascript:alert(1)", "confidence": "guess"},
        third: {"evidence": "<b>bold</b>", "confidence": "evidence"}},
        plan={"importance": {"governance": "low", second: "high"}})
    result["notes"] = {questionnaire.dimension("governance").questions[4].id: "<i>asked twice</i>"}
    return build_report(result, questionnaire_as_dict(questionnaire), start=date(2027, 1, 4)), (first, second, third)


def test_the_pdf_appendix_lists_each_answers_evidence_and_links_only_http(evidenced_report):
    from app.reports.html import render_html

    report, (first, second, third) = evidenced_report
    html = render_html(report)
    assert "2 of 50 answers are shown by evidence and 1 is a guess" in html
    assert "Governance" in html and "2 shown by evidence" in html
    assert ('<a href="https://intranet.example/pmo" rel="noopener noreferrer nofollow">'
            'https://intranet.example/pmo</a>') in html
    assert 'href="javascript' not in html and "(javascript:alert(1))" in html  # text, never a link
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert html.count("data-answer-evidence") == 3  # only answers that say more than our judgement


def test_the_pdf_appendix_gives_each_answer_one_compact_row_with_only_what_was_added(evidenced_report, content):
    import re

    from markupsafe import escape

    from app.reports.html import render_html

    report, (first, second, third) = evidenced_report
    html = render_html(report)
    appendix = html.split("<h3>Every answer</h3>")[1].split("<h3>")[0]
    rows = re.findall(r'<tr class="answer" id="answer-([^"]+)">(.*?)</tr>', appendix, flags=re.S)
    assert len(rows) == 50 and "data-answer-meta" in rows[0][1]  # one row each, never a question paragraph
    questions = {q.id: q for q in content.default_questionnaire.questions()}
    shown = re.sub(r' title="[^"]*"', "", appendix)  # the full question only as the name's tooltip
    for qid, row in rows:  # the practice's short name and the level's short name, not their full texts
        question = questions[qid]
        assert f">{escape(question.short_name)}</th><td>3 ({escape(question.label(3))})</td>" in row, row
        assert escape(question.text) not in shown and escape(question.options[3]) not in shown
    by_area = {}
    for block in appendix.split("<h4>")[1:]:
        by_area[block.split(" <span")[0].split("</h4>")[0]] = block
    governance = by_area["Governance"]
    assert "· low importance, as you rated it" in governance.split("</h4>")[0]
    cells = [cell for _qid, cell in re.findall(r'<tr class="answer" id="answer-([^"]+)">.*?<td data-answer-meta>(.*?)</td>',
                                               governance, flags=re.S)]
    assert cells[0].startswith("<span data-answer-evidence><strong>Shown by evidence</strong>: steering minutes")
    assert cells[1].startswith('<span data-answer-importance>High importance (rated for this practice)</span> · '
                               '<span data-answer-evidence><strong>A guess</strong>')
    assert cells[3] == ""  # our judgement at the area's importance: nothing added, nothing said
    assert cells[4] == "<span data-answer-note>Note: &lt;i&gt;asked twice&lt;/i&gt;</span>"
    # Left to the pain, the area where the main pain shows is high and says why.
    pained = [a for a in report["areas"] if (a["importance"] or {}).get("source") == "pain"]
    assert pained and all("high importance, where your main pain shows" in by_area[a["title"]].split("</h4>")[0]
                          for a in pained)


def test_the_xlsx_answers_and_scores_carry_evidence(evidenced_report):
    import io

    from openpyxl import load_workbook

    from app.reports.xlsx import render_xlsx

    report, (first, second, _third) = evidenced_report
    book = load_workbook(io.BytesIO(render_xlsx(report)))
    rows = list(book["Answers"].iter_rows(values_only=True))
    head = rows[0]
    by_id = {row[0]: dict(zip(head, row)) for row in rows[1:]}
    assert (by_id[first]["Confidence"], by_id[first]["Evidence"], by_id[first]["Reference"]) == (
        "shown by evidence", "steering minutes", "https://intranet.example/pmo")
    assert by_id[second]["Confidence"] == "a guess"
    assert (by_id[first]["Importance"], by_id[second]["Importance"]) == ("low", "high")
    summary = list(book["Summary"].iter_rows(values_only=True))
    governance = next(r for r in summary if r[0] == "Governance" and r[4])
    assert governance[4] == "12 of 12; 2 shown by evidence"
    from app.reports.tables import report_tables
    scores = report_tables(report)["scores"]  # the CSV's scores table
    row = dict(zip(scores.keys, scores.values()[0]))
    assert (row["shown_by_evidence"], row["evidence_share"]) == (2, round(2 / 12, 2))


def test_the_result_page_shows_the_share_shown_by_evidence_per_area(respondent, questionnaire):
    from tests.helpers import visible_text

    first = questionnaire.dimension("tools").questions[0].id
    assert respondent.fill_context().status_code == 302
    respondent.answer_all()
    assert respondent.post("/d/tools", {f"q-{first}": "3", f"c-{first}": "evidence", f"e-{first}": "tool audit",
                                        f"r-{first}": "", "action": "back"}).status_code == 302
    assert respondent.submit().status_code == 302
    page = respondent.client.get(respondent.base + "/result").text
    shares = [visible_text(part.split("by evidence")[0]) + " by evidence" for part in page.split("data-evidence-share>")[1:]]
    tools = len(questionnaire.dimension("tools").questions)
    assert f"1 of {tools} shown by evidence" in shares  # 'shown' is left out on a phone
    assert len(shares) == 5


# --------------------------------------------------------------------------
# Workshops: confidence from the room, evidence agreed in the room
# --------------------------------------------------------------------------


def _room(levels_per_person: list[int | None], question_id: str, others: int = 0) -> list[dict]:
    """People who answered ``question_id`` as given, and ``others`` who answered only something else."""
    return ([{"answers": {question_id: level, "x": 1}} for level in levels_per_person]
            + [{"answers": {"x": 1}} for _ in range(others)])


@pytest.mark.parametrize("levels, others, agreed, expected", [
    ([3, 3, 4, 3], 0, None, "judgement"),                 # close: our judgement
    ([1, 3, 4, 3], 0, None, "guess"),                     # split (two or more apart): low
    ([3, 3], 3, None, "guess"),                           # two of five answered: few
    ([3], 0, None, "guess"),                              # one person
    ([3, 3, 3], 2, None, "judgement"),                    # three of five: enough
    ([1, 4, 5], 0, {"level": 4, "evidence": "", "reference": ""}, "judgement"),  # agreed in the room
    ([1, 4, 5], 0, {"level": 4, "evidence": "board minutes", "reference": ""}, "evidence"),
    ([3, 3, 3], 0, {"level": 3, "evidence": "", "reference": "SharePoint/PMO"}, "evidence"),
])
def test_a_workshops_confidence_comes_from_the_room(questionnaire, levels, others, agreed, expected):
    from app.engine.evidence import room_evidence

    qid = questionnaire.questions()[0].id
    found = room_evidence(questionnaire, _room(levels, qid, others), {qid: agreed} if agreed else {})
    assert found[qid]["confidence"] == expected


def test_the_facilitator_records_evidence_against_the_consensus_and_the_log_keeps_no_text(app):
    from tests.helpers import opened
    from tests.workshop_helpers import Facilitator, Participant, question_ids

    fay = Facilitator(app)
    workshop = fay.create_workshop(fay.create_org())
    first, second = question_ids(app)[:2]
    for level in (1, 3, 5):
        assert Participant(app, workshop).autosave({first: level, second: 3}).status_code == 200
    recorded = fay.post(workshop.base + "/consensus", {"question_id": first, "level": "3", "note": "",
                                                       "evidence": "quarterly steering minutes",
                                                       "reference": "https://intranet.example/steering"})
    assert recorded.status_code == 302
    console = fay.client.get(workshop.base).text
    assert 'value="quarterly steering minutes"' in console
    with opened(app) as db:
        (detail,), = db.execute("SELECT detail FROM audit_log WHERE action = 'consensus_set'").fetchall()
    assert detail.endswith("at level 3; the evidence agreed in the room changed")
    assert "steering" not in detail
    assert fay.close(workshop).status_code == 302
    result = fay.client.get(workshop.base + "/report.json").get_json()
    assert result["evidence"][first] == {"evidence": "quarterly steering minutes",
                                         "reference": "https://intranet.example/steering", "confidence": "evidence"}
    assert result["evidence"][second]["confidence"] == "judgement"  # all three at 3


def _importance_select(page: str, dim: str) -> str:
    return page.split(f'id="importance-{dim}"')[1].split("</select>")[0]


def test_the_facilitator_sets_importance_per_area_in_the_console_and_closing_freezes_it(app, fay, workshop):
    from app import service
    from tests.helpers import opened
    from tests.workshop_helpers import Participant, question_ids

    with opened(app) as db:
        derived = service.workshop_importance(app.extensions["pmo_content"],
                                              store.get_workshop(db, workshop.org_id, workshop.id))
    pained = next(dim for dim, imp in derived.items() if imp["source"] == "pain")
    console = fay.client.get(workshop.base).text
    assert '<option value="" selected>Auto (high)</option>' in _importance_select(console, pained)
    set_ = fay.post(workshop.base + "/importance", {"importance-governance": "low", "importance-tools": "high",
                                                    "importance-analytics": ""})
    assert set_.status_code == 302 and set_.location.endswith("#importance-heading")
    console = fay.client.get(workshop.base).text
    assert '<option value="low" selected>' in _importance_select(console, "governance")
    assert '<option value="high" selected>' in _importance_select(console, "tools")
    assert '<option value="" selected>' in _importance_select(console, "analytics")
    with opened(app) as db:
        (detail,), = db.execute("SELECT detail FROM audit_log WHERE action = 'workshop_importance_set'").fetchall()
    assert detail == "importance: Governance low, Tools high; the other areas from the main pain"
    assert Participant(app, workshop).autosave({question_ids(app)[0]: 3}).status_code == 200
    assert fay.close(workshop).status_code == 302
    result = fay.client.get(workshop.base + "/report.json").get_json()
    assert result["plan"]["importance"] == {"governance": "low", "tools": "high"}
    areas = result["importance"]["areas"]
    assert (areas["governance"]["level"], areas["governance"]["source"]) == ("low", "set")
    assert (areas["tools"]["level"], areas["tools"]["source"]) == ("high", "set")
    assert areas["analytics"]["source"] != "set"
    # Frozen: a closed workshop's importance changes only by re-planning its result, never from the console.
    assert fay.post(workshop.base + "/importance", {"importance-tools": "low"}).status_code == 409
    assert fay.client.get(workshop.base + "/report.json").get_json()["importance"]["areas"]["tools"]["level"] == "high"


@pytest.mark.parametrize("field, value", [("importance-tools", "urgent"), ("importance-governance", "High ")])
def test_a_bad_importance_in_the_console_is_refused_and_changes_nothing(app, fay, workshop, field, value):
    from tests.helpers import opened, visible_text

    assert fay.post(workshop.base + "/importance", {"importance-leadership": "low"}).status_code == 302
    refused = fay.post(workshop.base + "/importance", {"importance-leadership": "high", field: value})
    assert refused.status_code == 400
    assert "is Auto, low, normal or high" in visible_text(refused.text) and "Nothing was changed" in refused.text
    with opened(app) as db:
        assert store.get_workshop(db, workshop.org_id, workshop.id)["plan"] == {"importance": {"leadership": "low"}}


# --------------------------------------------------------------------------
# One snapshot whichever way the answers come: the web, the CLI (YAML and JSON), the API, the XLSX template
# --------------------------------------------------------------------------


def test_web_cli_api_and_xlsx_give_the_same_answers_evidence_and_scores(app, runner, respondent, questionnaire,
                                                                         tmp_path):
    import io

    from openpyxl import load_workbook

    from app.reports.template import write_template
    from tests.test_cli_reports import fill_template

    ids = [q.id for q in questionnaire.questions()]
    levels = {qid: (i % 5) + 1 for i, qid in enumerate(ids)} | {ids[7]: None}
    given = {ids[0]: {"evidence": "steering minutes", "reference": "SharePoint/PMO/minutes", "confidence": "guess"},
             ids[14]: {"evidence": "capacity plan", "reference": "https://intranet.example/capacity",
                       "confidence": "evidence"},
             ids[30]: {"evidence": "", "reference": "", "confidence": "guess"}}
    document = {"answers": {qid: ({"level": level, **given[qid]} if qid in given else level)
                            for qid, level in levels.items()},
                "context": FULL_CONTEXT}
    compared = ("answers", "evidence", "evidence_coverage", "scores", "check_first")

    def kept(result: dict) -> dict:
        return {key: result[key] for key in compared}

    # The CLI, from YAML and from JSON.
    results = {}
    for name, text in (("answers.yaml", yaml.safe_dump(document)), ("answers.json", json.dumps(document))):
        (tmp_path / name).write_text(text)
        cli = runner.invoke(args=["assess", "--answers", str(tmp_path / name), "--format", "json"])
        assert cli.exit_code == 0, cli.output
        results[name] = kept(json.loads(cli.stdout))
    # The XLSX answers template, filled in as in Excel.
    filled = fill_template(write_template(questionnaire), questionnaire, levels, FULL_CONTEXT)
    book = load_workbook(io.BytesIO(filled))
    for row in book["Answers"].iter_rows(min_row=2):
        if row[0].value in given:
            detail = given[row[0].value]
            row[3].value = {"guess": "a guess", "evidence": "shown by evidence"}[detail["confidence"]]
            row[4].value, row[5].value = detail["evidence"] or None, detail["reference"] or None
    out = io.BytesIO()
    book.save(out)
    (tmp_path / "filled.xlsx").write_bytes(out.getvalue())
    cli = runner.invoke(args=["assess", "--answers", str(tmp_path / "filled.xlsx"), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    results["xlsx"] = kept(json.loads(cli.stdout))
    # The API: an organisation's assessment, submitted and frozen.
    user = add_user(app, "roundtrip@example.org", role="facilitator")
    api = ApiClient(app, make_token(app, user))
    org = api.post("/api/v1/orgs", json={"name": "Round Trip Ltd"}).get_json()
    created = api.post(f"/api/v1/orgs/{org['id']}/assessments", json=document).get_json()
    assert api.post(f"/api/v1/orgs/{org['id']}/assessments/{created['id']}/submit").status_code in (200, 201)
    results["api"] = kept(api.get(f"/api/v1/orgs/{org['id']}/assessments/{created['id']}/result").get_json())
    # The web questionnaire, page by page with the evidence boxes.
    assert respondent.fill_context().status_code == 302
    for dim in questionnaire.dimensions:
        form = {"action": "next"}
        for q in dim.questions:
            form[f"q-{q.id}"] = "dk" if levels[q.id] is None else str(levels[q.id])
            detail = given.get(q.id, BLANK)
            form |= {f"c-{q.id}": detail["confidence"], f"e-{q.id}": detail["evidence"],
                     f"r-{q.id}": detail["reference"]}
        assert respondent.post(f"/d/{dim.id}", form).status_code == 302
    assert respondent.submit().status_code == 302
    results["web"] = kept(respondent.result())

    first = results.pop("answers.yaml")
    assert first["evidence"][ids[14]]["confidence"] == "evidence" and first["answers"][ids[7]] is None
    for name, result in results.items():
        assert result == first, name


# --------------------------------------------------------------------------
# Compare: how the share shown by evidence changes over time
# --------------------------------------------------------------------------


@pytest.mark.parametrize("shares, expected", [
    ([None, None], None),
    ([0.1, 0.35], {"values": [0.1, 0.35], "delta": 25, "direction": "up"}),
    ([None, 0.2, 0.1], {"values": [None, 0.2, 0.1], "delta": -10, "direction": "down"}),
    ([0.2], {"values": [0.2], "delta": None, "direction": "unknown"}),
])
def test_the_share_shown_by_evidence_is_compared_first_to_last(shares, expected):
    from app.engine.history import evidence_row

    assert evidence_row([{"evidence_share": share} for share in shares]) == expected


def test_compare_shows_the_share_shown_by_evidence_rising(app):
    from tests.helpers import visible_text
    from tests.history_helpers import Member

    member = Member(app, "evidence-compare@example.org")
    org = member.create_org()
    ids = []
    for period, shown in (("2026-Q2", 0), ("2026-Q3", 3)):
        respondent = member.start(org, period, f"{period[:4]}-0{int(period[-1]) * 3}-14")
        assert respondent.fill_context(FULL_CONTEXT).status_code == 302
        respondent.answer_all(lambda q: 3)
        questions = member.questionnaire.dimension("governance").questions
        form = {"action": "back"} | {f"q-{q.id}": "3" for q in questions}
        for q in questions[:shown]:
            form |= {f"c-{q.id}": "evidence", f"e-{q.id}": "minutes", f"r-{q.id}": ""}
        assert respondent.post("/d/governance", form).status_code == 302
        assert respondent.submit().status_code == 302
        response_id = int(respondent.token[1:].split(".")[0])
        from tests.helpers import query
        (assessment_id,), = query(app, "SELECT assessment_id FROM responses WHERE id = ?", [response_id])
        ids.append(assessment_id)
    page = member.get(f"/orgs/{org}/compare?" + "&".join(f"a={i}" for i in ids))
    assert page.status_code == 200, page.text[:300]
    row = visible_text(page.text.split("data-evidence-row>")[1].split("</tr>")[0])
    share = round(3 / len(member.questionnaire.questions()) * 100)
    assert row == f"Answers shown by evidence 0% {share}% +{share} points"


@pytest.mark.parametrize("previous, current, area, expected", [
    (None, {"evidence_share": None, "evidence_shares": {}}, "governance", None),   # frozen before evidence
    ({"evidence_share": 0.0, "evidence_shares": {"governance": 0.0}},               # nobody gave any, then or now
     {"evidence_share": 0.0, "evidence_shares": {"governance": 0.0}}, "governance", None),
    ({"evidence_share": 0.1, "evidence_shares": {"governance": 0.25}},              # all evidence gone is shown
     {"evidence_share": 0.0, "evidence_shares": {"governance": 0.0}}, "governance",
     {"previous": 0.25, "current": 0.0, "delta": -25, "direction": "down"}),
    (None, {"evidence_share": 0.1, "evidence_shares": {"governance": 0.25}}, "governance",
     {"previous": None, "current": 0.25, "delta": None, "direction": "unknown"}),
    ({"evidence_share": 0.0, "evidence_shares": {"governance": 0.0}},
     {"evidence_share": 0.1, "evidence_shares": {"governance": 0.25}}, "governance",
     {"previous": 0.0, "current": 0.25, "delta": 25, "direction": "up"}),
    ({"evidence_share": 0.3, "evidence_shares": {"tools": 0.5}},
     {"evidence_share": 0.1, "evidence_shares": {"tools": 0.12}}, "tools",
     {"previous": 0.5, "current": 0.12, "delta": -38, "direction": "down"}),
    ({"evidence_share": 0.3}, {"evidence_share": 0.1}, "overall",
     {"previous": 0.3, "current": 0.1, "delta": -20, "direction": "down"}),
    ({"evidence_share": None, "evidence_shares": {}}, {"evidence_share": 0.1, "evidence_shares": {"tools": 0.2}},
     "tools", {"previous": None, "current": 0.2, "delta": None, "direction": "unknown"}),
])
def test_the_share_shown_by_evidence_per_area_is_compared_with_the_previous_result(previous, current, area, expected):
    from app.engine.history import evidence_deltas

    found = evidence_deltas(previous, current)
    assert (found if found is None else found[area]) == expected


@pytest.fixture
def evidenced_history(app):
    """An organisation with two closed assessments: none shown by evidence in 2026-Q2, three governance
    answers in 2026-Q3 (of 12 in governance and 50 in all)."""
    from app import service
    from tests.helpers import opened, query
    from tests.history_helpers import Member

    member = Member(app, "evidence-history@example.org")
    org = member.create_org()
    (user_id,), = query(app, "SELECT id FROM users WHERE email = ?", [member.email])
    questionnaire = member.questionnaire
    governance = [q.id for q in questionnaire.dimension("governance").questions]
    ids = []
    with opened(app) as db:
        for period, shown in (("2026-Q2", 0), ("2026-Q3", 3)):
            response_id = store.create_org_assessment(
                db, org, user_id, questionnaire.id, questionnaire.version, period=period,
                assessed_on=f"2026-0{int(period[-1]) * 3}-14", answers={q.id: 3 for q in questionnaire.questions()},
                context=FULL_CONTEXT, evidence={q: {"evidence": "minutes", "reference": "", "confidence": "evidence"}
                                                for q in governance[:shown]})
            service.submit_response(db, app.extensions["pmo_content"], response_id, questionnaire)
            ids.append(db.execute("SELECT assessment_id FROM responses WHERE id = ?", [response_id]).fetchone()[0])
    return member, org, ids, user_id


def test_the_dashboard_shows_each_areas_share_shown_by_evidence_and_its_change(evidenced_history):
    from tests.helpers import visible_text

    member, org, _ids, _user = evidenced_history
    page = member.get(f"/orgs/{org}").text
    assert "<th scope=\"col\">Shown by evidence</th>" in page

    def cell(key: str) -> str:
        return visible_text(page.split(f'data-evidence-share="{key}">')[1].split("</td>")[0])

    assert cell("governance") == "25% +25 points"
    assert cell("tools") == "0% +0 points"
    assert cell("overall") == "6% +6 points"
    assert "a rising share is progress too" in visible_text(page)


def test_the_history_api_and_csv_carry_the_share_shown_by_evidence(app, evidenced_history):
    import csv
    import io

    from tests.api_helpers import ApiClient, make_token

    member, org, ids, user_id = evidenced_history
    api = ApiClient(app, make_token(app, user_id))
    rows = api.get(f"/api/v1/orgs/{org}/history").get_json()["items"]
    assert [(r["assessment_id"], r["evidence_share"], r["evidence_shares"]["governance"], r["evidence_shares"]["tools"])
            for r in rows] == [(ids[0], 0.0, 0.0, 0.0), (ids[1], 0.06, 0.25, 0.0)]
    table = member.get(f"/orgs/{org}/report.csv?table=history")
    assert table.status_code == 200
    found = {(r["period"], r["capability_area"]): r["evidence_share"]
             for r in csv.DictReader(io.StringIO(table.get_data(as_text=True).lstrip("\ufeff")))}
    assert (found[("2026-Q2", "Governance")], found[("2026-Q3", "Governance")]) == ("0.0", "0.25")


def test_a_summary_kept_before_the_per_area_shares_gets_them_when_history_reads_it(app, evidenced_history):
    from tests.helpers import opened

    _member, org, ids, _user = evidenced_history
    with opened(app) as db:
        (snapshot_id, summary_json), = db.execute("SELECT s.id, s.summary_json FROM snapshots s JOIN assessments a "
                                                  "ON a.snapshot_id = s.id WHERE a.id = ?", [ids[1]]).fetchall()
        old = json.loads(summary_json)
        del old["evidence_shares"]
        db.execute("UPDATE snapshots SET summary_json = ? WHERE id = ?", [json.dumps(old), snapshot_id])
        db.conn.commit()
        latest = store.history(db, org, "all")[-1]["summary"]
        assert latest["evidence_shares"]["governance"] == 0.25
        kept = json.loads(db.execute("SELECT summary_json FROM snapshots WHERE id = ?", [snapshot_id]).fetchone()[0])
    assert kept["evidence_shares"]["governance"] == 0.25  # written back once, not recomputed on every read


def test_markdown_and_pptx_give_each_areas_share_shown_by_evidence(content, evidenced_report):
    import io

    from pptx import Presentation

    from app.reports.deck import render_pptx
    from app.reports.markdown import render_markdown

    report, (first, second, third) = evidenced_report
    result = run_assessment(content, {q.id: 3 for q in content.default_questionnaire.questions()}, FULL_CONTEXT,
                            evidence={first: {"confidence": "evidence", "evidence": "minutes"},
                                      second: {"confidence": "guess"}})
    appendix = render_markdown(result).split("## Appendix")[1]
    assert ("### Answers shown by evidence\n\nGovernance 8%, Analytics 0%, Facilitation 0%, Tools 0%, Leadership 0%; "
            "all areas 2% (1 of 50 answers); 1 answer is a guess.\n") in appendix
    # Nobody said more than our judgement: nothing is added.
    plain = run_assessment(content, {q.id: 3 for q in content.default_questionnaire.questions()}, FULL_CONTEXT)
    assert "shown by evidence" not in render_markdown(plain)
    deck = Presentation(io.BytesIO(render_pptx(report)))
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    scores = next(t for t in tables if t.cell(0, 0).text == "Capability area" and t.cell(0, 1).text == "Score")
    header = [c.text for c in scores.rows[0].cells]
    assert header[-1] == "By evidence"
    by_area = {row.cells[0].text: row.cells[len(header) - 1].text for row in list(scores.rows)[1:]}
    assert (by_area["Governance"], by_area["Tools"]) == ("17%", "0%")
    from app.reports.model import build_report
    from app.reports.questionnaire import questionnaire_as_dict
    plain_deck = Presentation(io.BytesIO(render_pptx(build_report(plain, questionnaire_as_dict(
        content.default_questionnaire)))))
    assert not any(shape.table.cell(0, c).text == "By evidence" for slide in plain_deck.slides
                   for shape in slide.shapes if shape.has_table for c in range(len(shape.table.columns)))


# --------------------------------------------------------------------------
# Deleting and purging leave no evidence text behind; the audit log never holds it
# --------------------------------------------------------------------------

# Words only one place's evidence holds: an organisation assessment's, a workshop room's, a stand-alone one's.
TEXTS = {"assessment": ("Quagga steering minutes", "Quagga/SharePoint/minutes"),
         "workshop": ("Quagga board pack", "Quagga/boardroom/pack"),
         "standalone": ("Quagga intake log", "Quagga/intake")}


def _stored(path) -> bytes:
    from pathlib import Path

    wal = Path(f"{path}-wal")
    return Path(path).read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def _evidence_everywhere(db, content, questionnaire) -> dict[str, int]:
    """Each kind of place evidence is kept: a submitted organisation assessment, a closed workshop whose room
    agreed on evidence, a stand-alone self-assessment; return their ids (and the organisation's and owner's)."""
    from app import service
    from tests.helpers import new_user

    def detail(place: str) -> dict:
        return {"evidence": TEXTS[place][0], "reference": TEXTS[place][1], "confidence": "evidence"}

    owner = new_user(db, "purge-owner@example.org", role="facilitator")
    org = store.create_org(db, "Purge Ltd", owner)
    first = questionnaire.questions()[0].id
    response_id = store.create_org_assessment(db, org, owner, questionnaire.id, questionnaire.version,
                                              period="2026-Q1", assessed_on="2026-02-01", answers={first: 3},
                                              context=FULL_CONTEXT, evidence={first: detail("assessment")})
    service.submit_response(db, content, response_id, questionnaire)
    workshop_id = store.create_workshop(db, org, owner, title="Board workshop", mode="anonymous", roles=[],
                                        context=FULL_CONTEXT, questionnaire_id=questionnaire.id,
                                        questionnaire_version=questionnaire.version)
    workshop = store.get_workshop(db, org, workshop_id)
    for level in (2, 4):
        token = store.join_workshop(db, workshop)
        store.save_answers(db, store.response_by_token(db, token)["id"], {first: level})
    store.set_consensus(db, workshop_id, first, 3, "", owner, evidence=TEXTS["workshop"][0],
                        reference=TEXTS["workshop"][1])
    service.close_workshop(db, content, workshop)
    alone, _token = store.create_self_assessment(db, questionnaire.id, questionnaire.version)
    store.save_answers(db, alone, {first: 3}, evidence={first: detail("standalone")})
    return {"owner": owner, "org": org, "assessment": store.response_by_id(db, response_id)["assessment_id"],
            "workshop": workshop_id, "standalone": store.response_by_id(db, alone)["assessment_id"]}


@pytest.mark.parametrize("way, places", [
    ("assessment", ["assessment"]),              # moved to the trash, then purged
    ("workshop", ["workshop"]),                  # the room's agreed evidence and its frozen result
    ("organisation", ["assessment", "workshop"]),
    ("standalone", ["standalone"]),              # deleted by its link holder, at once
    ("retention", ["standalone"]),               # never attached, past its retention
])
def test_deleting_and_purging_leaves_no_evidence_text_in_the_database_or_the_audit_log(tmp_path, content,
                                                                                         questionnaire, way, places):
    from datetime import datetime, timedelta, timezone

    path = tmp_path / "pmo.sqlite3"
    db = store.open_db(path)
    store.migrate(db)
    ids = _evidence_everywhere(db, content, questionnaire)
    texts = [text for place in places for text in TEXTS[place]]
    assert all(text.encode() in _stored(path) for text in texts)  # the search finds what is there
    if way == "standalone":
        store.purge_standalone(db, ids["standalone"])
    elif way == "retention":
        store.purge_due(db, now=datetime.now(timezone.utc) + timedelta(days=store.retention(db)["anonymous_days"] + 1))
    else:
        store.purge(db, store.delete(db, ids["org"], way, ids["org"] if way == "organisation" else ids[way],
                                     ids["owner"]), ids["owner"])
    stored = _stored(path)
    assert [text for text in texts if text.encode() in stored] == []
    # What stays stays: the other places' evidence is untouched.
    assert all(text.encode() in stored for place in TEXTS if place not in places for text in TEXTS[place])
    # The log says what was deleted and purged (an organisation's things), never the evidence's words.
    audit = db.execute("SELECT action, label, detail FROM audit_log").fetchall()
    if way not in ("standalone", "retention"):
        assert "purged" in {row[0] for row in audit}
    assert [row for row in audit if "Quagga" in f"{row[1]} {row[2]}"] == []
    db.close()


# --------------------------------------------------------------------------
# Export, import and purge: evidence goes where its answer goes
# --------------------------------------------------------------------------


def test_evidence_travels_in_the_organisations_export_and_goes_with_a_purge(fresh_db, questionnaire):
    from tests.helpers import new_user

    owner, org, response_id, first, detail = evidenced_assessment(fresh_db, questionnaire, "Evidence Export Ltd",
                                                                  "portfolio board minutes")
    archive = store.export_org(fresh_db, org)
    (assessment,) = archive["assessments"]
    assert assessment["responses"][0]["evidence"] == {first: detail}
    other = new_user(fresh_db, "importer-evidence@example.org")
    archive["organisation"]["name"] = "Evidence Export Copy"
    copy = store.import_org(fresh_db, json.loads(json.dumps(archive)), other)["org_id"]
    copied = fresh_db.execute("SELECT r.id FROM responses r JOIN assessments a ON a.id = r.assessment_id "
                              "WHERE a.org_id = ?", [copy]).fetchone()[0]
    assert store.load_evidence(fresh_db, copied) == {first: detail}
    store.purge_org(fresh_db, org, owner)
    assert fresh_db.execute("SELECT count(*) FROM answers WHERE evidence = 'portfolio board minutes' "
                            "AND response_id = ?", [response_id]).fetchone()[0] == 0
