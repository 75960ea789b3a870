# The two README commands: `make demo` (main job) and `make test` (everything CI runs).
# Both set the machine up from nothing; a second run reuses what is already installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup demo check test lint typecheck pytest bench clean

$(STAMP): pyproject.toml package.json tools/setup/install.sh
	bash tools/setup/install.sh "$(PYTHON)" "$(VENV)"
	touch $@

setup: $(STAMP)

## Main job: check the example handoffs, then build and serve the site.
demo: setup
	$(BIN)/handoff check handoffs/
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "Handoff site: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory site

check: setup
	$(BIN)/handoff check handoffs/

## Everything CI runs: linters, type checks, the whole test suite.
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest -n 2 --dist loadgroup

## Benchmarks print figures (they are not tests): check speed, site build, metrics, drafting quality.
bench: setup
	$(BIN)/python bench/check_bench.py
	$(BIN)/python bench/site_build.py
	$(BIN)/python bench/metrics_bench.py
	$(BIN)/python bench/draft_eval.py

clean:
	rm -rf $(VENV) node_modules site .pytest_cache .mypy_cache .ruff_cache
