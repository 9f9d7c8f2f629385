"""Run generated answer sets through the whole engine; print where the time goes and
assessments per second.

Usage: python bench/engine.py [--n 2000] [--seed 1]
Last line: assessments_per_s=N
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/<name>.py`: put the project root first, not bench/ (whose http.py
# would otherwise shadow the standard library's http package).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402

from bench.common import ROOT, random_answers, random_context  # noqa: E402

from app.engine import load_content, run_assessment  # noqa: E402
from app.engine.assessment import choose_target, fact_labels, plan_roadmap  # noqa: E402
from app.engine.facts import build_facts  # noqa: E402
from app.engine.profile import validate_context  # noqa: E402
from app.engine.rules import (  # noqa: E402
    ChangeSearch, choose_ownership, find_pitfalls, rank_models, score_models, what_would_change,
)
from app.engine.scoring import describe_highlights, score_answers, validate_answers  # noqa: E402
from app.engine.vocabulary import DIMENSIONS  # noqa: E402


def stages(content, inputs):
    """Time each stage of the engine separately over the same inputs."""
    q = content.default_questionnaire
    rulebook = content.rulebook
    weights = {d.id: d.weight for d in q.dimensions}
    labels = fact_labels(q)
    spent = {"validate and score": 0.0, "rules: models, pitfalls, ownership": 0.0,
             "what would change": 0.0, "roadmap": 0.0}
    evaluations = candidates = 0
    naive_evaluations = 0
    clock = time.perf_counter
    for answers, context in inputs:
        t0 = clock()
        clean = validate_answers(q, answers)
        ctx, _ = validate_context(q, context)
        scored = score_answers(q, clean)
        describe_highlights(q, scored["scores"], clean)
        t1 = clock()
        facts = build_facts(q, scored, clean, ctx)
        rec = rank_models(rulebook, facts)
        fired = rec.pop("_fired")
        order = [e["model"] for e in rec["ranking"]]
        facts["model"] = rec["model"]
        pitfalls = find_pitfalls(rulebook, facts)
        choose_ownership(rulebook, facts)
        del facts["model"]
        t2 = clock()
        _changes, n = what_would_change(rulebook, facts, fired, order, weights, labels)
        t3 = clock()
        target, _ = choose_target(content, rec["model"], {})
        plan_roadmap(content, q, scored["scores"], target, pitfalls)
        t4 = clock()
        spent["validate and score"] += t1 - t0
        spent["rules: models, pitfalls, ownership"] += t2 - t1
        spent["what would change"] += t3 - t2
        spent["roadmap"] += t4 - t3
        evaluations += n
        search = ChangeSearch(rulebook, facts, fired, order[0], order[1], weights, labels)
        tried = sum(len(search.score_candidates(d)) for d in DIMENSIONS)
        tried += sum(len(search.context_candidates(k)) for k in context)
        candidates += tried
        naive_evaluations += tried * len(rulebook.model_rules)
    return spent, evaluations, candidates, naive_evaluations


def naive_search_ms(content, inputs):
    """What re-running every model rule for every candidate would cost, per assessment."""
    q = content.default_questionnaire
    rulebook = content.rulebook
    weights = {d.id: d.weight for d in q.dimensions}
    labels = fact_labels(q)
    total = 0.0
    for answers, context in inputs:
        clean = validate_answers(q, answers)
        ctx, _ = validate_context(q, context)
        scored = score_answers(q, clean)
        facts = build_facts(q, scored, clean, ctx)
        rec = rank_models(rulebook, facts)
        order = [e["model"] for e in rec["ranking"]]
        search = ChangeSearch(rulebook, facts, rec["_fired"], order[0], order[1], weights, labels)
        start = time.perf_counter()
        for dim in DIMENSIONS:
            for value in search.score_candidates(dim):
                changed = search._score_change(dim, value)
                saved = {k: facts[k] for k in changed}
                facts.update(changed)
                score_models(rulebook, facts)
                facts.update(saved)
        total += time.perf_counter() - start
    return 1000 * total / len(inputs)


def reference_evaluation_ms(content, inputs):
    """Evaluating every model rule once with rule-engine's own tree walk, per assessment."""
    q = content.default_questionnaire
    rules = content.rulebook.model_rules
    fast = slow = 0.0
    for answers, context in inputs:
        clean = validate_answers(q, answers)
        ctx, _ = validate_context(q, context)
        facts = build_facts(q, score_answers(q, clean), clean, ctx)
        start = time.perf_counter()
        for rule in rules:
            rule.condition.matches(facts)
        middle = time.perf_counter()
        for rule in rules:
            rule.condition.matches_reference(facts)
        slow += time.perf_counter() - middle
        fast += middle - start
    return 1000 * fast / len(inputs), 1000 * slow / len(inputs)


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

    spent, evaluations, candidates, naive = stages(content, inputs)
    total = sum(spent.values())
    print(f"engine stages, ms per assessment (share), over {args.n} generated assessments:")
    for name, seconds in spent.items():
        print(f"  {name:<38} {1000 * seconds / args.n:6.3f} ms  {100 * seconds / total:5.1f}%")
    print(f"what-would-change search: {candidates / args.n:.1f} candidate changes and "
          f"{evaluations / args.n:.1f} rule evaluations per assessment "
          f"(a naive search would evaluate {naive / args.n:.0f}); "
          f"naive full re-evaluation of the score candidates alone: "
          f"{naive_search_ms(content, inputs[:300]):.2f} ms per assessment")

    fast, slow = reference_evaluation_ms(content, inputs[:300])
    print(f"all {len(content.rulebook.model_rules)} model rules once: compiled {fast:.3f} ms, "
          f"rule-engine tree walk {slow:.3f} ms per assessment ({slow / fast:.0f}x)")

    start = time.perf_counter()
    for answers, context in inputs:
        run_assessment(content, answers, context)
    elapsed = time.perf_counter() - start
    print(f"whole engine: assessments={args.n} seconds={elapsed:.3f} ms_per_assessment={1000 * elapsed / args.n:.3f}")
    print(f"assessments_per_s={args.n / elapsed:.0f}")


if __name__ == "__main__":
    main()
