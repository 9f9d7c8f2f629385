"""What the whole-organisation tab and the organisation report say about one PMO model for the units follows the
units' table: "the same recommended design" only where every unit's design label is the same (issue 24, tester:
"get the same recommended model" was said beside two different designs)."""

from __future__ import annotations

import pytest

from app.engine.history import federated_suggestion
from app.engine.vocabulary import DIMENSIONS

TITLES = {d: d.title() for d in DIMENSIONS}
HUB = "Hub and spoke (a controlling centre, with federated unit leads)"
ASSURANCE = "A controlling PMO with assurance, tiered by risk"
CAPACITY = "A capacity office (controlling on work in flight)"


def unit(design, model="controlling", level=2.0, **scores):
    return {"design": design, "model": model, "scores": {d: scores.get(d, level) for d in DIMENSIONS}}


@pytest.mark.parametrize("units, said, not_said", [
    # The tester's case: two designs of one model, close scores: the units differ, each design is named.
    ({"Platforms": unit(ASSURANCE), "Retail": unit(CAPACITY, level=2.5)},
     ["different recommended designs", f"Platforms, “{ASSURANCE}”", f"Retail, “{CAPACITY}”",
      "within 0.5 levels of each other in every area", "compare the designs"],
     ["same recommended", "serve them all", "federated"]),
    # One design for every unit, close scores: one model serves them all.
    ({"Platforms": unit(HUB), "Retail": unit(HUB, level=2.9)},
     [f"Every unit gets the same recommended design, “{HUB}”", "within 0.9 levels", "serve them all"],
     ["different recommended"]),
    # One design but a level apart in an area: a federated PMO, and the same design said as such.
    ({"Platforms": unit(HUB), "Retail": unit(HUB, tools=3.5)},
     ["same recommended design", "1.5 levels apart in tools", "small central PMO"], ["serve them all", "different recommended"]),
    # Different models: the designs named, the federated advice.
    ({"Platforms": unit(HUB), "Retail": unit("A supportive office", model="supportive")},
     ["different recommended designs", "Retail, “A supportive office”", "small central PMO"],
     ["same recommended", "serve them all"]),
    # One unit: nothing to compare.
    ({"Platforms": unit(HUB)}, [], ["same", "different", "PMO"]),
])
def test_the_units_sentence_follows_their_designs(units, said, not_said):
    found = federated_suggestion(list(units.items()), TITLES)
    for part in said:
        assert part in found["text"], (part, found["text"])
    for part in not_said:
        assert part not in found["text"], (part, found["text"])
    if len(units) == 1:
        assert found["text"] == ""


def test_the_tab_and_the_organisation_report_say_the_same_sentence(units_world):
    from tests.helpers import visible_text
    import re

    page = units_world.member.get(f"/orgs/{units_world.org}").text
    (box,) = re.findall(r"<[^>]*data-federated[^>]*>(.*?)</(?:p|div)>", page, flags=re.S)
    sentence = visible_text(box).replace("A federated PMO may fit the organisation. ", "")
    assert "same recommended design" in sentence  # both units of this world get Hub and spoke
    assert sentence in " ".join(visible_text(units_world.member.get(f"/orgs/{units_world.org}/report.html").text).split())


from tests.test_history_units import units_world  # noqa: E402,F401  (the two-unit organisation)
