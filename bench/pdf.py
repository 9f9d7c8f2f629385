"""The PDF under load, under gunicorn: a first render, a kept one, and /healthz while 8 clients at
once ask for report.pdf?start=<a new date> (issue 23's attack: each start date missed every cache).

Usage: python bench/pdf.py [--workers 4] [--requests 8] [--same-client]
--same-client: all requests from one address (the attack; the per-client limit answers 429);
by default each request has its own address (X-Forwarded-For through one trusted proxy hop).
Last line: render_ms=N kept_ms=M healthz_p50_ms=P healthz_max_ms=X ok=A limited=L (429) busy=B (503)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import requests  # noqa: E402

from bench.common import gunicorn  # noqa: E402
from bench.http import submitted_result  # noqa: E402


def timed_get(url: str, **kwargs) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = requests.get(url, timeout=300, **kwargs)
    return 1000 * (time.perf_counter() - started), response


def first_render(url: str) -> tuple[float, requests.Response]:
    """The first render of the report: a 503/429 (the render made at submit still running on a busy
    machine) is waited out as its Retry-After says, and only the request that renders is timed."""
    deadline = time.monotonic() + 600
    while True:
        elapsed, response = timed_get(url)
        if response.status_code not in (429, 503) or time.monotonic() > deadline:
            return elapsed, response
        time.sleep(min(30, int(response.headers.get("Retry-After") or 5)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--same-client", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pmo-pdf-") as tmp:
        database = str(Path(tmp) / "pdf.sqlite3")
        result = submitted_result(database)  # /r/<token>/result; its page is not shown, so nothing is made ahead
        report = result.replace("/result", "/report.pdf")
        with gunicorn(database, workers=args.workers, extra_env={"FLASK_PROXY_HOPS": "1"}) as (url, _proc):
            render_ms, first = first_render(url + report + "?start=2030-01-07")
            assert first.status_code == 200 and first.content.startswith(b"%PDF"), first.status_code
            kept_ms, _ = timed_get(url + report + "?start=2030-01-07")
            probes: list[float] = []
            done = threading.Event()

            def probe() -> None:
                while not done.is_set():
                    probes.append(timed_get(url + "/healthz")[0])
                    time.sleep(0.1)

            prober = threading.Thread(target=probe)
            prober.start()

            def attack(i: int) -> int:
                start = date(2031, 1, 6) + timedelta(days=i)
                client = "203.0.113.9" if args.same_client else f"203.0.113.{10 + i}"
                return timed_get(f"{url}{report}?start={start}", headers={"X-Forwarded-For": client})[1].status_code

            with ThreadPoolExecutor(args.requests) as pool:
                codes = list(pool.map(attack, range(args.requests)))
            done.set()
            prober.join()
    print(f"{args.requests} PDF requests: {codes}; /healthz probes: {len(probes)}")
    print(f"render_ms={render_ms:.0f} kept_ms={kept_ms:.0f} healthz_p50_ms={statistics.median(probes):.0f} "
          f"healthz_max_ms={max(probes):.0f} ok={codes.count(200)} limited={codes.count(429)} busy={codes.count(503)}")


if __name__ == "__main__":
    main()
