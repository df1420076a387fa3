"""The models' own behaviour, on whichever database the run uses."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import migrate as autogenerate
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from app import create_app
from cli.database import enable_migrations
from services.db import db
from services.models import Coach

from .support.coaches import make_coach
from .support.paths import MIGRATIONS


def test_moments_come_back_timezone_aware_in_utc(app):
    # SQLite gave naive UTC back where PostgreSQL gives aware times: comparing one with the
    # other raises, so five places converted by hand, and a moment stored with another
    # offset was kept on SQLite as if it were UTC.
    make_coach(app)
    with app.app_context():
        coach = db.session.scalar(select(Coach))
        coach.created_at = datetime(2026, 12, 3, 13, 0, tzinfo=timezone(timedelta(hours=1)))
        db.session.commit()
        db.session.expire_all()
        if db.engine.dialect.name == "postgresql":
            # psycopg answers in the server's TimeZone, which Debian takes from the machine's zone
            db.session.execute(text("SET TIME ZONE 'Europe/Stockholm'"))
        moment = db.session.scalar(select(Coach.created_at))
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


def test_the_migrations_build_the_schema_the_models_describe(app):
    # A model changed without a migration (or the reverse) passes every other test on a
    # schema built from the migrations, and breaks the first real upgrade.
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                       db.metadata)
    assert differences == []


def test_a_new_migration_writes_utc_moments_as_plain_sqlalchemy(tmp_path):
    # Autogenerate would write `services.models.UTCDateTime()` into the migration without
    # importing it: the next upgrade stops with a NameError. The migration stores what
    # the type stores, a timezone-aware DateTime.
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for revision in (folder / "versions").glob("*.py"):
        revision.unlink()
    config = {"TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": str(tmp_path / "instance")}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    enable_migrations(app)
    with app.app_context():
        autogenerate(directory=str(folder), message="everything")
    (written,) = (folder / "versions").glob("*.py")
    code = written.read_text()
    assert "UTCDateTime" not in code
    assert "sa.DateTime(timezone=True)" in code
    fresh = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})
    enable_migrations(fresh)
    with fresh.app_context():
        upgrade(directory=str(folder))
        with db.engine.connect() as connection:
            assert "created_at" in {c["name"] for c in inspect(connection).get_columns("coaches")}
