"""People, assessments and page readers for the tests of organisations over time.

Every assessment here is answered like a person would: a signed-in member starts it from the
organisation page and walks the /r/<member link> pages. Expected values are read from each
result's JSON at /r/<token>/result.json, never written down by hand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from typing import Any, Callable

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import FULL_CONTEXT, AuthActions, Respondent, add_user, query, visible_text

PASSWORD = "a perfectly long test passphrase"

# Answer profiles: the level every question of a capability area is answered with.
FIRST = {"governance": 1, "analytics": 3, "facilitation": 2, "tools": 3, "leadership": 2}
SECOND = {"governance": 3, "analytics": 2, "facilitation": 2, "tools": 4, "leadership": 3}
ALL_TWO = dict.fromkeys(DIMENSIONS, 2)


# --------------------------------------------------------------------------
# People and assessments
# --------------------------------------------------------------------------


def levels_for(levels: dict[str, int], overrides: dict[str, int] | None = None) -> Callable:
    """A Respondent level_for: each question at its area's level, some questions overridden."""
    overrides = overrides or {}
    return lambda q: overrides.get(q.id, levels[q.id.split(".")[0]])


class OrgRespondent(Respondent):
    """The conftest Respondent, on an organisation's member link instead of a private token."""

    def __init__(self, client, questionnaire, token: str, csrf: str):
        self.client, self.questionnaire, self.token, self.csrf = client, questionnaire, token, csrf


@dataclass
class Assessment:
    id: int
    response_id: int
    token: str
    period: str
    result: dict[str, Any]


class Member:
    """A user signed in through /login on a client of their own (create=False: the account exists)."""

    def __init__(self, app, email: str, role: str = "facilitator", *, create: bool = True):
        if create:
            add_user(app, email, role=role, password=PASSWORD)
        self.app, self.email = app, email
        self.questionnaire = app.extensions["pmo_content"].default_questionnaire
        self.client = app.test_client()
        self.login()

    def login(self):
        response = AuthActions(self.client).login(self.email, PASSWORD)
        assert response.status_code == 302, response.text
        self.csrf = self.client.csrf

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def create_org(self, name: str = "Acme IT") -> int:
        response = self.post("/orgs/new", {"name": name})
        assert response.status_code == 302, response.text
        return int(response.location.rsplit("/", 1)[1])

    def add_unit(self, org_id: int, name: str) -> int:
        response = self.post(f"/orgs/{org_id}/units", {"name": name})
        assert response.status_code == 302, response.text
        return query(self.app, "SELECT id FROM units WHERE org_id = ? AND name = ?", [org_id, name])[0][0]

    def start(self, org_id: int, period: str, assessed_on: str, unit: int | None = None) -> OrgRespondent:
        response = self.post(f"/orgs/{org_id}/assessments",
                             # The tests build histories on purpose, two results of one period included.
                             {"period": period, "assessed_on": assessed_on, "unit": "" if unit is None else str(unit),
                              "same_period": "1"})
        assert response.status_code == 302, response.text
        token = response.location.split("/r/")[1].split("?")[0]
        assert re.fullmatch(r"m\d+\.[0-9a-f]{32}", token), token
        return OrgRespondent(self.client, self.questionnaire, token, self.csrf)

    def assess(self, org_id: int, period: str, assessed_on: str, level_for, unit: int | None = None) -> Assessment:
        """Start, answer and submit an assessment of the organisation; return it with its result."""
        if isinstance(level_for, dict):
            level_for = levels_for(level_for)
        respondent = self.start(org_id, period, assessed_on, unit)
        assert respondent.fill_context(FULL_CONTEXT).status_code == 302
        respondent.answer_all(level_for)
        assert respondent.submit().status_code == 302
        response_id = int(respondent.token[1:].split(".")[0])
        (assessment_id,), = query(self.app, "SELECT assessment_id FROM responses WHERE id = ?", [response_id])
        return Assessment(assessment_id, response_id, respondent.token, period, respondent.result())


# --------------------------------------------------------------------------
# Reading pages
# --------------------------------------------------------------------------


def tables(html: str, marker: str) -> list[list[list[str]]]:
    """Every table carrying the marker attribute, as rows of visible cell texts."""
    found = re.findall(rf"<table[^>]*\b{marker}\b[^>]*>(.*?)</table>", html, flags=re.S)
    assert found, f"no table with {marker}"
    return [[[visible_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
             for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)] for table in found]


def figure(html: str, figure_id: str) -> dict:
    """The plotly JSON embedded in the page for a chart."""
    found = re.search(rf'<script type="application/json" id="{figure_id}-data">(.*?)</script>', html, flags=re.S)
    assert found, f"no {figure_id} chart data"
    return json.loads(found.group(1))


