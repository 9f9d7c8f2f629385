"""History: compare frozen results over time and across units. Pure functions over small
summaries of results, so dashboards never re-read raw answers or re-run the engine.

Comparisons are by dimension, which every questionnaire version shares; question-level
deltas are given only for question ids both results have.
"""

from __future__ import annotations

from statistics import mean
from typing import Any, Iterable, Mapping, Sequence

from .vocabulary import DIMENSIONS

# A dimension counts as regressed when its score fell at least this much between two assessments.
REGRESSION_DROP = 0.1


def summarise(result: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a result that history needs, small enough to read by the hundred."""
    roadmap = result.get("roadmap") or {}
    items = []
    for phase in roadmap.get("phases", []):
        for item in phase["items"]:
            items.append({"id": item["id"], "title": item["title"], "dimension": item["dimension"],
                          "to_level": item["to_level"], "phase": phase["id"], "phase_title": phase["title"],
                          "effort_weeks": item.get("effort_weeks"), "owner": item.get("owner")})
    recommendation = result.get("recommendation") or {}
    return {
        "questionnaire": {"id": result["questionnaire"]["id"], "version": result["questionnaire"]["version"]},
        "dimensions": result["questionnaire"].get("dimensions", {}),
        "scores": {d: result["scores"][d]["score"] for d in DIMENSIONS},
        "insufficient": [d for d in DIMENSIONS if result["scores"][d]["insufficient"]],
        "overall": result["overall"]["score"],
        "overall_label": result["overall"]["label"],
        "model": recommendation.get("model"),
        "hybrid_with": recommendation.get("hybrid_with"),
        "pitfalls": [{"id": p["id"], "title": p["title"], "severity": p["severity"]}
                     for p in result.get("pitfalls", [])],
        "target": roadmap.get("target") or {},
        "roadmap": items,
        "phases": [{"id": p["id"], "title": p["title"], "start_month": p["start_month"],
                    "end_month": p["end_month"]} for p in roadmap.get("phases", [])],
        "answers": dict(result.get("answers") or {}),
    }


def direction(delta: float | None) -> str:
    if delta is None:
        return "unknown"
    if delta > 0.004:
        return "up"
    if delta < -0.004:
        return "down"
    return "same"


def delta_table(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per dimension (and overall): previous and current score, the change and its direction."""
    rows = []
    for key in (*DIMENSIONS, "overall"):
        now = current["overall"] if key == "overall" else current["scores"][key]
        before = None
        if previous is not None:
            before = previous["overall"] if key == "overall" else previous["scores"][key]
        delta = round(now - before, 2) if now is not None and before is not None else None
        rows.append({"dimension": key, "previous": before, "current": now, "delta": delta,
                     "direction": direction(delta)})
    return rows


def percent_to_target(score: float | None, target: int | None) -> int | None:
    """How far from level 1 towards the target the score has come, 0-100."""
    if score is None or not target:
        return None
    if target <= 1:
        return 100
    return max(0, min(100, round(100 * (score - 1) / (target - 1))))


def progress_to_target(summary: Mapping[str, Any]) -> dict[str, int | None]:
    return {d: percent_to_target(summary["scores"][d], summary["target"].get(d)) for d in DIMENSIONS}


def versions_differ(summaries: Iterable[Mapping[str, Any]]) -> bool:
    return len({(s["questionnaire"]["id"], s["questionnaire"]["version"]) for s in summaries}) > 1


def question_deltas(previous: Mapping[str, Any], current: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Answers that changed, for question ids both results have and both answered."""
    rows = []
    for qid, now in current["answers"].items():
        before = previous["answers"].get(qid)
        if now is None or before is None or now == before:
            continue
        rows.append({"question": qid, "dimension": qid.split(".", 1)[0], "previous": before, "current": now,
                     "delta": now - before})
    rows.sort(key=lambda r: (-abs(r["delta"]), r["question"]))
    return rows


def pitfall_history(summaries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """For each assessment after the first: pitfalls that are new, resolved or persisting."""
    history = []
    for before, after in zip(summaries, summaries[1:]):
        old = {p["id"]: p for p in before["pitfalls"]}
        new = {p["id"]: p for p in after["pitfalls"]}
        history.append({
            "new": [new[i] for i in new if i not in old],
            "resolved": [old[i] for i in old if i not in new],
            "persisting": [new[i] for i in new if i in old],
        })
    return history


def model_history(summaries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The recommended model of each assessment and whether it changed from the one before."""
    rows: list[dict[str, Any]] = []
    for index, summary in enumerate(summaries):
        model = summary["model"]
        rows.append({"model": model, "hybrid_with": summary["hybrid_with"],
                     "changed": index > 0 and model != summaries[index - 1]["model"]})
    return rows


def rollup(summaries: Mapping[Any, Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Mean and minimum per dimension (and overall) across units' latest results."""
    out: dict[str, dict[str, float | None]] = {}
    for key in (*DIMENSIONS, "overall"):
        values = [(s["overall"] if key == "overall" else s["scores"][key]) for s in summaries.values()]
        values = [v for v in values if v is not None]
        out[key] = {"mean": round(mean(values), 2) if values else None, "min": min(values) if values else None}
    return out


def apply_progress(summary: Mapping[str, Any], progress: Mapping[str, Mapping[str, Any]],
                   previous: Mapping[str, Any] | None, latest_date: str | None = None) -> dict[str, Any]:
    """The current roadmap with recorded progress carried forward.

    An item marked done before the latest assessment stays done, unless its dimension
    regressed since the previous assessment: then it is planned again and flagged, because
    what was built is not holding. An item marked done after the latest assessment is done.
    """
    items = []
    for item in summary["roadmap"]:
        record = progress.get(item["id"])
        status = record["status"] if record else "planned"
        regression = None
        done_when = (record or {}).get("on_date") or ((record or {}).get("updated_at") or "")[:10]
        if status == "done" and previous is not None and (latest_date is None or done_when <= latest_date):
            now, before = summary["scores"][item["dimension"]], previous["scores"].get(item["dimension"])
            if now is not None and before is not None and round(before - now, 2) >= REGRESSION_DROP:
                regression = {"from": before, "to": now}
                status = "planned"
        items.append({**item, "status": status, "on_date": record["on_date"] if record else None,
                      "owner_name": (record or {}).get("owner") or "", "regression": regression})
    phases = []
    for phase in summary["phases"]:
        in_phase = [i for i in items if i["phase"] == phase["id"]]
        counts = {s: sum(1 for i in in_phase if i["status"] == s) for s in ("planned", "started", "done")}
        total = len(in_phase)
        phases.append({**phase, "items": in_phase, "counts": counts, "total": total,
                       "percent_done": round(100 * counts["done"] / total) if total else None})
    return {"items": items, "phases": phases,
            "regressions": [i for i in items if i["regression"]],
            "done": sum(1 for i in items if i["status"] == "done"), "total": len(items)}
