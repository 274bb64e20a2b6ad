# One command per task, shared by people and CI. `make serve` and `make test`
# set up everything on a fresh clone: .venv from requirements.txt, node_modules
# from package-lock.json, and Debian's chromium for the browser tests.

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve build test lint matrix bench clean setup wheel chromium engines timelines new-example

setup: $(VENV)/.installed node_modules/.installed wheel

# pyodide-build needs Python >= 3.12: take the newest that really runs.
$(VENV)/.installed: requirements.txt cellrun/pyproject.toml tools/pyproject.toml
	@base=$$(python3 tools/src/devkit/pythons.py --newest-at-least 3.12) || exit 1; \
	  echo "Creating $(VENV) with $$base"; \
	  rm -rf $(VENV) && "$$base" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e cellrun -e tools
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The Python half of the cells: the wheel Pyodide loads, with .pyc compiled by the pinned
# Pyodide in Node (rebuilt when stale).
wheel: $(VENV)/.installed node_modules/.installed
	@$(PY) -m devkit.wheel >/dev/null

# The browser tests launch $$CHROMIUM (Debian's chromium by default). apt-get runs only when
# that default is missing and we are root on a Debian-like system; otherwise this says what
# to install, and the browser tests skip.
DEBIAN_CHROMIUM := /usr/bin/chromium
CHROMIUM ?= $(DEBIAN_CHROMIUM)
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$(CHROMIUM)" = $(DEBIAN_CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; \
	else \
	  echo "No browser at $(CHROMIUM): install Chromium and CJK fonts (Debian: sudo apt-get install" \
	    "chromium fonts-noto-cjk), or set CHROMIUM to a Chromium or Chrome binary."; \
	fi

# The other two engines of tests/engines: Firefox ESR (Gecko, with JSPI) and WebKitGTK's
# WebDriver (no JSPI) with Xvfb for its display. Installed like chromium: apt-get only as root
# on a Debian-like system; otherwise this says what to install, and those tests skip.
ENGINE_PACKAGES := firefox-esr webkit2gtk-driver xvfb
engines:
	@if [ -x /usr/bin/firefox-esr ] && [ -x /usr/bin/WebKitWebDriver ] && command -v Xvfb >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's $(ENGINE_PACKAGES) for the cross-engine tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(ENGINE_PACKAGES); \
	else \
	  echo "Firefox ESR or WebKitGTK missing: sudo apt-get install $(ENGINE_PACKAGES)" \
	    "(tests/engines skips an engine that is not installed)."; \
	fi

build: setup
	$(VENV)/bin/mkdocs build --strict

serve: build
	$(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST):$(PORT)

# Formatting and lint: ruff.toml for Python, biome.json for JavaScript, actionlint for .github/workflows.
lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	npx --no-install biome check --error-on-warnings
	$(VENV)/bin/actionlint

# Lint first; snippet and site tests on both cores, each file in one process (so
# tests/test_fidelity.py's real-time runs are made once, overlapping on four Pyodide hosts;
# xdist's loadgroup cannot group under pytest 9.2, which ignores the node ids it rewrites);
# the Chromium tests on both cores; then Firefox and WebKitGTK, one session each (tests/engines).
test: setup chromium engines lint
	$(VENV)/bin/pytest -n 2 --dist loadfile --ignore=tests/browser --ignore=tests/engines
	$(VENV)/bin/pytest -n 2 tests/browser
	$(VENV)/bin/pytest tests/engines

# A new example's snippet and its (failing) test, then what to do next: NAME=topic/name.
new-example:
	@test -x $(PY) || { echo "Run make setup first."; exit 1; }
	@$(PY) -m devkit.new_example --root "$(CURDIR)" "$(NAME)"

# The static task timelines (data/timelines/) from a reference run of every snippet.
timelines: $(VENV)/.installed
	$(PY) -m devkit.timelines

# data/version_matrix.json: every snippet on every interpreter found (hooks/version_matrix.py renders it).
matrix: setup
	$(PY) -m devkit.matrix

# BENCHMARKS.md: bytes, click to the first program line against a bare worker page, and the
# longest main-thread task of every scenario, in Chromium (tools/src/devkit/bench/).
bench: setup chromium
	$(PY) -m devkit.bench

clean:
	rm -rf site build $(VENV) node_modules
