"""Error pages in the user's language that say what happened."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from reports.chart_error import ChartExportError
from reports.report_client import ReportServerUnavailable
from services.db import db
from web.extensions import login_manager


def _forget_the_database() -> None:
    """Make an error page independent of the database: end the failed
    transaction if the connection still answers, and show the page as to a
    visitor, so that rendering it does not load the coach again."""
    try:
        db.session.rollback()
    except Exception:  # the database may be what failed
        pass
    g._login_user = login_manager.anonymous_user()


def _page(status: int, title: str, message: str):
    if request.accept_mimetypes.best == "application/json" or request.path.endswith(".json"):
        return {"error": title, "message": message}, status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # Not in TRUSTED_HOSTS: no page of ours (its links would name that host).
        return "Unknown host.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _page(
            400,
            _("The form has expired"),
            _("For your security, forms are only accepted from the page they belong to. "
              "Go back, reload the page and send it again. Nothing was saved."),
        )

    @app.errorhandler(400)
    def bad_request(error):
        message = _own_words_or(error, _("We couldn't understand the request. Nothing was saved."))
        return _page(400, _("Something in the form isn't right"), message)

    @app.errorhandler(404)
    def not_found(error):
        message = _own_words_or(error, _("There's no page at this address."))
        return _page(404, _("Page not found"), message)

    @app.errorhandler(403)
    def forbidden(error):
        message = _own_words_or(error, _("You can't do this here."))
        return _page(403, _("Not allowed"), message)

    @app.errorhandler(405)
    def wrong_method(error):
        page, status = _page(405, _("This page can't be used that way"),
                             _("This address takes a form sent from its page, not a link (or the other way round). "
                               "Go back and use the button on the page. Nothing was saved."))
        return page, status, {"Allow": ", ".join(sorted(error.valid_methods or []))}

    @app.errorhandler(409)
    def conflict(error):
        message = _own_words_or(error, _("This can't be done in the state it is in now. Nothing was saved."))
        return _page(409, _("Not possible now"), message)

    @app.errorhandler(413)
    def too_large(error):
        return _page(413, _("Too much data"), _("The form sent far more data than it should. Nothing was saved."))

    @app.errorhandler(429)
    def too_many(error):
        return _page(429, _("Too many attempts"), _("Please wait a minute before you try again."))

    @app.errorhandler(ChartExportError)
    def chart_export_failed(error):
        app.logger.error("PDF charts could not be exported: %s", error)
        return _page(
            503,
            _("We couldn't make the PDF just now"),
            _("We couldn't draw its charts. Your answers are safe. Please try again in a minute; if "
              "it keeps happening, let whoever runs this service know."),
        )

    @app.errorhandler(503)
    def unavailable(error):
        return _page(503, _("Temporarily unavailable"), _("The service is busy. Please try again in a minute."))

    @app.errorhandler(ReportServerUnavailable)
    def report_server_unavailable(error):
        # Asked twice, the host's report server (reports/report_client.py) could not be reached:
        # the PDF is not made in this web worker instead (issue 29), so the same page as a 503.
        app.logger.error("the report server could not make a PDF: %s", error)
        return unavailable(error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unreachable(error):
        # Whatever the request meant to save was not saved: say so, never "your answers are safe".
        app.logger.error("database error on %s %s: %s", request.method, request.path,
                         error.orig if error.orig is not None else error)
        _forget_the_database()
        return _page(
            503,
            _("The service can't reach its database just now"),
            _("What you sent last wasn't saved. Please try again in a few minutes; your private link "
              "still works, and answers saved earlier are kept."),
        )

    @app.errorhandler(500)
    def server_error(error):
        _forget_the_database()
        return _page(500, _("Something went wrong"),
                     _("Something went wrong on our side. What you sent last may not have been "
                       "saved, so please try again."))


def _own_words_or(error: HTTPException, default: str) -> str:
    return error.description if _own_words(error) else default


def _own_words(error: HTTPException) -> bool:
    # Our own abort() calls carry a message for the user; Werkzeug's defaults are English-only.
    return bool(error.description) and error.description != type(error).description
