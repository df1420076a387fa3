"""Snubbeltråd (Tripwire): a sales call reluctance self-assessment.

`flask --app app run` serves it; `create_app` is a factory made of small
register_* steps so that tests, the CLI and gunicorn build the same app."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import cli
from assessment import InstrumentError
from assessment.bank import InstrumentBank
from config import configure
from web import errors, extensions, log_redaction, request_checks, templating
from web.coach.accounts.views import bp as coach_accounts
from web.coach.workshops import downloads, paper, present, views  # noqa: F401  (their routes are on the blueprint)
from web.coach.workshops.blueprint import bp as coach_workshops
from web.followup.views import bp as followup
from web.join.views import bp as join
from web.questionnaire.views import bp as questionnaire
from web.site import bp as site


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=_instance_path(test_config), instance_relative_config=True)
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    configure(app, test_config)
    register_proxy(app)
    register_instruments(app)
    register_extensions(app)
    register_request_checks(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_cli(app)
    register_logging(app)
    return app


def _instance_path(test_config: Mapping[str, Any] | None) -> str | None:
    # INSTANCE_PATH: the folder for the SQLite file, the development key and report
    # files (default: instance/ beside this file). Tests give each app its own.
    path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


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
    templating.init_app(app)


def register_request_checks(app: Flask) -> None:
    # Before the blueprints: their <int:…> routes take the bounded id converter.
    request_checks.register(app)


def register_blueprints(app: Flask) -> None:
    for blueprint in (site, questionnaire, followup, join, coach_accounts, coach_workshops):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    errors.register(app)


def register_logging(app: Flask) -> None:
    log_redaction.install(app.logger, logging.getLogger("werkzeug"))


def register_cli(app: Flask) -> None:
    cli.register(app)
