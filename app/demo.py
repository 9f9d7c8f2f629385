"""Demo data: an organisation with two units and six quarters of improving history, and the
other organisations of the pooled benchmark it is compared with.

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
MADE_BY = "with the demo command (flask demo)"  # what the audit log says of what the demo made
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

# Other clients of the same server that take part in the pooled benchmark: enough in the demo's size
# band (large) to show it, and some in other bands. Each: its profile, its overall level last quarter
# (areas vary around it) and, for one, units instead of one assessment of the whole organisation.
PEERS_EMAIL = "benchmark-peers@example.org"  # peer n is owned by benchmark-peers+n@example.org
PEER_BASE = {"active_projects": 40, "business_units": 3, "regulated": False, "risk_profile": "medium",
             "delivery_mix": "hybrid", "primary_pain": "poor_forecasting", "existing_pmo": "informal"}
PEERS = {
    "Fabrikam Insurance (demo peer)": ({"org_size": "large", "regulated": True, "risk_profile": "high",
                                        "delivery_mix": "waterfall", "existing_pmo": "established"}, 3.6, ()),
    "Contoso Logistics (demo peer)": ({"org_size": "large", "primary_pain": "duplicate_work"}, 2.2, ()),
    "Tailspin Utilities (demo peer)": ({"org_size": "large", "regulated": True, "delivery_mix": "waterfall",
                                        "primary_pain": "resource_conflicts"}, 2.7, ()),
    "Litware Health (demo peer)": ({"org_size": "large", "regulated": True, "risk_profile": "high",
                                    "existing_pmo": "none"}, 1.7, ()),
    "Adventure Works Retail (demo peer)": ({"org_size": "large", "delivery_mix": "agile", "active_projects": 70},
                                           3.1, ("Stores", "Online")),
    "Wide World Importers (demo peer)": ({"org_size": "large", "delivery_mix": "agile",
                                          "primary_pain": "weak_execution"}, 2.5, ()),
    "Woodgrove Bank (demo peer)": ({"org_size": "enterprise", "regulated": True, "risk_profile": "high",
                                    "active_projects": 180, "existing_pmo": "established"}, 3.4, ()),
    "Alpine Ski House (demo peer)": ({"org_size": "medium", "active_projects": 12, "business_units": 1,
                                      "risk_profile": "low", "delivery_mix": "agile"}, 2.0, ()),
    "Coho Winery (demo peer)": ({"org_size": "small", "active_projects": 5, "business_units": 1,
                                 "risk_profile": "low", "existing_pmo": "none"}, 1.5, ()),
}


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
    """Create the demo organisation and its benchmark peers (each once); return what was created."""
    existing = db.execute("SELECT id FROM organisations WHERE name = ?", [DEMO_ORG]).fetchone()
    periods = quarters_back(today or date.today(), quarters)
    if existing:
        peers = create_peers(db, content, periods[-2:], seed, password_method)
        if peers:  # a demo made before the benchmark existed takes part from now on
            store.set_benchmark_opt_in(db, existing[0], True)
        store.refresh_benchmark(db)  # its panel shows what the demo now holds, not last night's population
        return {"created": False, "org_id": existing[0], "peers": peers}
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
    org_id = create_org(db, DEMO_ORG, user_id)
    for admin in (u for u in store.list_users(db) if u["role"] == "admin" and u["active"]):
        store.set_member(db, org_id, admin["id"], "owner")
    assessments = 0
    for unit_name, context in UNITS.items():
        unit_id = create_unit(db, org_id, unit_name, user_id)
        levels = dict(START[unit_name])
        for q, (period, assessed_on) in enumerate(periods):
            if q:  # every area improves every quarter, some faster than others
                levels = {d: min(4.6, v + GAIN_PER_QUARTER[d] * rng.uniform(0.6, 1.4)) for d, v in levels.items()}
            assess(db, content, org_id, user_id, context, levels, rng, period, assessed_on, unit_id=unit_id,
                   title=f"{unit_name} {period}")
            assessments += 1
        # Work of the latest roadmap's first phase that was due to start by today is done (never
        # before it was planned to start); the rest of that phase and the next phase have started.
        latest = store.history(db, org_id, unit_id)[-1]["summary"]
        phases = list(dict.fromkeys(item["phase"] for item in latest["roadmap"]))
        day = (today or date.today()).isoformat()
        for item in latest["roadmap"]:
            status = {0: "done", 1: "started"}.get(phases.index(item["phase"]))
            start = item.get("start_date") or periods[-1][1]
            if status == "done" and start > day:
                status = "started"
            if status:
                store.set_progress(db, org_id, item["id"], status, owner=item["owner"] or "",
                                   # Started work is due when the roadmap plans to end it.
                                   **({"done_on": min(day, item.get("end_date") or day)} if status == "done"
                                      else {"due_on": item["end_date"]}),
                                   user_id=user_id, unit_key=unit_id)
    store.set_benchmark_opt_in(db, org_id, True)
    peers = create_peers(db, content, periods[-2:], seed, password_method)
    store.refresh_benchmark(db)
    return {"created": True, "org_id": org_id, "assessments": assessments, "email": DEMO_EMAIL, "password": password,
            "peers": peers}


def create_org(db: Database, name: str, user_id: int) -> int:
    """Make an organisation and log its creation, as the web does, saying the demo made it."""
    with store.transaction(db):
        org_id = store.create_org(db, name, user_id)
        store.audit(db, "org_created", actor_id=user_id, org_id=org_id, object_kind="organisation",
                    object_id=org_id, label=name, detail=MADE_BY)
    return org_id


def create_unit(db: Database, org_id: int, name: str, user_id: int) -> int:
    """Add a unit and log it, as the web does, saying the demo made it."""
    with store.transaction(db):
        unit_id = store.create_unit(db, org_id, name)
        store.audit(db, "unit_created", actor_id=user_id, org_id=org_id, object_kind="unit", object_id=unit_id,
                    label=name, detail=MADE_BY)
    return unit_id


def assess(db: Database, content: Content, org_id: int, user_id: int, context: dict[str, Any],
           levels: dict[str, float], rng: random.Random, period: str, assessed_on: str,
           unit_id: int | None = None, title: str = "") -> None:
    """Answer the questionnaire at these levels and submit it, as a person would."""
    questionnaire = content.default_questionnaire
    response_id = store.create_org_assessment(db, org_id, user_id, questionnaire.id, questionnaire.version,
                                              title=title, period=period, assessed_on=assessed_on, unit_id=unit_id)
    store.save_context(db, response_id, context)
    store.save_answers(db, response_id, demo_answers(questionnaire, levels, rng))
    submit_response(db, content, response_id, questionnaire)


def peer_email(index: int) -> str:
    """The owner account of the demo's benchmark peer number ``index``."""
    local, domain = PEERS_EMAIL.split("@")
    return f"{local}+{index + 1}@{domain}"


