# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test test-demo-full security lint install install-test clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt requirements-local.txt | $(PY)
	$(PIP) install --quiet -r requirements-local.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-local.txt requirements-test.txt | $(PY)
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

# The test suite's own OpenID Connect provider (tests/oidc, Node.js): pinned by its lock file
tests/oidc/node_modules/.installed: tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test tests/oidc/node_modules/.installed

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

# `btt.devdb` runs a command with DATABASE_URL set: the server in DATABASE_URL when it is set,
# otherwise an embedded PostgreSQL server (from the pinned wheel) with its data in var/postgres,
# started for the command and stopped when it exits.
DEVDB := $(PY) -m btt.devdb
DEMO_ENV = SECRET_KEY=$$(cat var/secret_key) DEBUG=1 ENVIRONMENT_LABEL=Demo

## Development server with demo data on http://$(HOST):$(PORT)
# A background-job worker runs beside the development server (early warning after record
# entries, notifications, the nightly jobs), and stops with it.
run: install var/secret_key
	$(DEMO_ENV) $(DEVDB) sh -c '$(PY) manage.py migrate --no-input && $(PY) manage.py seed_demo --if-empty && { $(PY) manage.py procrastinate worker & exec $(PY) manage.py runserver $(HOST):$(PORT); }'

## Background-job worker (retention, consent reminders, notifications, ...) against the same
## database as `make run`; production: `python manage.py procrastinate worker` with DATABASE_URL
.PHONY: worker
worker: install var/secret_key
	$(DEMO_ENV) $(DEVDB) sh -c '$(PY) manage.py migrate --no-input && exec $(PY) manage.py procrastinate worker'

## Production server (gunicorn, DEBUG off, deploy/serve) on http://$(HOST):$(PORT), demo data
# This machine has no TLS, so here only the https redirect and the Secure cookies are off and
# Django's three checks for them are silenced; everything else is as in production. There a TLS
# proxy sits in front (BEHIND_TLS_PROXY=1) and none of these four variables is set.
SERVE_LOCAL_HTTP = SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 \
	SILENCED_SYSTEM_CHECKS=security.W008,security.W012,security.W016
serve: install var/secret_key
	@echo "make serve: plain http on this machine (no TLS redirect, no Secure cookies); production runs behind a TLS proxy."
	SECRET_KEY=$$(cat var/secret_key) ENVIRONMENT_LABEL=Demo ALLOWED_HOSTS=127.0.0.1,localhost \
	HOST=$(HOST) PORT=$(PORT) $(SERVE_LOCAL_HTTP) $(DEVDB) sh -c '$(PY) manage.py migrate --no-input && DEBUG=1 $(PY) manage.py seed_demo --if-empty && DEBUG=0 exec deploy/serve'

## The whole test suite on PostgreSQL (embedded unless DATABASE_URL is set), with the linters
test: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DATABASE_URL=$${DATABASE_URL:-postgres://localhost/typecheck} $(VENV)/bin/mypy
	$(DEVDB) $(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

## The demo generator's tests at full size (one region); CI runs them as a step of their own
test-demo-full: install-test
	$(DEVDB) $(VENV)/bin/pytest -n 2 -m demo_full

## Static security checks: bandit on our code, pip-audit on the pinned requirements
security: install-test
	$(VENV)/bin/bandit -q -r . -c pyproject.toml
	$(VENV)/bin/pip-audit -r requirements-local.txt --progress-spinner off

lint: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
