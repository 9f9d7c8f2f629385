"""Organisations over time at scale: generate history, then time the dashboard and a
6-way comparison against a trivial endpoint of the same app, under gunicorn.

Every organisation takes part in the pooled benchmark, so each dashboard shows the benchmark
panel (a third of them by their units' combined picture); reading the pooled population once,
uncached, is timed on its own (population_ms).

Usage: python bench/history.py [--orgs 100] [--assessments 24] [--respondents 20] [--requests 300]
                               [--database PATH]
Default data: 100 organisations x 24 assessments x 20 respondents x 45 answers (about 2 million
answer rows). Times are medians of the app's own Server-Timing (server side).
Last line: dashboard_ms=X compare_ms=Y trivial_ms=Z population_ms=P
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import requests  # noqa: E402

from app import store  # noqa: E402
from app.engine import load_content  # noqa: E402
from app.service import compute_result  # noqa: E402
from bench.common import ROOT, gunicorn, random_context  # noqa: E402

PASSWORD = "bench password for history"


def generate(database: str, orgs: int, assessments: int, respondents: int, seed: int = 11) -> dict:
    """Fill the database; return the ids the measurements use."""
    content = load_content(ROOT)
    questionnaire = content.default_questionnaire
    questions = [q.id for q in questionnaire.questions()]
    rng = random.Random(seed)
    db = store.open_db(database)
    store.migrate(db)
    user_id = store.create_user(db, "bench@example.org", PASSWORD, role="admin")
    start_day = date(2021, 2, 15)
    answer_rows = 0
    all_ids: dict[int, list[int]] = {}
    for o in range(orgs):
        org_id = store.create_org(db, f"Organisation {o + 1}", user_id)
        units = [store.create_unit(db, org_id, f"Unit {u + 1}") for u in range(2)]
        context = random_context(rng)
        base = {q: rng.uniform(1.0, 2.5) for q in questions}
        ids = []
        with store.transaction(db):
            for a in range(assessments):
                day = start_day + timedelta(days=91 * (a // 2))
                unit_id = units[a % 2] if o % 3 == 0 else None
                assessment_id = db["assessments"].insert({
                    "kind": "workshop", "title": f"Quarter {a + 1}", "questionnaire_id": questionnaire.id,
                    "questionnaire_version": questionnaire.version, "created_at": day.isoformat(), "org_id": org_id,
                    "unit_id": unit_id, "period": store.quarter_label(day), "assessed_on": day.isoformat(),
                }).last_pk
                per_question: dict[str, list[int]] = {q: [] for q in questions}
                rows = []
                for r in range(respondents):
                    response_id = db["responses"].insert({
                        "assessment_id": assessment_id, "token_hash": store.hash_token(f"{assessment_id}-{r}"),
                        "context_json": json.dumps(context), "status": "submitted", "created_at": day.isoformat(),
                        "updated_at": day.isoformat(), "submitted_at": day.isoformat(),
                    }).last_pk
                    for q in questions:
                        level = max(1, min(5, round(rng.gauss(base[q] + 0.08 * a, 0.7))))
                        per_question[q].append(level)
                        rows.append((response_id, q, level, day.isoformat()))
                db.conn.executemany("INSERT INTO answers (response_id, question_id, level, updated_at) "
                                    "VALUES (?, ?, ?, ?)", rows)
                answer_rows += len(rows)
                answers = {q: statistics.median_low(v) for q, v in per_question.items()}
                result, figures = compute_result(content, questionnaire.id, answers, context, None)
                snapshot_id = store.insert_snapshot(db, assessment_id, result, figures, reason="closed",
                                                    questionnaire_version=questionnaire.version,
                                                    content_hash=content.hash)
                db.execute("UPDATE assessments SET status = 'closed', closed_at = ?, snapshot_id = ? WHERE id = ?",
                           [day.isoformat(), snapshot_id, assessment_id])
                ids.append(assessment_id)
        all_ids[org_id] = ids
        if (o + 1) % 10 == 0:
            print(f"  generated {o + 1} organisations, {answer_rows} answer rows", flush=True)
    with store.transaction(db):
        db.execute("UPDATE organisations SET benchmark_opt_in = 1")  # the benchmark panel on everywhere
    db.execute("ANALYZE")
    db.close()
    return {"orgs": all_ids, "answer_rows": answer_rows}


def existing(database: str) -> dict:
    """The ids the measurements use, from a database generated earlier."""
    db = store.open_db(database)
    orgs: dict[int, list[int]] = {}
    for org_id, assessment_id in db.execute("SELECT org_id, id FROM assessments WHERE status = 'closed' ORDER BY id"):
        orgs.setdefault(org_id, []).append(assessment_id)
    answer_rows = db.execute("SELECT count(*) FROM answers").fetchone()[0]
    db.close()
    return {"orgs": orgs, "answer_rows": answer_rows}


def login(session: requests.Session, url: str) -> None:
    page = session.get(url + "/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or \
        re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    response = session.post(url + "/login", data={"csrf_token": token.group(1), "email": "bench@example.org",
                                                  "password": PASSWORD}, allow_redirects=False)
    assert response.status_code == 302, response.text[:300]


def server_ms(response: requests.Response) -> float:
    response.raise_for_status()
    return float(re.search(r"app;dur=([\d.]+)", response.headers["Server-Timing"]).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--assessments", type=int, default=24)
    parser.add_argument("--respondents", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="keep the generated database here, or reuse it when it exists "
                                           "(generating 2 million answer rows takes minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or str(Path(tmp) / "history.sqlite3")
        started = time.perf_counter()
        if Path(database).exists():
            data = existing(database)
            print(f"reused {database}: {len(data['orgs'])} organisations, {data['answer_rows']} answer rows")
        else:
            data = generate(database, args.orgs, args.assessments, args.respondents)
            print(f"generated {args.orgs} organisations x {args.assessments} assessments x {args.respondents} "
                  f"respondents: {data['answer_rows']} answer rows in {time.perf_counter() - started:.0f} s, "
                  f"database {Path(database).stat().st_size / 1e6:.0f} MB")
        db = store.open_db(database)
        population = []
        for _ in range(5):
            started = time.perf_counter()
            store.benchmark_population(db)
            population.append(1000 * (time.perf_counter() - started))
        db.close()
        rng = random.Random(3)
        org_ids = list(data["orgs"])
        shown = 0
        timings = {"dashboard": [], "compare": [], "trivial": []}
        with gunicorn(database, workers=args.workers) as (url, _proc):
            session = requests.Session()
            login(session, url)
            for i in range(args.requests):
                org_id = rng.choice(org_ids)
                chosen = rng.sample(data["orgs"][org_id], min(6, len(data["orgs"][org_id])))
                page = session.get(f"{url}/orgs/{org_id}")
                timings["dashboard"].append(server_ms(page))
                assert "data-benchmark" in page.text, "the benchmark panel is missing"
                shown += "data-benchmark-table" in page.text
                query = "&".join(f"a={a}" for a in chosen)
                timings["compare"].append(server_ms(session.get(f"{url}/orgs/{org_id}/compare?{query}")))
                timings["trivial"].append(server_ms(session.get(f"{url}/healthz")))
    for name, values in timings.items():
        values.sort()
        print(f"{name:<10} median {statistics.median(values):7.2f} ms   p95 {values[int(0.95 * len(values)) - 1]:7.2f} ms"
              f"   max {values[-1]:7.2f} ms   ({len(values)} requests)")
    print(f"benchmark quarters shown on {shown} of {args.requests} dashboards (the rest: fewer than 5 peers with other owners)")
    print(f"dashboard_ms={statistics.median(timings['dashboard']):.2f} "
          f"compare_ms={statistics.median(timings['compare']):.2f} trivial_ms={statistics.median(timings['trivial']):.2f} "
          f"population_ms={statistics.median(population):.2f}")


if __name__ == "__main__":
    main()
