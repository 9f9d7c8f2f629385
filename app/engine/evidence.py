"""Evidence and confidence per answer: what shows a level, and how sure the people who gave it are.

An answer can carry a short note of what shows it (``evidence``), a reference to a document or a
link (``reference``, kept as text and never fetched) and a ``confidence``: shown by evidence, our
judgement (the default, so nothing changes for people who skip it) or a guess. The engine checks
them, echoes them per answer in the result and counts, per capability area, the share of answers
shown by evidence.
"""

from __future__ import annotations

from typing import Any, Mapping

from .aggregate import agreement, per_question
from .errors import InvalidInput
from .models import Questionnaire

CONFIDENCES = ("evidence", "judgement", "guess")
CONFIDENCE_LABELS = {"evidence": "shown by evidence", "judgement": "our judgement", "guess": "a guess"}
DEFAULT_CONFIDENCE = "judgement"
MAX_EVIDENCE = 500
MAX_REFERENCE = 300
# The keys an answer given as a mapping may have; `level` is the answer itself.
ANSWER_KEYS = ("level", "evidence", "reference", "confidence")
DETAIL_KEYS = ("evidence", "reference", "confidence")


class InvalidEvidence(InvalidInput):
    """An answer's evidence, reference or confidence is not acceptable; ``field`` names which."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def blank() -> dict[str, str]:
    """What an answer carries when nobody said more than its level."""
    return {"evidence": "", "reference": "", "confidence": DEFAULT_CONFIDENCE}


def clean_detail(detail: Mapping[str, Any], where: str = "answer") -> dict[str, str]:
    """Return {evidence, reference, confidence} from a mapping; raise InvalidEvidence naming what is wrong."""
    if not isinstance(detail, Mapping):
        raise InvalidEvidence(f"{where} must be a mapping with evidence, reference and confidence", where)
    unknown = sorted(str(k) for k in detail if k not in ANSWER_KEYS)
    if unknown:
        raise InvalidEvidence(f"{where} has an unknown key {unknown[0]!r}; an answer may have "
                              f"{', '.join(ANSWER_KEYS)}", f"{where}.{unknown[0]}")
    clean = blank()
    for key, limit in (("evidence", MAX_EVIDENCE), ("reference", MAX_REFERENCE)):
        value = detail.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidEvidence(f"{where}.{key} must be text", f"{where}.{key}")
        value = " ".join(value.split())
        if len(value) > limit:
            raise InvalidEvidence(f"{where}.{key} is {len(value)} characters long; at most {limit} are kept",
                                  f"{where}.{key}")
        clean[key] = value
    confidence = detail.get("confidence")
    if confidence is not None:
        if confidence not in CONFIDENCES:
            raise InvalidEvidence(f"{where}.confidence is {confidence!r}; expected one of {', '.join(CONFIDENCES)} "
                                  f"({', '.join(CONFIDENCE_LABELS.values())})", f"{where}.confidence")
        clean["confidence"] = confidence
    return clean


def split_answer(value: Any, where: str = "answer") -> tuple[Any, dict[str, str] | None]:
    """An answer as a file gives it: a level (or null), or a mapping with the level and its evidence.

    Return (level, evidence or None when the answer is a bare level). The level is checked later,
    with the question.
    """
    if not isinstance(value, Mapping):
        return value, None
    if "level" not in value:
        raise InvalidEvidence(f"{where} gives no level; write level: 1-5 (or null for don't know)", f"{where}.level")
    return value["level"], clean_detail(value, where)


def validate_evidence(questionnaire: Questionnaire, evidence: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """Return {question_id: {evidence, reference, confidence}}; raise on an unknown question or a bad value."""
    if evidence is None:
        return {}
    if not isinstance(evidence, Mapping):
        raise InvalidEvidence("evidence must be a mapping of question id to evidence and confidence")
    clean = {}
    for question_id, detail in evidence.items():
        question = questionnaire.question(str(question_id))
        if question is None:
            raise InvalidEvidence(f"unknown question id {question_id!r} in evidence")
        clean[question.id] = clean_detail(detail, f"answers.{question.id}")
    return clean


def is_blank(detail: Mapping[str, Any] | None) -> bool:
    """Whether an answer carries nothing beyond its level (no text, the default confidence)."""
    return not detail or (not detail.get("evidence") and not detail.get("reference")
                          and detail.get("confidence", DEFAULT_CONFIDENCE) == DEFAULT_CONFIDENCE)


def answer_evidence(questionnaire: Questionnaire, answers: Mapping[str, int | None],
                    evidence: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Each answer's evidence and confidence, in questionnaire order (the default for those given none)."""
    return {q.id: {**blank(), **evidence.get(q.id, {})} for q in questionnaire.questions() if q.id in answers}


