# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST_PG_URL := postgres://postgres@127.0.0.1:5432/test
HOST_REDIS_URL := redis://127.0.0.1:6379/0
HOST_PG_DSN := postgresql://postgres@127.0.0.1:5432/test

export CMS_DATABASE_URL ?= sqlite://./cms.sqlite3

.PHONY: run test lint format schema migrations bench bench-import clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## run: install, migrate, seed the demo article, serve GraphiQL on http://127.0.0.1:8000/graphql
run: $(VENV)/.installed
	$(BIN)/cms migrate
	$(BIN)/cms seed
	$(BIN)/cms serve

## test: ruff, then the whole suite (PostgreSQL and Redis tests too when they answer locally)
test: $(VENV)/.installed lint
	@if [ -z "$$CMS_TEST_DATABASE_URL" ] && $(BIN)/python -c "import asyncio, asyncpg; asyncio.run(asyncpg.connect('$(HOST_PG_DSN)', timeout=2))" 2>/dev/null; then \
		export CMS_TEST_DATABASE_URL=$(HOST_PG_URL); echo "PostgreSQL tests: $(HOST_PG_URL)"; fi; \
	if [ -z "$$CMS_TEST_REDIS_URL" ] && $(BIN)/python -c "import redis; redis.Redis.from_url('$(HOST_REDIS_URL)', socket_timeout=2).ping()" 2>/dev/null; then \
		export CMS_TEST_REDIS_URL=$(HOST_REDIS_URL); echo "Redis tests: $(HOST_REDIS_URL)"; fi; \
	$(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cms
	$(BIN)/cms schema --check

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## schema: export schema/schema.graphql from the code
schema: $(VENV)/.installed
	$(BIN)/cms schema > schema/schema.graphql

## migrations: write a migration for model changes
migrations: $(VENV)/.installed
	$(BIN)/tortoise -c cms.db.config.TORTOISE_ORM makemigrations

## bench: executed and cached reads side by side with the hand-written SQL floor (needs wrk)
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/side_by_side.py

## bench-import: 10,000 generated articles through `cms import`'s path
bench-import: $(VENV)/.installed
	$(BIN)/python bench/import_articles.py --count 10000 --database sqlite

clean:
	rm -rf $(VENV) cms.sqlite3 cms.sqlite3-* .pytest_cache .ruff_cache
