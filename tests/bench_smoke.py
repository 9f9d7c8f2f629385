"""Run a bench/ script as people do (`python bench/<name>.py`) on its smallest input and read its
figure line: the benchmarks are checked by the suite, so they cannot rot unnoticed (issue 25).

No timing is asserted: only that the script runs and prints every figure it promises, as numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys

from app import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"

# Every script, its smallest input, and the figures its last line promises (its docstring's "Last line").
SMALLEST = {
    "engine.py": (["--n", "3"], ["assessments_per_s", "assessments_per_cpu_s"]),
    "import_bomb.py": (["--only", "billion laughs"], ["bytes", "read_ms", "peak_mb", "rss_mb"]),
    "health.py": (["--probes", "3", "--requests", "5"], ["probe_ms", "healthz_cached_ms", "healthz_uncached_ms"]),
    "history.py": (["--orgs", "1", "--assessments", "2", "--respondents", "1", "--requests", "2", "--workers", "1"],
                   ["dashboard_ms", "compare_ms", "trivial_ms", "population_ms"]),
    "http.py": (["--seconds", "0.2", "--window", "0.1", "--clients", "1", "--workers", "1"],
                ["results_rps", "trivial_rps", "ratio", "results_cpu_ms", "trivial_cpu_ms", "cpu_ratio"]),
    "api.py": (["--seconds", "0.2", "--window", "0.1", "--clients", "1", "--workers", "1"],
               ["api_rps", "trivial_rps", "ratio"]),
    "pdf.py": (["--workers", "1", "--requests", "2"],
               ["render_ms", "kept_ms", "healthz_p50_ms", "healthz_max_ms", "ok", "limited", "busy"]),
    "pdf_render.py": (["--orgs", "1", "--runs", "1"], ["render_cpu_ms", "first_cpu_ms", "max_cpu_ms", "pages"]),
    "report_length.py": (["--n", "1", "--worst", "1"],
                         ["organisations", "body_max_words", "whole_max_words", "pdf_body_max_words", "repeated_max"]),
    "pages.py": (["--runs", "1", "--quarters", "2", "--read-seconds", "0"],
                 ["result_ms", "dashboard_ms", "compare_ms", "console_ms", "pdf_click_ms", "trivial_ms"]),
    "workshop_load.py": (["--participants", "2", "--workers", "1", "--threads", "2"],
                         ["participants", "acknowledged", "stored", "lost", "duplicated", "errors_5xx",
                          "p95_save_ms", "p95_poll_ms", "p95_trivial_ms", "p95_reveal_to_phone_ms"]),
}

NUMBER = re.compile(r"-?\d+(\.\d+)?")


def scripts() -> set[str]:
    """The benchmark scripts in bench/ (helpers such as common.py print nothing of their own)."""
    return {p.name for p in BENCH.glob("*.py")
            if not p.name.startswith("_") and "__main__" in p.read_text(encoding="utf-8")}


def figures(script: str) -> dict[str, str]:
    """Run the script on its smallest input; return its last line's key=value figures."""
    args, _promised = SMALLEST[script]
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"bench/{script} failed:\n{done.stderr[-3000:]}"
    lines = done.stdout.strip().splitlines()
    assert lines, f"bench/{script} printed nothing"
    return dict(pair.split("=", 1) for pair in lines[-1].split() if "=" in pair)


def check_figure_line(script: str) -> None:
    printed = figures(script)
    promised = SMALLEST[script][1]
    missing = [key for key in promised if key not in printed]
    assert not missing, f"bench/{script}'s last line lacks {missing}: {printed}"
    not_numbers = {key: printed[key] for key in promised if not NUMBER.fullmatch(printed[key])}
    assert not not_numbers, f"bench/{script} printed figures that are not numbers: {not_numbers}"
