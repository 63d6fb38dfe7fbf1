# DealLens: `make run` for the demo, `make test` for the suite. Both set up .venv on first use.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=
# pytest-xdist workers: one per core by default; `make test PYTEST_WORKERS=0` runs serially
# (plain `.venv/bin/pytest` is serial too). Each worker has its own test database; the
# tests that start Celery workers share one xdist worker (loadgroup, tests/conftest.py).
PYTEST_WORKERS ?= auto
# The embedded demo, whatever .env or the shell says: tasks in-process, static files collected
# (compressed, cacheable) and its own SQLite file in .demo/, a folder only `make run` uses, so
# another manage.py run in this checkout cannot replace it. The server (not the setup commands
# before it) also runs the debounced insight recompute in-process.
DEMO_DIR := $(CURDIR)/.demo
DEMO_ENV := DJANGO_DEBUG=true REDIS_URL= DATABASE_URL='sqlite:///$(DEMO_DIR)/db.sqlite3' \
	DEALLENS_INPROCESS_RECOMPUTE=false DEALLENS_COLLECTED_STATIC=true
# lint/migrate/worker default to DEBUG on (no secret needed); export DJANGO_DEBUG=false to override.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: help install run test lint migrate worker beat bench bench-small

help:
	@echo "make run      set up .venv, migrate the demo SQLite (.demo/), load demo data, serve http://127.0.0.1:8000"
	@echo "make test     set up .venv and run the test suite on every core (DATABASE_URL, REDIS_URL"
	@echo "              honoured; PYTEST_ARGS='-m \"not slow\"' skips the fuzzer, PYTEST_WORKERS=0 is serial)"
	@echo "make lint     ruff check, ruff format --check, mypy, makemigrations --check"
	@echo "make migrate  apply migrations to the database in DATABASE_URL (SQLite by default)"
	@echo "make worker   a Celery worker on the celery and insights queues (needs REDIS_URL)"
	@echo "make beat     Celery beat: insight recomputes and scheduled CRM syncs (needs REDIS_URL)"
	@echo "make bench    every PRODUCT.md §9 figure at full scale: seed once, recompute vs SQL, API"
	@echo "              and pages over gunicorn, 200k-row import, CRM sync of 10,000 changed records,"
	@echo "              event → notification and webhook through Redis and a worker (needs REDIS_URL)"
	@echo "              (DATABASE_URL=postgres://…; BENCH_ARGS=)"
	@echo "make bench-small  the same code at scale 1 (under a minute; prints, writes no docs)"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is needed (python3.11 or python3)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "$(PYTHON) is $$($(PYTHON) --version 2>&1); DealLens needs Python 3.11+"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes, so a second `make run` starts at once.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP)

run: $(STAMP)
	@mkdir -p $(DEMO_DIR)
	$(DEMO_ENV) $(MANAGE) migrate --noinput
	$(DEMO_ENV) $(MANAGE) seed_demo --if-empty
	$(DEMO_ENV) $(MANAGE) recompute_insights --workspace demo
	$(DEMO_ENV) $(MANAGE) collectstatic --noinput -v 0
	$(DEMO_ENV) DEALLENS_INPROCESS_RECOMPUTE=true $(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run

migrate: $(STAMP)
	$(DEV_ENV) $(MANAGE) migrate --noinput

worker: $(STAMP)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it tasks run in-process and need no worker."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A config worker --queues=celery,insights --loglevel=INFO

beat: $(STAMP)
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): beat schedules tasks for a worker."; exit 1; }
	$(DEV_ENV) $(BIN)/celery -A config beat --loglevel=INFO

# The benchmarks need PostgreSQL (PRODUCT.md §9 is measured there): DATABASE_URL=postgres://…
# bench/run.py refuses anything but PostgreSQL. BENCH_ARGS: e.g. --force-seed, --only http.
BENCH_ARGS ?=
bench: $(STAMP)
	$(DEV_ENV) $(BIN)/python bench/run.py $(BENCH_ARGS)

bench-small: $(STAMP)
	$(DEV_ENV) $(BIN)/python bench/run.py --scale 1 --workspace bench-small --no-write \
		--requests 40 --page-requests 12 --warmup 2 \
		--import-rows 2000 --import-accounts 100 --sync-changed 1000 --sync-compare 200 \
		--alert-events 10 --alert-burst 40 \
		$(BENCH_ARGS)
