"""Hostile content files are refused quickly and say why: alias bombs, huge files, floods of errors."""

from __future__ import annotations

import functools
import shutil
import threading
import time
from pathlib import Path

import pytest

from app import PROJECT_ROOT
from app.engine import ContentError, load_content
from app.engine.loader import MAX_FILE_BYTES, MAX_PROBLEMS_PER_FILE


def root_with(tmp_path: Path, name: str, text: str) -> Path:
    """The shipped content plus one extra questionnaire file."""
    for folder in ("questionnaires", "rules", "roadmaps"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    (tmp_path / "questionnaires" / name).write_text(text)
    return tmp_path


def alias_bomb(levels: int = 9, fanout: int = 9) -> str:
    """The 'billion laughs': each level is a list of nine aliases of the level below."""
    lines = ["kind: questionnaire", 'a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * fanout)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


@functools.cache
def shipped_load_seconds() -> float:
    """How long loading the shipped content takes on this machine now: deadlines scale with it."""
    started = time.perf_counter()
    load_content(PROJECT_ROOT)
    return time.perf_counter() - started


def load_with_deadline(root: Path, seconds: float) -> ContentError:
    """Load in a thread and fail the test if it does not finish in time (a hang would block forever).

    The deadline is ``seconds`` or, on a loaded machine, ten times a normal load, whichever is
    longer: a hang (the alias bomb) never finishes, so the margin costs nothing.
    """
    seconds = max(seconds, 10 * shipped_load_seconds())
    outcome: dict = {}

    def run():
        try:
            load_content(root)
        except ContentError as err:
            outcome["error"] = err

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"loading did not finish within {seconds} s"
    assert "error" in outcome, "the hostile file was accepted"
    return outcome["error"]


def test_alias_bomb_is_refused_at_once_with_its_line(tmp_path):
    text = alias_bomb()
    assert len(text) < 1200  # about 1 KB, as in the report
    error = load_with_deadline(root_with(tmp_path, "bomb.yaml", text), seconds=5)
    (file, _path, reason), = error.problems
    assert file == "questionnaires/bomb.yaml:2"
    assert "anchors and aliases" in reason


def test_a_single_harmless_anchor_is_refused_too(tmp_path):
    error = load_with_deadline(root_with(tmp_path, "anchor.yaml", "kind: questionnaire\nx: &x 1\ny: *x\n"), 5)
    assert "anchors and aliases" in error.describe()


def test_oversized_file_is_refused_with_its_size(tmp_path):
    text = "kind: questionnaire\n" + "# padding\n" * (MAX_FILE_BYTES // 10 + 10)
    error = load_with_deadline(root_with(tmp_path, "huge.yaml", text), seconds=5)
    (file, _path, reason), = error.problems
    assert file == "questionnaires/huge.yaml"
    assert f"{len(text.encode()):,} bytes" in reason and f"{MAX_FILE_BYTES:,}" in reason


def test_a_flood_of_problems_lists_the_first_and_counts_the_rest(tmp_path):
    # Just under the size limit, with thousands of unknown keys: each one is a problem.
    keys = "".join(f"unknown_{i}: {i}\n" for i in range(3000))
    text = "kind: questionnaire\nid: flood\n" + keys
    error = load_with_deadline(root_with(tmp_path, "flood.yaml", text), seconds=20)
    in_file = [p for p in error.problems if p[0].startswith("questionnaires/flood.yaml")]
    assert len(in_file) == MAX_PROBLEMS_PER_FILE + 1
    assert in_file[-1][2].startswith("... and ") and "more problems in this file" in in_file[-1][2]


@pytest.mark.parametrize("folder", ["rules", "roadmaps"])
def test_limits_hold_in_every_content_folder(tmp_path, folder):
    for name in ("questionnaires", "rules", "roadmaps"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    (tmp_path / folder / "bomb.yaml").write_text(alias_bomb())
    error = load_with_deadline(tmp_path, seconds=5)
    assert any(p[0] == f"{folder}/bomb.yaml:2" for p in error.problems)
