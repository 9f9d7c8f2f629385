"""The report's tables, defined once for the spreadsheet and the CSV exports.

Each table has a name (its CSV file and ``?table=`` value), a sheet title, and columns
(key: the CSV header; header: the spreadsheet heading; width in characters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .model import LEVEL_KEYS


@dataclass
class Table:
    name: str
    title: str
    columns: list[tuple[str, str, int]]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [c[0] for c in self.columns]

    def values(self) -> list[list[Any]]:
        return [[row.get(key) for key in self.keys] for row in self.rows]


def report_tables(report: Mapping[str, Any]) -> dict[str, Table]:
    """Every table of a report, by name, in the order a reader meets them."""
    if report["kind"] == "rollup":
        return {**rollup_tables(report["rollup"]), **_history_benchmark_tables(report)}
    tables = {
        "profile": Table("profile", "Profile", [("field", "Profile question", 48), ("value", "Answer", 48)],
                         [{"field": p["label"], "value": p["value"]} for p in report["profile"]]),
        "scores": Table("scores", "Scores", [
            ("capability_area", "Capability area", 20), ("score", "Score", 8), ("level", "Level", 7),
            ("level_text", "Level in words", 20), ("answered", "Answered", 9), ("total", "Questions", 9),
            ("dont_know", "Don't know", 10), ("target", "Target level", 12), ("insufficient", "Insufficient", 11),
            ("shown_by_evidence", "Shown by evidence", 10), ("evidence_share", "Share shown by evidence", 12),
            ("note", "Note", 50)],
            [{"capability_area": a["title"], "score": a["score"], "level": a["level"], "level_text": a["level_text"],
              "answered": a["answered"], "total": a["total"], "dont_know": a["dont_know"], "target": a["target"],
              "insufficient": "yes" if a["insufficient"] else "no",
              "shown_by_evidence": (a.get("evidence") or {}).get("shown"),
              "evidence_share": (a.get("evidence") or {}).get("share"), "note": a["note"]} for a in report["areas"]]),
        "answers": Table("answers", "Answers", [
            ("question_id", "Question id", 28), ("capability_area", "Capability area", 14), ("question", "Question", 60),
            ("level", "Level", 7), ("level_text", "Level text", 70), ("confidence", "Confidence", 16),
            ("evidence", "Evidence", 40), ("reference", "Reference", 30), ("importance", "Importance", 11),
            ("note", "Note", 40)],
            [{"question_id": a["id"], "capability_area": a["area"], "question": a["question"],
              "level": a["level"] if a["level"] is not None else "don't know",
              "level_text": a["level_text"], "confidence": a.get("confidence", ""), "evidence": a.get("evidence", ""),
              "reference": a.get("reference", ""), "importance": a.get("importance", ""),
              "note": a["note"]} for a in report["answers"]]),
        "pitfalls": Table("pitfalls", "Pitfalls", [
            ("id", "Id", 24), ("title", "Pitfall", 36), ("severity", "Severity", 9), ("why", "Why it matters", 60),
            ("evidence", "Evidence", 50), ("mitigation", "What to do", 60), ("roadmap_items", "In the roadmap", 40)],
            [{"id": p["id"], "title": p["title"], "severity": p["severity"], "why": p["why"],
              "evidence": "; ".join(f"{e['label']}: {e['value']}" for e in p["evidence"]),
              "mitigation": p["mitigation"], "roadmap_items": "; ".join(r["title"] for r in p["roadmap"])}
             for p in report["pitfalls"]]),
        "roadmap": Table("roadmap", "Roadmap", [
            ("id", "Id", 26), ("title", "Improvement", 50), ("capability_area", "Capability area", 14),
            ("to_level", "To level", 8), ("phase", "Phase", 34), ("phase_months", "Phase months", 12),
            ("start_date", "Start", 11), ("end_date", "End", 11), ("owner", "Owner", 24),
            ("effort_person_weeks", "Effort (person-weeks)", 12), ("duration_weeks", "Duration (weeks)", 10),
            ("requires", "After (prerequisites)", 30), ("status", "Status", 9), ("metric", "Measured by", 50),
            ("deliverables", "Delivers", 40), ("reason", "Why", 50)],
            [{"id": i["id"], "title": i["title"], "capability_area": i["area"], "to_level": i["to_level"],
              "phase": i["phase"], "phase_months": _months(report, i["phase_id"]),
              "start_date": i["start"].isoformat() if i["start"] else "",
              "end_date": i["end"].isoformat() if i["end"] else "", "owner": i["owner"],
              "effort_person_weeks": i["effort_weeks"], "duration_weeks": i["duration_weeks"],
              "requires": " ".join(r["id"] for r in i["requires"]), "status": i["status"], "metric": i["metric"],
              "deliverables": "; ".join(i["deliverables"]), "reason": i["reason"]}
             for i in report["roadmap"]["items"]]),
    }
    if report.get("workshop"):
        tables["workshop"] = Table("workshop", "Workshop", [
            ("question_id", "Question id", 28), ("capability_area", "Capability area", 14), ("question", "Question", 60),
            ("answered", "Answered", 9), ("dont_know", "Don't know", 10),
            *[(f"level_{k}", f"Level {k}", 8) for k in LEVEL_KEYS],
            ("median", "Median", 8), ("iqr", "IQR", 6), ("in_words", "How the room answered", 40),
            ("agreed_level", "Agreed level", 12), ("agreed_note", "Agreed note", 40)],
            [{"question_id": q["id"], "capability_area": q["area"], "question": q["text"], "answered": q["answered"],
              "dont_know": q["dont_know"], **{f"level_{k}": q["counts"][k] for k in LEVEL_KEYS},
              "median": q["median"], "iqr": q["iqr"], "in_words": q["agreement"], "agreed_level": q["agreed"],
              "agreed_note": q["agreed_note"]}
             for q in report["workshop"]["questions"]])
        if report["workshop"]["rounds"]:
            tables["rounds"] = Table("rounds", "Rounds", [
                ("question_id", "Question id", 28), ("question", "Question", 60), ("round", "Round", 7),
                *[(f"first_level_{k}", f"Round one: level {k}", 10) for k in LEVEL_KEYS],
                *[(f"later_level_{k}", f"This round: level {k}", 10) for k in LEVEL_KEYS],
                ("proposed_level", "Proposed level", 10), ("agreed_level", "Agreed level", 10),
                ("outcome", "Outcome", 50)],
                [{"question_id": r["question"], "question": r["text"], "round": r["number"],
                  **{f"first_level_{k}": r["first_counts"][k] for k in LEVEL_KEYS},
                  **{f"later_level_{k}": r["second_counts"][k] for k in LEVEL_KEYS},
                  "proposed_level": r["proposed"], "agreed_level": r["agreed"], "outcome": r["summary"]}
                 for r in report["workshop"]["rounds"]])
    if report.get("rollup"):
        tables.update(rollup_tables(report["rollup"]))
    tables.update(_history_benchmark_tables(report))
    return tables


def rollup_tables(rollup: Mapping[str, Any]) -> dict[str, Table]:
    """The organisation's roll-up: units side by side, pitfalls across units, progress per unit."""
    areas = rollup["areas"]
    units_columns = [("unit", "Unit", 24), ("period", "Period", 10), ("assessed_on", "Assessed on", 12),
                     *[(d, title, 12) for d, title in areas.items()], ("overall", "Overall", 9),
                     ("model", "Recommended model", 18), ("design", "Recommended design", 40)]
    unit_rows = [{"unit": u["name"], "period": u["period"], "assessed_on": u["assessed_on"], **u["scores"],
                  "overall": u["overall"], "model": u["model"], "design": u["design"]} for u in rollup["units"]]
    unit_rows += [{"unit": "Organisation mean", **{d: rollup["mean"][d] for d in areas}, "overall": rollup["mean"]["overall"]},
                  {"unit": "Organisation minimum", **{d: rollup["minimum"][d] for d in areas},
                   "overall": rollup["minimum"]["overall"]}]
    return {
        "units": Table("units", "Units", units_columns, unit_rows),
        "unit_pitfalls": Table("unit_pitfalls", "Pitfalls across units", [
            ("pitfall", "Pitfall", 40), ("severity", "Severity", 9), ("units_affected", "Units affected", 10),
            ("units", "Which units", 40)],
            [{"pitfall": p["title"], "severity": p["severity"], "units_affected": p["count"],
              "units": ", ".join(p["units"])} for p in rollup["pitfalls"]]),
        "unit_progress": Table("unit_progress", "Progress per unit", [
            ("unit", "Unit", 24), ("period", "Roadmap of", 10), ("done", "Done", 7), ("started", "Started", 8),
            ("planned", "Planned", 8), ("dropped", "Dropped", 8), ("overdue", "Overdue", 8), ("total", "All", 6)],
            [{k: p[k] for k in ("unit", "period", "done", "started", "planned", "dropped", "overdue", "total")}
             for p in rollup["progress"]]),
    }


