# PMO Advisor. Needs only Python 3.11 and make: `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install install-dev migrate content-check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pip compiles every installed module on one core (about 26 s of CPU for the 6,400 files, most of them
# plotly's); compileall does the same work on every core, and skips what is already compiled.
INSTALL = $(BIN)/python -m pip install --quiet --no-compile
COMPILE = $(BIN)/python -m compileall -q -j 0 $(VENV)/lib

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(INSTALL) -r requirements.txt
	$(COMPILE)
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(INSTALL) -r requirements-dev.txt
	$(COMPILE)
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/flask --app app db migrate

## run: install, migrate and start the app at http://127.0.0.1:5000 on the embedded SQLite database
## (Werkzeug's development server without its version banner; production runs under gunicorn)
run: migrate
	$(BIN)/flask --app app serve --host $(HOST) --port $(PORT)

## test: install what tests need and run the whole suite (unit, web, browser) on every core.
## A file's tests go to one worker, in order, sharing its fixtures (--dist loadfile), slow files first;
## tests/conftest.py names the files shared out test by test (SPREAD) or kept together (TOGETHER).
## It keeps compiled modules even where PYTHONDONTWRITEBYTECODE is set: the suite starts dozens of
## Python processes, and each would compile the app and rewrite the test modules again.
## It loads only the pytest plugins the suite uses (xdist, hypothesis), not every one installed
## (schemathesis and anyio bring theirs): about a second of CPU less for each pytest process.
test: install-dev
	PYTHONDONTWRITEBYTECODE= PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -p xdist -p hypothesispytest \
		-n auto --dist loadfile --no-loadscope-reorder --durations=15

content-check: install
	$(BIN)/flask --app app content check

bench: install-dev
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/http.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
