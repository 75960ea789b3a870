# The two README commands: `make demo` (main job) and `make test` (everything CI runs).
# Both set the machine up from nothing, installing only from the lock (requirements/*.txt);
# a second run reuses what is already installed. `make lock` refreshes the lock.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: setup setup-site demo check test lint typecheck pytest bench lock clean

# Two install profiles: the site (CLI + mkdocs, nothing else) and the tests (that plus
# test tools, npm tools and chromium). Each stamp is remade when its lock changes.
$(VENV)/.installed-site: requirements/site.txt pyproject.toml tools/setup/install.sh
	bash tools/setup/install.sh "$(PYTHON)" "$(VENV)" site
	touch $@

$(VENV)/.installed-test: requirements/test.txt pyproject.toml package-lock.json tools/setup/install.sh
	bash tools/setup/install.sh "$(PYTHON)" "$(VENV)" test
	touch $@ $(VENV)/.installed-site

setup-site: $(VENV)/.installed-site
setup: $(VENV)/.installed-test

## Refresh the dependency lock after changing pyproject.toml (needs the network).
lock:
	bash tools/setup/lock.sh "$(PYTHON)"

## Main job: check the example handoffs, replay them as reviewed and merged pull requests
## in a demo repository (.demo/, approval records included), build its site and serve it.
demo: setup-site
	$(BIN)/handoff check handoffs/
	$(BIN)/python tools/setup/demo_history.py .demo
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -f .demo/mkdocs.yml --site-dir "$(CURDIR)/site"
	@echo "Handoff site: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python -m http.server $(PORT) --bind $(HOST) --directory site

check: setup-site
	$(BIN)/handoff check handoffs/

## Everything CI runs: linters, type checks, the whole test suite.
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-site
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
	rm -rf $(VENV) .venv-lock node_modules site .demo .pytest_cache .mypy_cache .ruff_cache
