"""The fact registry: one table that rule compilation, evidence labels, what-would-change and
`rules explain` all read, every fact documented in the README (after datasette's documented
settings)."""

from __future__ import annotations

import re

import pytest

from app import PROJECT_ROOT
from app.engine.facts import FACT_SPECS, fact_table
from app.engine.wording import level_phrase

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", FACT_SPECS, ids=[s.pattern for s in FACT_SPECS])
def test_every_fact_is_documented_in_the_readme(spec):
    pattern = (spec.pattern.replace("{dimension}", "<dimension>").replace("{key}", "<key>")
               .replace("{question}", "<dimension>.<question>"))
    assert re.search(rf"^\| `{re.escape(pattern)}` \| .+ \|$", README, re.M), f"{pattern} is not in the README"


def test_every_documented_fact_is_in_the_registry():
    documented = re.findall(r"^\| `([^`]+)` \|", README.split("### Facts rules can read", 1)[1], re.M)
    known = {s.pattern.replace("{dimension}", "<dimension>").replace("{key}", "<key>")
             .replace("{question}", "<dimension>.<question>") for s in FACT_SPECS}
    assert set(documented) == known


def test_the_registry_gives_every_fact_a_type_a_label_and_help(questionnaire):
    table = fact_table(questionnaire)
    assert len(table) > len(questionnaire.questions())
    for path, fact in table.items():
        assert fact.type in ("number", "text", "boolean"), path
        assert fact.label and fact.help and fact.derived, path
    assert table["context.org_size"].values == ("small", "medium", "large", "enterprise")
    assert table["answers.governance.intake_criteria"].label == questionnaire.question(
        "governance.intake_criteria").text


def test_rules_compile_against_the_registry(content):
    assert content.rulebook.fact_paths == frozenset(fact_table(content.default_questionnaire))


@pytest.mark.parametrize("score, said", [
    (None, "not scored"), (1.0, "level 1"), (1.74, "level 1"), (1.75, "level 1, nearly 2"),
    (1.94, "level 1, nearly 2"), (2.04, "level 2"), (2.99, "level 2, nearly 3"), (4.9, "level 4, nearly 5"),
    (5.0, "level 5"),
])
def test_a_score_is_said_as_a_level_one_way(score, said):
    assert level_phrase(score) == said
