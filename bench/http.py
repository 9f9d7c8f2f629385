"""Load a results page and a trivial endpoint of the same app, alternately, under gunicorn.

Usage: python bench/http.py [--seconds 10] [--workers 2]
Last line: results_rps=N trivial_rps=M ratio=R
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/<name>.py`: put the project root first, not bench/ (whose http.py
# would otherwise shadow the standard library's http package).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

import requests
from bench.common import gunicorn, random_answers, random_context

from app import create_app


def submitted_result(database: str) -> str:
    """Complete one assessment through the app; return its result page path."""
    app = create_app({"DATABASE": database, "SECRET_KEY": "bench"})
    client = app.test_client()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text).group(1)
    token = client.post("/start", data={"csrf_token": csrf}).location.split("/r/")[1].split("?")[0]
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    rng = random.Random(7)
    context = random_context(rng)
    form = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in context.items()}
    client.post(f"/r/{token}/context", data={**form, "csrf_token": csrf})
    answers = random_answers(rng, questionnaire)
    data = {f"q-{qid}": ("dk" if level is None else str(level)) for qid, level in answers.items()}
    for dim in questionnaire.dimensions:
        page = {k: v for k, v in data.items() if k.startswith(f"q-{dim.id}.")}
        client.post(f"/r/{token}/d/{dim.id}", data={**page, "csrf_token": csrf})
    assert client.post(f"/r/{token}/submit", data={"csrf_token": csrf}).status_code == 302
    return f"/r/{token}/result"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "bench.sqlite3")
        path = submitted_result(database)
        with gunicorn(database, workers=args.workers) as (url, _proc):
            session = requests.Session()
            for _ in range(20):  # warm up both endpoints
                session.get(url + path).raise_for_status()
                session.get(url + "/healthz").raise_for_status()
            spent = {"results": 0.0, "trivial": 0.0}
            count = {"results": 0, "trivial": 0}
            deadline = time.perf_counter() + args.seconds
            while time.perf_counter() < deadline:
                for name, target in (("results", path), ("trivial", "/healthz")):
                    start = time.perf_counter()
                    response = session.get(url + target)
                    spent[name] += time.perf_counter() - start
                    response.raise_for_status()
                    count[name] += 1
    results_rps = count["results"] / spent["results"]
    trivial_rps = count["trivial"] / spent["trivial"]
    print(f"requests: results={count['results']} trivial={count['trivial']} "
          f"mean_ms: results={1000 * spent['results'] / count['results']:.2f} "
          f"trivial={1000 * spent['trivial'] / count['trivial']:.2f}")
    print(f"results_rps={results_rps:.0f} trivial_rps={trivial_rps:.0f} ratio={results_rps / trivial_rps:.2f}")


if __name__ == "__main__":
    main()
