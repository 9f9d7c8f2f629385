"""Demo data: an organisation with two units and six quarters of improving history.

Every result is produced by answering the questionnaire through the engine, exactly as a
person would: nothing here writes a result by hand.
"""

from __future__ import annotations

import random
import secrets
from datetime import date
from typing import Any

from sqlite_utils import Database

from . import store
from .engine import Content
from .service import submit_response

DEMO_ORG = "Northwind Group (demo)"
DEMO_EMAIL = "demo@example.org"
UNITS = {
    "Retail technology": {"org_size": "large", "active_projects": 45, "business_units": 2, "regulated": True,
                          "risk_profile": "medium", "delivery_mix": "hybrid", "primary_pain": "duplicate_work",
                          "existing_pmo": "informal"},
    "Corporate platforms": {"org_size": "large", "active_projects": 30, "business_units": 2, "regulated": True,
                            "risk_profile": "high", "delivery_mix": "waterfall", "primary_pain": "resource_conflicts",
                            "existing_pmo": "informal"},
}
# Starting level per capability area for each unit, and how much it improves per quarter.
START = {
    "Retail technology": {"governance": 1.6, "analytics": 1.4, "facilitation": 2.1, "tools": 2.2, "leadership": 1.8},
    "Corporate platforms": {"governance": 2.2, "analytics": 1.8, "facilitation": 1.7, "tools": 1.5, "leadership": 2.0},
}
GAIN_PER_QUARTER = {"governance": 0.28, "analytics": 0.22, "facilitation": 0.16, "tools": 0.18, "leadership": 0.2}


def quarters_back(today: date, count: int) -> list[tuple[str, str]]:
    """(period label, date) for the last ``count`` quarters, oldest first; never after today."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        month = 3 * (quarter - 1) + 2
        out.append((f"{year}-Q{quarter}", min(date(year, month, 15), today).isoformat()))
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return list(reversed(out))


def demo_answers(questionnaire, levels: dict[str, float], rng: random.Random) -> dict[str, int | None]:
    """Answers whose mean per area is the area's level: some questions a level above the rest.

    The share of questions a level higher grows with the level, so a rising level always
    gives a rising score, while which questions are higher varies from quarter to quarter.
    """
    answers: dict[str, int | None] = {}
    for dim in questionnaire.dimensions:
        level = max(1.0, min(5.0, levels[dim.id]))
        base = min(4, int(level))
        questions = list(dim.questions)
        higher = round((level - base) * len(questions))
        rng.shuffle(questions)
        for i, question in enumerate(questions):
            answers[question.id] = base + 1 if i < higher else base
    return answers


def create_demo(db: Database, content: Content, quarters: int = 6, seed: int = 7,
                today: date | None = None, password_method: str = store.PASSWORD_METHOD) -> dict[str, Any]:
    """Create the demo organisation (once); return what was created."""
    existing = db.execute("SELECT id FROM organisations WHERE name = ?", [DEMO_ORG]).fetchone()
    if existing:
        return {"created": False, "org_id": existing[0]}
    rng = random.Random(seed)
    questionnaire = content.default_questionnaire
    password = None
    user = store.user_by_email(db, DEMO_EMAIL)
    if user is None:
        password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
        user_id = store.create_user(db, DEMO_EMAIL, password, role="facilitator", name="Demo facilitator",
                                    password_method=password_method)
    else:
        user_id = user["id"]
    org_id = store.create_org(db, DEMO_ORG, user_id)
    for admin in (u for u in store.list_users(db) if u["role"] == "admin" and u["active"]):
        store.set_member(db, org_id, admin["id"], "owner")
    periods = quarters_back(today or date.today(), quarters)
    assessments = 0
    for unit_name, context in UNITS.items():
        unit_id = store.create_unit(db, org_id, unit_name)
        levels = dict(START[unit_name])
        for q, (period, assessed_on) in enumerate(periods):
            if q:  # every area improves every quarter, some faster than others
                levels = {d: min(4.6, v + GAIN_PER_QUARTER[d] * rng.uniform(0.6, 1.4)) for d, v in levels.items()}
            response_id = store.create_org_assessment(
                db, org_id, user_id, questionnaire.id, questionnaire.version, title=f"{unit_name} {period}",
                period=period, assessed_on=assessed_on, unit_id=unit_id)
            store.save_context(db, response_id, context)
            store.save_answers(db, response_id, demo_answers(questionnaire, levels, rng))
            submit_response(db, content, response_id, questionnaire)
            assessments += 1
        # The first phase of the latest roadmap was done last quarter; the next one has started.
        latest = store.history(db, org_id, unit_id)[-1]["summary"]
        phases = list(dict.fromkeys(item["phase"] for item in latest["roadmap"]))
        for item in latest["roadmap"]:
            status = {0: "done", 1: "started"}.get(phases.index(item["phase"]))
            if status:
                store.set_progress(db, org_id, item["id"], status, owner=item["owner"] or "",
                                   # Done last quarter; started work is due when the roadmap plans to end it.
                                   **({"done_on": periods[-2][1]} if status == "done" else {"due_on": item["end_date"]}),
                                   user_id=user_id, unit_key=unit_id)
    return {"created": True, "org_id": org_id, "assessments": assessments, "email": DEMO_EMAIL, "password": password}