def drawn_series(html: str, chart_id: str) -> dict[str, list[float | None]]:
    """The series of a chart drawn on the server (SVG), by name: their values, one per category."""
    start = html.index(f'id="{chart_id}"')
    end = html.index("</figure>", start)
    found = re.findall(r'data-series="([^"]*)" data-values="([^"]*)"', html[start:end])
    assert found, f"no {chart_id} chart drawn"
    series: dict[str, list[float | None]] = {}
    for name, values in found:  # a chart drawn for two widths gives each series twice, alike
        series.setdefault(unescape(name), [float(v) if v else None for v in values.split(" ")])
    return series


def drawn_categories(html: str, chart_id: str) -> list[str]:
    """The categories (periods) along a chart drawn on the server."""
    start = html.index(f'id="{chart_id}"')
    found = re.search(r'data-categories="([^"]*)"', html[start:html.index("</figure>", start)])
    assert found, f"no {chart_id} chart drawn"
    return json.loads(unescape(found.group(1)))


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def pitfall_steps(html: str) -> dict[str, dict[str, list[str]]]:
    """The pitfall history as {'Q1 → Q2': {'new': [titles], 'resolved': [...], 'persisting': [...]}}."""
    steps = {}
    for step in section(html, "pitfall-history-heading").split('<div class="pitfall-step">')[1:]:
        label = re.search(r'<p class="mb-1 fw-semibold small">(.*?)</p>', step, flags=re.S).group(1)
        kinds: dict[str, list[str]] = {"new": [], "resolved": [], "persisting": []}
        for kind, title in re.findall(r'<li><span class="badge[^"]*">(new|resolved)</span>(.*?)</li>', step,
                                      flags=re.S):
            kinds[kind].append(visible_text(title))
        persisting = re.search(r'<details[^>]*data-persisting>.*?<ul[^>]*>(.*?)</ul>', step, flags=re.S)
        if persisting:  # the pitfalls that persist fold under a count
            kinds["persisting"] = [visible_text(t) for t in re.findall(r"<li>(.*?)</li>", persisting.group(1),
                                                                      flags=re.S)]
        steps[visible_text(label)] = kinds
    return steps


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def arrow(before: float, now: float) -> str:
    delta = round(now - before, 2)
    return f"▲ {delta:+.2f}" if delta > 0 else f"▼ {delta:+.2f}" if delta < 0 else "= 0.00"


def to_target(score: float, target: int, baseline: float | None = None) -> int:
    """Percent to target as the dashboard shows it: from the baseline (else level 1), 100 only when reached."""
    goal = max(target, baseline) if baseline is not None else target
    if score >= goal:
        return 100
    start = baseline if baseline is not None and baseline < goal else 1.0
    return max(0, min(99, round(100 * (score - start) / (goal - start))))


def score(result: dict, key: str) -> float:
    return result["overall"]["score"] if key == "overall" else result["scores"][key]["score"]


def pitfall_titles(result: dict) -> dict[str, str]:
    return {p["id"]: p["title"] for p in result["pitfalls"]}


def expected_pitfall_step(before: dict, after: dict) -> dict[str, list[str]]:
    old, new = pitfall_titles(before), pitfall_titles(after)
    return {"new": [new[i] for i in new if i not in old], "resolved": [old[i] for i in old if i not in new],
            "persisting": [new[i] for i in new if i in old]}


def roadmap_items(result: dict) -> dict[str, dict]:
    return {i["id"]: {**i, "phase": p["id"]} for p in result["roadmap"]["phases"] for i in p["items"]}


def set_summary_fields(app, snapshot_id: int, **changes) -> None:
    """Edit a frozen summary directly in SQLite, as an older questionnaire version would have left it.
    A key like questionnaire__version reaches into nested mappings."""
    (raw,), = query(app, "SELECT summary_json FROM snapshots WHERE id = ?", [snapshot_id])
    summary = json.loads(raw)
    for path, value in changes.items():
        target = summary
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    db = store.open_db(app.config["DATABASE"])
    try:
        with store.transaction(db):
            db.execute("UPDATE snapshots SET summary_json = ? WHERE id = ?", [json.dumps(summary), snapshot_id])
    finally:
        db.close()
    from app.web.dashboard_data import clear_cache

    # The edit bypasses the app, so the dashboard generation cannot see it.
    clear_cache()


def snapshot_id_of(app, assessment_id: int) -> int:
    return query(app, "SELECT snapshot_id FROM assessments WHERE id = ?", [assessment_id])[0][0]


def without_csrf(html: bytes) -> bytes:
    """The page with its CSRF tokens masked (they carry a timestamp, so they change every second)."""
    return re.sub(rb'(name="csrf-token" content="|name="csrf_token"[^>]*? value=")[^"]+', rb"\1TOKEN", html)
