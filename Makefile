# The two commands of the README are `make run` and `make test`; both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every dependency pinned with its hashes, from pyproject.toml (`make lock`): the image
# installs the runtime lock, the virtual environment the dev lock (which contains it).
RUNTIME_LOCK := requirements/runtime.txt
DEV_LOCK     := requirements/dev.txt
COMPILE      := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
                --generate-hashes --quiet --custom-compile-command 'make lock'

.PHONY: run demo test compose-test lint lock lock-upgrade check clean

$(STAMP): $(DEV_LOCK) pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: Redis (private, AOF under .data/redis, or REDIS_URL), the three services and the
## portal (http://127.0.0.1:8000; a sign-in link per role is printed)
run: $(STAMP)
	deploy/run-local.sh

## demo: load Hải Dương's 2022-2024 programmes into the system `make run` started, on
## the same ports (the compose deployment loads it from its image: docker compose ... run --rm demo)
demo: $(STAMP)
	API_TOKEN=$${API_TOKEN:-$$(sed -n 's/^admin:\([^:]*\):.*/\1/p' .data/api-tokens 2>/dev/null)} \
	REGISTRATION_URL=$${REGISTRATION_URL:-http://127.0.0.1:$${REGISTRATION_PORT:-8001}} \
	APPROVAL_URL=$${APPROVAL_URL:-http://127.0.0.1:$${APPROVAL_PORT:-8002}} \
	REPORTING_URL=$${REPORTING_URL:-http://127.0.0.1:$${REPORTING_PORT:-8003}} \
	  $(BIN)/python -m deploy.demo

## test: lint, type check, and every test (unit, integration, end to end)
test: $(STAMP) lint
	deploy/system-packages.sh
	$(BIN)/pytest

## compose-test: deploy/compose.yaml brought up for real (starts a Docker engine if none
## answers and this is root; skips with the reason where no engine can run)
compose-test: $(STAMP)
	COMPOSE_TEST=1 $(BIN)/pytest -p no:cacheprovider -m compose tests/compose -s --timeout 1500

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## lock: requirements/*.txt from pyproject.toml, keeping every pin that still fits;
## lock-upgrade: every pin to the newest release that fits
lock: $(STAMP)
	$(COMPILE) $(LOCK_FLAGS) -o $(RUNTIME_LOCK)
	$(COMPILE) $(LOCK_FLAGS) --extra dev -c $(RUNTIME_LOCK) -o $(DEV_LOCK)

lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache
