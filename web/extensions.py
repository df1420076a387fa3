"""Extensions are created once here. Every app binds the database and the translations in
init_app (a `flask` command's too); an app that serves pages binds the rest in
web/pages.py."""

from __future__ import annotations

import flask_login
from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from services.db import db
from web.language import select_locale


def public_file(view):
    """Mark a view that sends the same public file to everybody (plotly.js, the favicon): like
    the static folder's, its response never uses the session, so it does not vary on the cookie."""
    view.public_file = True
    return view


def serves_a_public_file() -> bool:
    """This request is for the static folder or a view marked public_file."""
    endpoint = request.endpoint or ""
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    return getattr(current_app.view_functions.get(endpoint), "public_file", False)


class LoginManager(flask_login.LoginManager):
    """Flask-Login's, except that a public file's response is left alone.

    Flask-Login's after-request hook looks in every response's session for the flag that a login
    or logout of that same request leaves for the remember-me cookie. Any look at the session
    makes Flask add `Vary: Cookie`, which told every cache that plotly.js and the static files
    differ per visitor, so a shared cache kept one copy per session. A public file logs nobody in
    or out, so there is nothing for the hook to do; every page still gets it, its CSRF token,
    its language and `Vary: Cookie` as before."""

    def _update_remember_cookie(self, response):
        if serves_a_public_file():
            return response
        return super()._update_remember_cookie(response)


csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
