"""What hostile uploads cost: issue 23's crafted answers workbook and its siblings, read as /import and
/orgs/<id>/progress/import read them, each in its own child process (peak memory by tracemalloc and
the child's resident set, wall time of an untraced read in a process that has imported openpyxl, and what the reader answered).

Usage: python bench/import_bomb.py [--only TEXT] (only the cases whose name contains TEXT)
Lines: <case> bytes=N read_ms=T peak_mb=M rss_mb=R answer=<the message's first words>
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

from app import PROJECT_ROOT  # noqa: E402
from app.engine import load_content  # noqa: E402
from app.engine.progress import SHEET_COLUMNS  # noqa: E402
from app.reports.progress_sheet import SHEET_TITLE, progress_table  # noqa: E402
from app.reports.template import ANSWER_HEADINGS, write_template  # noqa: E402
from app.reports.xlsx import table_xlsx  # noqa: E402
from tests.xlsx_attacks import entity_sheet, huge_sheet, replace_sheet, rows_beyond_sheet, wide_row_sheet  # noqa: E402

CHILD = """
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))  # a regression fails here, not the machine
sys.path.insert(0, {root!r})
from app import PROJECT_ROOT
from app.engine import load_content
from app.reports.progress_sheet import read_progress_file
from app.reports.template import read_template
import openpyxl  # imported once per worker, as in the app: not part of a read
content = load_content(PROJECT_ROOT)
data = open({path!r}, "rb").read()

def read():
    try:
        if {progress!r}:
            read_progress_file(data, "upload", 30)
        else:
            read_template(data, content, name="upload")
        return "read"
    except Exception as err:
        return type(err).__name__ + ": " + str(err)

started = time.perf_counter()
answer = read()
elapsed = time.perf_counter() - started
tracemalloc.start()  # a second read, traced: tracing slows it down
read()
print(json.dumps({{"ms": 1000 * elapsed, "peak": tracemalloc.get_traced_memory()[1],
                   "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "answer": answer}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    only = parser.parse_args().only
    template = write_template(load_content(PROJECT_ROOT).default_questionnaire)
    sheet = table_xlsx(progress_table({"phases": []}), "Roadmap progress")
    progress = [h for _k, h, _w in SHEET_COLUMNS]
    cases = {
        "answers: the template itself (for comparison)": (None, False),
        "answers: a million rows claiming A1:XFD1048576": (huge_sheet(ANSWER_HEADINGS), False),
        "answers: a million cells in one row": (wide_row_sheet(ANSWER_HEADINGS), False),
        "answers: billion laughs": (entity_sheet(ANSWER_HEADINGS, "billion laughs"), False),
        "progress: 3,000 filled rows under a one-row dimension": (rows_beyond_sheet(progress), True),
        "progress: a million rows claiming A1:XFD1048576": (huge_sheet(progress), True),
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, (xml, is_progress) in cases.items():
            if only not in name:
                continue
            path = Path(folder) / "upload.xlsx"
            path.write_bytes(template if xml is None else replace_sheet(sheet, SHEET_TITLE, xml) if is_progress
                             else replace_sheet(template, "Answers", xml))
            child = subprocess.run([sys.executable, "-c", CHILD.format(root=str(PROJECT_ROOT), path=str(path),
                                                                        progress=is_progress)],
                                   capture_output=True, text=True, timeout=600)
            if child.returncode != 0:
                print(f"{name}: the child failed ({child.returncode}): {child.stderr.strip().splitlines()[-1:]}")
                continue
            found = json.loads(child.stdout.splitlines()[-1])
            print(f"{name}: bytes={path.stat().st_size} read_ms={found['ms']:.0f} "
                  f"peak_mb={found['peak'] / 2**20:.1f} rss_mb={found['rss'] / 2**20:.0f} answer={found['answer'][:90]}")


if __name__ == "__main__":
    main()
