# marsad — two commands: `make run` (set up + demo) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: install run demo test test-fast bench lint clean web-vendor

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

# builds demo.db from the bundled corpus, shows searches and an analysis, then serves the
# web UI at http://127.0.0.1:8000/ (Ctrl-C stops)
run: install
	$(BIN)/marsad demo --db $(DEMO_DB) --serve

# rebuild the vendored JavaScript (Leaflet, Cytoscape, world-atlas …) from the npm lock file
web-vendor:
	cd web-build && npm ci && npm run build

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser and not postgres"

bench: install
	$(BIN)/marsad bench ingest --n 2000
	$(BIN)/marsad bench ingest --n 500 --stages all

lint: install
	$(BIN)/ruff check src tests

clean:
	rm -rf $(VENV) build dist *.egg-info $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