def evidence_coverage(questionnaire: Questionnaire, answers: Mapping[str, int | None],
                      evidence: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Per capability area and overall: answers given (don't know left out), how many are shown by
    evidence and how many are guesses, and the share shown by evidence (None when nothing was answered)."""
    def count(question_ids: list[str]) -> dict[str, Any]:
        given = [q for q in question_ids if answers.get(q) is not None]
        confidence = [(evidence.get(q) or {}).get("confidence", DEFAULT_CONFIDENCE) for q in given]
        shown = confidence.count("evidence")
        return {"answered": len(given), "shown": shown, "guesses": confidence.count("guess"),
                "share": round(shown / len(given), 2) if given else None}

    areas = {d.id: count([q.id for q in d.questions]) for d in questionnaire.dimensions}
    return {"areas": areas, "overall": count([q.id for q in questionnaire.questions()])}


def advice_answers(recommendation: Mapping[str, Any], pitfalls: list[Mapping[str, Any]]) -> list[str]:
    """The answers the advice rests on: read by a reason for the recommended model or by a high pitfall,
    in the order they are first cited."""
    ranking = recommendation.get("ranking") or []
    chosen = next((r for r in ranking if r.get("model") == recommendation.get("model")), None)
    cited: list[Mapping[str, Any]] = [reason.get("evidence") or {} for reason in (chosen or {}).get("reasons", [])]
    cited += [p.get("evidence") or {} for p in pitfalls if p.get("severity") == "high"]
    found: list[str] = []
    for facts in cited:
        for name in facts:
            qid = name.removeprefix("answers.")
            if name.startswith("answers.") and qid not in found:
                found.append(qid)
    return found


def check_guesses(recommendation: Mapping[str, Any], pitfalls: list[Mapping[str, Any]],
                  answers: Mapping[str, int | None], evidence: Mapping[str, Mapping[str, str]],
                  names: Mapping[str, str]) -> list[dict[str, Any]]:
    """A "check first" entry naming the answers the advice rests on that are a guess (none when there are none)."""
    guessed = [qid for qid in advice_answers(recommendation, pitfalls)
               if answers.get(qid) is not None and (evidence.get(qid) or {}).get("confidence") == "guess"]
    if not guessed:
        return []
    listed = [f"{names.get(qid, qid)} (level {answers[qid]})" for qid in guessed]
    said = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    one = len(guessed) == 1
    return [{
        "id": "guessed-answers",
        "text": f"The advice rests on {'an answer' if one else 'answers'} given as a guess: {said}.",
        "ask": f"What would show {'it' if one else 'each of them'}? Check {'it' if one else 'them'} before acting "
               "on the advice.",
        "would_change": "A different level here can change the PMO that fits, a pitfall or the first steps.",
        "evidence": {f"answers.{qid}": answers[qid] for qid in guessed},
        "claims": [],
    }]


# In a workshop the room's confidence is low when its levels are two or more apart (a split room) or
# when fewer than this share of the people who answered anything gave this question a level.
ROOM_FEW = 0.5


def room_evidence(questionnaire: Questionnaire, responses: list[Mapping[str, Any]],
                  agreed: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """A workshop's evidence and confidence per question, from the room.

    Evidence the facilitator recorded with the agreed level makes the answer shown by evidence; an
    agreed level without it is the room's judgement. Where no level was agreed, the confidence is a
    guess when the room is split (levels two or more apart) or few answered (fewer than half of the
    people who answered anything, or one person), and otherwise our judgement.
    """
    started = [r for r in responses if r.get("answers")]
    stats = per_question(questionnaire, started)
    out: dict[str, dict[str, str]] = {}
    for question in questionnaire.questions():
        consensus = agreed.get(question.id)
        if consensus is not None:
            text, reference = consensus.get("evidence") or "", consensus.get("reference") or ""
            out[question.id] = {"evidence": text, "reference": reference,
                                "confidence": "evidence" if text or reference else DEFAULT_CONFIDENCE}
            continue
        given = stats[question.id]["answered"]
        if not given:
            continue
        few = given < 2 or given < ROOM_FEW * len(started)
        out[question.id] = {**blank(), "confidence": "guess" if few or agreement(stats[question.id])["kind"] == "split"
                            else DEFAULT_CONFIDENCE}
    return out
