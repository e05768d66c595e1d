# The quick start: `make up` (install, migrate, seed the demo, serve) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# `make up PORT=8080 HOST=0.0.0.0`: where the quick start's server listens.
HOST ?= 127.0.0.1
PORT ?= 8000

# Installs exactly requirements.lock (hashes checked), then the project itself without deps.
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "UnionHub needs Python 3.11+: make $(MAKECMDGOALS) PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

.PHONY: install up test lint lock upgrade-check messages compile-messages console
install: $(VENV)/.installed

up: $(VENV)/.installed
	$(VENV)/bin/unionhub up --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy  # [tool.mypy] in pyproject.toml: strict on the domain packages
	$(VENV)/bin/lint-imports  # [tool.importlinter] in pyproject.toml: the import contracts

# The suite in TEST_WORKERS processes (pytest-xdist), each with its own databases
# (tests/parallel_workers.py); a test file stays in one process, with its module fixtures.
# TEST_WORKERS=0 runs it in this process alone.
TEST_WORKERS ?= 2
test: lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

# Re-resolve requirements.lock from pyproject.toml (after a dependency or cap changes).
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
		--python-version 3.11 --quiet -o requirements.lock

# The newest releases the caps allow, in a scratch virtualenv, through the parity tests and the suite.
upgrade-check: $(VENV)/.installed
	tools/upgrade-check

# The message catalogue (unionhub/i18n.py): extract every message into the template and merge
# it into zh_CN's catalogue; translate the new entries (tests/test_i18n.py lists any left),
# then compile.
LOCALE := unionhub/locale
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output --project=unionhub --version=0.1.0 -o $(LOCALE)/unionhub.pot .
	$(VENV)/bin/pybabel update -i $(LOCALE)/unionhub.pot -d $(LOCALE) -D unionhub -l zh_CN --no-fuzzy-matching

compile-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d $(LOCALE) -D unionhub -l zh_CN

# The browser console (console/, docs/console.md): its build is committed under
# unionhub/static/console/, so `make up` needs no Node; this rebuilds it after a change.
console:
	npm ci --prefix console --no-audit --no-fund --loglevel=error
	npm run --prefix console build