def _history_benchmark_tables(report: Mapping[str, Any]) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    if report.get("history"):
        tables["history"] = Table("history", "History", [
            ("period", "Period", 10), ("assessed_on", "Assessed on", 12), ("unit", "Unit", 20),
            ("title", "Assessment", 30), ("capability_area", "Capability area", 14), ("score", "Score", 8),
            ("level_text", "Level", 20), ("evidence_share", "Share shown by evidence", 12)],
            [{"period": r["period"], "assessed_on": r["assessed_on"], "unit": r["unit"], "title": r["title"],
              "capability_area": r["area"], "score": r["score"], "level_text": r["level_text"],
              "evidence_share": r["evidence_share"]}
             for r in report["history"]["rows"]])
    if report.get("benchmark") and report["benchmark"]["shown"]:
        tables["benchmark"] = Table("benchmark", "Benchmark", [
            ("capability_area", "Capability area", 20), ("quarter", "Quarter (1-4)", 13), ("standing", "Standing", 20)],
            [{"capability_area": r["area"], "quarter": r["quarter"], "standing": r["standing"]}
             for r in report["benchmark"]["rows"]])
    return tables


def _months(report: Mapping[str, Any], phase_id: str) -> str:
    phase = next(p for p in report["roadmap"]["phases"] if p["id"] == phase_id)
    return f"{phase['start_month']}-{phase['end_month']}" if phase["start"] else ""
