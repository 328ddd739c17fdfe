# Two commands do everything on a fresh machine (Python 3.11+ and make):
#   make plan   offline plan of the dev stack (STACK=prod for another)
#   make test   lint and the whole test suite
#   make bench  time the offline plan against the import floor (benchmarks/bench_plan.py)
# Both create .venv and install the pinned requirements on first use; `pulumi up` uses the
# same .venv (Pulumi.yaml: runtime.options.virtualenv).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STACK ?= dev
FORMAT ?= text

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -e .
	touch $@

.PHONY: install plan test lint bench
install: $(STAMP)

plan: $(STAMP)
	$(BIN)/python -m ssm_profile plan --stack $(STACK) --format $(FORMAT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_plan.py
