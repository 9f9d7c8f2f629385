"""The projector's results views, in the order the facilitator steps through them.

A view is named by a short string kept with the workshop: ``radar``, ``disputed``,
``question:<question id>``, ``roles``, ``heatmap:<capability area>`` or ``round:<round id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..engine import Questionnaire
from ..engine.vocabulary import DIMENSIONS

# How many of the most disputed questions the projector steps through one by one.
QUESTIONS_SHOWN = 10
DISPUTED_SHOWN = 5


@dataclass(frozen=True)
class Screen:
    kind: str
    arg: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.arg}" if self.arg else self.kind


def sequence(summary: Mapping[str, Any], workshop: Mapping[str, Any]) -> list[Screen]:
    """The views the arrow keys step through: the radar, the most disputed, each of those questions,
    the roles (when the workshop has roles), then the heat map of each capability area."""
    views = [Screen("radar"), Screen("disputed")]
    views += [Screen("question", row["question"]) for row in summary["discussion"][:QUESTIONS_SHOWN]]
    if workshop["roles"]:
        views.append(Screen("roles"))
    views += [Screen("heatmap", d) for d in DIMENSIONS]
    return views


def parse(name: str, questionnaire: Questionnaire, rounds: list[Mapping[str, Any]]) -> Screen | None:
    """The view a name stands for, or None for a name that is not a view of this workshop."""
    kind, _, arg = (name or "").partition(":")
    if kind in ("radar", "disputed", "roles") and not arg:
        return Screen(kind)
    if kind == "question" and questionnaire.question(arg) is not None:
        return Screen(kind, arg)
    if kind == "heatmap" and arg in DIMENSIONS:
        return Screen(kind, arg)
    if kind == "round" and arg.isdigit() and any(r["id"] == int(arg) for r in rounds):
        return Screen(kind, arg)
    return None


def label(screen: Screen, questionnaire: Questionnaire, rounds: list[Mapping[str, Any]]) -> str:
    """A view as the facilitator reads it ("Question: Intake criteria"), never its stored name."""
    if screen.kind == "radar":
        return "The room's radar"
    if screen.kind == "disputed":
        return "The most disputed questions"
    if screen.kind == "question":
        return f"Question: {questionnaire.question(screen.arg).short_name}"
    if screen.kind == "roles":
        return "By role"
    if screen.kind == "heatmap":
        return f"Heat map: {questionnaire.dimension(screen.arg).title}"
    found = next((r for r in rounds if str(r["id"]) == screen.arg), None)
    if found is None:
        return "A second round"
    return f"Round {found['number']}: {questionnaire.question(found['question']).short_name}"


def step(current: Screen, views: list[Screen], rounds: list[Mapping[str, Any]], forward: bool) -> Screen:
    """The view after (or before) the current one; a question's round counts as that question."""
    if current.kind == "round":
        question = next((r["question"] for r in rounds if str(r["id"]) == current.arg), "")
        current = Screen("question", question)
    if current not in views:
        return views[0]
    index = views.index(current) + (1 if forward else -1)
    return views[max(0, min(len(views) - 1, index))]
