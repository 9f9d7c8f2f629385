"""Load an API read (GET a frozen result with a token) and the trivial endpoint of the same app under
gunicorn, with the same number of concurrent client connections, in alternating windows of the same run.

Every API request is authenticated (a hashed-token lookup) and counted for the token's rate limit (one
database write), so this shows what a token costs on top of reading the frozen JSON.
Usage: python bench/api.py [--seconds 8] [--workers 2] [--clients 8] [--window 1]
Also prints the rate of conditional reads (If-None-Match, answered 304).
Last line: api_rps=N trivial_rps=M ratio=R
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/<name>.py`: put the project root first, not bench/.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import random
import tempfile

import requests
from bench.common import gunicorn, random_answers, random_context
from bench.http import alternate, load, load_arguments

from app import create_app, store
from app.db import get_db


def frozen_result(database: str) -> tuple[str, str]:
    """A facilitator's token and the API path of a submitted assessment's frozen result."""
    app = create_app({"DATABASE": database, "SECRET_KEY": "bench"})
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    with app.app_context():
        db = get_db()
        user = store.create_user(db, "bench@example.org", "correct horse battery staple", role="facilitator")
        token = store.create_token(db, user, "bench", "read-write")[1]
    api = app.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(7)
    org = api.post("/api/v1/orgs", json={"name": "Bench Ltd"}, headers=headers).get_json()["id"]
    body = {"questionnaire": questionnaire.id, "answers": random_answers(rng, questionnaire),
            "context": random_context(rng), "period": "2026-Q4"}
    created = api.post(f"/api/v1/orgs/{org}/assessments", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assessment = created.get_json()["id"]
    assert api.post(f"/api/v1/orgs/{org}/assessments/{assessment}/submit", headers=headers).status_code == 200
    return token, f"/api/v1/orgs/{org}/assessments/{assessment}/result"


def main() -> None:
    args = load_arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "bench.sqlite3")
        token, path = frozen_result(database)
        auth = {"Authorization": f"Bearer {token}"}
        with gunicorn(database, workers=args.workers, extra_env={"FLASK_API_RATE_LIMIT": "100000000"}) as (url, _p):
            session = requests.Session()
            for _ in range(20):  # warm up both endpoints in every worker
                session.get(url + path, headers=auth).raise_for_status()
                session.get(url + "/healthz").raise_for_status()
            etag = session.get(url + path, headers=auth).headers["ETag"]
            api_rps, trivial_rps, api, trivial = alternate(url + path, url + "/healthz", args, auth)
            repeat, repeat_s = load(url + path, args.seconds / 2, args.clients, {**auth, "If-None-Match": etag}, 304)
    print(f"clients={args.clients} workers={args.workers} seconds={args.seconds:g} requests: api={api} "
          f"trivial={trivial} conditional_304={repeat} ({repeat / repeat_s:.0f}/s)")
    print(f"api_rps={api_rps:.0f} trivial_rps={trivial_rps:.0f} ratio={api_rps / trivial_rps:.2f}")


if __name__ == "__main__":
    main()
