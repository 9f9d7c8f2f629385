"""Compiled page templates kept in the instance folder, shared by every worker and every restart.

Jinja compiles a template the first time a process renders it: a worker's first organisation
dashboard cost about 0.64 s of CPU, three quarters of it compiling its templates, and each of the
server's workers (and each test's app) paid it again. Jinja's own bytecode cache keeps the compiled
code on disk, keyed by the template's name and checked against its source, so an edited template is
compiled again. A read-only instance folder only means compiling in memory, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import FileSystemBytecodeCache


class TemplateCache(FileSystemBytecodeCache):
    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:  # cannot write there: the template stays compiled in this process only
            pass


def init_template_cache(app: Flask) -> None:
    """Give the app's Jinja environment the shared cache (before anything creates the environment)."""
    folder = Path(app.instance_path) / "templates-compiled"
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return
    app.jinja_options = {**app.jinja_options, "bytecode_cache": TemplateCache(str(folder))}
