"""A gunicorn worker is ready before its first request (issue 25: a fresh worker's first dashboard built
plotly's validators, 2 s on a busy machine, and its first submitted result loaded the PDF renderer before
the PDF could start): the shipped gunicorn.conf.py prepares each worker from its post_worker_init hook."""

from __future__ import annotations

import runpy
import subprocess
import sys
from types import SimpleNamespace

from app import PROJECT_ROOT, charts
from app.web import renders, workers


def test_the_shipped_gunicorn_config_prepares_each_worker_before_its_first_request():
    # A fresh process, as a gunicorn worker is: the hook runs with the worker's app, as gunicorn calls it.
    code = ("import sys, runpy, tempfile; from types import SimpleNamespace; from app import create_app; "
            "app = create_app({'DATABASE': tempfile.mktemp(suffix='.sqlite3'), 'SECRET_KEY': 't'}); "
            "before = 'weasyprint' in sys.modules; "
            "runpy.run_path('gunicorn.conf.py')['post_worker_init'](SimpleNamespace(wsgi=app)); "
            "import plotly.validator_cache as v; from app.reports.html import environment; "
            "print(before, 'weasyprint' in sys.modules, len(v.ValidatorCache._cache) > 50, "
            "len(environment().cache) >= 2)")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stderr[-2000:]


def test_a_worker_that_renders_nothing_ahead_does_not_load_the_pdf_renderer(monkeypatch):
    loaded: list = []
    monkeypatch.setattr(renders, "prepare_now", lambda: loaded.append("pdf"))
    monkeypatch.setattr(charts, "warm_up", lambda: loaded.append("charts"))
    workers.prepare_worker(SimpleNamespace(config={"REPORT_PRERENDER": False}))
    assert loaded == ["charts"]


def test_a_step_that_fails_leaves_the_others_done_and_the_worker_serving(monkeypatch, caplog):
    loaded: list = []

    def broken():
        raise RuntimeError("no validators")

    monkeypatch.setattr(charts, "warm_up", broken)
    monkeypatch.setattr(renders, "prepare_now", lambda: loaded.append("pdf"))
    workers.prepare_worker(SimpleNamespace(config={"REPORT_PRERENDER": True}))
    assert loaded == ["pdf"]
    assert "preparing the charts failed" in caplog.text


def test_the_hook_leaves_anything_but_the_flask_app_alone(monkeypatch):
    called: list = []
    monkeypatch.setattr(workers, "prepare_worker", lambda app: called.append(app))
    hook = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["post_worker_init"]
    hook(SimpleNamespace(wsgi=lambda environ, start_response: None))
    assert called == []
