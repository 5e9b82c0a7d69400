# The two commands of the README are `make run` and `make test`; both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo test lint check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: Redis (private, AOF under .data/redis, or REDIS_URL) and the three services
run: $(STAMP)
	deploy/run-local.sh

## demo: load Hai Duong's 2023 and 2024 programmes into the running system
demo: $(STAMP)
	API_TOKEN=$${API_TOKEN:-$$(sed -n 's/^admin:\([^:]*\):.*/\1/p' .data/api-tokens 2>/dev/null)} \
	  $(BIN)/python -m deploy.demo

## test: lint, type check, and every test (unit, integration, end to end)
test: $(STAMP) lint
	deploy/system-packages.sh
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache
