# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test test-postgres serve worker bench loadtest system-deps translations migrate clean

run: system-deps $(VENV)/.runtime translations migrate
	FLASK_DEBUG=1 $(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload --no-debugger

test: system-deps $(VENV)/.test translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole suite against PostgreSQL (TEST_DATABASE_URL; .ci/run sets it).
test-postgres: system-deps $(VENV)/.test translations
	@test -n "$$TEST_DATABASE_URL" || { echo "Set TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres"; exit 2; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

system-deps:
	@scripts/system-deps.sh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements-test.txt requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $(VENV)/.runtime $@

translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d translations

migrate: $(VENV)/.runtime
	FLASK_DEBUG=1 $(FLASK) db upgrade

clean:
	rm -rf $(VENV) instance/report-cache
