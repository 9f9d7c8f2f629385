"""A gunicorn worker killed with SIGKILL mid-workshop loses no acknowledged answer."""

from __future__ import annotations

import pytest

from bench.workshop_load import run_load


@pytest.mark.slow
def test_killing_a_worker_mid_run_loses_no_acknowledged_answer():
    figures = run_load(participants=40, workers=2, threads=8, kill_worker_after=1.0, seed=9)
    assert figures["killed_worker"] is not None, "no worker was killed; the test proved nothing"
    assert figures["acknowledged"] > 1000
    assert figures["lost"] == 0
    assert figures["stored"] == figures["acknowledged"]
    assert figures["duplicated"] == 0
    assert not figures["database_locked"], figures["server_log"]


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
