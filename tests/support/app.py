"""The app on a test's own instance folder and this run's database.
conftest.py sets RUN_DATABASE_URL and SQLITE_TEMPLATE_DIR on this module."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from cli.database import enable_migrations
from services import password_resets
from services.db import db

from .paths import MIGRATIONS

# The run's database: set once by the session fixture in conftest.py (None: a SQLite file per test).
RUN_DATABASE_URL: str | None = None

# A folder of this run's (set by conftest.py): the first SQLite database the migrations build
# is kept there, and every later app gets a copy of it instead of migrating again
# (about 0.25 s per test idle, 0.6-0.9 s on a loaded machine). Each test still has its own file.
SQLITE_TEMPLATE_DIR: Path | None = None


# --- the app ------------------------------------------------------------------


def make_app(tmp_path: Path, **overrides):
    """The app on this test's own instance folder, report cache and job files,
    on this run's database (migrated; emptied for each test on PostgreSQL)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": RUN_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "REPORT_CACHE_DIR": str(tmp_path / "report-cache"),
        "JOBS_DIR": str(tmp_path / "jobs"),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    own_sqlite = None if RUN_DATABASE_URL or "SQLALCHEMY_DATABASE_URI" in overrides else tmp_path / "test.sqlite"
    template = SQLITE_TEMPLATE_DIR / "migrated.sqlite" if SQLITE_TEMPLATE_DIR and own_sqlite else None
    copied = template is not None and template.exists() and _sqlite_copy(template, own_sqlite)
    app = create_app(config)
    enable_migrations(app)  # flask_migrate's upgrade() and downgrade() (tests/test_research.py)
    on_run_database = bool(RUN_DATABASE_URL) and config["SQLALCHEMY_DATABASE_URI"] == RUN_DATABASE_URL
    with app.app_context():
        # The run's PostgreSQL schema is migrated once, by the first app (no test migrates it back).
        if not copied and not (on_run_database and _run_database_migrated):
            upgrade(directory=str(MIGRATIONS))
            _note_migrated(on_run_database)
            if template is not None and not template.exists():
                _sqlite_copy(own_sqlite, template)
        if on_run_database:
            # A previous test's reset mail may still hold a transaction open in its background
            # thread: TRUNCATE would deadlock with it on PostgreSQL.
            password_resets.wait_for_background()
            tables = ", ".join(t.name for t in reversed(db.metadata.sorted_tables))
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
    return app


_run_database_migrated = False


def _note_migrated(on_run_database: bool) -> None:
    global _run_database_migrated
    _run_database_migrated = _run_database_migrated or on_run_database


def _sqlite_copy(source: Path, target: Path) -> bool:
    """A consistent copy through SQLite's backup API (the app writes in WAL mode)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return True
