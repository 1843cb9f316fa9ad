# govhall — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/govhall_test
PYTEST_ARGS ?=
# Two workers: the machines have two cores (pytest-xdist gives each its own test database).
PYTEST_WORKERS ?= 2
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: install run serve demo test test-pg e2e lint browser pg-up bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,sim]'
	touch $(STAMP)

install: $(STAMP)

## Serve the demo centre on http://127.0.0.1:8000 (SQLite under var/; Django's debug server,
## the second factor for administrators off). A real centre uses `make serve`.
run: install
	mkdir -p var
	GOVHALL_DEBUG=1 $(BIN)/govhall migrate --noinput
	GOVHALL_DEBUG=1 $(BIN)/govhall demo
	GOVHALL_DEBUG=1 GOVHALL_ADMIN_OTP=0 $(BIN)/govhall run 127.0.0.1:8000

## A county's production server on SQLite under var/: no debug, gunicorn, static files by
## WhiteNoise, no demo data (docs/deployment.md "One box on SQLite"). Plain HTTP on a
## closed network needs GOVHALL_SECURE_COOKIES=0; behind TLS leave it on.
SERVE_ADDR ?= 127.0.0.1:8000
serve: install
	mkdir -p var
	$(BIN)/govhall migrate --noinput
	$(BIN)/govhall collectstatic --noinput -v 0
	$(BIN)/govhall serve $(SERVE_ADDR)

demo: install
	mkdir -p var
	GOVHALL_DEBUG=1 $(BIN)/govhall migrate --noinput
	GOVHALL_DEBUG=1 $(BIN)/govhall demo

## Debian's chromium and a CJK font for the browser tests, gettext for the message catalogue's.
browser:
	@if ! command -v chromium >/dev/null || ! command -v xgettext >/dev/null \
	  || ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m govhall makemigrations --check --dry-run

## The whole suite on SQLite (browser tests included).
test: install browser
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

pg-up:
	@pg_isready -q -h 127.0.0.1 -p 5432 || $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL is not up"; exit 1

## The same suite on PostgreSQL.
test-pg: install browser pg-up
	GOVHALL_DATABASE_URL=$(PG_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

e2e: install browser
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

bench: install pg-up
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var/test
