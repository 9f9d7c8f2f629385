"""bench/pages.py runs on its smallest input and prints its figure line (issue 25; it asserts no time).
Here, not in test_bench_smoke.py: it drives Chromium, so it is skipped where there is none."""

from __future__ import annotations

import pytest

from tests.bench_smoke import check_figure_line


@pytest.mark.slow
def test_the_pages_bench_prints_its_figures(chromium_path):
    check_figure_line("pages.py")
