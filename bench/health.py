"""What the /healthz write probe costs: per probe, and per request with and without the cache.

The probe is a committed one-row write (BEGIN IMMEDIATE, upsert, COMMIT with synchronous=FULL,
so one fsync of the write-ahead log) in its own connection, after a statvfs of the database's
file system. /healthz runs it at most once per HEALTH_CACHE_SECONDS per process.

Usage: python bench/health.py [--probes 300] [--requests 3000] [--dir DIR]
Last line: probe_ms=N healthz_cached_ms=M healthz_uncached_ms=U
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from app import create_app, store  # noqa: E402


def per_call_ms(fn, n: int) -> tuple[float, float]:
    """Median and mean milliseconds of n calls."""
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), statistics.fmean(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--dir", help="where the database lives (default: a temporary directory on disk)")
    args = parser.parse_args()
    if args.dir:
        run(Path(args.dir), args)
    else:
        # On disk (/var/tmp), not on a tmpfs: the probe's cost is mostly its fsync.
        with tempfile.TemporaryDirectory(prefix="pmo-health-", dir=os.environ.get("TMPDIR", "/var/tmp")) as tmp:
            run(Path(tmp), args)


def run(directory: Path, args) -> None:
    db_path = directory / "health.sqlite3"
    apps = {seconds: create_app({"DATABASE": str(db_path), "SECRET_KEY": "bench", "HEALTH_CACHE_SECONDS": seconds})
            for seconds in (5, 0)}

    statvfs_med, _ = per_call_ms(lambda: os.statvfs(directory), args.probes)
    probe_med, probe_mean = per_call_ms(lambda: store.probe_storage(db_path), args.probes)
    cached = apps[5].test_client()
    cached.get("/healthz")
    cached_med, cached_mean = per_call_ms(lambda: cached.get("/healthz"), args.requests)
    uncached = apps[0].test_client()
    uncached_med, uncached_mean = per_call_ms(lambda: uncached.get("/healthz"), max(args.probes, 100))

    print(f"database: {db_path}")
    print(f"statvfs alone:                 median {1000 * statvfs_med:8.1f} us")
    print(f"write probe (uncached):        median {probe_med:8.3f} ms   mean {probe_mean:8.3f} ms   "
          f"({args.probes} probes)")
    print(f"/healthz, probe cached 5 s:    median {cached_med:8.3f} ms   mean {cached_mean:8.3f} ms   "
          f"({args.requests} requests, test client)")
    print(f"/healthz, probing every call:  median {uncached_med:8.3f} ms   mean {uncached_mean:8.3f} ms")
    print(f"probe_ms={probe_med:.3f} healthz_cached_ms={cached_med:.3f} healthz_uncached_ms={uncached_med:.3f}")


if __name__ == "__main__":
    main()
