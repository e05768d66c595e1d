# The quick start: `make up` (install, migrate, seed the demo, serve) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# `make up PORT=8080 HOST=0.0.0.0`: where the quick start's server listens.
HOST ?= 127.0.0.1
PORT ?= 8000

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "UnionHub needs Python 3.11+: make $(MAKECMDGOALS) PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

.PHONY: install up test lint
install: $(VENV)/.installed

up: $(VENV)/.installed
	$(VENV)/bin/unionhub up --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: lint
	$(PY) -m pytest
