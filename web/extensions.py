"""Extensions are created once here. Every app binds the database and the translations in
init_app (a `flask` command's too); an app that serves pages binds the rest in
web/pages.py."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from services.db import db
from web.language import select_locale

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def init_app(app: Flask) -> None:
    db.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
