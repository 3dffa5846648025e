# The two commands: `make run` and `make test`. Everything else supports them.
#
# Installs come from the lock only: uv.lock pins every package (direct and
# transitive) with its sha256 hashes, and `uv sync --locked` refuses to run if
# the lock does not match pyproject.toml. uv itself is pinned with hashes in
# requirements-uv.txt and installed by pip into its own small virtualenv (.uv/),
# so a fresh machine needs nothing but Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV_VENV := .uv
UV := $(UV_VENV)/bin/uv
STAMP := $(VENV)/.synced
# uv never downloads a Python interpreter here; it uses $(PYTHON).
export UV_PYTHON_DOWNLOADS := never
# Python caches the bytecode of what it imports (in .venv and the project) on
# first use; with PYTHONDONTWRITEBYTECODE set in the environment every process
# (server, worker, beat, each test process) would recompile every module it
# imports, about 12 s of CPU each. Compiling all 7,000 files at install instead
# takes longer than the lazy cache.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test setup browser gettext messages lint format check clean bench security fault lock

$(UV): requirements-uv.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 not found)." >&2; exit 1; }
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-uv.txt
	touch $(UV)

# Every package at the locked version with its locked hash; packages not in the
# lock are removed. The project itself is not installed (tool.uv.package = false).
$(STAMP): $(UV) uv.lock pyproject.toml Makefile
	$(UV) sync --locked --extra test --python $(PYTHON)
	touch $(STAMP)

setup: $(STAMP)

# Re-resolve uv.lock after editing pyproject.toml (keeps every other locked
# version). To move a package on: `.uv/bin/uv lock --upgrade-package <name>`.
lock: $(UV)
	$(UV) lock --python $(PYTHON)

# A visible, system-wide step: the browser tests (marker `browser`, and the
# accessibility checks) drive a real headless Chromium through Playwright, which
# is pointed at Debian's /usr/bin/chromium and never downloads a browser. If it
# is missing this installs ONE Debian package, `chromium`, with apt-get (as
# root only); otherwise it stops and says what to install. NO_SYSTEM_INSTALL=1
# never installs anything.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && [ -z "$(NO_SYSTEM_INSTALL)" ]; then \
	    echo "make browser: installing the Debian package 'chromium' (apt-get) for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; \
	  fi; }

# GNU gettext (Debian package `gettext`): translators' tools, and the suite's
# check that extracting the strings again finds nothing untranslated. The
# compiled catalogues (.mo) are committed, so `make run` does not need it.
gettext:
	@command -v xgettext >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && [ -z "$(NO_SYSTEM_INSTALL)" ]; then \
	    echo "make gettext: installing the Debian package 'gettext' (apt-get) for the translation checks..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else \
	    echo "GNU gettext is needed for the translation checks: sudo apt-get install gettext" >&2; exit 1; \
	  fi; }

# After changing a marked string: refresh every catalogue, translate the new
# entries (docs/using.md, "Her language"), then compile; commit the .po and .mo files.
messages: setup gettext
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev $(PY) manage.py makemessages --all --no-obsolete \
	  --ignore=.venv --ignore=.uv --ignore=tests --ignore=bench --ignore=fault --ignore=security \
	  --ignore=var --ignore=staticfiles
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev $(PY) manage.py compilemessages \
	  --ignore=.venv --ignore=.uv

# Quiet set-up (the demo seed's log goes to var/seed-demo.log, shown if it
# fails), so the start-up output ends with the demo accounts (bin/run-all).
run: setup
	mkdir -p var
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev $(PY) manage.py migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev $(PY) manage.py seed_demo > var/seed-demo.log 2>&1 \
	  || { cat var/seed-demo.log; exit 1; }
	DJANGO_SETTINGS_MODULE=survivor_portal.settings.dev bin/run-all

# The suite in TEST_WORKERS processes (pytest-xdist; TEST_WORKERS=0 runs it in
# this one process). 3 on this 2-core machine: the browser tests spend much of
# their time waiting on Chromium, and a third process fills that (measured on
# 2026-11-23: 2 processes 2 min 28 s, 3 processes 2 min 15 s). Tests that talk
# to the broker stay on one process, and the browser tests on two runs of one
# Chromium each (--dist loadgroup, xdist_group marks).
TEST_WORKERS ?= 3
PYTEST_XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)

# pytest exits 5 when it collected no test: that is a failure too, said aloud.
test: setup browser gettext
	@rc=0; $(VENV)/bin/pytest $(PYTEST_XDIST) $(PYTEST_ARGS) || rc=$$?; \
	  if [ $$rc = 5 ]; then echo "FAIL: pytest collected no test" >&2; fi; exit $$rc

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

# ruff, the types (mypy with django-stubs, [tool.mypy] in pyproject.toml), then
# the import contracts (import-linter). CI runs this first; .pre-commit-config.yaml
# runs the same steps before a commit. fault/run.py is checked on its own: it
# shares the module name `run` with bench/run.py (both are scripts run by path).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy fault/run.py
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) $(UV_VENV) var db.sqlite3 staticfiles
