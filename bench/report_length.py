"""How long the reports a client reads are, over a sweep of uneven organisations: the body before the
appendix and the whole report, in the Markdown and the PDF's HTML, and how many sentences of eight
words or more the body says twice.

Usage: python bench/report_length.py [--n 300] [--seed 22] [--worst 3]
Lines: min/median/max words of each measure, and the organisations with the longest bodies.
Last line: organisations=N body_max_words=… whole_max_words=… pdf_body_max_words=… repeated_max=… (key=value).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
from datetime import date  # noqa: E402

from app.engine import load_content, run_assessment  # noqa: E402
from app.reports.html import render_html  # noqa: E402
from tests.report_text import body_and_appendix, repeated_sentences, visible_words, words  # noqa: E402
from app.reports.markdown import render_markdown  # noqa: E402
from app.reports.model import build_report  # noqa: E402
from app.reports.questionnaire import questionnaire_as_dict  # noqa: E402
from bench.common import ROOT  # noqa: E402
from tests.uneven import uneven_organisation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--worst", type=int, default=3)
    args = parser.parse_args()
    content = load_content(ROOT)
    questionnaire = content.default_questionnaire
    plain = questionnaire_as_dict(questionnaire)
    rng = random.Random(args.seed)
    figures: dict[str, list[int]] = {"markdown body": [], "markdown whole": [], "pdf body": [], "pdf whole": [],
                                     "repeated sentences": []}
    longest = []
    for index in range(args.n):
        answers, context = uneven_organisation(rng, questionnaire)
        result = run_assessment(content, answers, context, plan={"start_date": date(2027, 1, 4).isoformat()})
        text = render_markdown(result)
        body, _appendix = body_and_appendix(text)
        figures["markdown body"].append(words(body))
        figures["markdown whole"].append(words(text))
        figures["repeated sentences"].append(len(repeated_sentences(body)))
        html = render_html(build_report(result, plain, start=date(2027, 1, 4), subject={"kind": "self"}), charts={})
        figures["pdf body"].append(visible_words(html.split("data-appendix", 1)[0]))
        figures["pdf whole"].append(visible_words(html))
        longest.append((words(body), index, context.get("primary_pain"), context.get("business_units")))
    for name, values in figures.items():
        print(f"{name:>20}: min {min(values)}, median {statistics.median(values):.0f}, max {max(values)}")
    for size, index, pain, units in sorted(longest, reverse=True)[:args.worst]:
        print(f"longest body: organisation {index} ({pain}, {units} units): {size} words")
    print(f"organisations={args.n} body_max_words={max(figures['markdown body'])} "
          f"whole_max_words={max(figures['markdown whole'])} pdf_body_max_words={max(figures['pdf body'])} "
          f"repeated_max={max(figures['repeated sentences'])}")


if __name__ == "__main__":
    main()
