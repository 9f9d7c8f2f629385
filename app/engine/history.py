"""History: compare frozen results over time and across units. Pure functions over small
summaries of results, so dashboards never re-read raw answers or re-run the engine.

Comparisons are by dimension, which every questionnaire version shares; question-level
deltas are given only for question ids both results have.
"""

from __future__ import annotations

import re
from datetime import date
from statistics import mean
from typing import Any, Iterable, Mapping, Sequence

from .progress import REGRESSION_DROP, apply_progress  # noqa: F401  (history's callers read them here)
from .reassessment import quarter_of
from .summary import design_of
from .vocabulary import DIMENSIONS


def summarise(result: Mapping[str, Any]) -> dict[str, Any]:
    """The parts of a result that history needs, small enough to read by the hundred."""
    roadmap = result.get("roadmap") or {}
    items = []
    for phase in roadmap.get("phases", []):
        for item in phase["items"]:
            items.append({"id": item["id"], "title": item["title"], "dimension": item["dimension"],
                          "to_level": item["to_level"], "phase": phase["id"], "phase_title": phase["title"],
                          "effort_weeks": item.get("effort_weeks"), "owner": item.get("owner"),
                          # The planned window and what the improvement is, shown beside its progress.
                          "start_week": item.get("start_week"), "duration_weeks": item.get("duration_weeks"),
                          "start_date": item.get("start_date"), "end_date": item.get("end_date"),
                          "description": item.get("description") or ""})
    recommendation = result.get("recommendation") or {}
    return {
        "questionnaire": {"id": result["questionnaire"]["id"], "version": result["questionnaire"]["version"]},
        "dimensions": result["questionnaire"].get("dimensions", {}),
        # An area left out for too few answers has no score in history, so no change is drawn from it.
        "scores": {d: None if result["scores"][d]["insufficient"] else result["scores"][d]["score"]
                   for d in DIMENSIONS},
        "insufficient": [d for d in DIMENSIONS if result["scores"][d]["insufficient"]],
        "overall": result["overall"]["score"],
        "overall_label": result["overall"]["label"],
        "model": recommendation.get("model"),
        "hybrid_with": recommendation.get("hybrid_with"),
        # The design the client is given, named as every other place names it ('Hub and spoke (a controlling
        # centre, with federated unit leads)'); None when no model was recommended.
        "design": design_label(recommendation),
        "pitfalls": [{"id": p["id"], "title": p["title"], "severity": p["severity"]}
                     for p in result.get("pitfalls", [])],
        "target": roadmap.get("target") or {},
        "roadmap": items,
        "phases": [{"id": p["id"], "title": p["title"], "start_month": p["start_month"],
                    "end_month": p["end_month"], "start_date": p.get("start_date"), "end_date": p.get("end_date")}
                   for p in roadmap.get("phases", [])],
        "answers": dict(result.get("answers") or {}),
        # The share of the answers shown by evidence, overall and per area (None for results frozen before
        # evidence was kept).
        "evidence_share": ((result.get("evidence_coverage") or {}).get("overall") or {}).get("share"),
        "evidence_shares": {d: (((result.get("evidence_coverage") or {}).get("areas") or {}).get(d) or {}).get("share")
                            for d in DIMENSIONS},
        # What the pooled benchmark groups by (size band, delivery mix).
        "profile": {k: (result.get("context") or {}).get(k) for k in ("org_size", "delivery_mix")},
    }


def design_label(recommendation: Mapping[str, Any]) -> str | None:
    """The recommended design's label (the model's title for results frozen before designs), or None."""
    design = design_of(recommendation)
    return design["label"] if design else None


