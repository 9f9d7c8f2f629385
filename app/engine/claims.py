"""Claims: sentences about the organisation that carry the condition they state.

A content text is one string, or a list of sentences and claims. A claim ``{when, text, else}``
is rendered only where its condition holds; otherwise its variant (``else``) is, or nothing. So
"Reports go out regularly" is said only to an organisation whose answers show it, and a
mitigation tells an organisation to start only the practices it lacks.

``select`` picks the template true for the facts and says which claims it stands on, so a result
can be re-checked against the answers (the property tests do, over thousands of organisations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .expressions import Condition


@dataclass(frozen=True)
class ClaimPart:
    """A sentence; with a condition it is a claim, rendered (or replaced by ``otherwise``) by the facts."""

    text: str
    condition: Condition | None = None
    otherwise: str | None = None


@dataclass(frozen=True)
class CompiledText:
    parts: tuple[ClaimPart, ...]

    @classmethod
    def plain(cls, text: str) -> "CompiledText":
        return cls((ClaimPart(text),))

    @property
    def claims(self) -> tuple[ClaimPart, ...]:
        return tuple(part for part in self.parts if part.condition is not None)

    @property
    def alternatives(self) -> tuple[str, ...]:
        """Every sentence it can render, for load-time checks of its words and placeholders."""
        out = []
        for part in self.parts:
            out.append(part.text)
            if part.otherwise:
                out.append(part.otherwise)
        return tuple(out)

    def select(self, facts: Mapping[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        """The template true for these facts, and each claim it stood on: its condition and which side held."""
        chosen, used = [], []
        for part in self.parts:
            if part.condition is None:
                chosen.append(part.text)
                continue
            holds = part.condition.matches(facts)
            sentence = part.text if holds else part.otherwise
            if sentence:
                chosen.append(sentence)
                used.append({"when": part.condition.text, "holds": holds, "template": sentence})
        return " ".join(chosen), used

    def template(self, facts: Mapping[str, Any]) -> str:
        return self.select(facts)[0]


def as_parts(value: Any) -> list[tuple[str, str | None, str | None]]:
    """A content text (a string, or a list of strings and claims) as (text, when, otherwise) triples."""
    if value is None:
        return []
    if isinstance(value, str):
        return [(value, None, None)]
    parts = []
    for item in value:
        if isinstance(item, str):
            parts.append((item, None, None))
        else:
            parts.append((item.text, item.when, item.otherwise))
    return parts
