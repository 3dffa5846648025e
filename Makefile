# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test setup browser lint format check clean bench security fault

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 not found)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; \
	  fi; }

run: setup
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev $(PY) manage.py seed_demo
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev bin/run-all

test: setup browser
	$(VENV)/bin/pytest

# Benchmarks with their budgets (PostgreSQL + Redis on their standard local ports).
bench: setup
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
	  || { echo "wrk is needed: sudo apt-get install wrk" >&2; exit 1; }
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} \
	  CELERY_BROKER_URL=$${BENCH_BROKER_URL:-redis://127.0.0.1:6379/12} \
	  BENCH_CACHE_URL=$${BENCH_CACHE_URL:-redis://127.0.0.1:6379/13} $(PY) bench/run.py

# Scripted faults with real workers on PostgreSQL + Redis: lost and doubled texts must be 0.
fault: setup
	$(PY) fault/run.py

# The security figures (access matrix, canaries, forgeries, fuzzing, headers, dump, scan).
security: setup browser
	$(PY) security/report.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles
