"""Input no page should have to think about: a NUL character anywhere in a
form or query (PostgreSQL cannot store it in text), and ids in a URL beyond
what the database's integer columns hold. Both are answered 400/404 before any
view runs."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

# The largest value of a PostgreSQL integer (and of our id columns).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: 0 … 2^31−1; anything larger is no page (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max if max is not None else MAX_ID, signed=signed)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def register(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def _refuse_nul_characters():
        if "\x00" in request.path or _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
            abort(400, description=_("The form contained a character we can't store (a NUL character). Nothing was saved."))
