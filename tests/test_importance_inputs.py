"""Importance travels like the other planning choices: the result page's form (self and workshop), the
answers template (Areas sheet), the CLI and API documents; it is frozen in the snapshot."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from app.engine.vocabulary import DIMENSIONS
from app.reports.template import TemplateProblem, read_template, write_template
from tests.helpers import FULL_CONTEXT, visible_text
from tests.workshop_helpers import snapshot_count


def test_the_result_page_sets_each_areas_importance_and_freezes_it(app, submitted):
    before = submitted.result()
    page = visible_text(submitted.client.get(submitted.base + "/result").text)
    assert "How much each area matters" in page
    form = {f"target-{d}": str(before["roadmap"]["target"][d]) for d in DIMENSIONS}
    form.update({"importance-tools": "high", "importance-governance": "low"})
    assert submitted.post("/target", form).status_code == 302
    after = submitted.result()
    assert after["plan"]["importance"] == {"tools": "high", "governance": "low"}
    assert after["importance"]["areas"]["tools"] == {**after["importance"]["areas"]["tools"],
                                                     "level": "high", "source": "set"}
    assert after["importance"]["areas"]["governance"]["level"] == "low"
    assert after["scores"] == before["scores"] and after["recommendation"] == before["recommendation"]
    assert snapshot_count(app) == 2


def test_a_bad_importance_on_the_form_comes_back_marked_and_the_valid_ones_are_saved(app, submitted):
    before = submitted.result()
    form = {f"target-{d}": str(before["roadmap"]["target"][d]) for d in DIMENSIONS}
    form.update({"importance-tools": "vital", "importance-governance": "high"})
    response = submitted.post("/target", form)
    assert response.status_code == 400
    assert "The importance of Tools is low, normal or high; “vital” is not one of them." in visible_text(response.text)
    after = submitted.result()
    assert after["plan"]["importance"] == {"governance": "high"}
    assert after["importance"]["areas"]["tools"]["source"] != "set"


def filled_template(questionnaire, importance: dict[str, str], heading: str | None = "Importance") -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(write_template(questionnaire)))
    for row, q in enumerate(questionnaire.questions(), start=2):
        book["Answers"].cell(row=row, column=3, value=3)
    profile = book["Profile"]
    for row in range(2, profile.max_row + 1):
        key = profile.cell(row=row, column=1).value
        field = questionnaire.context_field(key)
        value = FULL_CONTEXT[key]
        if field.type == "choice":
            value = next(c.label for c in field.choices if c.value == value)
        elif field.type == "boolean":
            value = "yes" if value else "no"
        profile.cell(row=row, column=3, value=value)
    areas = book["Areas"]
    if heading is None:
        areas.cell(row=1, column=5, value=None)
    for row in range(2, areas.max_row + 1):
        level = importance.get(areas.cell(row=row, column=1).value)
        if level:
            areas.cell(row=row, column=5, value=level)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_answers_template_carries_importance_per_area(content, questionnaire):
    data = read_template(filled_template(questionnaire, {"tools": "high", "leadership": "Low"}), content)
    assert data["plan"] == {"importance": {"tools": "high", "leadership": "low"}}


def test_a_template_filled_before_importance_still_reads(content, questionnaire):
    data = read_template(filled_template(questionnaire, {}, heading=None), content)
    assert "plan" not in data and data["answers"]


def test_a_bad_importance_in_the_template_names_its_cell(content, questionnaire):
    with pytest.raises(TemplateProblem, match=r"Areas!E\d: importance must be low, normal or high, not urgent"):
        read_template(filled_template(questionnaire, {"tools": "urgent"}), content)


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_the_cli_takes_importance_from_a_file(runner, tmp_path, questionnaire, suffix):
    path = tmp_path / f"answers{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps({"answers": {q.id: 3 for q in questionnaire.questions()}, "context": FULL_CONTEXT,
                                    "plan": {"importance": {"tools": "high"}}}))
    else:
        path.write_bytes(filled_template(questionnaire, {"tools": "high"}))
    out = runner.invoke(args=["assess", "--answers", str(path), "--format", "json"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["plan"]["importance"] == {"tools": "high"}
    assert result["importance"]["areas"]["tools"]["source"] == "set"


def test_the_cli_refuses_bad_importance_in_one_line(runner, tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("answers: {}\ncontext: {}\nplan:\n  importance:\n    tools: vital\n")
    out = runner.invoke(args=["assess", "--answers", str(path)])
    assert out.exit_code == 2
    assert "plan.importance.tools is 'vital'; expected low, normal or high" in out.output
