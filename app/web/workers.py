"""A server worker made ready before it takes its first request.

Each gunicorn worker starts with empty caches: its first organisation dashboard built plotly's validators
for its figures (about 0.4 s of CPU, 2 s on a busy machine), its first submitted result loaded the PDF
renderer (about 0.9 s) before the PDF could start, and its first report compiled the report's templates.
gunicorn.conf.py calls ``prepare_worker`` from its ``post_worker_init`` hook, before the worker accepts a
connection: the other workers serve meanwhile, and no request pays for it or waits behind it.
"""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def prepare_worker(app: Flask) -> None:
    """Load in this process what the first requests would each load: plotly's figure validators, the
    report's templates and, where results are rendered ahead, the PDF renderer and its fonts."""
    from .. import charts
    from . import renders

    steps = [("the charts", charts.warm_up), ("the report's templates", _report_templates)]
    if app.config.get("REPORT_PRERENDER"):
        steps.append(("the PDF renderer", renders.prepare_now))
    for name, step in steps:
        try:
            step()
        except Exception:  # the first request that needs it loads it instead
            log.exception("preparing %s failed", name)


def _report_templates() -> None:
    from ..reports.html import environment

    for name in ("report.html", "rollup.html"):
        environment().get_template(name)
