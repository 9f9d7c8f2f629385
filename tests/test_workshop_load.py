"""A small workshop under load, served by gunicorn: every answer stored once, every waiting phone shown the
results. A file of its own, beside test_workshop_faults.py: with --dist loadfile the two gunicorn runs
go to different workers instead of one after the other."""

from __future__ import annotations

import pytest

from bench.workshop_load import run_load


@pytest.mark.slow
def test_a_small_workshop_under_load_stores_every_answer_once():
    figures = run_load(participants=30, workers=2, threads=10, seed=3)
    assert figures["joined"] == 30
    assert figures["acknowledged"] == 30 * figures["questions"]
    assert (figures["lost"], figures["duplicated"], figures["errors_5xx"]) == (0, 0, 0)
    assert figures["polls"] >= 1
    # Every phone waiting for the results got them after the reveal, without reloading.
    assert figures["phones_shown"] == figures["phones_waiting"] == 30
    assert figures["p95_reveal_to_phone_ms"] > 0  # within the phase's minute, or the count above fails
