"""Compiled templates are kept in the instance folder for every worker and restart (issue 25: a worker's
first dashboard spent three quarters of its 0.64 s compiling templates); an unwritable folder changes nothing
but the speed."""

from __future__ import annotations

import jinja2
import pytest
from flask import Flask, render_template

from app.web.template_cache import init_template_cache


def make(tmp_path) -> Flask:
    templates = tmp_path / "templates"
    if not templates.exists():
        templates.mkdir()
        (templates / "page.html").write_text("{% for n in numbers %}<p>{{ n }}</p>{% endfor %}")
    app = Flask(__name__, instance_path=str(tmp_path / "instance"), template_folder=str(templates))
    init_template_cache(app)
    return app


def render(app: Flask) -> str:
    with app.app_context():
        return render_template("page.html", numbers=[1, 2])


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = jinja2.Environment.compile

    def counted(self, source, name=None, *args, **kwargs):
        calls.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return calls


def test_a_second_app_finds_the_template_compiled_by_the_first(tmp_path, compiles):
    assert render(make(tmp_path)) == "<p>1</p><p>2</p>"
    assert compiles == ["page.html"] and list((tmp_path / "instance" / "templates-compiled").iterdir())
    assert render(make(tmp_path)) == "<p>1</p><p>2</p>"
    assert compiles == ["page.html"]  # loaded, not compiled again


def test_an_edited_template_is_compiled_again(tmp_path, compiles):
    render(make(tmp_path))
    (tmp_path / "templates" / "page.html").write_text("{{ numbers|length }} numbers")
    assert render(make(tmp_path)) == "2 numbers" and compiles == ["page.html", "page.html"]


def test_a_folder_that_cannot_be_written_only_costs_compiling(tmp_path, monkeypatch, compiles):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr("tempfile.NamedTemporaryFile", refuse)
    assert render(make(tmp_path)) == "<p>1</p><p>2</p>"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "instance").write_text("not a folder")  # the cache's folder cannot even be made
    assert render(make(tmp_path / "other")) == "<p>1</p><p>2</p>"
    assert len(compiles) == 2
