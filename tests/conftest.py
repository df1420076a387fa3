"""Fixtures in the flaskr style: `app`, `client`, `runner`, plus a live server
for browser tests. The database is real: a fresh SQLite file per test, or the
PostgreSQL named by TEST_DATABASE_URL. The schema comes from the migrations,
so every test run also proves that they apply."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app
from web.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _postgres_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


@pytest.fixture(scope="session")
def postgres_schema_ready():
    """With PostgreSQL: start from an empty database once, migrate it once."""
    if not TEST_DATABASE_URL:
        return None
    engine = create_engine(_postgres_url(TEST_DATABASE_URL))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return "fresh"


def make_app(tmp_path: Path, postgres_state=None, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": (
            _postgres_url(TEST_DATABASE_URL) if TEST_DATABASE_URL else f"sqlite:///{tmp_path / 'test.sqlite'}"
        ),
        "REPORT_CACHE_DIR": str(tmp_path / "report-cache"),
        "JOBS_DIR": str(tmp_path / "jobs"),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    Path(app.instance_path).mkdir(exist_ok=True)
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        if TEST_DATABASE_URL:
            tables = ", ".join(t.name for t in reversed(db.metadata.sorted_tables))
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    return app


@pytest.fixture
def app(tmp_path, postgres_schema_ready):
    app = make_app(tmp_path, postgres_schema_ready)
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


# --- helpers for driving forms as a browser does -----------------------------

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN = re.compile(r'id="shown" name="shown" type="hidden" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html) or re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def checked_answers(html: str) -> dict[str, int]:
    """The radios a page shows as ticked: {item id: value}."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if " checked" in tag and 'type="radio"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            found[name] = int(re.search(r'value="([^"]+)"', tag).group(1))
    return found


def page_fields(html: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(html), "shown": SHOWN.search(html).group(1)}


class Respondent:
    """Takes the questionnaire through the test client."""

    def __init__(self, client, instrument):
        self.client = client
        self.instrument = instrument
        self.token = None

    def start(self, name="", language="en", path="/", data=None):
        page = self.client.get(path)
        reply = self.client.post(
            "/start" if path == "/" else path,
            data={"csrf_token": csrf_of(page.text), "name": name, "language": language, **(data or {})},
        )
        assert reply.status_code == 302, reply.text[:500]
        self.token = reply.location.split("/response/")[1].split("/")[0]
        return reply

    def url(self, suffix=""):
        return f"/response/{self.token}{suffix}"

    def answer_page(self, number, answers, action="next", extra=None):
        page = self.client.get(self.url(f"/page/{number}"))
        assert page.status_code == 200, page.text[:300]
        data = {**page_fields(page.text), "action": action, **{k: str(v) for k, v in answers.items()}, **(extra or {})}
        return self.client.post(self.url(f"/page/{number}"), data=data)

    def complete(self, answers):
        for number, items in enumerate(self.instrument.pages, 1):
            reply = self.answer_page(number, {i.id: answers[i.id] for i in items if i.id in answers})
            assert reply.status_code == 302, reply.text[:500]
        return reply


@pytest.fixture
def instrument(app):
    return app.extensions["instrument_bank"].current


@pytest.fixture
def respondent(client, instrument):
    return Respondent(client, instrument)


# --- a real server for browser tests ----------------------------------------


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


# Browser fixtures are registered here once, so that one Chromium serves the session.
from .browser import browser, page  # noqa: E402,F401
