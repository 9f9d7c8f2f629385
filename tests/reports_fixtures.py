"""Inputs for the report tests: a self-assessment, a workshop with history, and hostile text.

Everything is computed through the engine and the service from the questionnaire's own ids,
so the tests keep working when content changes.
"""

from __future__ import annotations

from datetime import date

from app.engine import run_assessment
from app.reports.model import build_report
from app.reports.questionnaire import questionnaire_as_dict
from app.service import compute_workshop_result, workshop_summary
from tests.helpers import FULL_CONTEXT

# Typed by a person: an organisation name, a unit and notes that try formulas and script.
FORMULA = '=HYPERLINK("http://evil.example","click")'
SCRIPT = "<script>alert('x')</script>"
HOSTILE = f"{FORMULA} {SCRIPT}"
START = date(2027, 1, 4)


def level_for(question, offset: int = 0) -> int | None:
    """A deterministic spread of levels over the questionnaire, with one "don't know" per area."""
    index = int.from_bytes(question.id.encode(), "little") % 97
    if index % 11 == 0:
        return None
    return 1 + (index + offset) % 4


def answers_for(questionnaire, offset: int = 0) -> dict:
    return {q.id: level_for(q, offset) for q in questionnaire.questions()}


def self_result(content) -> dict:
    questionnaire = content.default_questionnaire
    result = run_assessment(content, answers_for(questionnaire), FULL_CONTEXT, None, questionnaire.id)
    first_area = questionnaire.dimensions[0].id
    result["notes"] = {first_area: HOSTILE}
    return result


def workshop_inputs(questionnaire) -> tuple[dict, list[dict], dict]:
    workshop = {"title": f"Board workshop {SCRIPT}", "mode": "named", "roles": [],
                "context": dict(FULL_CONTEXT), "questionnaire_id": questionnaire.id}
    responses = [{"answers": answers_for(questionnaire, offset), "status": "submitted", "role": None}
                 for offset in (0, 1, 2, 3, 0)]
    disputed = questionnaire.questions()[0].id
    agreed = {disputed: {"level": 3, "note": FORMULA}}
    return workshop, responses, agreed


def workshop_report(content) -> tuple[dict, dict]:
    """A workshop's report with the organisation's history: every optional part of a report."""
    questionnaire = content.default_questionnaire
    workshop, responses, agreed = workshop_inputs(questionnaire)
    result, _figures = compute_workshop_result(content, workshop, responses, agreed)
    stats = workshop_summary(content, workshop, responses, agreed)["stats"]
    history = []
    for index, period in enumerate(("2026-Q1", "2026-Q2", "2026-Q3")):
        past = run_assessment(content, answers_for(questionnaire, index), FULL_CONTEXT, None, questionnaire.id)
        history.append({"period": period, "assessed_on": f"2026-0{3 * index + 1}-15", "unit": "",
                        "title": f"{FORMULA}", "scores": {d: s["score"] for d, s in past["scores"].items()},
                        "overall": past["overall"]["score"], "model": past["recommendation"]["model"]})
    history.append({"period": "2026-Q4", "assessed_on": "2026-11-20", "unit": "",
                    "title": workshop["title"], "scores": {d: s["score"] for d, s in result["scores"].items()},
                    "overall": result["overall"]["score"], "model": result["recommendation"]["model"]})
    report = build_report(result, questionnaire_as_dict(questionnaire), start=START, history=history,
                          workshop_stats=stats,
                          subject={"kind": "workshop", "organisation": HOSTILE, "title": workshop["title"],
                                   "period": "2026-Q4", "assessed_on": "2026-11-20"})
    return result, report


def self_report(content) -> tuple[dict, dict]:
    result = self_result(content)
    report = build_report(result, questionnaire_as_dict(content.default_questionnaire), start=START,
                          subject={"kind": "self", "organisation": HOSTILE, "unit": SCRIPT,
                                   "assessed_on": "2026-11-20"})
    return result, report
