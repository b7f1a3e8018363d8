# marsad — two commands: `make run` (set up + demo) and `make test`.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
DEMO_DB ?= demo.db
# the web UI's port for `make run`; empty = 8000, or the next free port after it
PORT    ?=
PIP     := PIP_DISABLE_PIP_VERSION_CHECK=1 $(BIN)/pip install --quiet

.PHONY: install install-dev run test test-fast test-no-corpus bench lint clean web-vendor

# what running needs (no test tools)
install: $(VENV)/.installed

# install + the test tools (pytest, ruff, mypy, Playwright)
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: pyproject.toml
	@echo "== installing marsad and what it needs to run into $(VENV)/ (quietly: a few minutes the first time)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip
	@$(PIP) -e .
	@touch $@
	@echo "== installed: $(BIN)/marsad (or \`source $(BIN)/activate\` to type plain \`marsad\`)"

$(VENV)/.installed-dev: $(VENV)/.installed
	@echo "== adding the test tools (pytest, ruff, mypy, Playwright) to $(VENV)/ (quietly: about a minute)"
	@$(PIP) -e ".[dev]"
	@touch $@

# builds demo.db from the bundled corpus, shows searches and an analysis, then serves the
# web UI at http://127.0.0.1:8000/ (or the next free port; `make run PORT=8010` to choose)
run: install
	$(BIN)/marsad demo --db $(DEMO_DB) --serve $(if $(PORT),--port $(PORT))

# rebuild the vendored JavaScript (Leaflet, Cytoscape, world-atlas …) from the npm lock file
web-vendor:
	cd web-build && npm ci && npm run build

# the whole suite, with ../shared beside the checkout: 6 minutes on a clean clone on 2 cores
# (2026-12-08, `CI=true bash .ci/run`: 1,581 tests), 7½–9 minutes with other work running
test: install-dev
	$(BIN)/python -m pytest -q

# what to run while working: no `slow` test (training runs, corpus evaluations, benchmarks,
# the full pipeline over much text: marked in the test files), no browser, no PostgreSQL;
# about 150 CPU-seconds, so about 3 minutes on 2 quiet cores (2026-12-08, with other work
# running: 2:58 at load ~2, 4:31 at load ~4)
test-fast: install-dev
	$(BIN)/python -m pytest -q -m "not slow and not browser and not postgres"

# the suite as on a machine without ../shared: every corpus test must skip, none may fail
test-no-corpus: install-dev
	$(BIN)/python .ci/no_corpus.py

bench: install
	$(BIN)/marsad bench ingest --n 2000
	$(BIN)/marsad bench ingest --n 500 --stages all

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/mypy src/marsad

clean:
	rm -rf $(VENV) build dist *.egg-info $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
