"""The benchmarks that need no server run and print their figure line (issue 25); every bench/
script has a smoke test here or in test_bench_smoke_servers.py."""

from __future__ import annotations

import pytest

from tests.bench_smoke import SMALLEST, check_figure_line, scripts

SERVERS = ("history.py", "http.py", "api.py", "workshop_load.py", "pdf.py")  # in test_bench_smoke_servers.py
BROWSER = ("pages.py",)  # needs Chromium: in tests/browser/test_bench_pages_browser.py


def test_every_bench_script_has_a_smoke_test():
    assert scripts() == set(SMALLEST), "give each bench/ script its smallest input in tests/bench_smoke.py"
    assert set(SERVERS) | set(BROWSER) <= set(SMALLEST)


@pytest.mark.parametrize("script", sorted(set(SMALLEST) - set(SERVERS) - set(BROWSER)))
def test_bench_script_prints_its_figures(script):
    check_figure_line(script)
