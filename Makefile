# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export CMS_DATABASE_URL ?= sqlite://./cms.sqlite3

.PHONY: run demo test lint lock format schema migrations bench bench-writes bench-import clean distclean frontend-deps screenshots

FRONTEND_DEPS := frontend/node_modules/.installed

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

## demo: `make run` plus the reference frontend: the CMS on :8000 (CMS_PORT), the built
## reader site on http://127.0.0.1:4173 with /graphql proxied to the CMS
demo: $(VENV)/.installed $(FRONTEND_DEPS)
	$(BIN)/cms migrate
	$(BIN)/cms seed
	cd frontend && npm run build
	@echo "Reader site: http://127.0.0.1:4173  (GraphiQL: http://127.0.0.1:$${CMS_PORT:-8000}/graphql)"
	$(BIN)/cms serve & cms=$$!; trap 'kill $$cms' EXIT INT TERM; \
		cd frontend && CMS_URL=http://127.0.0.1:$${CMS_PORT:-8000} npx vite preview

$(FRONTEND_DEPS): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

# The browser tests need the frontend's packages; without npm they skip (not under CI=true).
frontend-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(FRONTEND_DEPS); \
	elif [ "$$CI" = true ]; then echo "CI=true requires npm for the browser tests"; exit 1; \
	else echo "npm not found: the browser tests will be skipped"; fi

## screenshots: the browser tests, saving docs/screenshots/*.png (shown in the README)
screenshots: $(VENV)/.installed $(FRONTEND_DEPS)
	CMS_SCREENSHOT_DIR=docs/screenshots $(BIN)/python -m pytest -q tests/browser/test_frontend.py

## test: lint, then the whole suite; PostgreSQL (its own `cms_test` database) and Redis
## on 127.0.0.1 are found by themselves, and a line says when their tests are skipped
test: $(VENV)/.installed frontend-deps lint
	@eval "$$($(BIN)/python -m tests.local_services)"; $(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy cms
	$(BIN)/cms schema --check
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_lock.py

## lock: resolve pyproject.toml's dependencies again into uv.lock and requirements.lock
lock: $(VENV)/.installed
	$(BIN)/uv lock
	$(BIN)/uv export --frozen --no-dev --no-emit-project --format requirements-txt \
		--output-file requirements.lock >/dev/null

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

## bench-writes: likes, comments and Redis commands per request on PostgreSQL + Redis
bench-writes: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "make bench-writes needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python bench/writes.py

## bench-import: 10,000 generated articles through `cms import`'s path
bench-import: $(VENV)/.installed
	$(BIN)/python bench/import_articles.py --count 10000 --database sqlite

## clean: caches and the virtual environment; the content (cms.sqlite3) stays
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache frontend/node_modules frontend/dist

## distclean: clean, and DELETE the local SQLite database (asks first)
distclean: clean
	@if [ -e cms.sqlite3 ]; then \
		printf "Delete cms.sqlite3 and everything written to it? [y/N] "; read answer; \
		[ "$$answer" = y ] || { echo "kept cms.sqlite3"; exit 0; }; \
		rm -f cms.sqlite3 cms.sqlite3-*; echo "deleted cms.sqlite3"; fi
