"""Extensions are created once here and bound to the app in init_app."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g, request, session
from flask_babel import Babel, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from assessment.bank import InstrumentBank
from reports.i18n import decimal, long_date

LANGUAGES = ("sv", "en")
# Pages (and their JSON and files) that show a person's results or a coach's workshops.
PRIVATE_PATHS = ("/response/", "/coach", "/retake/")


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer commits; the busy timeout makes a
    # second writer wait instead of failing; SQLite enforces foreign keys only
    # when asked, per connection.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def select_locale() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES, default="en")


def init_app(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "coach.login"
    login_manager.session_protection = "strong"
    limiter.init_app(app)

    from .common.links import absolute_url

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        current_lang=lambda: str(get_locale()), first_input_id=first_input_id, absolute_url=absolute_url,
        format_day=lambda day: long_date(day, str(get_locale())),
        format_number=lambda value: decimal(value, str(get_locale())),
    )

    @app.after_request
    def _remember_language_from_query(response):
        # `?lang=` on a page switches the session's language; on a file (a PDF,
        # a CSV, a page waiting for a PDF) it applies to that file only.
        lang = request.args.get("lang")
        if lang in LANGUAGES and response.mimetype == "text/html" and not g.get("language_for_file_only"):
            session["lang"] = lang
        return response

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if request.path.startswith(PRIVATE_PATHS):
            # A person's results and a coach's team must not stay in a shared computer's cache.
            response.headers["Cache-Control"] = "private, no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def language_for_file_only() -> None:
    """Mark this request as serving a file: its `?lang=` is not remembered."""
    g.language_for_file_only = True


def instrument_bank() -> InstrumentBank:
    return current_app.extensions["instrument_bank"]


def first_input_id(field) -> str:
    """Where an error summary link should land: the field, or a group's first radio."""
    return f"{field.id}-0" if field.type == "RadioField" else field.id
