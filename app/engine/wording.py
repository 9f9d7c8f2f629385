"""How values read in sentences, the same way on every page, export and the CLI."""

from __future__ import annotations

import re
from typing import Any, Mapping

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")
# "{answers.a.b, answers.c.d >= 4}" names only the listed answers at level 4 or more, so a sentence
# can say which practices are advanced (or missing) without citing the ones that are not.
LIST_PLACEHOLDER = re.compile(r"\{(answers\.[a-z0-9_.]+(?:, answers\.[a-z0-9_.]+)*) (>=|<=|==) ([1-5])\}")

# From this far into a level, a score reads as "nearly" the next level.
NEARLY = 0.75


def level_phrase(score: float | None) -> str:
    """A score as a level people read: 1.94 is 'level 1, nearly 2'; 2.04 is 'level 2'.

    A level is the integer part of a score (DESIGN.md); saying "nearly" keeps a 1.94
    beside a 2.04 from looking a whole level apart.
    """
    if score is None:
        return "not scored"
    level = max(1, min(5, int(score)))
    if level < 5 and score - level >= NEARLY:
        return f"level {level}, nearly {level + 1}"
    return f"level {level}"


def format_value(value: Any) -> str:
    """A fact value as people read it."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def format_fact(path: str, value: Any) -> str:
    """A fact as people read it: answers as 'level 2' or 'unknown'."""
    if path.startswith("answers."):
        return "unknown" if value is None else f"level {value}"
    return format_value(value)


def listed(match: re.Match, facts: Mapping[str, Any]) -> list[str]:
    """The paths of a list placeholder whose answers are known and meet its comparison."""
    paths, op, level = match.group(1).split(", "), match.group(2), int(match.group(3))
    meets = {">=": lambda v: v >= level, "<=": lambda v: v <= level, "==": lambda v: v == level}[op]
    return [p for p in paths if isinstance(facts.get(p), int) and meets(facts[p])]


def template_paths(template: str, facts: Mapping[str, Any]) -> list[str]:
    """Every fact a filled-in template cites, in order, once: its evidence."""
    found = []
    for match in re.finditer(f"{PLACEHOLDER.pattern}|{LIST_PLACEHOLDER.pattern}", template):
        if match.group(1):
            found.append(match.group(1))
        else:
            found += listed(LIST_PLACEHOLDER.match(match.group(0)), facts)
    return list(dict.fromkeys(found))


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def render(template: str, facts: Mapping[str, Any], labels: Mapping[str, Any] | None = None) -> str:
    """Fill {fact.path} placeholders with the facts' values (context choices by their label), and
    list placeholders with the listed answers that meet their comparison, by name."""
    names = (labels or {}).get("names", {})

    def answers(match: re.Match) -> str:
        cited = listed(match, facts)
        if not cited:
            return "none"
        return join_words([f"{names.get(p, p.rsplit('.', 1)[-1].replace('_', ' '))} level {facts[p]}"
                           for p in cited])

    def value(match: re.Match) -> str:
        path = match.group(1)
        fact = facts.get(path)
        if labels and path.startswith("context.") and isinstance(fact, str):
            return labels.get(path, {}).get(fact, fact)
        if labels and path == "model" and isinstance(fact, str):
            return labels.get("model", {}).get(fact, fact)
        return format_fact(path, fact)

    if "{" not in template:  # most sentences have nothing to fill in
        return template
    if "= " in template:
        template = LIST_PLACEHOLDER.sub(answers, template)
    filled = PLACEHOLDER.sub(value, template)
    return singular(filled) if "1 " in filled else filled


ONE_OF = re.compile(r"\b1 (business units or domains|units or domains|business units|active projects|units|projects)\b")
SINGULAR = {"business units or domains": "business unit or domain", "units or domains": "unit or domain"}


def singular(text: str) -> str:
    """'1 units' reads '1 unit' once a count is filled in."""
    return ONE_OF.sub(lambda m: "1 " + SINGULAR.get(m.group(1), m.group(1)[:-1]), text)


NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def number_word(n: int) -> str:
    """'one' to 'nine' in words, 10 and more in digits (and 0 as 'no')."""
    return "no" if n == 0 else NUMBER_WORDS.get(n, str(n))


def count_phrase(n: int, one: str, many: str | None = None) -> str:
    """'one answer', 'two answers', '12 answers'."""
    noun = one if n == 1 else (many or one + "s")
    return f"{NUMBER_WORDS.get(n, str(n))} {noun}"
