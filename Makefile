# One command per task, shared by people and CI. `make serve` and `make test`
# set up everything on a fresh clone: .venv from requirements.txt, node_modules
# from package-lock.json, and Debian's chromium for the browser tests.

VENV := .venv
PY := $(VENV)/bin/python
WHEEL_DIR := build/wheels
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve build test lint matrix bench clean setup chromium timelines

setup: $(VENV)/.installed node_modules/.installed $(WHEEL_DIR)/.built

# pyodide-build needs Python >= 3.12: take the newest that really runs.
$(VENV)/.installed: requirements.txt cellrun/pyproject.toml
	@base=$$(python3 scripts/pythons.py --newest-at-least 3.12) || exit 1; \
	  echo "Creating $(VENV) with $$base"; \
	  rm -rf $(VENV) && "$$base" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e cellrun
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The Python half of the cells, as the pure-Python wheel Pyodide loads.
$(WHEEL_DIR)/.built: $(VENV)/.installed $(shell find cellrun/src -name '*.py')
	rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)
	$(PY) -m pip wheel --quiet --no-deps --no-build-isolation -w $(WHEEL_DIR) ./cellrun
	touch $@

chromium:
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || \
	  { echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

build: setup
	$(VENV)/bin/mkdocs build --strict

serve: build
	$(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

# Formatting and lint: ruff.toml for Python, biome.json for JavaScript.
lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	npx --no-install biome check --error-on-warnings

# Lint first; snippet and site tests on both cores; the browser tests after them, one Chromium at a time.
test: setup chromium lint
	$(VENV)/bin/pytest -n 2 --ignore=tests/browser
	$(VENV)/bin/pytest tests/browser

# The static task timelines (data/timelines/) from a reference run of every snippet.
timelines: $(VENV)/.installed
	$(PY) scripts/timelines.py

# data/version_matrix.json: every snippet on every interpreter found (hooks/version_matrix.py renders it).
matrix: setup
	$(PY) scripts/matrix.py

# BENCHMARKS.md: bytes and click-to-first-output in Chromium, long tasks, build time (scripts/bench.py).
bench: setup chromium
	$(PY) scripts/bench.py

clean:
	rm -rf site build $(VENV) node_modules
