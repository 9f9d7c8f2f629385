"""The pooled benchmark's privacy rules and quarters (pure engine)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from app.engine.benchmark import MIN_GROUP, allowed, benchmark, percentile, picture, quarter, standing
from app.engine.vocabulary import DIMENSIONS

SIZES = ("small", "medium", "large", "enterprise")
MIXES = ("waterfall", "hybrid", "agile")


def org(org_id, size="large", mix="hybrid", score=2.0, owners=None):
    """An organisation of the population; by default its own owner (its id plus 1000)."""
    return {"org_id": org_id, "owners": [org_id + 1000] if owners is None else owners,
            "context": {"org_size": size, "delivery_mix": mix},
            "scores": dict.fromkeys(DIMENSIONS, score), "overall": score}


@pytest.mark.parametrize(("value", "others", "expected"), [
    (3.0, [1.0, 2.0, 4.0, 5.0], 50), (1.0, [2.0, 3.0], 0), (5.0, [1.0, 2.0], 100), (2.0, [2.0, 2.0], 50),
])
def test_percentile_counts_ties_half(value, others, expected):
    assert percentile(value, others) == expected


@pytest.mark.parametrize("others", [0, 1, MIN_GROUP - 1])
def test_a_group_below_the_minimum_is_never_shown_and_says_how_many_more(others):
    population = [org(1)] + [org(i + 2, score=1.0 + i / 10) for i in range(others)]
    out = benchmark(population[0], population)
    assert out["shown"] is False and out["needed"] == MIN_GROUP - others and "quarters" not in out


@pytest.mark.parametrize(("value", "others", "expected"), [
    (1.0, [2.0, 3.0, 4.0, 5.0], 1), (3.0, [1.0, 2.0, 4.0, 5.0, 2.5], 3), (2.0, [1.0, 3.0, 4.0, 5.0], 2),
    (3.0, [1.0, 2.0, 4.0, 5.0], 3), (5.0, [1.0, 2.0, 3.0, 4.0], 4), (4.0, [1.0, 2.0, 3.0, 5.0], 4),
])
def test_standing_is_a_quarter_from_bottom_1_to_top_4(value, others, expected):
    assert quarter(value, others) == expected


def test_a_full_group_gives_quarters_and_only_its_size():
    population = [org(1, score=3.0)] + [org(i + 2, score=s) for i, s in enumerate([1.0, 2.0, 4.0, 5.0, 2.5])]
    out = benchmark(population[0], population)
    assert out["shown"] and out["size"] == 5 and out["overall"] == 3  # 60th percentile: upper middle
    assert set(out) == {"shown", "filter", "mix_allowed", "size", "quarters", "overall"}


def test_organisations_sharing_an_owner_with_it_never_count():
    own = org(1, score=3.0, owners=[7])
    mine = [org(i + 2, score=1.0, owners=[7, 50 + i]) for i in range(5)]  # co-owned by its owner
    out = benchmark(own, [own, *mine])
    assert out["shown"] is False and out["needed"] == MIN_GROUP


def test_several_organisations_of_one_owner_count_once():
    own = org(1, score=3.0)
    one_owner = [org(i + 2, score=1.0, owners=[8]) for i in range(4)]
    others = [org(i + 10, score=4.0) for i in range(3)]
    out = benchmark(own, [own, *one_owner, *others])
    assert out["shown"] is False and out["needed"] == 1  # 1 + 3 owners, not 7 organisations
    out = benchmark(own, [own, *one_owner, *others, org(20, score=4.0)])
    assert out["shown"] and out["size"] == 5 and out["overall"] == 1  # one below of five: 20th percentile


def test_an_area_too_few_peers_were_scored_in_is_not_shown():
    population = [org(1, score=3.0)] + [org(i + 2, score=s) for i, s in enumerate([1.0, 2.0, 4.0, 5.0, 2.5])]
    population[1]["scores"][DIMENSIONS[0]] = None  # insufficient answers: four peers scored in that area
    out = benchmark(population[0], population)
    assert out["quarters"][DIMENSIONS[0]] is None and out["quarters"][DIMENSIONS[1]] == 3


def test_an_organisation_of_unknown_size_has_no_group():
    population = [org(1, size=None)] + [org(i + 2, size=None) for i in range(6)]
    out = benchmark(population[0], population)
    assert out["shown"] is False and out["needed"] is None


@pytest.mark.parametrize(("value", "words"), [(1, "bottom quarter"), (2, "lower middle quarter"),
                                              (3, "upper middle quarter"), (4, "top quarter"), (None, "not known")])
def test_standing_in_words(value, words):
    assert standing(value) == words


def scope(unit_id, score, size="large", mix="hybrid"):
    return {"unit_id": unit_id, "scores": dict.fromkeys(DIMENSIONS, score), "overall": score,
            "profile": {"org_size": size, "delivery_mix": mix}}


@pytest.mark.parametrize(("latest", "basis", "overall", "size", "mix"), [
    ([], None, None, None, None),
    # The organisation's own latest result wins over its units'.
    ([scope(1, 2.0), scope(None, 3.5), scope(2, 4.0)], "organisation", 3.5, "large", "hybrid"),
    # Only units: their mean, in the size band most of them give, a mix only when they agree.
    ([scope(1, 2.0), scope(2, 4.0, mix="agile")], "units", 3.0, "large", None),
    ([scope(1, 2.0, size="medium"), scope(2, 3.0), scope(3, 4.0)], "units", 3.0, "large", "hybrid"),
    # A tie between size bands goes to the newest result (the last).
    ([scope(1, 2.0, size="medium"), scope(2, 3.0)], "units", 2.5, "large", "hybrid"),
])
def test_what_an_organisation_counts_as(latest, basis, overall, size, mix):
    found = picture(9, latest, owners=[3, 1])
    if basis is None:
        assert found is None
        return
    assert (found["basis"], found["overall"], found["context"]) == (basis, overall, {"org_size": size,
                                                                                       "delivery_mix": mix})
    assert found["scores"] == dict.fromkeys(DIMENSIONS, overall) and found["org_id"] == 9 and found["owners"] == [1, 3]


def test_other_size_bands_are_not_counted():
    population = [org(1)] + [org(i + 2, size="small") for i in range(10)]
    assert benchmark(population[0], population)["shown"] is False


def test_the_mix_filter_is_refused_when_it_would_leave_out_fewer_than_the_minimum():
    # 6 others in the band, 5 with the same mix: the 1 left out could be read off by differencing.
    population = [org(1)] + [org(i + 2) for i in range(5)] + [org(7, mix="agile")]
    assert benchmark(population[0], population)["shown"]
    narrowed = benchmark(population[0], population, same_mix=True)
    assert narrowed["shown"] is False and narrowed["mix_allowed"] is False


population_strategy = st.lists(st.tuples(st.sampled_from(SIZES[:2]), st.sampled_from((*MIXES, None)),
                                         st.floats(1.0, 5.0, allow_nan=False), st.booleans()),
                               min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(population_strategy)
def test_no_shown_group_or_difference_of_groups_describes_fewer_than_the_minimum(rows):
    population = [org(i, size, mix, round(score, 2)) for i, (size, mix, score, _) in enumerate(rows)]
    for p, (*_, scored) in zip(population, rows):
        if not scored:  # too few answers in the first area
            p["scores"][DIMENSIONS[0]] = None
    for own in population:
        wide = benchmark(own, population)
        narrow = benchmark(own, population, same_mix=True)
        band = [p for p in population if p["org_id"] != own["org_id"]
                and p["context"]["org_size"] == own["context"]["org_size"]]
        mix = [p for p in band if own["context"]["delivery_mix"] is not None
               and p["context"]["delivery_mix"] == own["context"]["delivery_mix"]]
        if wide["shown"]:
            assert wide["size"] == len(band) >= MIN_GROUP
        if narrow["shown"]:
            assert narrow["size"] == len(mix) >= MIN_GROUP
            if wide["shown"]:  # both shown: their difference describes the left-out organisations
                assert len(band) - len(mix) == 0 or len(band) - len(mix) >= MIN_GROUP
        assert allowed(band) == wide["shown"]
        # An area's quarter rests on MIN_GROUP scored peers, and wide minus narrow on none or MIN_GROUP.
        first = DIMENSIONS[0]
        scored_band = [p for p in band if p["scores"][first] is not None]
        scored_mix = [p for p in mix if p["scores"][first] is not None]
        if wide["shown"] and wide["quarters"][first] is not None:
            assert len(scored_band) >= MIN_GROUP
        if narrow["shown"] and narrow["quarters"][first] is not None:
            assert len(scored_mix) >= MIN_GROUP
            assert len(scored_band) - len(scored_mix) in (0, *range(MIN_GROUP, len(scored_band) + 1))
