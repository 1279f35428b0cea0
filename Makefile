# Editorial archive. `make run` serves it; `make test` tests it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
AXE := node_modules/axe-core/axe.min.js
FOLD := archive/search/fold.so
TALLY := archive/facetindex/libtally.so
PG_URL ?= postgres://postgres@127.0.0.1:5432/archive
# A local, plain-HTTP run on loopback. Production sets its own key and hosts (see README).
RUN_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-run-key-not-for-production-use-0123456789} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} DJANGO_HTTPS=$${DJANGO_HTTPS:-0}

.PHONY: install run serve setup test test-fast test-postgres lint format browser-deps clean bench bench-smoke bench-deps \
	bench-ingest bench-load loadtest loadtest-mixed locktest verify-quotes

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) $(FOLD) $(TALLY)

# The ranking's pair fold in C (archive/search/fold.c); without a C compiler numpy does it.
$(FOLD): archive/search/fold.c
	$(CC) -O2 -fPIC -shared -ffp-contract=off -o $@ $< || \
		echo "No C compiler: search ranks with numpy alone (the same ranks, slower)."

# Facet counts in one pass (archive/facetindex/tally.c); without a C compiler numpy counts.
$(TALLY): archive/facetindex/tally.c
	$(CC) -O2 -fPIC -shared -o $@ $< || \
		echo "No C compiler: facets are counted with numpy alone (the same counts, slower)."

setup: install
	mkdir -p data
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py setup_roles
	$(RUN_ENV) $(BIN)/python manage.py load_archive
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: setup serve

serve:
	$(RUN_ENV) $(BIN)/gunicorn -c config/gunicorn.py

browser-deps: $(AXE)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's Chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
	@command -v java >/dev/null 2>&1 || { \
		echo "Installing Debian's Java runtime for the Nu HTML Checker (vnu.jar)"; \
		apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; }

# axe-core for the accessibility checks and the Nu HTML Checker (vnu.jar), at the versions
# package-lock.json pins.
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing Debian's Node.js and npm for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --no-audit --no-fund
	touch $@

# Style, then the architecture (import-linter contracts in pyproject.toml), then types.
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# On every core (pytest-xdist): each worker has its own test database.
PYTEST := $(BIN)/python -m pytest -q -n auto --dist worksteal

test: install browser-deps lint
	$(PYTEST)

# Every seed quote must be printed in its article: load the fixtures into a scratch database.
VERIFY_DB := data/verify-quotes.sqlite3
verify-quotes: install
	rm -f $(VERIFY_DB)
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(VERIFY_DB) $(BIN)/python manage.py migrate -v0
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(VERIFY_DB) $(BIN)/python manage.py load_archive --no-progress
	DJANGO_DEBUG=1 DATABASE_URL=sqlite:///$(CURDIR)/$(VERIFY_DB) $(BIN)/python manage.py verify_quotes --quiet

test-fast: install
	$(PYTEST) -m "not browser"

test-postgres: install browser-deps
	DATABASE_URL=$(PG_URL) $(PYTEST)

# `make bench ARTICLES=1000000` (or BENCH_ARTICLES) takes another size.
BENCH_ARTICLES ?= $(or $(ARTICLES),100000)

# Benchmark (figures, not pass/fail): a synthetic archive on SQLite and on PostgreSQL.
bench: install bench-deps
	$(BIN)/python scripts/bench.py --articles $(BENCH_ARTICLES) --database sqlite
	$(BIN)/python scripts/bench.py --articles $(BENCH_ARTICLES) --database postgres

# A small run that proves the benchmark itself works (CI).
bench-smoke: install
	$(BIN)/python scripts/bench.py --articles 2000 --database sqlite --rounds 5 --load-seconds 2
	$(BIN)/python scripts/bench.py --articles 2000 --database postgres --rounds 5 --load-seconds 2

# Ingest figures: a 2,000-word report, then 1,000 reports in one command (issue #11).
bench-ingest: install
	$(BIN)/python scripts/bench_ingest.py

# Restore figures: load_archive of an export of 5,000 generated articles (issue #14).
BENCH_LOAD_ARTICLES ?= 5000
bench-load: install
	$(BIN)/python scripts/bench_load.py --articles $(BENCH_LOAD_ARTICLES) --database sqlite
	$(BIN)/python scripts/bench_load.py --articles $(BENCH_LOAD_ARTICLES) --database postgres

bench-deps:
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

# Reliability figures (pass/fail: zero errors): 64 readers for 30 s against gunicorn on
# loopback, then editors saving in the admin while readers browse SQLite (WAL).
loadtest: install
	$(BIN)/python scripts/loadtest.py
	$(BIN)/python scripts/locktest.py

locktest: install
	$(BIN)/python scripts/locktest.py

# Mixed load (figures; fails only on errors): 16 readers each asking pages never asked before,
# while an editor saves a tag change in the admin every 0.5 s, for 20 s, on a generated archive
# (built once, shared with `make bench`), on SQLite then PostgreSQL (MIXED_PG_URL to choose it).
MIXED_ARTICLES ?= 100000
MIXED_ARGS = --mode mixed --generate $(MIXED_ARTICLES) --clients 16 --seconds 20 --server-times
loadtest-mixed: install
	$(BIN)/python scripts/loadtest.py $(MIXED_ARGS) --database sqlite
	$(BIN)/python scripts/loadtest.py $(MIXED_ARGS) --database postgres \
		$(if $(MIXED_PG_URL),--pg-url $(MIXED_PG_URL))

clean:
	rm -rf $(VENV) staticfiles test-artifacts $(FOLD) $(TALLY)
