"""The part of the app that serves pages: CSRF, logins, per-client limits and the security
headers; the template helpers; the request checks; every audience's blueprint; the error pages.

app.py's create_app adds it to every app that serves or may serve a request (gunicorn,
`flask run`, `flask routes`, `flask shell`, tests, scripts) and leaves it out of the app
`flask` builds to run one of its own commands, none of which makes a page or a URL: importing
the blueprints imports what the pages use (the forms, the report queue and Redis, numpy for
the start page's minutes, password strength, QR codes, the coach model …), about 0.4 s of
every command's start (issue 29)."""

from __future__ import annotations

from flask import Flask, request

from services.accounts import load_coach
from web import errors, request_checks, templating
from web.coach.accounts.views import bp as coach_accounts
from web.coach.workshops import downloads, paper, present, views  # noqa: F401  (their routes are on the blueprint)
from web.coach.workshops.blueprint import bp as coach_workshops
from web.extensions import csrf, limiter, login_manager
from web.followup.views import bp as followup
from web.join.views import bp as join
from web.language import remember_language_from_query
from web.questionnaire.views import bp as questionnaire
from web.site import bp as site

BLUEPRINTS = (site, questionnaire, followup, join, coach_accounts, coach_workshops)

# Pages (and their JSON and files) that show a person's results or a coach's workshops.
PRIVATE_PATHS = ("/response/", "/coach", "/retake/")


def register(app: Flask) -> None:
    init_extensions(app)
    templating.init_app(app)
    # Before the blueprints: their <int:…> routes take the bounded id converter.
    request_checks.register(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.register(app)


def init_extensions(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_coach)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    limiter.init_app(app)

    app.after_request(remember_language_from_query)

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
