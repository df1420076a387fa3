"""Snubbeltråd (Tripwire): a sales call reluctance self-assessment.

`flask --app app run` serves it; `create_app` is a factory made of small
register_* steps so that tests, the CLI and gunicorn build the same app.

An app that serves or may serve a request (gunicorn, `flask run`, `flask routes`,
`flask shell`, tests, scripts) gets the pages (web/pages.py). The app `flask` builds to run
one of its own commands (`flask score`, `flask db upgrade`, `flask --help` …) does without:
none of them makes a page or a URL, and importing every blueprint made `flask score` take
three times a bare import of Flask and SQLAlchemy (issue 29; README, "Command line")."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

import click
from flask import Flask
from flask.cli import FlaskGroup
from werkzeug.middleware.proxy_fix import ProxyFix

import cli
from assessment import InstrumentError
from assessment.bank import InstrumentBank
from config import configure
from web import extensions, log_redaction


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=_instance_path(test_config), instance_relative_config=True)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    configure(app, test_config)
    register_proxy(app)
    register_instruments(app)
    register_extensions(app)
    if not for_a_command():
        register_pages(app)
    register_cli(app)
    register_logging(app)
    return app


def _instance_path(test_config: Mapping[str, Any] | None) -> str | None:
    # INSTANCE_PATH: the folder for the SQLite file, the development key and report
    # files (default: instance/ beside this file). Tests give each app its own.
    path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def for_a_command() -> bool:
    """Built by `flask` to look up (and run, or list) one of the app's own commands: the
    command line loads the app in its top group's context then. `flask run`, `routes` and
    `shell` load it in their own context, as plugin commands do; gunicorn, tests and scripts
    outside any."""
    context = click.get_current_context(silent=True)
    return context is not None and isinstance(context.command, FlaskGroup)


def register_proxy(app: Flask) -> None:
    # Behind PROXY_COUNT reverse proxies, the client is the address they report
    # (per-client limits would otherwise count everybody as the proxy).
    if app.config["PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])


def register_instruments(app: Flask) -> None:
    # A broken item bank stops start-up here, with one clear line, instead of
    # failing deep inside a request.
    try:
        app.extensions["instrument_bank"] = InstrumentBank.load(app.config["QUESTIONS_DIR"])
    except InstrumentError as exc:
        raise SystemExit(f"Cannot start: the item bank is broken: {exc}") from None


def register_extensions(app: Flask) -> None:
    extensions.init_app(app)


def register_pages(app: Flask) -> None:
    # Deferred (pyproject.toml, per-file-ignores): the blueprints and all that the pages use,
    # only in an app that serves them; see the module's docstring and docs/decisions/0013.
    from web import pages

    pages.register(app)


def register_logging(app: Flask) -> None:
    log_redaction.install(app.logger, logging.getLogger("werkzeug"))


def register_cli(app: Flask) -> None:
    cli.register(app)
