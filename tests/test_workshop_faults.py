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
