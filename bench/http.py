"""Load a results page and a trivial endpoint of the same app under gunicorn, each with the
same number of concurrent client connections, one after the other in the same run.

Usage: python bench/http.py [--seconds 8] [--workers 2] [--clients 8] [--window 1] [--identity]
The two alternate in windows of --window seconds, so both see the same background load.
--identity: the clients accept no compression (Accept-Encoding: identity); by default they accept gzip.
Also prints the rate of repeat visits that revalidate (If-None-Match, answered 304), and the server's CPU time
per request of each (its workers' user and system time, read from /proc), which other load on a shared machine
does not change as much as it changes requests per second: cpu_ratio is the trivial's CPU per request over the
results page's.
Last line: results_rps=N trivial_rps=M ratio=R results_cpu_ms=C trivial_cpu_ms=T cpu_ratio=Q
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from bench.common import cpu_seconds, gunicorn, random_answers, random_context

from app import create_app


def submitted_result(database: str) -> str:
    """Complete one assessment through the app; return its result page path."""
    # Nothing is made ahead here: the bench measures the server, not a PDF made by this process at submit.
    app = create_app({"DATABASE": database, "SECRET_KEY": "bench", "REPORT_PRERENDER": False})
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


def load(url: str, seconds: float, clients: int, headers: dict | None = None, expect: int = 200,
         cookies=None) -> tuple[int, float]:
    """``clients`` threads, each with its own connection, requesting ``url`` for ``seconds``: (count, elapsed)."""
    counts = [0] * clients
    start = time.perf_counter()
    deadline = start + seconds

    def client(index: int) -> None:
        session = requests.Session()
        if cookies is not None:  # the same browser session (its ETag holds its CSRF secret)
            session.cookies.update(cookies)
        while time.perf_counter() < deadline:
            response = session.get(url, headers=headers)
            if response.status_code != expect:
                raise RuntimeError(f"{url} answered {response.status_code}, expected {expect}")
            counts[index] += 1

    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client, i) for i in range(clients)]:
            future.result()
    return sum(counts), time.perf_counter() - start


def load_arguments(doc: str) -> argparse.Namespace:
    """The options of the load benchmarks: --seconds, --workers, --clients, --window."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--window", type=float, default=1.0, help="seconds per window; the two alternate")
    parser.add_argument("--identity", action="store_true", help="accept no compression (default: gzip)")
    return parser.parse_args()


def encoding_headers(args: argparse.Namespace) -> dict:
    """What the clients accept: no compression with --identity, else what a browser's gzip allows."""
    return {"Accept-Encoding": "identity" if getattr(args, "identity", False) else "gzip, deflate"}


def alternate(first: str, second: str, args: argparse.Namespace,
              headers: dict | None = None, server_cpu: tuple[int, list[float]] | None = None) -> tuple[float, float, int, int]:
    """Load ``first`` (with ``headers``) and ``second`` in alternating windows, so both see the same background
    load on a shared machine: (first's requests per second, second's, first's count, second's count).

    ``server_cpu``: (the server's pid, a list of two) adds the server's CPU seconds spent on each to the list.
    """
    counts, spent = [0, 0], [0.0, 0.0]
    accept = encoding_headers(args)
    for _ in range(max(1, round(args.seconds / args.window))):
        for index, (url, sent) in enumerate(((first, {**accept, **(headers or {})}), (second, accept))):
            before = cpu_seconds(server_cpu[0]) if server_cpu else 0.0
            count, seconds = load(url, args.window, args.clients, sent)
            counts[index], spent[index] = counts[index] + count, spent[index] + seconds
            if server_cpu:
                server_cpu[1][index] += cpu_seconds(server_cpu[0]) - before
    return counts[0] / spent[0], counts[1] / spent[1], counts[0], counts[1]


def main() -> None:
    args = load_arguments(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        database = str(Path(tmp) / "bench.sqlite3")
        path = submitted_result(database)
        with gunicorn(database, workers=args.workers) as (url, proc):
            session = requests.Session()
            for _ in range(20):  # warm up both endpoints in every worker
                session.get(url + path).raise_for_status()
                session.get(url + "/healthz").raise_for_status()
            etag = session.get(url + path).headers["ETag"]
            cpu = [0.0, 0.0]
            results_rps, trivial_rps, results, trivial = alternate(url + path, url + "/healthz", args,
                                                                   server_cpu=(proc.pid, cpu))
            size = len(session.get(url + path, headers=encoding_headers(args), stream=True).raw.read())
            repeat, repeat_s = load(url + path, args.seconds / 2, args.clients, {"If-None-Match": etag}, 304,
                                    session.cookies)
    print(f"accept-encoding={encoding_headers(args)['Accept-Encoding']!r} "
          f"clients={args.clients} workers={args.workers} seconds={args.seconds:g} requests: results={results} "
          f"trivial={trivial} repeat_visits_304={repeat} ({repeat / repeat_s:.0f}/s); results page {size} bytes as sent")
    results_cpu, trivial_cpu = 1000 * cpu[0] / max(results, 1), 1000 * cpu[1] / max(trivial, 1)
    print(f"results_rps={results_rps:.0f} trivial_rps={trivial_rps:.0f} ratio={results_rps / trivial_rps:.2f} "
          f"results_cpu_ms={results_cpu:.2f} trivial_cpu_ms={trivial_cpu:.2f} "
          f"cpu_ratio={trivial_cpu / results_cpu if results_cpu else 0:.2f}")


if __name__ == "__main__":
    main()
