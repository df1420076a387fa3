"""`flask --app app db …`: Flask-Migrate's migration commands (Alembic) on the app's
database. Imported only by `flask db` (cli/__init__.py) and by whatever migrates a database
itself (tests, scripts, benchmarks): Alembic, with the Mako and Pygments it imports, cost
every web process and every other command 0.1–0.2 s of start-up (issue 29)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import ScriptInfo
from flask_migrate import Migrate
from flask_migrate.cli import db as migration_commands

from services.db import db


def enable_migrations(app: Flask) -> None:
    """What `flask db …` and flask_migrate's upgrade() need on an app. Batch mode: SQLite
    alters a table by copying it."""
    if "migrate" not in app.extensions:
        Migrate(app, db, render_as_batch=True)


def db_command(parent: click.Context) -> click.Group:
    """The `db` group, on the app the command line loaded."""
    enable_migrations(parent.ensure_object(ScriptInfo).load_app())
    return migration_commands
