"""Score generated answer sets through the whole engine; print assessments per second.

Usage: python bench/engine.py [--n 2000] [--seed 1]
Last line: assessments_per_s=N
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/<name>.py`: put the project root first, not bench/ (whose http.py
# would otherwise shadow the standard library's http package).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse
import random
import time

from bench.common import ROOT, random_answers, random_context

from app.engine import load_content, run_assessment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    content = load_content(ROOT)
    questionnaire = content.default_questionnaire
    rng = random.Random(args.seed)
    inputs = [(random_answers(rng, questionnaire), random_context(rng)) for _ in range(args.n)]
    run_assessment(content, *inputs[0])  # warm up
    start = time.perf_counter()
    for answers, context in inputs:
        run_assessment(content, answers, context)
    elapsed = time.perf_counter() - start
    print(f"assessments={args.n} seconds={elapsed:.3f} ms_per_assessment={1000 * elapsed / args.n:.3f}")
    print(f"assessments_per_s={args.n / elapsed:.0f}")


if __name__ == "__main__":
    main()
