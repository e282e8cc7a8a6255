# familyservice-nb: `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TOOLS  := .venv-tools
PIP_TOOLS := pip-tools==7.7.0
PORT   ?= 8866

.DEFAULT_GOAL := help
.PHONY: help install run lab test test-fast lint bench constraints clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt deploy/proxy/package-lock.json tests/browser/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (familyservice-nb)" >/dev/null
	@# The hub's proxy (configurable-http-proxy, from npm): needed by `familyservice-nb hub` only.
	if command -v npm >/dev/null 2>&1; then cd deploy/proxy && npm ci --no-audit --no-fund --silent; \
	else echo "npm was not found, so the team hub's proxy is not installed (familyservice-nb hub needs it)."; fi
	@# axe-core, which the browser tests inject into each page to check accessibility.
	if command -v npm >/dev/null 2>&1; then cd tests/browser && npm ci --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the package with everything it needs

run: install ## start the app with demo data on http://127.0.0.1:8866
	$(BIN)/familyservice-nb serve --demo --port $(PORT)

lab: install ## open JupyterLab on the analyst notebooks
	$(BIN)/jupyter lab --ip=127.0.0.1 --no-browser $(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

test: install ## run the whole suite: unit, notebooks, database and browser tests
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser"
	@# Two at a time, a file to each: a file's tests share the server it starts, and most of a browser
	@# test's time is spent waiting on a page, which leaves room for another.
	$(BIN)/python -m pytest -n 2 --dist loadfile -m browser

test-fast: install ## the suite without browser and notebook tests
	$(BIN)/python -m pytest -m "not browser" tests

lint: install ## ruff
	$(BIN)/ruff check .

bench: install ## run the benchmarks and print their figures
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

constraints: ## pin every package's exact version in constraints.txt (UPGRADE=1: the newest pyproject.toml allows)
	test -x $(TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(TOOLS) && $(TOOLS)/bin/pip install --quiet '$(PIP_TOOLS)'; }
	CUSTOM_COMPILE_COMMAND="make constraints" $(TOOLS)/bin/pip-compile --quiet --extra test --strip-extras \
	  --no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade) -o constraints.txt pyproject.toml
	{ echo "# The exact version of every package familyservice-nb is tested with (make install installs these)."; \
	  echo "# Made from pyproject.toml by pip-compile: \`make constraints\` again after changing pyproject.toml,"; \
	  echo "# \`make constraints UPGRADE=1\` for the newest versions it allows; then \`make test\`, and add the new"; \
	  echo "# versions of the libraries it patches to familyservice_nb/web/compat.py (docs/developer-guide.md: Versions)."; \
	  cat constraints.txt; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean: ## remove the environment and caches (keeps data/)
	rm -rf $(VENV) $(TOOLS) .pytest_cache .hypothesis .ruff_cache *.egg-info