def scored_only(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary with no score for an area it left out for too few answers (summaries frozen before
    summarise dropped them kept the partial score)."""
    left_out = summary.get("insufficient") or []
    if any(summary["scores"].get(d) is not None for d in left_out):
        summary["scores"] = {d: None if d in left_out else score for d, score in summary["scores"].items()}
    return summary


def history_rows(rows: Sequence[Mapping[str, Any]], unit_names: Mapping[int, str]) -> list[dict[str, Any]]:
    """Closed assessments (oldest first, as the store gives them) as flat rows for BI tools, each with
    the change since the previous assessment of the same scope: the organisation, or one unit."""
    previous: dict[Any, Mapping[str, Any]] = {}
    out = []
    for row in rows:
        summary = row["summary"]
        before = previous.get(row["unit_id"])
        out.append({
            "assessment_id": row["id"], "title": row["title"], "period": row["period"],
            "assessed_on": row["assessed_on"], "unit_id": row["unit_id"], "unit_name": unit_names.get(row["unit_id"]),
            "kind": row["kind"], "overall": summary["overall"], "overall_label": summary.get("overall_label"),
            "overall_change": _change(before["overall"] if before else None, summary["overall"]),
            "scores": {d: summary["scores"].get(d) for d in DIMENSIONS},
            "changes": {d: _change(before["scores"].get(d) if before else None, summary["scores"].get(d))
                        for d in DIMENSIONS},
            "target": dict(summary.get("target") or {}), "model": summary.get("model"),
            "hybrid_with": summary.get("hybrid_with"), "design": summary.get("design"), "pitfalls": [p["id"] for p in summary.get("pitfalls", [])],
            "evidence_share": summary.get("evidence_share"),
            "evidence_shares": {d: (summary.get("evidence_shares") or {}).get(d) for d in DIMENSIONS},
            "questionnaire_version": row["questionnaire_version"], "content_hash": row["content_hash"],
            "scored_at": row["scored_at"],
        })
        previous[row["unit_id"]] = summary
    return out


def _change(before: float | None, now: float | None) -> float | None:
    return None if before is None or now is None else round(now - before, 2)


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


def evidence_deltas(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> dict[str, dict[str, Any]] | None:
    """Per area (and overall): the share of answers shown by evidence then and now and the change in
    percentage points (a rising share is progress too); None when the current result kept no evidence or
    neither result has an answer shown by evidence (nothing changes for people who skip it)."""
    if current.get("evidence_share") is None:
        return None
    if not any(share for s in (previous or {}, current)
               for share in (s.get("evidence_share"), *(s.get("evidence_shares") or {}).values())):
        return None

    def share(summary: Mapping[str, Any] | None, key: str) -> float | None:
        if summary is None:
            return None
        return summary.get("evidence_share") if key == "overall" else (summary.get("evidence_shares") or {}).get(key)

    rows = {}
    for key in (*DIMENSIONS, "overall"):
        now, before = share(current, key), share(previous, key)
        delta = round((now - before) * 100) if now is not None and before is not None else None
        rows[key] = {"previous": before, "current": now, "delta": delta, "direction": direction(delta)}
    return rows


def percent_to_target(score: float | None, target: int | None, baseline: float | None = None) -> int | None:
    """How far the score has come towards the target, 0-100; 100 only once the target is reached.

    Measured from the baseline (the first assessment's score) when there is one, else from level 1.
    A target at or below the baseline (an area meant to hold where it was) counts as the baseline
    itself, so a drop is never shown as the target reached.
    """
    if score is None or not target:
        return None
    goal = max(target, baseline) if baseline is not None else target
    if score >= goal:
        return 100
    start = baseline if baseline is not None and baseline < goal else 1.0
    return max(0, min(99, round(100 * (score - start) / (goal - start))))


def progress_to_target(summary: Mapping[str, Any], baseline: Mapping[str, Any] | None = None) -> dict[str, int | None]:
    """Per area, percent_to_target of ``summary`` measured from the ``baseline`` summary (the first assessment)."""
    return {d: percent_to_target(summary["scores"][d], summary["target"].get(d),
                                 baseline["scores"].get(d) if baseline else None) for d in DIMENSIONS}


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
    """The recommended model and design of each assessment and whether the design changed from the one
    before (a model's other design, or another model)."""
    rows: list[dict[str, Any]] = []
    for index, summary in enumerate(summaries):
        rows.append({"model": summary["model"], "hybrid_with": summary["hybrid_with"],
                     "design": summary.get("design"),
                     "changed": index > 0 and _design_key(summary) != _design_key(summaries[index - 1])})
    return rows


def _design_key(summary: Mapping[str, Any]) -> tuple[Any, Any]:
    return summary["model"], summary.get("design")


def design_runs(models: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The designs over time as runs of periods that kept one design (``model_history`` rows with their
    period, oldest first): six quarters of the same design read as one line, 'first to last'."""
    runs: list[dict[str, Any]] = []
    for row in models:
        if runs and not row["changed"]:
            runs[-1]["last"] = row["period"]
            continue
        runs.append({"first": row["period"], "last": row["period"], "design": row.get("design"),
                     "model": row["model"], "changed": row["changed"]})
    return runs


def rollup(summaries: Mapping[Any, Mapping[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Mean and minimum per dimension (and overall) across units' latest results."""
    out: dict[str, dict[str, float | None]] = {}
    for key in (*DIMENSIONS, "overall"):
        values = [(s["overall"] if key == "overall" else s["scores"][key]) for s in summaries.values()]
        values = [v for v in values if v is not None]
        out[key] = {"mean": round(mean(values), 2) if values else None, "min": min(values) if values else None}
    return out


# A spread this large (in levels) between units in one capability area suggests a federated PMO:
# one central model cannot fit units that far apart.
FEDERATED_SPREAD = 1.0
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def pitfalls_across(latest: Sequence[tuple[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Pitfalls of the units' latest results: each once, with the units it affects and its highest severity
    among them; the most severe first, then the most widespread."""
    found: dict[str, dict[str, Any]] = {}
    for name, summary in latest:
        for pitfall in summary["pitfalls"]:
            entry = found.setdefault(pitfall["id"], {**pitfall, "units": []})
            entry["units"].append(name)
            if SEVERITY_ORDER.get(pitfall["severity"], 3) < SEVERITY_ORDER.get(entry["severity"], 3):
                entry["severity"] = pitfall["severity"]
    return sorted(found.values(), key=lambda p: (SEVERITY_ORDER.get(p["severity"], 3), -len(p["units"]), p["title"]))


def spread(latest: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, float | None]:
    """Per capability area, how far apart the units' scores are (highest minus lowest)."""
    out: dict[str, float | None] = {}
    for d in DIMENSIONS:
        values = [s["scores"][d] for _name, s in latest if s["scores"][d] is not None]
        out[d] = round(max(values) - min(values), 2) if len(values) > 1 else None
    return out


def federated_suggestion(latest: Sequence[tuple[str, Mapping[str, Any]]],
                         titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Whether the units are far enough apart, or advised differently enough, that a federated PMO
    (a small central PMO setting common standards, with a PMO in each unit) fits better than one model.

    Suggested when at least two units differ by FEDERATED_SPREAD levels or more in some area, or
    when their latest results recommend different models.
    """
    gaps = spread(latest)
    wide = {d: g for d, g in gaps.items() if g is not None and g >= FEDERATED_SPREAD}
    models = sorted({s["model"] for _name, s in latest if s["model"]})
    known = [g for g in gaps.values() if g is not None]
    found = {"suggested": len(latest) > 1 and (bool(wide) or len(models) > 1),
             "spread": gaps, "wide": wide, "models": models, "largest": max(known) if known else None,
             "designs": [(name, s.get("design") or "none") for name, s in latest]}
    found["text"] = units_advice(found, titles or {})
    return found


def units_advice(found: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    """What the whole-organisation tab and the organisation report both say about one PMO model for the units
    (``found``: ``federated_suggestion``'s answer), true of the units' table beside it: "the same recommended
    model" only where every unit's design label is the same, else the units' designs named one by one."""
    designs = found["designs"]
    if len(designs) < 2:
        return ""
    labels = {label for _name, label in designs}
    wide = ", ".join(f"{gap:.1f} levels apart in {titles.get(d, d).lower()}" for d, gap in found["wide"].items())
    close = (f"within {found['largest']:.1f} levels of each other in every area"
             if found["largest"] is not None else "")
    if len(labels) == 1:
        said = f"Every unit gets the same recommended design, “{designs[0][1]}”"
    else:
        said = "The units get different recommended designs: " + "; ".join(f"{n}, “{label}”" for n, label in designs)
    if found["suggested"]:
        why = f", and the units are {wide}" if wide else ""
        return (f"{said}{why}. One central model rarely fits units this different: consider a small central PMO "
                "that sets common standards and reports on the portfolio, with a PMO in each unit that works the "
                "way its unit needs.")
    if len(labels) == 1:
        return f"{said}, and the units are {close}: one PMO model can serve them all." if close else (
            f"{said}: one PMO model can serve them all.")
    (model,) = found["models"] or ("",)
    shared = f"All are {model} designs" if model else "They differ"
    where = f" and the units are {close}" if close else ""
    return (f"{said}. {shared}{where}: one {model + ' ' if model else ''}PMO can serve them only if it takes up "
            "what each unit's design adds; compare the designs before choosing one for all units.")


# --------------------------------------------------------------------------
# Dashboards: what an organisation's (or one unit's) page shows, from history rows
# --------------------------------------------------------------------------


def history_labels(rows: Sequence[Mapping[str, Any]], default: Mapping[str, str]) -> dict[str, str]:
    """Dimension titles from the newest row that carries them, else ``default``."""
    for row in reversed(rows):
        if row["summary"].get("dimensions"):
            return dict(row["summary"]["dimensions"])
    return dict(default)


def period_rollup(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Organisation-level points from unit assessments: the mean per dimension of each period."""
    by_period: dict[str, list[Mapping[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: (r["assessed_on"], r["id"])):
        by_period.setdefault(row["period"], []).append(row["summary"])
    points = []
    for period, summaries in by_period.items():
        scores = {}
        for d in DIMENSIONS:
            values = [s["scores"][d] for s in summaries if s["scores"][d] is not None]
            scores[d] = round(mean(values), 2) if values else None
        overall = [s["overall"] for s in summaries if s["overall"] is not None]
        points.append({"label": period, "scores": scores, "overall": round(mean(overall), 2) if overall else None})
    return points


_QUARTER_LABEL = re.compile(r"^\d{4}-Q[1-4]$")


def period_order(row: Mapping[str, Any]) -> tuple[str, str, Any]:
    """Where a result falls in time: its period when that is a quarter (2026-Q4), else the quarter
    of its assessment date; then its date and id. Quarter labels sort as the quarters do."""
    period = row.get("period") or ""
    quarter = period if _QUARTER_LABEL.match(period) else quarter_of(date.fromisoformat(row["assessed_on"][:10]))
    return quarter, row["assessed_on"] or "", row["id"]


def one_per_period(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One result per period, periods in order: the latest result of each period stands for it.

    Two results of the same period (a workshop labelled like an earlier assessment) are never
    compared with each other as if one came after the other: no false drop, no false regression.
    """
    latest: dict[str, Mapping[str, Any]] = {}
    for row in sorted(rows, key=period_order):
        latest.pop(row["period"], None)  # re-inserted last: the period's place is its latest result's
        latest[row["period"]] = row
    return sorted(latest.values(), key=period_order)


def build_dashboard(rows_all: Sequence[Mapping[str, Any]], units: Sequence[Mapping[str, Any]],
                    unit: Mapping[str, Any] | None, default_labels: Mapping[str, str]) -> dict[str, Any]:
    """Everything the dashboard shows for the organisation (unit None) or one unit, as plain data.

    ``rows_all`` are the organisation's closed assessments, oldest first (as the store's
    history gives them). What the charts draw is under "plots": the trend's points, the
    radar's series and the units' latest scores; the adapters turn them into figures.
    """
    unit_names = {u["id"]: u["name"] for u in units}
    rows = one_per_period([r for r in rows_all if r["unit_id"] == (unit["id"] if unit else None)])
    labels = history_labels(rows_all, default_labels)
    data: dict[str, Any] = {"rows": rows, "all_rows": list(rows_all), "units": list(units), "unit_names": unit_names,
                            "labels": labels, "plots": {}}
    if rows:
        summaries = [r["summary"] for r in rows]
        latest, previous = rows[-1], (rows[-2] if len(rows) > 1 else None)
        models = [{**m, "period": r["period"], "id": r["id"]} for m, r in zip(model_history(summaries), rows)]
        data.update({
            "latest": latest,
            "previous": previous,
            "deltas": delta_table(previous["summary"] if previous else None, latest["summary"]),
            "evidence": evidence_deltas(previous["summary"] if previous else None, latest["summary"]),
            "to_target": progress_to_target(latest["summary"], rows[0]["summary"] if previous else None),
            "models": models,
            "design_runs": design_runs(models),
            "pitfalls": [{**p, "period": r["period"], "previous_period": before["period"]}
                         for p, before, r in zip(pitfall_history(summaries), rows, rows[1:])],
            "versions_differ": versions_differ(summaries),
        })
        data["plots"]["trend"] = [{"label": r["period"], "scores": r["summary"]["scores"],
                                   "overall": r["summary"]["overall"]} for r in rows]
        data["plots"]["radar"] = {
            "series": [(r["period"], r["summary"]["scores"]) for r in ([previous] if previous else []) + [latest]],
            "target": latest["summary"]["target"],
        }
    elif unit is None and rows_all:
        data["plots"]["trend"] = period_rollup(rows_all)
        data["rollup_trend"] = True
    if unit is None and units:
        latest_by_unit: dict[Any, Mapping[str, Any]] = {}
        for row in rows_all:
            if row["unit_id"] is not None:
                latest_by_unit[row["unit_id"]] = row
        if latest_by_unit:
            summaries_by_unit = {uid: r["summary"] for uid, r in latest_by_unit.items()}
            data["unit_latest"] = [(unit_names[uid], r) for uid, r in latest_by_unit.items()]
            data["rollup"] = rollup(summaries_by_unit)
            named = [(unit_names[uid], s) for uid, s in summaries_by_unit.items()]
            data["unit_pitfalls"] = pitfalls_across(named)
            data["federated"] = federated_suggestion(named, labels)
            data["plots"]["units"] = [(unit_names[uid], s["scores"]) for uid, s in summaries_by_unit.items()]
    return data


def comparison_table(summaries: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per capability area (and overall): every chosen assessment's score, oldest first, and
    the change from the first to the last."""
    rows = []
    for first_last in delta_table(summaries[0], summaries[-1]):
        key = first_last["dimension"]
        values = [s["overall"] if key == "overall" else s["scores"][key] for s in summaries]
        rows.append({"dimension": key, "values": values, "delta": first_last["delta"],
                     "direction": first_last["direction"]})
    return rows


def evidence_row(summaries: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Every chosen assessment's share of answers shown by evidence, oldest first, and the change from the
    first to the last that has one (in percentage points); None when none of them kept evidence."""
    shares = [s.get("evidence_share") for s in summaries]
    known = [share for share in shares if share is not None]
    if not known:
        return None
    delta = round((known[-1] - known[0]) * 100) if len(known) > 1 else None
    return {"values": shares, "delta": delta, "direction": direction(delta)}


def comparison(chosen: Sequence[Mapping[str, Any]], names: Sequence[str],
               default_labels: Mapping[str, str]) -> dict[str, Any]:
    """Two to six chosen assessments (oldest first) side by side: deltas, question changes, versions."""
    labels = history_labels(chosen, default_labels)
    return {
        "series": [(name, r["summary"]["scores"]) for name, r in zip(names, chosen)],
        "table": comparison_table([r["summary"] for r in chosen]),
        # A rising share of answers shown by evidence is progress too.
        "evidence": evidence_row([r["summary"] for r in chosen]),
        # Only questions both results have (matching ids) are compared.
        "question_deltas": question_deltas(chosen[0]["summary"], chosen[-1]["summary"]),
        "versions_differ": versions_differ([r["summary"] for r in chosen]),
        "versions": sorted({r["summary"]["questionnaire"]["version"] for r in chosen}),
        "labels": labels,
        "target": chosen[-1]["summary"]["target"],
    }
