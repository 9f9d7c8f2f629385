"""The benchmarks that load a gunicorn server run on their smallest input and print their figure line
(issue 25). A file of their own, so --dist loadfile can run them beside the others."""

from __future__ import annotations

import pytest

from tests.bench_smoke import check_figure_line
from tests.test_bench_smoke import SERVERS


@pytest.mark.slow
@pytest.mark.parametrize("script", SERVERS)
def test_bench_script_under_gunicorn_prints_its_figures(script):
    check_figure_line(script)
