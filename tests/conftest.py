"""Fixtures in the flaskr style: `app`, `client`, `runner`, a live server and
Chromium for browser tests, and a private Redis. Helpers are in the support package.

A run is hermetic: the environment variables that would point at shared state
are removed for the session, every app gets its own instance folder, the run
gets its own PostgreSQL schema (with TEST_DATABASE_URL; otherwise a SQLite
file per test) and, when a test needs one, its own redis-server. The schema
comes from the migrations, so every run also proves that they apply."""

from __future__ import annotations

import os

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import sync_playwright
from redis import Redis

import worker as report_worker
from assessment import load_instrument
from services.db import db

from .support import app as support_app
from .support.answers import varied_answers
from .support.app import make_app
from .support.browser import CHROMIUM, CHROMIUM_ARGS
from .support.coaches import login, make_coach
from .support.forms import Respondent
from .support.live import LiveServer
from .support.mail import Inbox
from .support.paths import QUESTIONS, ROOT
from .support.run_services import (
    SHARED_ENVIRONMENT,
    PostgresSchema,
    RedisServer,
    free_port,
)

REPOSITORY_INSTANCE = ROOT / "instance"


def pytest_sessionstart(session):
    session.config._instance_existed = REPOSITORY_INSTANCE.exists()


def pytest_sessionfinish(session, exitstatus):
    # create_app used to make the repository's instance/ as a side effect of every test.
    if not session.config._instance_existed and REPOSITORY_INSTANCE.exists():
        session.config.get_terminal_writer().line(
            f"FAILED: the test run created {REPOSITORY_INSTANCE}; a test used the real instance folder", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def hermetic_run(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        for name in SHARED_ENVIRONMENT:
            patch.delenv(name, raising=False)
        # For apps made outside make_app: subprocesses (gunicorn, report workers) and restarts.
        patch.setenv("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        # One report server (and chart browser) for all the apps of this test process, as one per host
        # serves make serve's workers; each app's own instance folder would start one per test.
        patch.setenv("REPORT_SERVER_SOCKET", str(tmp_path_factory.mktemp("report-server") / "socket"))
        # The first app's freshly migrated SQLite database, copied for every later app (support_app.make_app).
        support_app.SQLITE_TEMPLATE_DIR = tmp_path_factory.mktemp("migrated-sqlite")
        test_database_url = os.environ.get("TEST_DATABASE_URL")
        if test_database_url:
            with PostgresSchema(test_database_url) as schema:
                support_app.RUN_DATABASE_URL = schema.url
                yield
                support_app.RUN_DATABASE_URL = None
        else:
            yield


@pytest.fixture(scope="session")
def redis_url():
    """A redis-server of this run's own; tests that use it flush it first."""
    with RedisServer() as server:
        yield server.url


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def instrument(app):
    return app.extensions["instrument_bank"].current


@pytest.fixture(scope="module")
def v1_instrument():
    """Instrument v1 from questions/, without an app: what the report tests render
    (tests/support/reports.py report_for)."""
    return load_instrument(QUESTIONS / "v1")


@pytest.fixture
def respondent(client, instrument):
    return Respondent(client, instrument)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def coach(app, client):
    """A logged-in coach's test client (the `client` fixture, logged in). Defined here only:
    tests/test_suite_layout.py fails if a test module defines its own."""
    login(client, *make_coach(app))
    return client


# Shared by the follow-up tests (a finished respondent) and the mail tests (a local
# SMTP server and an app sending to it); once defined in test modules that others imported.
@pytest.fixture
def done(respondent, instrument):
    respondent.start(name="Karin")
    respondent.complete(varied_answers(instrument))
    return respondent


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def inbox(smtp_port):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def mail_app(app, smtp_port):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, SMTP_SECURITY="none",
                      MAIL_FROM="uppfoljning@example.org", PUBLIC_URL="https://tripwire.example.org")
    return app


@pytest.fixture
def queued_app(app, monkeypatch, redis_url):
    """The app with a report queue on the run's own Redis, and the environment a `make worker`
    process gets: the app's database, report cache and jobs folder (worker.py: it must share
    the last two), and no SECRET_KEY (a report worker signs nothing)."""
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    app.config["REDIS_URL"] = redis_url
    for name, value in {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
                        "REPORT_CACHE_DIR": app.config["REPORT_CACHE_DIR"], "JOBS_DIR": app.config["JOBS_DIR"]}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(report_worker, "_app", None)
    yield app, connection
    connection.flushdb()
