# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test test-fast test-postgres check serve worker reminder-schedule bench loadtest system-deps translations migrate clean

run: system-deps $(VENV)/.runtime translations migrate
	FLASK_DEBUG=1 $(FLASK) run --host 127.0.0.1 --port $(PORT) --no-reload --no-debugger

# Static checks first (seconds): ruff, and import-linter's architecture contracts (pyproject.toml).
# One test process per core (pytest-xdist); each has its own database schema, Redis and Chromium.
# TEST_PROCESSES=0 runs the suite in this one process.
TEST_PROCESSES ?= auto
test: system-deps $(VENV)/.test translations check
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

# The fast tier: the domain and the reports laid out from it, no app, database or queue
# (tests/domain/, well under a minute). Installs nothing: run `make test` once first.
test-fast:
	$(BIN)/python -m pytest -n 0 -q tests/domain

check: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The whole suite against PostgreSQL (TEST_DATABASE_URL; .ci/run sets it).
test-postgres: system-deps $(VENV)/.test translations check
	@test -n "$$TEST_DATABASE_URL" || { echo "Set TEST_DATABASE_URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres"; exit 2; }
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

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

# Compiled only when the catalog changed, and swapped in whole: tests run `make worker`
# while other test processes read the catalogs, and a rewrite in place let one of them read
# the old or a half-written file.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))
translations: $(CATALOGS)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(BIN)/pybabel compile -i $< -o $@.$$$$.tmp && test -f $@.$$$$.tmp \
	  || { echo "$<: not compiled (pybabel skips a catalog marked fuzzy)"; exit 1; }; mv $@.$$$$.tmp $@

migrate: $(VENV)/.runtime
	FLASK_DEBUG=1 $(FLASK) db upgrade

clean:
	rm -rf $(VENV) instance/report-cache

# Production serving: gunicorn, SECRET_KEY required, migrations applied first.
# WEB_WORKERS and WEB_THREADS size it; the workers share one report server and chart browser
# (reports/report_client.py). MALLOC_ARENA_MAX=2: glibc's default of up to 8 arenas per core lets
# each worker thread keep freed memory of its own (not measured apart;
# bench/investigations/footprint-start-and-pdf-cost.md, "Footprint and cold start").
serve: system-deps $(VENV)/.runtime translations
	@test -n "$$SECRET_KEY" || { echo "make serve needs SECRET_KEY in the environment"; exit 2; }
	$(FLASK) db upgrade
	MALLOC_ARENA_MAX=$${MALLOC_ARENA_MAX:-2} $(BIN)/gunicorn --bind $${BIND:-127.0.0.1:$(PORT)} --workers $${WEB_WORKERS:-2} --threads $${WEB_THREADS:-4} \
	  --timeout 60 --graceful-timeout 20 --keep-alive 5 --access-logfile - 'app:create_app()'

# A report worker for the RQ queue (needs REDIS_URL, and the same DATABASE_URL and JOBS_DIR as the web app).
# SimpleWorker: no fork per job, so the chart browser started by the first job serves the next ones;
# SCHED_IDLE (chrt --idle): PDFs use only CPU that questionnaire pages leave idle on a shared machine.
worker: system-deps $(VENV)/.runtime translations
	@test -n "$$REDIS_URL" || { echo "make worker needs REDIS_URL, e.g. redis://127.0.0.1:6379/0"; exit 2; }
	chrt --idle 0 $(BIN)/rq worker reports --url "$$REDIS_URL" --path . --worker-class rq.worker.SimpleWorker

# RQ's cron scheduler: puts the daily reminder job (worker.send_reminders_job) on the report queue,
# where `make worker` runs it. One is enough; a second one only enqueues a job that sends nothing twice.
reminder-schedule: system-deps $(VENV)/.runtime
	@test -n "$$REDIS_URL" || { echo "make reminder-schedule needs REDIS_URL, e.g. redis://127.0.0.1:6379/0"; exit 2; }
	$(BIN)/rq cron scripts/reminder_cron.py --url "$$REDIS_URL" --path .

# Benchmarks and the load test (bench/): figures printed beside their naive baselines.
bench: system-deps $(VENV)/.bench translations
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

loadtest: system-deps $(VENV)/.bench translations
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

$(VENV)/.bench: requirements-bench.txt requirements-test.txt requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	touch $(VENV)/.runtime $(VENV)/.test $@
