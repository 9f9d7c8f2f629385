"""How `make test` shares the suite between its workers (tests/conftest.py): the files that ask for an
expensive session fixture go to one worker together, so it is built once per run."""

from __future__ import annotations

import re

from app import PROJECT_ROOT
from tests.conftest import TOGETHER

ASKS = re.compile(r"def \w+\([^)]*\buneven_results\b")  # a test or fixture taking it as an argument


def test_every_file_reading_the_uneven_organisations_runs_on_one_worker():
    """`uneven_results` assesses 2,000 organisations; a file asking for it outside the group builds it again."""
    asking = {path.relative_to(PROJECT_ROOT).as_posix() for path in (PROJECT_ROOT / "tests").rglob("test_*.py")
              if ASKS.search(path.read_text(encoding="utf-8"))}
    grouped = {path for path, group in TOGETHER.items() if group == "uneven-organisations"}
    assert asking, "some test files read the uneven organisations"
    assert asking == grouped, f"put these in conftest.TOGETHER: {sorted(asking - grouped)}; " \
                              f"these no longer read them: {sorted(grouped - asking)}"