def _peer_owner(db: Database, index: int, password_method: str) -> int:
    """The owner account of peer number ``index`` (made the first time)."""
    user = store.user_by_email(db, peer_email(index))
    return user["id"] if user else store.create_user(
        db, peer_email(index), secrets.token_urlsafe(24), name="Demo benchmark peer", password_method=password_method)


def create_peers(db: Database, content: Content, periods: list[tuple[str, str]], seed: int,
                 password_method: str) -> int:
    """The benchmark peers that do not exist yet, each with two quarters and opted in; return how many.

    Each has an owner account of its own: the benchmark counts only organisations with different owners."""
    created = 0
    legacy = store.user_by_email(db, PEERS_EMAIL)  # the one owner of every peer of an earlier demo
    for index, (name, (profile, level, units)) in enumerate(PEERS.items()):
        existing = db.execute("SELECT id FROM organisations WHERE name = ?", [name]).fetchone()
        if existing:
            if legacy is not None and store.membership(db, existing[0], legacy["id"]) == "owner":
                store.set_member(db, existing[0], _peer_owner(db, index, password_method), "owner")
                store.remove_member(db, existing[0], legacy["id"])
            continue
        user_id = _peer_owner(db, index, password_method)
        rng = random.Random(seed * 100 + index)
        org_id = create_org(db, name, user_id)
        scopes = [create_unit(db, org_id, unit, user_id) for unit in units] or [None]
        for scope_index, unit_id in enumerate(scopes):
            latest = {d: level + rng.uniform(-0.6, 0.6) + 0.3 * scope_index for d in GAIN_PER_QUARTER}
            for q, (period, assessed_on) in enumerate(periods):
                behind = len(periods) - 1 - q  # earlier quarters a little lower
                levels = {d: v - GAIN_PER_QUARTER[d] * behind for d, v in latest.items()}
                assess(db, content, org_id, user_id, {**PEER_BASE, **profile}, levels, rng, period, assessed_on,
                       unit_id=unit_id)
        store.set_benchmark_opt_in(db, org_id, True)
        created += 1
    return created
