"""The pooled benchmark: where an organisation's latest result stands among the other organisations
on this server that opted in, by quarter (quartile band) per capability area and overall.

Privacy rules (no name or score of another organisation is ever revealed, directly, by
differencing two groups, or by moving organisations one controls around a peer):
- only organisations that opted in count, each once, by its latest closed result (the store's
  benchmark_population chooses who is pooled; ``picture`` says what each one counts as);
- only organisations with different owners count: none that shares an owner with the organisation
  compared, and of several sharing an owner only the first (lowest id), so that one account cannot
  fill a group with organisations it set up around a peer;
- a group is shown only with at least MIN_GROUP other organisations in it;
- standing is told in quarters (bottom, lower middle, upper middle, top), never as an exact
  percentile, so a probe learns at most which quarter it falls in (the store refreshes the pooled
  population on a schedule, not on every submit, so each probe costs a refresh);
- a narrowing filter (the same delivery mix) is offered only when both the narrowed group and
  what it leaves out of the wider group have MIN_GROUP or more, or nothing at all is left out:
  otherwise comparing the two percentiles would describe fewer than MIN_GROUP organisations.
Pure functions: no Flask, no database.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Mapping, Sequence

from .history import rollup
from .vocabulary import DIMENSIONS

MIN_GROUP = 5


def picture(org_id: int, latest: Sequence[Mapping[str, Any]], owners: Sequence[int] = ()) -> dict[str, Any] | None:
    """What one organisation (owned by the accounts ``owners``) counts as in the benchmark, from the
    latest closed result of each of its scopes (``latest``: {unit_id, scores, overall, profile}, oldest first).

    Its own latest organisation-level result when it has one ("organisation"); otherwise the combined
    picture of its units' latest results ("units"): the mean per capability area and overall, as the
    whole-organisation roll-up shows it, in the size band most of those results give (a tie goes to
    the newest) and with a delivery mix only when they all give the same one. None without a result.
    """
    whole = [row for row in latest if row["unit_id"] is None]
    if whole:
        own = whole[-1]
        return {"org_id": org_id, "owners": sorted(owners), "basis": "organisation", "units": 0, "context": dict(own["profile"]),
                "scores": dict(own["scores"]), "overall": own["overall"]}
    if not latest:
        return None
    combined = rollup({i: row for i, row in enumerate(latest)})
    sizes = Counter(row["profile"].get("org_size") for row in latest)
    top = max(sizes.values())
    size = next(row["profile"].get("org_size") for row in reversed(latest) if sizes[row["profile"].get("org_size")] == top)
    mixes = {row["profile"].get("delivery_mix") for row in latest}
    return {"org_id": org_id, "owners": sorted(owners), "basis": "units", "units": len(latest),
            "context": {"org_size": size, "delivery_mix": mixes.pop() if len(mixes) == 1 else None},
            "scores": {d: combined[d]["mean"] for d in DIMENSIONS}, "overall": combined["overall"]["mean"]}


def percentile(value: float, others: Sequence[float]) -> int:
    """The share of ``others`` below ``value`` (ties count half), 0-100; never shown, only its quarter."""
    below = sum(1 for o in others if o < value)
    ties = sum(1 for o in others if o == value)
    return round(100 * (below + ties / 2) / len(others))


QUARTERS = {1: "bottom quarter", 2: "lower middle quarter", 3: "upper middle quarter", 4: "top quarter"}


def quarter(value: float, others: Sequence[float]) -> int:
    """Which quarter of ``others`` ``value`` stands in, 1 (bottom) to 4 (top), from its percentile."""
    return min(4, percentile(value, others) // 25 + 1)


def standing(value: int | None) -> str:
    """A quarter in words."""
    return QUARTERS.get(value, "not known") if value is not None else "not known"


def different_owners(own: Mapping[str, Any], others: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Of ``others``, those that share no owner with ``own`` nor with one kept before them (by id)."""
    taken = set(own.get("owners") or ())
    kept = []
    for p in sorted(others, key=lambda p: p["org_id"]):
        owners = set(p.get("owners") or ())
        if p["org_id"] == own["org_id"] or owners & taken:
            continue
        taken |= owners
        kept.append(p)
    return kept


def groups(own: Mapping[str, Any], population: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """The other organisations in the same size band with different owners, and of those, the ones
    with the same delivery mix.

    An organisation whose size (or delivery mix) is not known has no such group.
    """
    size, mix = own["context"].get("org_size"), own["context"].get("delivery_mix")
    band = different_owners(own, [p for p in population
                                  if size is not None and p["context"].get("org_size") == size])
    same_mix = [p for p in band if mix is not None and p["context"].get("delivery_mix") == mix]
    return {"size": band, "size_and_mix": same_mix}


def allowed(group: Sequence[Any], wider: Sequence[Any] | None = None) -> bool:
    """A group may be shown: MIN_GROUP or more, and (narrowed from ``wider``) what it leaves out is
    either nothing or MIN_GROUP or more too."""
    if len(group) < MIN_GROUP:
        return False
    if wider is None:
        return True
    left_out = len(wider) - len(group)
    return left_out == 0 or left_out >= MIN_GROUP


def benchmark(own: Mapping[str, Any], population: Sequence[Mapping[str, Any]],
              same_mix: bool = False) -> dict[str, Any]:
    """Quarters of ``own`` ({org_id, owners, context, scores, overall}) in its size band (and, ``same_mix``,
    its delivery mix), 1 (bottom) to 4 (top); or, when that group may not be shown, how many more organisations it needs
    ("needed", None when more organisations would not help)."""
    found = groups(own, population)
    band, mix = found["size"], found["size_and_mix"]
    mix_allowed = allowed(band) and allowed(mix, band)
    if own["context"].get("org_size") is None:
        return {"shown": False, "filter": "size", "mix_allowed": False, "needed": None,
                "reason": "the latest result does not say how large the organisation is"}
    if same_mix and not mix_allowed:
        return {"shown": False, "filter": "size_and_mix", "mix_allowed": False, "needed": None,
                "reason": "narrowing to the same delivery mix would describe fewer than "
                          f"{MIN_GROUP} organisations"}
    group = mix if same_mix else band
    if not allowed(group):
        return {"shown": False, "filter": "size", "mix_allowed": mix_allowed,
                "needed": MIN_GROUP - len(group), "reason": f"fewer than {MIN_GROUP} other organisations"}
    # An area (or overall) some of the group could not be scored in is shown only when MIN_GROUP of them
    # were, and (narrowed) only when those it leaves out of the wider group's scored ones are none or MIN_GROUP.
    def values(key: str, orgs: Sequence[Mapping[str, Any]]) -> list[float]:
        found = [p["overall"] if key == "overall" else p["scores"][key] for p in orgs]
        return [v for v in found if v is not None]

    quarters: dict[str, int | None] = {}
    for key in (*DIMENSIONS, "overall"):
        value = own["overall"] if key == "overall" else own["scores"][key]
        known = values(key, group)
        safe = allowed(known, values(key, band) if same_mix else None)
        quarters[key] = quarter(value, known) if value is not None and safe else None
    overall = quarters.pop("overall")
    return {"shown": True, "filter": "size_and_mix" if same_mix else "size", "mix_allowed": mix_allowed,
            "size": len(group), "quarters": quarters, "overall": overall}

