"""The PDF render alone, in this process: CPU time per report (HTML, charts and WeasyPrint) for the
organisation bench/pdf.py submits and a spread of generated ones, and where the time goes.

Usage: python bench/pdf_render.py [--orgs 6] [--runs 2] [--profile]
Each report is rendered ``--runs`` times; the charts are drawn on the first run only (the server draws
them once per distinct data), so the first run is the first PDF of a result, the later ones a new start date.
--profile: print WeasyPrint's function calls per report and the 15 costliest functions (cProfile).
Last line: render_cpu_ms=N first_cpu_ms=F max_cpu_ms=X pages=P (medians over the reports; CPU time is not
moved by other load on the machine)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402

from bench.common import ROOT, random_answers, random_context  # noqa: E402

from app.engine import load_content, run_assessment  # noqa: E402
from app.reports.model import build_report  # noqa: E402
from app.reports.pdf import render_pdf  # noqa: E402
from app.reports.questionnaire import questionnaire_as_dict  # noqa: E402

START = date(2030, 1, 7)


def page_count(pdf: bytes) -> int:
    """The PDF's pages, as poppler's pdfinfo counts them (0 where it is not installed)."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, timeout=60).stdout.decode()
    except OSError:
        return 0
    found = re.search(r"^Pages:\s+(\d+)", info, flags=re.M)
    return int(found.group(1)) if found else 0


def reports(content, count: int) -> list[dict]:
    """bench/pdf.py's organisation (seed 7) first, then generated ones."""
    questionnaire = content.default_questionnaire
    plain = questionnaire_as_dict(questionnaire)
    out = []
    for seed in [7] + [100 + i for i in range(count - 1)]:
        rng = random.Random(seed)
        context = random_context(rng)
        result = run_assessment(content, random_answers(rng, questionnaire), context)
        out.append(build_report(result, plain, start=START, subject={"kind": "self", "organisation": "Bench"}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=6)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    content = load_content(ROOT)
    render_pdf(reports(content, 1)[0])  # warm up: imports, fonts and WeasyPrint's caches
    first, later, pages = [], [], []
    for index, report in enumerate(reports(content, args.orgs)):
        for run in range(args.runs):
            started = time.process_time()
            pdf = render_pdf(report)  # the charts are drawn on the first run, then found in their cache
            spent = 1000 * (time.process_time() - started)
            (first if run == 0 else later).append(spent)
        pages.append(page_count(pdf))
        line = f"report {index}: first {first[-1]:.0f} ms CPU, {pages[-1]} pages"
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(render_pdf, report)
            stats = pstats.Stats(profiler, stream=io.StringIO())
            weasy = sum(calls for (path, _, _), (_, calls, *_rest) in stats.stats.items() if "weasyprint" in path)
            line += f", {weasy / 1e6:.2f}M WeasyPrint calls"
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
            print(out.getvalue())
        print(line)
    every = first + later
    print(f"render_cpu_ms={statistics.median(every):.0f} first_cpu_ms={statistics.median(first):.0f} "
          f"max_cpu_ms={max(every):.0f} pages={statistics.median(pages):.0f}")


if __name__ == "__main__":
    main()
